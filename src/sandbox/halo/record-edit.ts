/**
 * Direct edits of stored records for the control API (`PATCH /_sandbox/{resource}/{id}`): the test's
 * hand, not Halo's rules — no uniqueness or workflow checks — but every key and type is checked and
 * references must exist, so the store stays coherent. Keys are the state's (seed) names.
 */

import type { HaloResourceName } from './records.js';
import type { HaloStore } from './store.js';

type Kind = 'string' | 'int' | 'bool' | 'ints' | 'fieldValues' | 'customfields' | 'assetCustomfields' | 'options' | 'statusType';

interface KeySpec {
  kind: Kind;
  /** The table an id (or each id of `ints`) must exist in. */
  ref?: HaloResourceName;
  /** May be removed with null. */
  optional?: boolean;
  /** `-1`, Halo's "none", is allowed without a record behind it (a stock asset's client, a user on no site). */
  none?: boolean;
}

const str = (optional = true): KeySpec => ({ kind: 'string', optional });
const int = (ref?: HaloResourceName, optional = false): KeySpec => (ref ? { kind: 'int', ref, optional } : { kind: 'int', optional });
/** An id that may be -1 (none). */
const intOrNone = (ref: HaloResourceName): KeySpec => ({ kind: 'int', ref, none: true });
const bool: KeySpec = { kind: 'bool' };
const custom: KeySpec = { kind: 'customfields', optional: true };
const options: KeySpec = { kind: 'options', optional: true };

/** Datto RMM's identity fields (resources/common.ts DattoIdentity). */
const DATTO: Record<string, KeySpec> = { datto_id: str(), datto_alternate_id: int(undefined, true), datto_url: str() };

const SPECS: Record<HaloResourceName, Record<string, KeySpec>> = {
  topLevels: { name: str(false) },
  clients: {
    name: str(false), toplevel_id: int('topLevels', true), inactive: bool, main_site_id: int('sites', true), ninjarmmid: int(undefined, true), ...DATTO,
    notes: str(), colour: str(), website: str(), domain: str(), customfields: custom, datecreated: str(false),
  },
  sites: {
    name: str(), client_id: int('clients'), inactive: bool, ninjarmmid: int(undefined, true), ...DATTO, phonenumber: str(), timezone: str(),
    notes: str(), customfields: custom, datecreated: str(false),
  },
  users: {
    name: str(false), firstname: str(), surname: str(), emailaddress: str(), login: str(), site_id: intOrNone('sites'), inactive: bool,
    isgeneraluser: { kind: 'bool', optional: true }, isserviceaccount: { kind: 'bool', optional: true }, title: str(), phonenumber: str(),
    mobilenumber: str(), azureoid: str(), third_party_id: str(), notes: str(), customfields: custom, datecreated: str(false),
  },
  assetGroups: { name: str(false) },
  fields: { name: str(false), type: int(undefined, true), lookup: int(undefined, true), values: options },
  customFieldDefinitions: { name: str(false), label: str(false), type: int(), values: options },
  assetTypes: { name: str(false), assetgroup_id: int('assetGroups'), field_ids: { kind: 'ints', ref: 'fields' }, keyfield_id: int('fields', true) },
  assets: {
    inventory_number: str(), client_id: intOrNone('clients'), site_id: intOrNone('sites'), assettype_id: int('assetTypes'), inactive: bool,
    fields: { kind: 'fieldValues' }, user_ids: { kind: 'ints', ref: 'users' }, ninjarmm_id: int(undefined, true), notes: str(),
    warranty_start: str(), warranty_end: str(), labour_warranty_start: str(), labour_warranty_end: str(), supplier_purchasedate: str(),
    commissiondate: str(), ninja_url: str(), ninja_remote_url: str(), ...DATTO, datto_site_uid: str(), datto_remote_url: str(), third_party_id: int(undefined, true),
    customfields: { kind: 'assetCustomfields', optional: true }, datecreated: str(false), last_modified: str(false),
  },
  ticketTypes: { name: str(false), initial_status: int('statuses', true), default_priority: int('priorities', true) },
  statuses: { name: str(false), type: { kind: 'statusType' } },
  outcomes: { outcome: str(false) },
  priorities: { name: str(false), slaid: int('slas', true) },
  slas: { name: str(false) },
  teams: { name: str(), inactive: { kind: 'bool', optional: true }, department_id: int(undefined, true) },
  agents: { name: str(false), email: str(), isdisabled: bool, team: str() },
  categories: { value: str(), type_id: int(), category_name: str() },
  tickets: {
    summary: str(false), details: str(), details_html: str(), tickettype_id: int('ticketTypes'), status_id: int('statuses'),
    priority_id: int('priorities', true), client_id: int('clients', true), site_id: int('sites', true), user_id: int('users', true),
    agent_id: int(undefined, true), team: str(), sla_id: int('slas', true), category_1: str(), categoryid_1: int('categories', true), source: int(undefined, true), asset_ids: { kind: 'ints', ref: 'assets' },
    ninja_alert_id: str(), ninja_device_id: int(undefined, true), ninja_alert_type: str(), third_party_id: int(undefined, true),
    third_party_id_string: str(), customfields: custom, dateoccurred: str(false), datecreated: str(false), lastactiondate: str(false),
    dateclosed: str(), hasbeenclosed: bool,
  },
  actions: {
    ticket_id: int('tickets'), outcome_id: int('outcomes'), who_agentid: int(), note: str(), note_html: str(), hiddenfromuser: bool,
    new_status: int('statuses', true), datetime: str(false),
  },
};

