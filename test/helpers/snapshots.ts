/**
 * Snapshots straight from a sandbox seed, for unit tests of the pure model (no HTTP). End-to-end
 * tests read the same data through the real clients and the simulators instead.
 */

import { HALO_FIELD_TYPE_CODES } from '../../src/halo/field-types.js';
import type { HaloSnapshot } from '../../src/halo/types.js';
import { fieldKindOf, NINJAONE } from '../../src/rmm/ninjaone/provider.js';
import type { NinjaSnapshot } from '../../src/rmm/ninjaone/types.js';
import type { Seed } from '../../src/sandbox/seed.js';

export function snapshotsFromSeed(seed: Seed, webUrl = 'https://eu.ninjarmm.com'): { ninja: NinjaSnapshot; halo: HaloSnapshot } {
  const n = seed.ninjaone;
  const h = seed.halo;
  const sitesById = new Map(h.sites.map((s) => [s.id, s]));
  const ninja: NinjaSnapshot = {
    provider: NINJAONE,
    webUrl,
    organizations: n.organizations.map((o) => ({ id: o.id, name: o.name })),
    locations: n.locations.map((l) => ({ id: l.id, organizationId: l.organizationId, name: l.name })),
    devices: n.devices.map((d) => ({
      id: d.id,
      organizationId: d.organizationId,
      locationId: d.locationId,
      nodeClass: d.nodeClass,
      ...(typeof d.displayName === 'string' ? { displayName: d.displayName } : {}),
      record: d,
    })),
    customFields: new Map(
      Object.entries(n.customFields).map(([id, fields]) => [
        Number(id),
        Object.fromEntries(Object.entries(fields).filter(([name]) => n.customFieldDefinitions.find((f) => f.name === name)?.apiPermission !== 'NONE')),
      ]),
    ),
    organizationCustomFields: new Map(Object.entries(n.organizationCustomFields ?? {}).map(([id, fields]) => [Number(id), fields])),
    locationCustomFields: new Map(Object.entries(n.locationCustomFields ?? {}).map(([id, fields]) => [Number(id), fields])),
    customFieldDefinitions: new Map(
      n.customFieldDefinitions.map((f) => [f.name, { name: f.name, type: f.type, ...(fieldKindOf(f.type) ? { kind: fieldKindOf(f.type)! } : {}), options: new Map((f.content?.values ?? []).map((o) => [o.id, o.name])) }]),
    ),
    problems: [],
  };
  const halo: HaloSnapshot = {
    topLevels: h.topLevels.map((t) => ({ ...t })),
    clients: h.clients.map((c) => ({
      id: c.id,
      name: c.name,
      topLevelId: c.toplevel_id,
      inactive: c.inactive,
      ...(c.main_site_id !== undefined ? { mainSiteId: c.main_site_id } : {}),
      ...(c.ninjarmmid !== undefined ? { rmmId: c.ninjarmmid } : {}),
    })),
    sites: h.sites.map((s) => ({ id: s.id, name: s.name ?? '', clientId: s.client_id, inactive: s.inactive, ...(s.ninjarmmid !== undefined ? { rmmId: s.ninjarmmid } : {}) })),
    users: h.users.map((u) => ({
      id: u.id,
      name: u.name,
      ...(u.login ? { login: u.login } : {}),
      ...(u.emailaddress ? { email: u.emailaddress } : {}),
      siteId: u.site_id,
      clientId: sitesById.get(u.site_id)?.client_id,
      inactive: u.inactive,
      isGeneralUser: u.isgeneraluser === true,
    })),
    assetGroups: h.assetGroups.map((g) => ({ ...g })),
    fields: h.fields.map((f) => ({
      id: f.id,
      name: f.name,
      type: HALO_FIELD_TYPE_CODES[f.type ?? -1] ?? ((f.values?.length ?? 0) > 0 ? 'select' : 'text'),
      typeKnown: f.type !== undefined || (f.values?.length ?? 0) > 0,
      options: (f.values ?? []).map((o) => ({ ...o })),
    })),
    assetTypes: h.assetTypes.map((t) => ({ id: t.id, name: t.name, assetGroupId: t.assetgroup_id, fieldIds: [...t.field_ids] })),
    assets: h.assets.map((a) => ({
      id: a.id,
      ...(a.inventory_number !== undefined ? { inventoryNumber: a.inventory_number } : {}),
      clientId: a.client_id,
      siteId: a.site_id,
      assetTypeId: a.assettype_id,
      inactive: a.inactive,
      ...(a.ninjarmm_id !== undefined ? { rmmId: a.ninjarmm_id } : {}),
      fields: new Map(a.fields.map((f) => [f.id, f.value])),
      customFields: new Map((a.customfields ?? []).map((f) => [f.id, f.value])),
      userIds: [...a.user_ids],
      properties: { ...(a.notes !== undefined ? { notes: a.notes } : {}), ...(a.warranty_end !== undefined ? { warranty_end: a.warranty_end } : {}) },
    })),
    ticketTypes: h.ticketTypes.map((t) => ({ id: t.id, name: t.name })),
    settings: { assetTagMustBeUnique: !h.control.allowduplicateinv },
    customFields: (h.customFieldDefinitions ?? []).map((f) => ({
      id: f.id,
      name: f.name,
      label: f.label,
      type: HALO_FIELD_TYPE_CODES[f.type] ?? 'text',
      typeKnown: HALO_FIELD_TYPE_CODES[f.type] !== undefined,
      options: (f.values ?? []).map((o) => ({ ...o })),
    })),
    problems: [],
  };
  return { ninja, halo };
}
