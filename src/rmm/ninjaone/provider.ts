/**
 * NinjaOne as an RMM provider (src/rmm/provider.ts): Halo keeps its ids in `ninjarmmid`,
 * `ninjarmm_id`, and on tickets `ninja_alert_id` and `ninja_device_id`, its links in `ninja_url`
 * and `ninja_remote_url` (reference/halopsa/NOTES.md §4); its devices' names, serials and
 * timestamps are where reference/ninjaone/NOTES.md §3 says.
 */

import type { RmmFieldKind } from '../snapshot.js';
import type { RmmProvider } from '../provider.js';

export const NINJAONE: RmmProvider = {
  name: 'NinjaOne',
  key: 'ninjaone',
  addressPrefix: 'ninja',
  halo: {
    rmm: 'NinjaOne',
    client: 'ninjarmmid',
    site: 'ninjarmmid',
    asset: 'ninjarmm_id',
    ticketAlert: 'ninja_alert_id',
    ticketDevice: 'ninja_device_id',
    integrationType: 'ninjarmm',
    idKind: 'number',
    links: { device: 'ninja_url', remote: 'ninja_remote_url' },
  },
  devices: {
    // Cloud monitors carry only a systemName and some unmanaged devices only a displayName.
    nameSources: ['displayName', 'systemName', 'dnsName'],
    // A VM reports "None" as its serial and the real one as its BIOS serial; VM hosts carry a service tag.
    serialSources: ['system.serialNumber', 'system.biosSerialNumber', 'serviceTag', 'system.serviceTag'],
    placeholderSerials: [],
    // Epoch seconds (reference/ninjaone/NOTES.md §3).
    timestampKeys: new Set(['created', 'lastContact', 'lastUpdate', 'lastBootTime', 'createTime', 'updateTime', 'logonTime']),
    deviceLink: '{url}/#/deviceDashboard/{id}/overview',
  },
  webhook: { name: 'NinjaOne alert webhook', reason: 'NinjaOne cannot report the registered webhook, so apply sends it every time; PUT /v2/webhook is idempotent' },
};

/** NinjaOne's custom field types (`/v2/device-custom-fields` `type`, open) as field kinds; any other is text. */
const FIELD_KINDS: Readonly<Record<string, RmmFieldKind>> = {
  DATE: 'date',
  DATE_TIME: 'datetime',
  NUMERIC: 'number',
  DECIMAL: 'number',
  CHECKBOX: 'boolean',
  DROPDOWN: 'select',
  MULTI_SELECT: 'multiselect',
  TEXT_MULTILINE: 'memo',
  WYSIWYG: 'memo',
};

export function fieldKindOf(type: string): RmmFieldKind | undefined {
  return FIELD_KINDS[type.toUpperCase()];
}