/** The tables `PATCH /_sandbox/{resource}/{id}` edits, by their state names. */
export const RESOURCE_NAMES: readonly HaloResourceName[] = Object.keys(SPECS) as HaloResourceName[];

/** The resource names the control API accepts: `assetTypes`, `asset-types`, `assettypes` all work. */
export function resourceName(text: string): HaloResourceName | undefined {
  const wanted = text.replace(/[-_]/g, '').toLowerCase();
  return (Object.keys(SPECS) as HaloResourceName[]).find((name) => name.toLowerCase() === wanted);
}

/**
 * Applies `changes` to record `id` of `resource`; returns the saved record, or throws a TypeError
 * (unknown key, wrong type, missing reference) or RangeError (no such record) whose message names the field.
 */
export function editRecord(store: HaloStore, resource: HaloResourceName, id: number, changes: Record<string, unknown>): unknown {
  const table = store.table(resource);
  const row = table.get(id);
  if (!row) throw new RangeError(`${resource} has no record with id ${id}`);
  const specs = SPECS[resource];
  const next: Record<string, unknown> = { ...row };
  for (const [key, value] of Object.entries(changes)) {
    if (key === 'id') {
      if (value !== id) throw new TypeError(`${resource}.id cannot be changed (the record is ${id}, the body says ${JSON.stringify(value)})`);
      continue;
    }
    const spec = specs[key];
    if (!spec) throw new TypeError(`unknown field "${key}" for ${resource}; known fields: ${Object.keys(specs).join(', ')}`);
    if (value === null) {
      if (!spec.optional) throw new TypeError(`${resource}.${key} cannot be null`);
      delete next[key];
      continue;
    }
    next[key] = checked(store, `${resource}.${key}`, spec, value);
  }
  table.put(next as { id: number });
  return structuredClone(next);
}

function checked(store: HaloStore, name: string, spec: KeySpec, value: unknown): unknown {
  const refExists = (id: number, what: string) => {
    if (spec.none && id === -1) return;
    if (spec.ref && !store.table(spec.ref).get(id)) throw new TypeError(`${what} refers to ${spec.ref} ${id}, which does not exist`);
  };
  switch (spec.kind) {
    case 'string':
      if (typeof value !== 'string') throw new TypeError(`${name} must be a string, got ${JSON.stringify(value)}`);
      return value;
    case 'bool':
      if (typeof value !== 'boolean') throw new TypeError(`${name} must be true or false, got ${JSON.stringify(value)}`);
      return value;
    case 'int':
      if (!Number.isInteger(value)) throw new TypeError(`${name} must be an integer, got ${JSON.stringify(value)}`);
      refExists(value as number, name);
      return value;
    case 'statusType':
      if (value !== 'open' && value !== 'closed') throw new TypeError(`${name} must be "open" or "closed", got ${JSON.stringify(value)}`);
      return value;
    case 'ints':
      if (!Array.isArray(value) || !value.every((v) => Number.isInteger(v))) throw new TypeError(`${name} must be an array of integers, got ${JSON.stringify(value)}`);
      value.forEach((v, i) => refExists(v as number, `${name}[${i}]`));
      return [...value];
    case 'options':
      if (!Array.isArray(value)) throw new TypeError(`${name} must be an array of {id, name}, got ${JSON.stringify(value)}`);
      return value.map((entry, i) => {
        const { id, name: label } = (entry ?? {}) as { id?: unknown; name?: unknown };
        if (!Number.isInteger(id) || typeof label !== 'string') throw new TypeError(`${name}[${i}] must be an object {id, name} with an integer id, got ${JSON.stringify(entry)}`);
        return { id: id as number, name: label };
      });
    case 'fieldValues':
    case 'customfields':
    case 'assetCustomfields':
      if (!Array.isArray(value)) throw new TypeError(`${name} must be an array of {id, value}, got ${JSON.stringify(value)}`);
      return value.map((entry, i) => {
        if (entry === null || typeof entry !== 'object' || !Number.isInteger((entry as { id?: unknown }).id)) {
          throw new TypeError(`${name}[${i}] must be an object {id, value} with an integer id, got ${JSON.stringify(entry)}`);
        }
        const { id, value: v, name: label } = entry as { id: number; value?: unknown; name?: unknown };
        if (spec.kind === 'fieldValues') {
          if (!store.fields.get(id)) throw new TypeError(`${name}[${i}].id refers to field ${id}, which does not exist`);
          return { id, value: v ?? null };
        }
        if (spec.kind === 'assetCustomfields') {
          if (!store.customFieldDefinitions.get(id)) throw new TypeError(`${name}[${i}].id refers to custom field ${id}, which does not exist`);
          return { id, value: v ?? null };
        }
        return typeof label === 'string' ? { id, name: label, value: v ?? null } : { id, value: v ?? null };
      });
  }
}
