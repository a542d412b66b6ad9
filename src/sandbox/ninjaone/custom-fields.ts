/**
 * Custom field values as the API shows them (reference/ninjaone/NOTES.md §4): only fields whose
 * `apiPermission` allows reading, the per-entity map with optional inheritance, and the cursors
 * behind `/v2/queries/custom-fields` and `/v2/queries/scoped-custom-fields`
 * (`{cursor:{name,offset,count,expires}, results}`).
 */

import type { Random } from '../random.js';
import type { SimClock } from './clock.js';
import type { FieldValues, NinjaStore } from './store.js';
import { seededString } from '../uuid.js';

/** A field is readable unless its definition says NONE or WRITE_ONLY (a value with no definition is shown). */
export function readable(store: NinjaStore, name: string): boolean {
  const permission = store.definition(name)?.apiPermission;
  return permission !== 'NONE' && permission !== 'WRITE_ONLY';
}

/** The readable values of one map, optionally only `only` fields; null values are left out. */
export function visibleValues(store: NinjaStore, values: FieldValues | undefined, only?: ReadonlySet<string>): FieldValues {
  const out: FieldValues = {};
  if (!values) return out;
  for (const [name, value] of Object.entries(values)) {
    if (value === null || value === undefined) continue;
    if (only && !only.has(name)) continue;
    if (readable(store, name)) out[name] = value;
  }
  return out;
}

/** `/v2/device/{id}/custom-fields[?withInheritance=true]`: the device's values, then location's, then organisation's. */
export function deviceFieldMap(store: NinjaStore, deviceId: number, withInheritance: boolean): FieldValues {
  const own = visibleValues(store, store.deviceFields.get(deviceId));
  if (!withInheritance) return own;
  const device = store.devices.get(deviceId)!;
  const location = visibleValues(store, store.locationFields.get(device.locationId));
  const organization = visibleValues(store, store.organizationFields.get(device.organizationId));
  const out: FieldValues = { ...own };
  for (const [name, value] of [...Object.entries(location), ...Object.entries(organization)]) if (!(name in out)) out[name] = value;
  return out;
}

/** Where a custom field value lives (`scope` of `/v2/queries/scoped-custom-fields` rows, spec enum order). */
export type FieldScope = 'NODE' | 'END_USER' | 'LOCATION' | 'ORGANIZATION';

export const FIELD_SCOPES: readonly FieldScope[] = ['NODE', 'END_USER', 'LOCATION', 'ORGANIZATION'];

/** A row of `/v2/queries/custom-fields`. */
export interface DeviceFieldsRow {
  deviceId: number;
  fields: FieldValues;
}

/** A row of `/v2/queries/scoped-custom-fields` (NOTES §4.2). */
export interface ScopedFieldsRow {
  scope: FieldScope;
  entityId: number;
  fields: FieldValues;
}

/** Which query a cursor belongs to: a cursor name is only good for the query that opened it. */
export type CursorKind = 'custom-fields' | 'scoped-custom-fields';

/**
 * A server-side cursor over a snapshot of matching entities. Its `name` stays the same on every
 * page and `offset` advances: a live tenant answered `/v2/queries/*` with the same cursor name
 * across pages (Servosity/msp-skills#179, fixed by comparing offsets in PR #182).
 */
interface Cursor {
  name: string;
  kind: CursorKind;
  size: number;
  /** Renders the entry at an index, with the values as they are now. */
  row: (index: number) => unknown;
  /** Index of the next result to return. */
  position: number;
  pageSize: number;
  expiresAtMs: number;
}

export interface CursorPage<Row = DeviceFieldsRow> {
  cursor: { name: string; offset: number; count: number; expires: number };
  results: Row[];
}

export class CustomFieldCursors {
  readonly #cursors = new Map<string, Cursor>();

  constructor(
    private readonly store: NinjaStore,
    private readonly clock: SimClock,
    private readonly random: Random,
    /** How long a cursor lives after its last use ([unverified]; the capture shows `expires` a few minutes ahead). */
    private readonly ttlSeconds: number,
  ) {}

