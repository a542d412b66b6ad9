/**
 * The HaloPSA client: typed reads of clients, sites, users, assets (with field values), asset
 * types, fields, ticket types and settings; typed batched upserts (bodies in writes.ts); tickets and notes (tickets.ts). It hides Halo's
 * envelopes (`{record_count, clients:[…]}` or bare arrays), the 100-row page cap, ids sent as
 * `21.0`, `-1` for "none", and checks every response for the fields haloform uses.
 * reference/halopsa/NOTES.md §2–§5.
 */

import type { HaloConnection } from '../config/spec.js';
import type { HaloIdentity } from '../rmm/provider.js';
import { HttpClient, type Query, type SharedHttpOptions } from '../http/index.js';
import { haloHttpOptions } from './http-options.js';
import { notARow, RowReader, type ProblemSink, type ReadProblem } from '../http/rows.js';
import { asArray, asRecord, optionalInt, shapeError, type ShapeContext } from '../http/shape.js';
import { fieldTypeFromText, HALO_FIELD_TYPE_CODES } from './field-types.js';
import { assetBody, assetProperties, assetTagSettingBody, assetTypeBody, clientBody, fieldBody, savedFrom, siteBody, type AssetTypeWrite, type AssetWrite, type ClientWrite, type FieldCreate, type Saved, type SiteWrite } from './writes.js';
import type { RmmId } from '../rmm/snapshot.js';
import type {
  HaloAsset,
  HaloAssetGroup,
  HaloAssetType,
  HaloClient as HaloClientRecord,
  HaloCustomField,
  HaloField,
  HaloFieldOption,
  HaloFieldType,
  HaloSettings,
  HaloSite,
  HaloSnapshot,
  HaloTicketType,
  HaloTopLevel,
  HaloUser,
} from './types.js';

/** Halo answers at most 100 rows a page, whatever page_size asks (NOTES §3). */
export const HALO_PAGE_SIZE = 100;

/** Resources haloform writes with `POST /api/<resource>` (an array of objects; `id` updates). */
type HaloResource = 'Client' | 'Site' | 'Asset' | 'AssetType' | 'Field' | 'Control';

export class HaloApiClient {
  readonly http: HttpClient;
  readonly batchSize: number;
  /** Where problems with rows go when a read is given no sink of its own (serve logs them). */
  onReadProblem: ProblemSink | undefined;

  constructor(
    connection: HaloConnection,
    /** The Halo fields the RMM's ids live in (src/rmm/provider.ts). */
    readonly identity: HaloIdentity,
    shared: SharedHttpOptions = {},
  ) {
    this.http = new HttpClient(haloHttpOptions(connection, shared));
    this.batchSize = connection.batchSize;
  }

  // Reads. Every list is read row by row with a RowReader (src/http/rows.ts): a row with a gap is
  // kept with the value absent, a row without its id is left out, and both are reported to the
  // sink (the snapshot's problems, or `onReadProblem`) — never a failed read.

