/** As mass-deactivation (4 of 10 devices gone), planned with --allow-mass-deactivate. */

import { applyFirst, halo, tenant, type GoldenCase } from '../kit.js';

export default {
  title: 'a mass deactivation goes ahead with --allow-mass-deactivate, with a warning',
  seed: { ninjaone: tenant(), halo: halo() },
  args: ['--allow-mass-deactivate'],
  exitCode: 2,
  async prepare(sandbox, haloform) {
    await applyFirst(haloform);
    for (const id of [21, 22, 23, 24]) sandbox.ninjaone.control.deleteDevice(id);
  },
} satisfies GoldenCase;
