/** The standard tenant (kit.ts) into a Halo with the stock asset types and nothing else. */

import { halo, tenant, type GoldenCase } from '../kit.js';

export default {
  title: 'a first import into an empty Halo creates every client, site, asset type and asset',
  seed: { ninjaone: tenant(), halo: halo() },
  exitCode: 2,
} satisfies GoldenCase;
