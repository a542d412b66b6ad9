/** The standard tenant (kit.ts), applied; then NinjaOne answers with no devices at all. */

import { applyFirst, halo, tenant, type GoldenCase } from '../kit.js';

export default {
  title: 'NinjaOne returning no devices deactivates nothing',
  seed: { ninjaone: tenant(), halo: halo() },
  exitCode: 0,
  async prepare(sandbox, haloform) {
    await applyFirst(haloform);
    for (const device of sandbox.data.ninjaone.devices) sandbox.ninjaone.control.deleteDevice(device.id);
  },
} satisfies GoldenCase;
