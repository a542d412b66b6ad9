/**
 * The standard tenant (kit.ts), applied; then every Fabrikam device (21–24) disappears from
 * NinjaOne — 4 of 10 managed assets, more than the 10% haloform deactivates without being told.
 */

import { applyFirst, halo, tenant, type GoldenCase } from '../kit.js';

export default {
  title: 'more than 10% of managed assets to deactivate stops the plan (mass-deactivation guard)',
  seed: { ninjaone: tenant(), halo: halo() },
  exitCode: 1,
  async prepare(sandbox, haloform) {
    await applyFirst(haloform);
    for (const id of [21, 22, 23, 24]) sandbox.ninjaone.control.deleteDevice(id);
  },
} satisfies GoldenCase;
