/** NinjaOne as an RMM provider (src/rmm/provider.ts): Halo keeps its ids in `ninjarmmid` and `ninjarmm_id` (reference/halopsa/NOTES.md §4). */

import type { RmmProvider } from '../provider.js';

export const NINJAONE: RmmProvider = {
  name: 'NinjaOne',
  halo: { client: 'ninjarmmid', site: 'ninjarmmid', asset: 'ninjarmm_id' },
};
