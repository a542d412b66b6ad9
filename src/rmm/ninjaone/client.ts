/**
 * The NinjaOne client: typed reads of organisations, locations, devices, custom fields and
 * alerts, and the webhook registration — over the shared HTTP layer, with NinjaOne's paging
 * (bare arrays, `after` = last id, no total) and its response shapes checked at the boundary.
 * reference/ninjaone/NOTES.md §2–§6.
 */

import type { NinjaOneConnection } from '../../config/spec.js';
import { HttpClient, type SharedHttpOptions } from '../../http/index.js';
import { ninjaOneHttpOptions } from './http-options.js';
import { notARow, RowReader, type ProblemSink, type ReadProblem } from '../../http/rows.js';
import { asArray, asRecord, shapeError, type ShapeContext } from '../../http/shape.js';
import { nameFrom } from '../../model/device-names.js';
import { isLifecycleActivity, isPlaceLifecycleActivity, LIFECYCLE_STATUS_CODES } from './activity.js';
import { fieldKindOf, NINJAONE } from './provider.js';
import type { NinjaAlert, NinjaCustomFieldDefinition, NinjaDevice, NinjaLocation, NinjaOrganization, NinjaSnapshot } from './types.js';
import type { RmmId } from '../snapshot.js';

/** NinjaOne serves 1000 rows a page in practice (NOTES §3.1). */
export const NINJA_PAGE_SIZE = 1000;

export interface WebhookRegistration {
  url: string;
  /** Header carrying the shared secret; `Authorization` gets "Bearer <secret>". */
  header: string;
  secret: string;
  organizationIds?: number[];
  /** NODE_CREATED, NODE_UPDATED and NODE_DELETED too. */
  lifecycle?: boolean;
}

export class NinjaOneClient {
  readonly http: HttpClient;
  /** Where problems with rows go when a read is given no sink of its own (serve logs them). */
  onReadProblem: ProblemSink | undefined;

  /** The address its device links start with (`connections.ninjaone.webUrl`). */
  readonly webUrl: string;

  constructor(connection: NinjaOneConnection, shared: SharedHttpOptions = {}) {
    this.webUrl = connection.webUrl;
    this.http = new HttpClient(ninjaOneHttpOptions(connection, shared));
  }

  static fromHttp(http: HttpClient): NinjaOneClient {
    const client = Object.create(NinjaOneClient.prototype) as NinjaOneClient;
    (client as { http: HttpClient }).http = http;
    return client;
  }

