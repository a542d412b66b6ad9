/** The standard tenant (kit.ts), applied; then FAB-PC02 (device 22) is deleted in NinjaOne — 1 of 10 managed assets. */

import { applyFirst, halo, tenant, type GoldenCase } from '../kit.js';

export default {
  title: 'a device deleted in NinjaOne deactivates its asset',
  seed: { ninjaone: tenant(), halo: halo() },
  exitCode: 2,
  async prepare(sandbox, haloform) {
    await applyFirst(haloform);
    sandbox.ninjaone.control.deleteDevice(22);
  },
} satisfies GoldenCase;
