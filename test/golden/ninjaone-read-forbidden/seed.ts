/**
 * The standard tenant (kit.ts), but the spec asks NinjaOne only for the management scope, so
 * every read is refused with 403. A failed read must never look like "every device is gone".
 */

import { halo, tenant, type GoldenCase } from '../kit.js';

export default {
  title: 'a NinjaOne read refused with 403 stops the plan and deactivates nothing',
  seed: { ninjaone: tenant(), halo: halo() },
  exitCode: 1,
} satisfies GoldenCase;
