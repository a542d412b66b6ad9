/** The standard tenant (kit.ts); NinjaOne answers every device list with a 500, retries included. */

import { halo, tenant, type GoldenCase } from '../kit.js';

export default {
  title: 'a NinjaOne read failing with 500 after the retries stops the plan and deactivates nothing',
  seed: { ninjaone: tenant(), halo: halo() },
  faults: { ninjaone: [{ route: '/v2/devices-detailed', errorRate: 1 }] },
  exitCode: 1,
} satisfies GoldenCase;
