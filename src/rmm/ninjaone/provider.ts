/** NinjaOne as an RMM provider (src/rmm/provider.ts): Halo keeps its ids in `ninjarmmid`, `ninjarmm_id`, and on tickets `ninja_alert_id` and `ninja_device_id` (reference/halopsa/NOTES.md §4). */

import type { RmmProvider } from '../provider.js';

export const NINJAONE: RmmProvider = {
  name: 'NinjaOne',
  halo: { client: 'ninjarmmid', site: 'ninjarmmid', asset: 'ninjarmm_id', ticketAlert: 'ninja_alert_id', ticketDevice: 'ninja_device_id', integrationType: 'ninjarmm' },
};
