/** The standard tenant (kit.ts), applied; then CON-WH-PC01 (device 15) moves to Fabrikam Inc's Head Office in NinjaOne. */

import { applyFirst, halo, tenant, type GoldenCase } from '../kit.js';

export default {
  title: 'a device moved to another organisation in NinjaOne moves its asset to the other client',
  seed: { ninjaone: tenant(), halo: halo() },
  exitCode: 2,
  async prepare(sandbox, haloform) {
    await applyFirst(haloform);
    sandbox.ninjaone.control.updateDevice(15, { organizationId: 2, locationId: 3 });
  },
} satisfies GoldenCase;
