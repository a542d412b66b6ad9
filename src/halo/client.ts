/**
 * The HaloPSA client: typed reads of clients, sites, users, assets (with field values), asset
 * types, fields, ticket types and settings; batched upserts; tickets and notes. It hides Halo's
 * envelopes (`{record_count, clients:[…]}` or bare arrays), the 100-row page cap, ids sent as
 * `21.0`, `-1` for "none", and checks every response for the fields haloform uses.
 * reference/halopsa/NOTES.md §2–§5.
 */

import type { HaloConnection } from '../config/spec.js';
import { HttpClient, haloHttpOptions, type Query, type SharedHttpOptions } from '../http/index.js';
import { asArray, asRecord, optionalBoolean, optionalInt, optionalString, requiredInt, requiredString, shapeError, type ShapeContext } from '../http/shape.js';
import type {
  HaloAsset,
  HaloAssetGroup,
  HaloAssetType,
  HaloClient as HaloClientRecord,
  HaloField,
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
export type HaloResource = 'Client' | 'Site' | 'Asset' | 'AssetType' | 'Field' | 'Control' | 'Tickets' | 'Actions' | 'Users';

/** Asset properties read back for diffing (the ones a field mapping may write). */
const ASSET_PROPERTIES = ['notes', 'warranty_start', 'warranty_end', 'labour_warranty_start', 'labour_warranty_end', 'supplier_purchasedate', 'commissiondate'] as const;

export class HaloApiClient {
  readonly http: HttpClient;
  readonly batchSize: number;

  constructor(connection: HaloConnection, shared: SharedHttpOptions = {}) {
    this.http = new HttpClient(haloHttpOptions(connection, shared));
    this.batchSize = connection.batchSize;
  }

  // Reads.

  async readTopLevels(): Promise<HaloTopLevel[]> {
    return (await this.list('/api/TopLevel', 'toplevels')).map(({ r, ctx }) => ({ id: requiredInt(r, 'id', ctx), name: requiredString(r, 'name', ctx) }));
  }

  async readClients(): Promise<HaloClientRecord[]> {
    return (await this.list('/api/Client', 'clients', { includeinactive: true })).map(({ r, ctx }) => {
      const mainSiteId = optionalInt(r, 'main_site_id', ctx);
      const ninjaId = optionalInt(r, 'ninjarmmid', ctx);
      const topLevelId = optionalInt(r, 'toplevel_id', ctx);
      return {
        id: requiredInt(r, 'id', ctx),
        name: requiredString(r, 'name', ctx),
        inactive: optionalBoolean(r, 'inactive', ctx) ?? false,
        ...(topLevelId !== undefined ? { topLevelId } : {}),
        ...(mainSiteId !== undefined ? { mainSiteId } : {}),
        ...(ninjaId !== undefined && ninjaId > 0 ? { ninjaId } : {}),
      };
    });
  }

  async readSites(): Promise<HaloSite[]> {
    return (await this.list('/api/Site', 'sites', { includeinactive: true })).map(({ r, ctx }) => {
      const ninjaId = optionalInt(r, 'ninjarmmid', ctx);
      return {
        id: requiredInt(r, 'id', ctx),
        name: requiredString(r, 'name', ctx),
        clientId: requiredInt(r, 'client_id', ctx),
        inactive: optionalBoolean(r, 'inactive', ctx) ?? false,
        ...(ninjaId !== undefined && ninjaId > 0 ? { ninjaId } : {}),
      };
    });
  }

  /** Active users, without the General Users (which stand in for unknown end users). */
  async readUsers(query: Query = {}): Promise<HaloUser[]> {
    return (await this.list('/api/Users', 'users', { exclude_generaluser: true, ...query })).map(({ r, ctx }) => userFrom(r, ctx));
  }

  async readAssetGroups(): Promise<HaloAssetGroup[]> {
    return (await this.list('/api/AssetGroup', 'assetgroups')).map(({ r, ctx }) => ({ id: requiredInt(r, 'id', ctx), name: requiredString(r, 'name', ctx) }));
  }

  async readFields(): Promise<HaloField[]> {
    return (await this.list('/api/Field', 'fields')).map(({ r, ctx }) => {
      const type = optionalInt(r, 'type', ctx);
      return { id: requiredInt(r, 'id', ctx), name: requiredString(r, 'name', ctx), ...(type !== undefined ? { type } : {}) };
    });
  }

  async readAssetTypes(): Promise<HaloAssetType[]> {
    return (await this.list('/api/AssetType', 'assettypes')).map(({ r, ctx }) => {
      const layout = r.fields === undefined || r.fields === null ? [] : asArray(r.fields, { ...ctx, where: `${ctx.where}.fields` });
      const fieldIds = layout.map((entry, i) => {
        const ectx = { ...ctx, where: `${ctx.where}.fields[${i}]` };
        const e = asRecord(entry, ectx);
        return optionalInt(e, 'field_id', ectx) ?? requiredInt(e, 'id', ectx);
      });
      const assetGroupId = optionalInt(r, 'assetgroup_id', ctx);
      return { id: requiredInt(r, 'id', ctx), name: requiredString(r, 'name', ctx), ...(assetGroupId !== undefined ? { assetGroupId } : {}), fieldIds };
    });
  }

  /**
   * Assets with their field values. Halo returns field values in lists only with
   * `includeassetfields=true` and an `assettype_id` filter (NOTES §3), so this reads type by type.
   */
  async readAssets(assetTypeIds: readonly number[]): Promise<HaloAsset[]> {
    const perType = await Promise.all(
      assetTypeIds.map((typeId) => this.list('/api/Asset', 'assets', { assettype_id: typeId, includeassetfields: true, includeinactive: true })),
    );
    const seen = new Set<number>();
    const out: HaloAsset[] = [];
    for (const rows of perType) {
      for (const { r, ctx } of rows) {
        const asset = assetFrom(r, ctx);
        if (seen.has(asset.id)) continue;
        seen.add(asset.id);
        out.push(asset);
      }
    }
    return out.sort((a, b) => a.id - b.id);
  }

  /** Assets matching a list filter (`client_id`, `integration_type`, ...), without field values. */
  async readAssetsWhere(query: Query): Promise<HaloAsset[]> {
    return (await this.list('/api/Asset', 'assets', query)).map(({ r, ctx }) => assetFrom(r, ctx));
  }

  async readAsset(id: number): Promise<HaloAsset | undefined> {
    const response = await this.http.request({ method: 'GET', path: `/api/Asset/${id}`, label: 'GET /api/Asset/{id}', accept: [404] });
    if (response.status === 404) return undefined;
    const ctx = this.#ctx('GET /api/Asset/{id}', 'asset');
    return assetFrom(asRecord(response.body, ctx), ctx);
  }

  async readTicketTypes(): Promise<HaloTicketType[]> {
    return (await this.list('/api/TicketType', 'tickettypes')).map(({ r, ctx }) => ({ id: requiredInt(r, 'id', ctx), name: requiredString(r, 'name', ctx) }));
  }

  /** Settings haloform manages; undefined fields when Halo does not say. */
  async readSettings(): Promise<HaloSettings> {
    const label = 'GET /api/Control';
    const response = await this.http.request({ method: 'GET', path: '/api/Control', label, hints: { 403: "reading Halo's settings needs the API application's admin scope" } });
    const ctx = this.#ctx(label, 'control');
    const r = asRecord(response.body, ctx);
    const allow = optionalBoolean(r, 'allowduplicateinv', ctx);
    // "Asset Tag must be unique" is Control.allowduplicateinv inverted (NOTES §4.4, [unverified]).
    return allow === undefined ? {} : { assetTagMustBeUnique: !allow };
  }

  /** Everything plan needs, read in parallel (assets after the asset types they are listed by). */
  async readSnapshot(): Promise<HaloSnapshot> {
    const [topLevels, clients, sites, users, assetGroups, fields, assetTypes, ticketTypes, settings] = await Promise.all([
      this.readTopLevels(),
      this.readClients(),
      this.readSites(),
      this.readUsers(),
      this.readAssetGroups(),
      this.readFields(),
      this.readAssetTypes(),
      this.readTicketTypes(),
      this.readSettings(),
    ]);
    const assets = await this.readAssets(assetTypes.map((t) => t.id));
    const siteClient = new Map(sites.map((s) => [s.id, s.clientId]));
    for (const u of users) if (u.clientId === undefined && siteClient.has(u.siteId)) u.clientId = siteClient.get(u.siteId)!;
    return { topLevels, clients, sites, users, assetGroups, fields, assetTypes, assets, ticketTypes, settings };
  }

  // Writes.

  /**
   * One `POST /api/<resource>` of `items` (Halo takes arrays; an item with `id` updates). Returns
   * the saved objects in the order sent: Halo answers one object for one item, an array for more.
   */
  async post(resource: HaloResource, items: readonly Record<string, unknown>[]): Promise<Record<string, unknown>[]> {
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

  async close(): Promise<void> {
    await this.http.close();
  }

  /**
   * Every row of a list: page 1 with `pageinate=true`, then the remaining pages in parallel once
   * `record_count` is known; a bare array is the whole list. Rows are de-duplicated by id, in
   * case a write moved one between pages. Each row comes with where it was, for shape errors.
   */
  async list(path: string, key: string, query: Query = {}, signal?: AbortSignal): Promise<{ r: Record<string, unknown>; ctx: ShapeContext }[]> {
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
    const seen = new Set<number>();
    const out: { r: Record<string, unknown>; ctx: ShapeContext }[] = [];
    rows.forEach((row, i) => {
      const ctx = this.#ctx(label, `${key}[${i}]`);
      const r = asRecord(row, ctx);
      const id = requiredInt(r, 'id', ctx);
      if (seen.has(id)) return;
      seen.add(id);
      out.push({ r, ctx });
    });
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

function userFrom(r: Record<string, unknown>, ctx: ShapeContext): HaloUser {
  const clientId = optionalInt(r, 'client_id', ctx);
  const login = optionalString(r, 'login', ctx);
  const email = optionalString(r, 'emailaddress', ctx);
  return {
    id: requiredInt(r, 'id', ctx),
    name: optionalString(r, 'name', ctx) ?? '',
    ...(login ? { login } : {}),
    ...(email ? { email } : {}),
    siteId: optionalInt(r, 'site_id_int', ctx) ?? requiredInt(r, 'site_id', ctx),
    ...(clientId !== undefined ? { clientId } : {}),
    inactive: optionalBoolean(r, 'inactive', ctx) ?? false,
    isGeneralUser: false,
  };
}

function assetFrom(r: Record<string, unknown>, ctx: ShapeContext): HaloAsset {
  const fields = new Map<number, unknown>();
  if (Array.isArray(r.fields)) {
    r.fields.forEach((entry, i) => {
      const fctx = { ...ctx, where: `${ctx.where}.fields[${i}]` };
      const f = asRecord(entry, fctx);
      fields.set(requiredInt(f, 'id', fctx), f.value ?? null);
    });
  }
  const userIds = Array.isArray(r.users)
    ? r.users.map((entry, i) => {
        const uctx = { ...ctx, where: `${ctx.where}.users[${i}]` };
        return requiredInt(asRecord(entry, uctx), 'id', uctx);
      })
    : [];
  const ninjaId = optionalInt(r, 'ninjarmm_id', ctx);
  const inventoryNumber = optionalString(r, 'inventory_number', ctx);
  const properties: Record<string, unknown> = {};
  for (const key of ASSET_PROPERTIES) if (r[key] !== undefined && r[key] !== null) properties[key] = r[key];
  return {
    id: requiredInt(r, 'id', ctx),
    ...(inventoryNumber !== undefined && inventoryNumber !== '' ? { inventoryNumber } : {}),
    clientId: requiredInt(r, 'client_id', ctx),
    siteId: requiredInt(r, 'site_id', ctx),
    assetTypeId: requiredInt(r, 'assettype_id', ctx),
    inactive: optionalBoolean(r, 'inactive', ctx) ?? false,
    ...(ninjaId !== undefined && ninjaId > 0 ? { ninjaId } : {}),
    fields,
    userIds,
    properties,
  };
}
