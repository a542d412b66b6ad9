/**
 * Every kind of POST body haloform sends to Halo, one example each, in the shape the Halo client
 * will write them (DESIGN.md §3–§5). The contract test holds each to Halo's swagger and to the
 * simulator; the Halo client's tests can reuse them. Ids refer to the fixtures' smallSeed.
 */

export interface RequestShape {
  name: string;
  method: 'POST';
  path: string;
  body: unknown;
  /** The status the simulator answers. */
  status: number;
}

export const HALO_REQUEST_SHAPES: readonly RequestShape[] = [
  { name: 'client create (adopting a NinjaOne organisation)', method: 'POST', path: '/api/Client', status: 201,
    body: [{ name: 'Northwind', toplevel_id: 1, ninjarmmid: 701, newclient_sitename: 'Head Office' }] },
  { name: 'client update (stamp the organisation id)', method: 'POST', path: '/api/Client', status: 201, body: [{ id: 12, ninjarmmid: 501 }] },
  { name: 'client deactivate', method: 'POST', path: '/api/Client', status: 201, body: [{ id: 12, inactive: true }] },
  { name: 'site create', method: 'POST', path: '/api/Site', status: 201, body: [{ name: 'Annex', client_id: 12, ninjarmmid: 602 }] },
  { name: 'site update', method: 'POST', path: '/api/Site', status: 201, body: [{ id: 33, name: 'HQ', ninjarmmid: 601, inactive: false }] },
  { name: 'asset create', method: 'POST', path: '/api/Asset', status: 201,
    body: [{
      client_id: 12, site_id: 33, assettype_id: 4, inventory_number: 'LAPTOP-047', inactive: false, ninjarmm_id: 9047,
      fields: [{ id: 117, value: '5CG1234XYZ' }, { id: 118, value: 'EliteBook 840' }], users: [{ id: 44 }], _dontaddnewfields: true,
    }] },
  { name: 'asset batch update (fields by name, users, deactivate)', method: 'POST', path: '/api/Asset', status: 201,
    body: [
      { id: 1001, inventory_number: 'LAPTOP-001', fields: [{ name: 'Serial Number', value: 'SN-1' }, { name: 'Model', value: 'XPS 13' }], users: [{ id: 44 }], _dontaddnewfields: true },
      { id: 1002, inactive: true },
    ] },
  { name: 'asset type create with fields', method: 'POST', path: '/api/AssetType', status: 201,
    body: [{ name: 'Network Device', assetgroup_id: 1, fields: [{ field_id: 117, sequence: 1 }, { field_id: 118, sequence: 2 }] }] },
  { name: 'asset type layout update', method: 'POST', path: '/api/AssetType', status: 201, body: [{ id: 5, fields: [{ field_id: 117 }, { field_id: 119 }] }] },
  { name: 'asset field create', method: 'POST', path: '/api/Field', status: 201, body: [{ name: 'Last Logged In User' }] },
  { name: 'add a field to all asset types', method: 'POST', path: '/api/Field/AddFieldToAll/119', status: 200, body: undefined },
  { name: 'alert ticket create (General User)', method: 'POST', path: '/api/Tickets', status: 201,
    body: [{
      summary: 'Disk C: low on LAPTOP-001', details_html: '<p>5% free</p>', tickettype_id: 21, client_id: 12, site_id: 33, usertype: 1,
      priority_id: 2, assets: [{ id: 1001 }], ninja_alert_id: 'series-uid-1', ninja_device_id: 9001, third_party_id_string: 'haloform:series-uid-1',
      source: -9, dont_do_rules: false, donotapplytemplateintheapi: true,
    }] },
  { name: 'alert ticket create (the asset\'s user)', method: 'POST', path: '/api/Tickets', status: 201,
    body: [{ summary: 'CPU high on LAPTOP-001', details: '95% for 10 minutes', tickettype_id: 21, client_id: 12, site_id: 33, user_id: 44, assets: [{ id: 1001 }], ninja_alert_id: 'series-uid-2' }] },
  { name: 'ticket close', method: 'POST', path: '/api/Tickets', status: 201, body: [{ id: 1, status_id: 9 }] },
  { name: 'action (private note)', method: 'POST', path: '/api/Actions', status: 201,
    body: [{ ticket_id: 1, outcome_id: 7, note_html: '<p>Alert reset in NinjaOne</p>', hiddenfromuser: true }] },
  { name: 'action that closes', method: 'POST', path: '/api/Actions', status: 201, body: [{ ticket_id: 1, outcome_id: 7, note: 'Alert reset', hiddenfromuser: true, new_status: 9 }] },
  { name: 'control: asset tag must be unique', method: 'POST', path: '/api/Control', status: 201, body: [{ allowduplicateinv: false }] },
];