  /** Opens a `/v2/queries/custom-fields` cursor over the devices that `accept` keeps and that have a value among `fields`, and reads its first page. */
  open(accept: (deviceId: number) => boolean, fields: ReadonlySet<string> | undefined, pageSize: number): CursorPage<DeviceFieldsRow> {
    const ids = this.store.deviceIds.filter((id) => accept(id) && Object.keys(visibleValues(this.store, this.store.deviceFields.get(id), fields)).length > 0);
    // Values are read when a page is, so a change between pages shows on the later page (as a live cursor would).
    return this.#open('custom-fields', ids, (deviceId) => ({ deviceId, fields: visibleValues(this.store, this.store.deviceFields.get(deviceId), fields) }), pageSize);
  }

  /**
   * Opens a `/v2/queries/scoped-custom-fields` cursor: every entity of `scopes` with a readable
   * value among `fields` — by scope in the spec's enum order, then by ascending id ([unverified]
   * real order) — and reads its first page.
   */
  openScoped(scopes: ReadonlySet<FieldScope>, fields: ReadonlySet<string> | undefined, pageSize: number): CursorPage<ScopedFieldsRow> {
    const entries: { scope: FieldScope; entityId: number }[] = [];
    for (const scope of FIELD_SCOPES) {
      if (!scopes.has(scope)) continue;
      const source = this.#scopeSource(scope);
      if (!source) continue;
      for (const entityId of source.ids) {
        if (Object.keys(visibleValues(this.store, source.values.get(entityId), fields)).length > 0) entries.push({ scope, entityId });
      }
    }
    return this.#open('scoped-custom-fields', entries, ({ scope, entityId }) => ({ scope, entityId, fields: visibleValues(this.store, this.#scopeSource(scope)?.values.get(entityId), fields) }), pageSize);
  }

  /** The next page of an open cursor of `kind`; undefined when the name is unknown, has expired or belongs to the other query. */
  next<Row = DeviceFieldsRow>(name: string, pageSize: number | undefined, kind: CursorKind = 'custom-fields'): CursorPage<Row> | undefined {
    this.#sweep();
    const cursor = this.#cursors.get(name);
    if (!cursor || cursor.kind !== kind) return undefined;
    return this.#page(cursor, pageSize ?? cursor.pageSize) as CursorPage<Row>;
  }

  #open<Entry, Row>(kind: CursorKind, entries: readonly Entry[], render: (entry: Entry) => Row, pageSize: number): CursorPage<Row> {
    this.#sweep();
    const name = seededString(this.random, 32, 'abcdef0123456789');
    const cursor: Cursor = { name, kind, size: entries.length, row: (index) => render(entries[index]!), position: 0, pageSize, expiresAtMs: 0 };
    this.#cursors.set(name, cursor);
    return this.#page(cursor, pageSize) as CursorPage<Row>;
  }

  #scopeSource(scope: FieldScope): { ids: readonly number[]; values: Map<number, FieldValues> } | undefined {
    switch (scope) {
      case 'NODE':
        return { ids: this.store.deviceIds, values: this.store.deviceFields };
      case 'LOCATION':
        return { ids: this.store.locationIds, values: this.store.locationFields };
      case 'ORGANIZATION':
        return { ids: this.store.organizationIds, values: this.store.organizationFields };
      case 'END_USER':
        // The simulator has no end users.
        return undefined;
    }
  }

  #page(cursor: Cursor, pageSize: number): CursorPage<unknown> {
    const offset = cursor.position;
    const end = Math.min(cursor.size, offset + pageSize);
    const results: unknown[] = [];
    for (let i = offset; i < end; i++) results.push(cursor.row(i));
    cursor.position = end;
    cursor.expiresAtMs = this.clock.nowMs() + this.ttlSeconds * 1000;
    return { cursor: { name: cursor.name, offset, count: results.length, expires: cursor.expiresAtMs / 1000 }, results };
  }

  #sweep(): void {
    const now = this.clock.nowMs();
    for (const [name, cursor] of this.#cursors) if (cursor.expiresAtMs <= now) this.#cursors.delete(name);
  }
}
