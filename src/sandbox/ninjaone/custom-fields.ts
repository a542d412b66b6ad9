/**
 * Custom field values as the API shows them (reference/ninjaone/NOTES.md §4): only fields whose
 * `apiPermission` allows reading, the per-entity map with optional inheritance, and the cursor
 * behind `/v2/queries/custom-fields` (`{cursor:{name,offset,count,expires}, results}`).
 */

import type { Random } from '../random.js';
import type { SimClock } from './clock.js';
import type { FieldValues, NinjaStore } from './store.js';
import { seededString } from './uuid.js';

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

/**
 * A server-side cursor over a snapshot of matching device ids. Its `name` stays the same on every
 * page and `offset` advances: a live tenant answered `/v2/queries/*` with the same cursor name
 * across pages (Servosity/msp-skills#179, fixed by comparing offsets in PR #182).
 */
interface Cursor {
  name: string;
  ids: number[];
  /** Index of the next result to return. */
  position: number;
  fields?: ReadonlySet<string>;
  pageSize: number;
  expiresAtMs: number;
}

export interface CursorPage {
  cursor: { name: string; offset: number; count: number; expires: number };
  results: { deviceId: number; fields: FieldValues }[];
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

  /** Opens a cursor over the devices that `accept` keeps and that have a value among `fields`, and reads its first page. */
  open(accept: (deviceId: number) => boolean, fields: ReadonlySet<string> | undefined, pageSize: number): CursorPage {
    this.#sweep();
    const ids = this.store.deviceIds.filter((id) => accept(id) && Object.keys(visibleValues(this.store, this.store.deviceFields.get(id), fields)).length > 0);
    const name = seededString(this.random, 32, 'abcdef0123456789');
    const cursor: Cursor = { name, ids, position: 0, pageSize, expiresAtMs: 0 };
    if (fields) cursor.fields = fields;
    this.#cursors.set(name, cursor);
    return this.#page(cursor, pageSize);
  }

  /** The next page of an open cursor; undefined when the name is unknown or has expired. */
  next(name: string, pageSize: number | undefined): CursorPage | undefined {
    this.#sweep();
    const cursor = this.#cursors.get(name);
    return cursor && this.#page(cursor, pageSize ?? cursor.pageSize);
  }

  #page(cursor: Cursor, pageSize: number): CursorPage {
    const offset = cursor.position;
    const slice = cursor.ids.slice(offset, offset + pageSize);
    cursor.position = offset + slice.length;
    cursor.expiresAtMs = this.clock.nowMs() + this.ttlSeconds * 1000;
    return {
      cursor: { name: cursor.name, offset, count: slice.length, expires: cursor.expiresAtMs / 1000 },
      // Values are read now, so a change between pages shows on the later page (as a live cursor would).
      results: slice.map((deviceId) => ({ deviceId, fields: visibleValues(this.store, this.store.deviceFields.get(deviceId), cursor.fields) })),
    };
  }

  #sweep(): void {
    const now = this.clock.nowMs();
    for (const [name, cursor] of this.#cursors) if (cursor.expiresAtMs <= now) this.#cursors.delete(name);
  }
}