  async readTopLevels(sink = this.onReadProblem): Promise<HaloTopLevel[]> {
    return this.#rowsOf('/api/TopLevel', 'toplevels', 'top level', {}, sink, (row) => {
      const id = row.int('id', IDENTITY);
      const name = row.string('name', { needed: 'customers.topLevel cannot name it; give it a name in Halo' }) ?? '';
      return id === undefined ? undefined : { id, name };
    });
  }

  async readClients(sink = this.onReadProblem): Promise<HaloClientRecord[]> {
    return this.#rowsOf('/api/Client', 'clients', 'client', { includeinactive: true }, sink, (row) => {
      const id = row.int('id', IDENTITY);
      const name = row.string('name', { needed: `it can be found by its ${this.identity.rmm} id only, never by name; give it a name in Halo` }) ?? '';
      const mainSiteId = row.int('main_site_id');
      const rmmId = rmmIdOf(row, this.identity.client, this.identity);
      const topLevelId = row.int('toplevel_id');
      if (id === undefined) return undefined;
      row.name(label('client', id, name));
      return {
        id,
        name: name.trim() === '' ? '' : name,
        inactive: row.boolean('inactive') ?? false,
        ...(topLevelId !== undefined ? { topLevelId } : {}),
        ...(mainSiteId !== undefined ? { mainSiteId } : {}),
        ...(rmmId !== undefined ? { rmmId } : {}),
      };
    });
  }

  async readSites(sink = this.onReadProblem): Promise<HaloSite[]> {
    return this.#rowsOf('/api/Site', 'sites', 'site', { includeinactive: true }, sink, (row) => {
      const id = row.int('id', IDENTITY);
      const name = row.string('name', { needed: `it can be found by its ${this.identity.rmm} id only, never by name; give it a name in Halo` }) ?? '';
      const clientId = row.int('client_id', { needed: 'haloform cannot tell which client it belongs to, so it places no device on it' });
      const rmmId = rmmIdOf(row, this.identity.site, this.identity);
      if (id === undefined) return undefined;
      row.name(label('site', id, name));
      return {
        id,
        name,
        ...(clientId !== undefined ? { clientId } : {}),
        inactive: row.boolean('inactive') ?? false,
        ...(rmmId !== undefined ? { rmmId } : {}),
      };
    });
  }

  /** Active users, without the General Users (which stand in for unknown end users). */
  async readUsers(query: Query = {}, sink = this.onReadProblem): Promise<HaloUser[]> {
    return this.#rowsOf('/api/Users', 'users', 'user', { exclude_generaluser: true, ...query }, sink, (row) => userFrom(row));
  }

  async readAssetGroups(sink = this.onReadProblem): Promise<HaloAssetGroup[]> {
    return this.#rowsOf('/api/AssetGroup', 'assetgroups', 'asset group', {}, sink, (row) => {
      const id = row.int('id', IDENTITY);
      const name = row.string('name', { needed: 'assetTypes.group cannot name it; give it a name in Halo' }) ?? '';
      return id === undefined ? undefined : { id, name };
    });
  }

  async readFields(sink = this.onReadProblem): Promise<HaloField[]> {
    return this.#rowsOf('/api/Field', 'fields', 'asset field', {}, sink, (row) => {
      const id = row.int('id', IDENTITY);
      const name = row.string('name', { needed: 'no mapping can name it; give it a name in Halo' }) ?? '';
      if (id === undefined) return undefined;
      row.name(label('asset field', id, name));
      return { id, name, ...fieldTypeOf(row) };
    });
  }

  /** Asset custom fields (`/api/FieldInfo?typeid=5`, NOTES §4.5: 5 = assets [unverified]). */
  async readCustomFields(sink = this.onReadProblem): Promise<HaloCustomField[]> {
    return this.#rowsOf('/api/FieldInfo', 'fields', 'custom field', { typeid: 5, includevalues: true }, sink, (row) => {
      const id = row.int('id', IDENTITY);
      const name = row.string('name', { needed: 'no mapping can name it; give it a name in Halo' }) ?? '';
      const fieldLabel = row.string('label') ?? name;
      if (id === undefined) return undefined;
      row.name(label('custom field', id, name));
      return { id, name, label: fieldLabel, ...fieldTypeOf(row) };
    });
  }

  async readAssetTypes(sink = this.onReadProblem): Promise<HaloAssetType[]> {
    return this.#rowsOf('/api/AssetType', 'assettypes', 'asset type', {}, sink, (row) => {
      const id = row.int('id', IDENTITY);
      const name = row.string('name', { needed: 'assetTypes.map cannot name it; give it a name in Halo' }) ?? '';
      if (id === undefined) return undefined;
      row.name(label('asset type', id, name));
      const fieldIds: number[] = [];
      const fieldTypes = new Map<number, HaloFieldType>();
      (row.list('fields') ?? []).forEach((entry, i) => {
        if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
          row.problem(`fields[${i}]`, 'is not an object', { needed: 'that entry of its field layout is ignored' });
          return;
        }
        const e = new RowReader(entry as Record<string, unknown>, 'Halo', 'GET /api/AssetType', 'field', '');
        const fieldId = e.int('field_id') ?? e.int('id');
        if (fieldId === undefined) {
          row.problem(`fields[${i}].field_id`, 'is missing', { needed: 'that entry of its field layout is ignored' });
          return;
        }
        fieldIds.push(fieldId);
        const type = fieldTypeFromText(e.string('type'));
        if (type) fieldTypes.set(fieldId, type);
      });
      const assetGroupId = row.int('assetgroup_id');
      return { id, name, ...(assetGroupId !== undefined ? { assetGroupId } : {}), fieldIds, ...(fieldTypes.size > 0 ? { fieldTypes } : {}) };
    });
  }

  /**
   * Assets with their field values. Halo returns field values in lists only with
   * `includeassetfields=true` and an `assettype_id` filter (NOTES §3), so this reads type by type;
   * a row that does not say its type is of the type it was listed under.
   */
  async readAssets(assetTypeIds: readonly number[], sink = this.onReadProblem): Promise<HaloAsset[]> {
    const perType = await Promise.all(
      assetTypeIds.map((typeId) =>
        this.#rowsOf('/api/Asset', 'assets', 'asset', { assettype_id: typeId, includeassetfields: true, includeinactive: true }, sink, (row) => assetFrom(row, this.identity, typeId)),
      ),
    );
    const seen = new Set<number>();
    const out: HaloAsset[] = [];
    for (const rows of perType) {
      for (const asset of rows) {
        if (seen.has(asset.id)) continue;
        seen.add(asset.id);
        out.push(asset);
      }
    }
    return out.sort((a, b) => a.id - b.id);
  }

  /** Assets matching a list filter (`client_id`, `integration_type`, ...), without field values. */
  async readAssetsWhere(query: Query, sink = this.onReadProblem): Promise<HaloAsset[]> {
    return this.#rowsOf('/api/Asset', 'assets', 'asset', query, sink, (row) => assetFrom(row, this.identity));
  }

  async readAsset(id: number, sink = this.onReadProblem): Promise<HaloAsset | undefined> {
    const response = await this.http.request({ method: 'GET', path: `/api/Asset/${id}`, label: 'GET /api/Asset/{id}', accept: [404] });
    if (response.status === 404) return undefined;
    const ctx = this.#ctx('GET /api/Asset/{id}', 'asset');
    const row = new RowReader(asRecord(response.body, ctx), 'Halo', 'GET /api/Asset/{id}', 'asset', 'asset');
    const asset = assetFrom(row, this.identity);
    return row.report(sink) ? asset : undefined;
  }

  async readTicketTypes(sink = this.onReadProblem): Promise<HaloTicketType[]> {
    return this.#rowsOf('/api/TicketType', 'tickettypes', 'ticket type', {}, sink, (row) => {
      const id = row.int('id', IDENTITY);
      const name = row.string('name', { needed: 'alerts.ticketType cannot name it; give it a name in Halo' }) ?? '';
      return id === undefined ? undefined : { id, name };
    });
  }

  /** Settings haloform manages; undefined fields when Halo does not say. */
  async readSettings(): Promise<HaloSettings> {
    const label = 'GET /api/Control';
    const response = await this.http.request({ method: 'GET', path: '/api/Control', label, hints: { 403: "reading Halo's settings needs the API application's admin scope" } });
    const body = response.body;
    if (body === null || typeof body !== 'object' || Array.isArray(body)) return {};
    const allow = new RowReader(body as Record<string, unknown>, 'Halo', label, 'settings', 'settings').boolean('allowduplicateinv');
    // "Asset Tag must be unique" is Control.allowduplicateinv inverted (NOTES §4.4, [unverified]).
    return allow === undefined ? {} : { assetTagMustBeUnique: !allow };
  }

  /**
   * Everything plan needs, read in parallel (assets after the asset types they are listed by).
   * `customFields`: read the asset custom field definitions too (only when the spec maps one).
   */
  async readSnapshot(options: { customFields?: boolean } = {}): Promise<HaloSnapshot> {
    const problems: ReadProblem[] = [];
    const sink: ProblemSink = (p) => {
      problems.push(p);
      this.onReadProblem?.(p);
    };
    const [topLevels, clients, sites, users, assetGroups, fields, assetTypes, ticketTypes, settings, customFields] = await Promise.all([
      this.readTopLevels(sink),
      this.readClients(sink),
      this.readSites(sink),
      this.readUsers({}, sink),
      this.readAssetGroups(sink),
      this.readFields(sink),
      this.readAssetTypes(sink),
      this.readTicketTypes(sink),
      this.readSettings(),
      options.customFields ? this.readCustomFields(sink) : Promise.resolve([]),
    ]);
    const assets = await this.readAssets(assetTypes.map((t) => t.id), sink);
    const siteClient = new Map(sites.map((s) => [s.id, s.clientId]));
    for (const u of users) if (u.clientId === undefined && u.siteId !== undefined && siteClient.get(u.siteId) !== undefined) u.clientId = siteClient.get(u.siteId)!;
    // A field the asset types' layouts type ("Date") but /api/Field does not.
    for (const f of fields) {
      if (f.typeKnown) continue;
      const hinted = assetTypes.map((t) => t.fieldTypes?.get(f.id)).find((t) => t !== undefined);
      if (hinted) Object.assign(f, { type: hinted, typeKnown: true });
    }
    return { topLevels, clients, sites, users, assetGroups, fields, assetTypes, assets, ticketTypes, settings, customFields, problems };
  }

  // Writes.

  // Writes: one POST of a batch each, bodies from ./writes.ts; the saved objects' ids come back in
  // the order sent.

  async saveClients(writes: readonly ClientWrite[]): Promise<Saved[]> {
    return (await this.#post('Client', writes.map((w) => clientBody(w, this.identity)))).map(savedFrom);
  }

  async saveSites(writes: readonly SiteWrite[]): Promise<Saved[]> {
    return (await this.#post('Site', writes.map((w) => siteBody(w, this.identity)))).map(savedFrom);
  }

  async saveAssets(writes: readonly AssetWrite[]): Promise<Saved[]> {
    return (await this.#post('Asset', writes.map((w) => assetBody(w, this.identity)))).map(savedFrom);
  }

  async saveAssetTypes(writes: readonly AssetTypeWrite[]): Promise<Saved[]> {
    return (await this.#post('AssetType', writes.map(assetTypeBody))).map(savedFrom);
  }

  /** A new asset field, with its type and options; its id. */
  async createField(write: FieldCreate): Promise<number> {
    const [saved] = (await this.#post('Field', [fieldBody(write)])).map(savedFrom);
    if (saved?.id === undefined) throw shapeError(this.#ctx('POST /api/Field', 'response'), '', 'holds no id for the field it created');
    return saved.id;
  }

  async setAssetTagMustBeUnique(mustBeUnique: boolean): Promise<void> {
    await this.#post('Control', [assetTagSettingBody(mustBeUnique)]);
  }

  /**
   * One `POST /api/<resource>` of `items` (Halo takes arrays; an item with `id` updates). Returns
   * the saved objects in the order sent: Halo answers one object for one item, an array for more.
   */
  async #post(resource: HaloResource, items: readonly Record<string, unknown>[]): Promise<Record<string, unknown>[]> {
    if (items.length === 0) return [];
    const label = `POST /api/${resource}`;
    const response = await this.http.request({ method: 'POST', path: `/api/${resource}`, json: items, label });
    const ctx = this.#ctx(label, 'response');
    const body = response.body;
    const saved = Array.isArray(body) ? body : body === undefined || body === null || body === '' ? [] : [body];
    if (saved.length !== items.length && resource !== 'Control') {
      throw shapeError(ctx, '', `holds ${saved.length} saved object${saved.length === 1 ? '' : 's'} for ${items.length} sent, so haloform cannot tell which is which`);
    }
    return saved.map((s, i) => asRecord(s, { ...ctx, where: `response[${i}]` }));
  }

  /** Halo's "Add to all asset types" for an asset field (`POST /api/Field/AddFieldToAll/{id}`). */
  async addFieldToAll(fieldId: number): Promise<void> {
    await this.http.request({ method: 'POST', path: `/api/Field/AddFieldToAll/${fieldId}`, label: 'POST /api/Field/AddFieldToAll/{id}', idempotent: true });
  }

  /**
   * Adds or updates (found by name) the outgoing webhook to serve: `POST /api/Webhook` with the
   * found one's id, HTTP Basic auth (authentication_type 1 [unverified number]). Halo never
   * answers the password back, so it is sent on every apply.
   */
  async registerWebhook(hook: { name: string; url: string; events: readonly string[]; username: string; password: string }): Promise<void> {
    // A bare array or an envelope, as every Halo list: a shape neither is an error, never a second webhook.
    const found = (await this.list('/api/Webhook', 'webhooks')).find(({ r }) => r.name === hook.name)?.r;
    const id = typeof found?.id === 'string' && found.id.trim() !== '' ? found.id : undefined;
    await this.http.request({
      method: 'POST',
      path: '/api/Webhook',
      label: 'POST /api/Webhook',
      json: [{ ...(id ? { id } : {}), name: hook.name, url: hook.url, active: true, authentication_type: 1, basic_username: hook.username, basic_password: hook.password, events: hook.events.map((event) => ({ event })) }],
    });
  }

  async close(): Promise<void> {
    await this.http.close();
  }

  /**
   * Every row of a list: page 1 with `pageinate=true`, then the remaining pages in parallel once
   * `record_count` is known; a bare array is the whole list. Rows are de-duplicated by id, in
   * case a write moved one between pages. Each row comes with where it was; a row that is not an
   * object is reported to `sink` and left out.
   */
  async list(path: string, key: string, query: Query = {}, signal?: AbortSignal, sink = this.onReadProblem): Promise<{ r: Record<string, unknown>; ctx: ShapeContext }[]> {
    const label = `GET ${path}`;
    const page = async (pageNo: number) => {
      const response = await this.http.request({
        method: 'GET',
        path,
        query: { ...query, pageinate: true, page_size: HALO_PAGE_SIZE, page_no: pageNo },
        label,
        ...(signal ? { signal } : {}),
      });
      return unwrap(response.body, key, this.#ctx(label, `page ${pageNo}`));
    };
    const first = await page(1);
    let rows = first.rows;
    if (first.total !== undefined && first.total > rows.length) {
      if (rows.length === HALO_PAGE_SIZE) {
        const pages = Math.ceil(first.total / HALO_PAGE_SIZE);
        const rest = await Promise.all(Array.from({ length: pages - 1 }, (_, i) => page(i + 2)));
        rows = rows.concat(...rest.map((p) => p.rows));
      } else if (rows.length > 0) {
        // A smaller page than asked: walk on until a short page.
        for (let n = 2; ; n++) {
          const next = await page(n);
          rows = rows.concat(next.rows);
          if (next.rows.length < first.rows.length || rows.length >= first.total) break;
        }
      }
    }
    const seen = new Set<unknown>();
    const out: { r: Record<string, unknown>; ctx: ShapeContext }[] = [];
    rows.forEach((row, i) => {
      const ctx = this.#ctx(label, `${key}[${i}]`);
      if (row === null || typeof row !== 'object' || Array.isArray(row)) {
        sink?.(notARow(row, 'Halo', label, `${key}[${i}]`));
        return;
      }
      const r = row as Record<string, unknown>;
      const id = typeof r.id === 'number' || typeof r.id === 'string' ? Number(r.id) : undefined;
      if (id !== undefined && Number.isFinite(id)) {
        if (seen.has(id)) return;
        seen.add(id);
      }
      out.push({ r, ctx });
    });
    return out;
  }

  /** Every row of a list read with `read`; rows it leaves out (undefined, or without their identity) are reported to `sink`. */
  async #rowsOf<T>(path: string, key: string, noun: string, query: Query, sink: ProblemSink | undefined, read: (row: RowReader) => T | undefined): Promise<T[]> {
    const label = `GET ${path}`;
    const out: T[] = [];
    for (const { r, ctx } of await this.list(path, key, query, undefined, sink)) {
      const row = new RowReader(r, 'Halo', label, noun, ctx.where);
      row.rmmIdFields = [this.identity.client, this.identity.site, this.identity.asset];
      const value = read(row);
      if (row.report(sink) && value !== undefined) out.push(value);
    }
    return out;
  }

  #ctx(label: string, where: string): ShapeContext {
    return { api: 'Halo', label, where };
  }
}

function unwrap(body: unknown, key: string, ctx: ShapeContext): { rows: unknown[]; total?: number } {
  if (Array.isArray(body)) return { rows: body };
  const r = asRecord(body, ctx);
  const rows = r[key] ?? Object.values(r).find(Array.isArray);
  const total = optionalInt(r, 'record_count', ctx);
  return { rows: asArray(rows ?? [], { ...ctx, where: `${ctx.where}.${key}` }), ...(total !== undefined ? { total } : {}) };
}

/** The RMM id in `field`: an integer Halo wrote as its "none" (0 or below), or "" as text, is absent. */
function rmmIdOf(row: RowReader, field: string, identity: HaloIdentity): RmmId | undefined {
  if (identity.idKind === 'number') return positive(row.int(field));
  const text = row.string(field)?.trim();
  return text ? text : undefined;
}

/** The asset properties read back: what haloform writes, but the tag (read as the asset's name). */
function readProperties(identity: HaloIdentity): string[] {
  return assetProperties(identity).filter((p) => p !== 'inventory_number');
}

/** An id Halo wrote as its "none" (0 or below) is absent. */
function positive(id: number | undefined): number | undefined {
  return id !== undefined && id > 0 ? id : undefined;
}

const IDENTITY = { identity: 'left out: haloform cannot refer to a row without its id' };

/** `site 12 "HQ"`: a row as a person finds it in Halo. */
function label(noun: string, id: number, name: string | undefined): string {
  return `${noun} ${id}${name && name.trim() !== '' ? ` "${name.trim()}"` : ''}`;
}

/** The type and options of a field (`/api/Field` or `/api/FieldInfo` row); see field-types.ts. */
function fieldTypeOf(row: RowReader): { type: HaloFieldType; typeKnown: boolean; options: HaloFieldOption[] } {
  const options: HaloFieldOption[] = [];
  (row.list('values') ?? []).forEach((entry) => {
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) return;
    const o = new RowReader(entry as Record<string, unknown>, 'Halo', row.label, 'option', '');
    const id = o.int('id');
    const name = o.string('name');
    if (id !== undefined && name !== undefined) options.push({ id, name: name.trim() });
  });
  const code = row.int('type');
  const coded = code === undefined ? undefined : HALO_FIELD_TYPE_CODES[code];
  if (coded) return { type: coded, typeKnown: true, options };
  const lookup = row.int('lookup');
  if ((lookup !== undefined && lookup > 0) || options.length > 0) return { type: 'select', typeKnown: true, options };
  return { type: 'text', typeKnown: false, options };
}

function userFrom(row: RowReader): HaloUser | undefined {
  const id = row.int('id', IDENTITY);
  const name = row.string('name') ?? '';
  if (id === undefined) return undefined;
  row.name(label('user', id, name));
  const clientId = row.int('client_id');
  const login = row.string('login');
  const email = row.string('emailaddress');
  const siteId = row.int('site_id_int') ?? row.int('site_id', { needed: 'it is on no site, so no asset can be linked to it. Put it on a site in Halo if it should be' });
  return {
    id,
    name,
    ...(login ? { login } : {}),
    ...(email ? { email } : {}),
    ...(siteId !== undefined ? { siteId } : {}),
    ...(clientId !== undefined ? { clientId } : {}),
    inactive: row.boolean('inactive') ?? false,
    isGeneralUser: false,
  };
}

/** An asset row; `listedType` is the asset type it was listed under (NOTES §3). */
function assetFrom(row: RowReader, identity: HaloIdentity, listedType?: number): HaloAsset | undefined {
  const id = row.int('id', IDENTITY);
  const inventoryNumber = row.string('inventory_number');
  if (id === undefined) return undefined;
  row.name(label('asset', id, inventoryNumber));
  const fields = new Map<number, unknown>();
  (row.list('fields') ?? []).forEach((entry, i) => {
    const f = entry !== null && typeof entry === 'object' && !Array.isArray(entry) ? (entry as Record<string, unknown>) : undefined;
    const fieldId = f ? new RowReader(f, 'Halo', row.label, 'field', '').int('id') : undefined;
    if (fieldId === undefined) {
      row.problem(`fields[${i}].id`, 'is missing', { needed: 'that field value is ignored (and kept as Halo has it)' });
      return;
    }
    fields.set(fieldId, f!.value ?? null);
  });
  const customFields = new Map<number, unknown>();
  (row.list('customfields') ?? []).forEach((entry) => {
    const f = entry !== null && typeof entry === 'object' && !Array.isArray(entry) ? (entry as Record<string, unknown>) : undefined;
    const fieldId = f ? new RowReader(f, 'Halo', row.label, 'custom field', '').int('id') : undefined;
    if (fieldId !== undefined) customFields.set(fieldId, f!.value ?? null);
  });
  const userIds: number[] = [];
  (row.list('users') ?? []).forEach((entry) => {
    const u = entry !== null && typeof entry === 'object' && !Array.isArray(entry) ? new RowReader(entry as Record<string, unknown>, 'Halo', row.label, 'user', '').int('id') : undefined;
    if (u !== undefined) userIds.push(u);
  });
  const clientId = row.int('client_id', {
    needed: "it is a stock asset with no client, which haloform can only adopt by serial (it then moves it to the device's client). Set a client in Halo only if it should belong to one",
  });
  const siteId = row.int('site_id', clientId === undefined ? 'optional' : { needed: 'it has no site in Halo' });
  const assetTypeId = row.int('assettype_id') ?? listedType;
  const rmmId = rmmIdOf(row, identity.asset, identity);
  const properties: Record<string, unknown> = {};
  for (const key of readProperties(identity)) {
    const value = row.record[key];
    if (value !== undefined && value !== null && value !== '') properties[key] = value;
  }
  return {
    id,
    ...(inventoryNumber !== undefined && inventoryNumber.trim() !== '' ? { inventoryNumber } : {}),
    ...(clientId !== undefined ? { clientId } : {}),
    ...(siteId !== undefined ? { siteId } : {}),
    ...(assetTypeId !== undefined ? { assetTypeId } : {}),
    inactive: row.boolean('inactive') ?? false,
    ...(rmmId !== undefined ? { rmmId } : {}),
    fields,
    customFields,
    userIds,
    properties,
  };
}