  async readOrganizations(sink = this.onReadProblem): Promise<NinjaOrganization[]> {
    return this.#rowsOf(await this.#pagesByAfter('/v2/organizations', 'GET /v2/organizations', {}, undefined, sink), 'GET /v2/organizations', 'organization', 'organizations', sink, (row) => {
      const id = row.int('id', IDENTITY);
      const name = row.string('name', { needed: 'haloform can map it by id only, and never names a client after it' }) ?? '';
      if (id === undefined) return undefined;
      row.name(label('organisation', id, name));
      return { id, name };
    });
  }

  async readLocations(sink = this.onReadProblem): Promise<NinjaLocation[]> {
    return this.#rowsOf(await this.#pagesByAfter('/v2/locations', 'GET /v2/locations', {}, undefined, sink), 'GET /v2/locations', 'location', 'locations', sink, (row) => {
      const id = row.int('id', IDENTITY);
      const name = row.string('name', { needed: 'haloform can map it by id only, and never names a site after it' }) ?? '';
      const organizationId = row.int('organizationId', { identity: 'left out: haloform cannot tell which organisation it belongs to, so its devices are not placed' });
      if (id === undefined) return undefined;
      row.name(label('location', id, name));
      return organizationId === undefined ? undefined : { id, organizationId, name };
    });
  }

  /**
   * Every device with its detail (`/v2/devices-detailed`), optionally filtered by a `df`
   * expression. With `keep`, each record holds only those top-level keys: a detailed device is a
   * few kilobytes, and 50,000 of them whole would not fit the memory target (DESIGN.md §8).
   */
  async readDevices(options: { df?: string; keep?: ReadonlySet<string> } = {}, sink = this.onReadProblem): Promise<NinjaDevice[]> {
    const devices: NinjaDevice[] = [];
    const label = 'GET /v2/devices-detailed';
    await this.#pagesByAfter('/v2/devices-detailed', label, options.df ? { df: options.df } : {}, (page, offset) => {
      page.forEach((row, i) => {
        const device = this.#device(row, label, `devices[${offset + i}]`, sink, options.keep);
        if (device) devices.push(device);
      });
    }, sink);
    return devices;
  }

  /** One device, detailed; undefined when NinjaOne does not have it. */
  async readDevice(id: number, sink = this.onReadProblem): Promise<NinjaDevice | undefined> {
    const read = await this.readDeviceOrGone(id, sink);
    return read === 'gone' ? undefined : read;
  }

  /** The device; `gone` only when NinjaOne answers 404; undefined when it sent a row haloform cannot read as that device (reported). */
  async readDeviceOrGone(id: number, sink = this.onReadProblem): Promise<NinjaDevice | 'gone' | undefined> {
    const response = await this.http.request({ method: 'GET', path: `/v2/device/${id}`, label: 'GET /v2/device/{id}', accept: [404] });
    if (response.status === 404) return 'gone';
    const device = this.#device(response.body, 'GET /v2/device/{id}', 'device', sink);
    return device && device.id === id ? device : undefined;
  }

  /** A device's own custom field values (`/v2/device/{id}/custom-fields`, NOTES §4.1: a map by field name), for the named fields only. */
  async readDeviceCustomFields(id: number, fields: readonly string[]): Promise<Record<string, unknown>> {
    if (fields.length === 0) return {};
    const label = 'GET /v2/device/{id}/custom-fields';
    const response = await this.http.request({ method: 'GET', path: `/v2/device/${id}/custom-fields`, label, accept: [404] });
    if (response.status === 404) return {};
    const values = objectOf(response.body);
    return Object.fromEntries(fields.filter((f) => values[f] !== undefined).map((f) => [f, values[f]]));
  }

  /**
   * Custom field values of every device, for the named fields only, through the bulk query
   * (`/v2/queries/custom-fields`, cursor paging — NOTES §4.2).
   */
  async readCustomFields(fields: readonly string[], sink = this.onReadProblem, updatedAfter?: number): Promise<Map<number, Record<string, unknown>>> {
    const out = new Map<number, Record<string, unknown>>();
    if (fields.length === 0) return out;
    await this.#cursorQuery('/v2/queries/custom-fields', { fields: fields.join(','), ...(updatedAfter !== undefined ? { updatedAfter: String(Math.floor(updatedAfter)) } : {}) }, sink, (row) => {
      const deviceId = row.int('deviceId', { identity: 'left out: the values belong to no device haloform can name' });
      const values = objectOf(row.record.fields);
      if (deviceId !== undefined) out.set(deviceId, { ...out.get(deviceId), ...values });
    });
    return out;
  }

  /**
   * Organisation and location values of the named fields (`/v2/queries/scoped-custom-fields`,
   * NOTES §4.2): what devices inherit, and what `organization.customFields.*` reads.
   */
  async readScopedCustomFields(fields: readonly string[], sink = this.onReadProblem): Promise<{ organizations: Map<number, Record<string, unknown>>; locations: Map<number, Record<string, unknown>> }> {
    const organizations = new Map<number, Record<string, unknown>>();
    const locations = new Map<number, Record<string, unknown>>();
    if (fields.length === 0) return { organizations, locations };
    await this.#cursorQuery('/v2/queries/scoped-custom-fields', { scopes: 'organization,location', fields: fields.join(',') }, sink, (row) => {
      const scope = (row.string('scope') ?? '').toUpperCase();
      const entityId = row.int('entityId', { identity: 'left out: the values belong to nothing haloform can name' });
      if (entityId === undefined) return;
      const values = objectOf(row.record.fields);
      const target = scope === 'ORGANIZATION' ? organizations : scope === 'LOCATION' ? locations : undefined;
      if (target) target.set(entityId, { ...target.get(entityId), ...values });
    });
    return { organizations, locations };
  }

  /** Custom field definitions by name: type and DROPDOWN/MULTI_SELECT options (`/v2/device-custom-fields`). */
  async readCustomFieldDefinitions(sink = this.onReadProblem): Promise<Map<string, NinjaCustomFieldDefinition>> {
    const label = 'GET /v2/device-custom-fields';
    const response = await this.http.request({ method: 'GET', path: '/v2/device-custom-fields', label, query: { scopes: 'all' } });
    const out = new Map<string, NinjaCustomFieldDefinition>();
    const body = Array.isArray(response.body) ? response.body : [];
    body.forEach((entry, i) => {
      if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
        sink?.(notARow(entry, 'NinjaOne', label, `definitions[${i}]`));
        return;
      }
      const row = new RowReader(entry as Record<string, unknown>, 'NinjaOne', label, 'custom field', `definitions[${i}]`);
      const name = row.string('name', { identity: 'left out: no mapping can name a custom field without a name' });
      const type = (row.string('type') ?? 'TEXT').toUpperCase();
      const options = new Map<string, string>();
      const content = objectOf(row.record.content);
      (Array.isArray(content.values) ? content.values : []).forEach((option) => {
        const o = objectOf(option);
        const id = typeof o.id === 'string' || typeof o.id === 'number' ? String(o.id) : undefined;
        if (id !== undefined && typeof o.name === 'string') options.set(id, o.name);
      });
      if (name) row.name(`custom field "${name}"`);
      if (row.report(sink) && name) {
        const kind = fieldKindOf(type);
        out.set(name, { name, type, ...(kind ? { kind } : {}), options });
      }
    });
    return out;
  }

  /** Everything plan needs, read in parallel. `scopedCustomFields`: organisation and location values too. */
  /**
   * Everything a plan reads. With `customFieldsSince`, device custom field values are read only for
   * devices whose values changed since `at` (`updatedAfter`, epoch ms), each replacing its entry
   * in `previous`; the others keep theirs.
   */
  async readSnapshot(
    options: { customFields?: readonly string[]; scopedCustomFields?: readonly string[]; deviceKeys?: ReadonlySet<string>; customFieldsSince?: { at: number; previous: ReadonlyMap<RmmId, Readonly<Record<string, unknown>>> } } = {},
  ): Promise<NinjaSnapshot> {
    const problems: ReadProblem[] = [];
    const sink: ProblemSink = (p) => {
      problems.push(p);
      this.onReadProblem?.(p);
    };
    const fields = [...new Set(options.customFields ?? [])];
    const scoped = [...new Set(options.scopedCustomFields ?? [])];
    const [organizations, locations, devices, customFields, definitions, scopedValues] = await Promise.all([
      this.readOrganizations(sink),
      this.readLocations(sink),
      this.readDevices(options.deviceKeys ? { keep: options.deviceKeys } : {}, sink),
      this.readCustomFields(fields, sink, options.customFieldsSince?.at),
      fields.length + scoped.length > 0 ? this.readCustomFieldDefinitions(sink) : Promise.resolve(new Map<string, NinjaCustomFieldDefinition>()),
      this.readScopedCustomFields(scoped, sink),
    ]);
    const since = options.customFieldsSince;
    return {
      provider: NINJAONE,
      webUrl: this.webUrl,
      organizations,
      locations,
      devices,
      customFields: since ? mergedValues(since.previous, customFields, devices) : customFields,
      organizationCustomFields: scopedValues.organizations,
      locationCustomFields: scopedValues.locations,
      customFieldDefinitions: definitions,
      problems,
    };
  }

  /**
   * The lifecycle activities newer than `afterId` (`class=ALL`: an organisation's or location's
   * has no device) — the devices they name, and whether any was of an organisation or location
   * (`places`) — and the newest activity id NinjaOne has (the next call's `afterId`). One request:
   * `/v2/activities?newerThan=` answers newest first, at most 1,000; a full page means more
   * happened than it shows (`overflow`), and the caller reads everything anyway. Without
   * `afterId` only the newest id is learnt.
   */
  async readLifecycleSince(afterId: number | undefined): Promise<{ lastId: number; deviceIds: number[]; places: boolean; overflow: boolean }> {
    const label = 'GET /v2/activities';
    const pageSize = afterId === undefined ? 10 : 1000;
    const response = await this.http.request({ method: 'GET', path: '/v2/activities', label, query: { class: 'ALL', pageSize, ...(afterId !== undefined ? { newerThan: afterId } : {}) } });
    const body = asRecord(response.body, this.#ctx(label, 'response'));
    const rows = Array.isArray(body.activities) ? body.activities : [];
    let lastId = typeof body.lastActivityId === 'number' && Number.isFinite(body.lastActivityId) ? body.lastActivityId : (afterId ?? 0);
    const deviceIds = new Set<number>();
    let places = false;
    for (const row of rows) {
      const a = objectOf(row);
      if (typeof a.id === 'number' && a.id > lastId) lastId = a.id;
      if (afterId === undefined || typeof a.statusCode !== 'string' || !isLifecycleActivity({ statusCode: a.statusCode })) continue;
      if (isPlaceLifecycleActivity({ statusCode: a.statusCode })) places = true;
      else if (typeof a.deviceId === 'number' && Number.isInteger(a.deviceId)) deviceIds.add(a.deviceId);
    }
    return { lastId, deviceIds: [...deviceIds], places, overflow: afterId !== undefined && rows.length >= pageSize };
  }

  /**
   * Resets an active alert (`POST /v2/alert/{uid}/reset` with an empty custom-data object, NOTES
   * §5): `reset`, or `gone` when NinjaOne has no such active alert (404: it reset meanwhile, or a
   * first try reached it). Sending twice is harmless — the second finds it gone.
   */
  async resetAlert(uid: string, signal?: AbortSignal): Promise<'reset' | 'gone'> {
    const response = await this.http.request({
      method: 'POST',
      path: `/v2/alert/${encodeURIComponent(uid)}/reset`,
      label: 'POST /v2/alert/{uid}/reset',
      json: {},
      accept: [404],
      idempotent: true,
      expect: 'any',
      ...(signal ? { signal } : {}),
    });
    return response.status === 404 ? 'gone' : 'reset';
  }

  /** Active alerts (`/v2/alerts`, no paging). An alert without its uid or device is left out (reported). */
  async readAlerts(sink = this.onReadProblem): Promise<NinjaAlert[]> {
    const label = 'GET /v2/alerts';
    const response = await this.http.request({ method: 'GET', path: '/v2/alerts', label });
    const rows = asArray(response.body, this.#ctx(label, 'response'));
    return this.#rowsOf(rows, label, 'alert', 'alerts', sink, (row) => {
      const uid = row.string('uid', { identity: 'left out: an alert without its uid cannot be tied to a ticket' });
      const deviceId = row.int('deviceId', { identity: 'left out: an alert on no device has nowhere to go' });
      if (uid === undefined || deviceId === undefined) return undefined;
      row.name(`alert ${uid}`);
      const createTime = row.record.createTime;
      return {
        uid,
        deviceId,
        message: row.string('message') ?? '',
        severity: row.string('severity') ?? 'NONE',
        priority: row.string('priority') ?? 'NONE',
        sourceType: row.string('sourceType') ?? '',
        sourceConfigUid: row.string('sourceConfigUid') ?? '',
        createTime: typeof createTime === 'number' && Number.isFinite(createTime) ? createTime : 0,
        record: row.record,
      };
    });
  }

  /**
   * Registers haloform's webhook for the API client app (`PUT /v2/webhook`, NOTES §6A): condition
   * activities, with the device expanded, authenticated by a custom header.
   */
  async registerWebhook(registration: WebhookRegistration): Promise<void> {
    const value = registration.header.toLowerCase() === 'authorization' ? `Bearer ${registration.secret}` : registration.secret;
    this.http.redactor.addSecret(registration.secret);
    await this.http.request({
      method: 'PUT',
      path: '/v2/webhook',
      label: 'PUT /v2/webhook',
      json: {
        url: registration.url,
        activities: { statusCode: ['TRIGGERED', 'RESET', ...(registration.lifecycle ? LIFECYCLE_STATUS_CODES : [])] },
        expand: ['device'],
        headers: [{ name: registration.header, value }],
        ...(registration.organizationIds ? { organizationIds: registration.organizationIds } : {}),
      },
    });
  }

  async close(): Promise<void> {
    await this.http.close();
  }

  /**
   * Follows `after` = last id until a short page; refuses a cursor that does not advance. Pages
   * go to `each` as they arrive (so a caller can keep less than the whole page), else are collected.
   * A page whose last row has no id cannot be paged past: the read stops there and says so.
   */
  async #pagesByAfter(path: string, label: string, query: Record<string, string> = {}, each?: (page: unknown[], offset: number) => void, sink?: ProblemSink): Promise<unknown[]> {
    const rows: unknown[] = [];
    let count = 0;
    let after: number | undefined;
    for (;;) {
      const response = await this.http.request({ method: 'GET', path, query: { ...query, pageSize: NINJA_PAGE_SIZE, ...(after !== undefined ? { after } : {}) }, label });
      const page = asArray(response.body, this.#ctx(label, 'response'));
      if (each) each(page, count);
      else rows.push(...page);
      count += page.length;
      if (page.length < NINJA_PAGE_SIZE) return rows;
      const ctx = this.#ctx(label, `page after ${after ?? 'start'}`);
      // The highest id of the page: rows are sorted by id (NOTES §3.1), but one odd row must not stop the walk.
      const ids = page.map((r) => objectOf(r).id).map((v) => (typeof v === 'string' ? Number(v) : v)).filter((v): v is number => typeof v === 'number' && Number.isInteger(v));
      if (ids.length === 0) throw shapeError(ctx, 'id', 'is missing on every row of a full page, so haloform cannot ask for the next one');
      if (ids.length < page.length) sink?.({ api: 'NinjaOne', label, noun: 'row', row: `page after ${after ?? 'start'}`, field: 'id', problem: `is missing on ${page.length - ids.length} row${page.length - ids.length === 1 ? '' : 's'}`, effect: 'paged on from the highest id there is', dropped: false });
      const last = Math.max(...ids);
      if (after !== undefined && last <= after) throw shapeError(ctx, 'id', `of the last row is ${last}, not after ${after} (the paging does not advance)`);
      after = last;
    }
  }

  /** A cursor query (`/v2/queries/*`, NOTES §4.2): every row of every page to `each`. */
  async #cursorQuery(path: string, query: Record<string, string>, sink: ProblemSink | undefined, each: (row: RowReader) => void): Promise<void> {
    const label = `GET ${path}`;
    let cursor: string | undefined;
    let lastOffset = -1;
    for (;;) {
      const response = await this.http.request({ method: 'GET', path, query: { ...query, pageSize: NINJA_PAGE_SIZE, ...(cursor ? { cursor } : {}) }, label });
      const ctx = this.#ctx(label, 'response');
      const body = asRecord(response.body, ctx);
      const results = Array.isArray(body.results) ? body.results : [];
      results.forEach((entry, i) => {
        if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
          sink?.(notARow(entry, 'NinjaOne', label, `results[${i}]`));
          return;
        }
        const row = new RowReader(entry as Record<string, unknown>, 'NinjaOne', label, 'result', `results[${i}]`);
        each(row);
        row.report(sink);
      });
      const state = objectOf(body.cursor);
      const next = state.name;
      if (results.length === 0 || typeof next !== 'string' || next === '') break;
      // The cursor keeps its name from page to page and moves its offset (observed:
      // Servosity/msp-skills#179); an offset that does not grow would loop for ever.
      const offset = typeof state.offset === 'number' ? state.offset : undefined;
      if (offset !== undefined) {
        if (offset <= lastOffset) throw shapeError(ctx, 'cursor.offset', `is ${offset}, not past ${lastOffset} (the cursor does not advance)`);
        lastOffset = offset;
      }
      if (results.length < NINJA_PAGE_SIZE) break;
      cursor = next;
    }
  }

  /** Rows of a list read with `read`; rows left out are reported to `sink`. */
  #rowsOf<T>(rows: unknown[], label: string, noun: string, key: string, sink: ProblemSink | undefined, read: (row: RowReader) => T | undefined): T[] {
    const out: T[] = [];
    rows.forEach((entry, i) => {
      if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
        sink?.(notARow(entry, 'NinjaOne', label, `${key}[${i}]`));
        return;
      }
      const row = new RowReader(entry as Record<string, unknown>, 'NinjaOne', label, noun, `${key}[${i}]`);
      const value = read(row);
      if (row.report(sink) && value !== undefined) out.push(value);
    });
    return out;
  }

  #device(value: unknown, label: string, where: string, sink: ProblemSink | undefined, keep?: ReadonlySet<string>): NinjaDevice | undefined {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      sink?.(notARow(value, 'NinjaOne', label, where));
      return undefined;
    }
    const r = value as Record<string, unknown>;
    const row = new RowReader(r, 'NinjaOne', label, 'device', where);
    const id = row.int('id', IDENTITY);
    const displayName = row.string('displayName');
    if (id !== undefined) row.name(label_(id, nameFrom(r, NINJAONE.devices.nameSources)));
    const organizationId = row.int('organizationId', { needed: 'haloform cannot tell where it belongs, so it writes nothing for it (and never deactivates its asset for it)' });
    const locationId = row.int('locationId', { needed: 'haloform cannot tell where it belongs, so it writes nothing for it (and never deactivates its asset for it)' });
    const nodeClass = row.string('nodeClass', { needed: 'haloform cannot give it an asset type, so it writes nothing for it' });
    if (!row.report(sink) || id === undefined) return undefined;
    let record = r;
    if (keep) {
      record = {};
      for (const key of Object.keys(r)) if (keep.has(key)) record[key] = r[key];
    }
    return {
      id,
      ...(organizationId !== undefined ? { organizationId } : {}),
      ...(locationId !== undefined ? { locationId } : {}),
      ...(nodeClass !== undefined ? { nodeClass: nodeClass.trim() } : {}),
      ...(displayName !== undefined ? { displayName } : {}),
      record,
    };
  }

  #ctx(label: string, where: string): ShapeContext {
    return { api: 'NinjaOne', label, where };
  }
}

const IDENTITY = { identity: 'left out: haloform cannot refer to a row without its id' };

function label(noun: string, id: number, name: string): string {
  return `${noun} ${id}${name.trim() !== '' ? ` "${name.trim()}"` : ''}`;
}

/** `device 12 "CON-PC01"` (as "ninja:12" reads in the plan). */
function label_(id: number, name: string | undefined): string {
  return `device ${id}${name ? ` "${name}"` : ''}`;
}

function objectOf(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** `previous` for the devices that still exist, with each device in `changed` replacing its entry. */
function mergedValues(previous: ReadonlyMap<RmmId, Readonly<Record<string, unknown>>>, changed: ReadonlyMap<number, Record<string, unknown>>, devices: readonly { id: RmmId }[]): Map<number, Record<string, unknown>> {
  const out = new Map<number, Record<string, unknown>>();
  for (const { id } of devices) {
    const values = changed.get(id as number) ?? previous.get(id);
    if (values) out.set(id as number, { ...values });
  }
  return out;
}
