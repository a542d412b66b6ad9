/** The standard tenant (kit.ts), applied, and nothing changed since. */

import { applyFirst, halo, tenant, type GoldenCase } from '../kit.js';

export default {
  title: 'a plan right after apply has no changes',
  seed: { ninjaone: tenant(), halo: halo() },
  exitCode: 0,
  async prepare(_sandbox, haloform) {
    await applyFirst(haloform);
  },
} satisfies GoldenCase;
