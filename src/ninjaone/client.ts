/**
 * The NinjaOne client: typed reads of organisations, locations, devices, custom fields and
 * alerts, and the webhook registration — over the shared HTTP layer, with NinjaOne's paging
 * (bare arrays, `after` = last id, no total) and its response shapes checked at the boundary.
 * reference/ninjaone/NOTES.md §2–§6.
 */

import type { NinjaOneConnection } from '../config/spec.js';
import { HttpClient, ninjaOneHttpOptions, type SharedHttpOptions } from '../http/index.js';
import { asArray, asRecord, optionalString, requiredInt, requiredString, shapeError, type ShapeContext } from '../http/shape.js';
import type { NinjaAlert, NinjaDevice, NinjaLocation, NinjaOrganization, NinjaSnapshot } from './types.js';

/** NinjaOne serves 1000 rows a page in practice (NOTES §3.1). */
export const NINJA_PAGE_SIZE = 1000;

export interface WebhookRegistration {
  url: string;
  /** Header carrying the shared secret; `Authorization` gets "Bearer <secret>". */
  header: string;
  secret: string;
  organizationIds?: number[];
}

export class NinjaOneClient {
  readonly http: HttpClient;

  constructor(connection: NinjaOneConnection, shared: SharedHttpOptions = {}) {
    this.http = new HttpClient(ninjaOneHttpOptions(connection, shared));
  }

  static fromHttp(http: HttpClient): NinjaOneClient {
    const client = Object.create(NinjaOneClient.prototype) as NinjaOneClient;
    (client as { http: HttpClient }).http = http;
    return client;
  }

  async readOrganizations(): Promise<NinjaOrganization[]> {
    const rows = await this.#pagesByAfter('/v2/organizations', 'GET /v2/organizations');
    return rows.map((row, i) => {
      const ctx = this.#ctx('GET /v2/organizations', `organizations[${i}]`);
      const r = asRecord(row, ctx);
      return { id: requiredInt(r, 'id', ctx), name: requiredString(r, 'name', ctx) };
    });
  }

  async readLocations(): Promise<NinjaLocation[]> {
    const rows = await this.#pagesByAfter('/v2/locations', 'GET /v2/locations');
    return rows.map((row, i) => {
      const ctx = this.#ctx('GET /v2/locations', `locations[${i}]`);
      const r = asRecord(row, ctx);
      return { id: requiredInt(r, 'id', ctx), organizationId: requiredInt(r, 'organizationId', ctx), name: requiredString(r, 'name', ctx) };
    });
  }

  /**
   * Every device with its detail (`/v2/devices-detailed`), optionally filtered by a `df`
   * expression. With `keep`, each record holds only those top-level keys: a detailed device is a
   * few kilobytes, and 50,000 of them whole would not fit the memory target (DESIGN.md §8).
   */
  async readDevices(options: { df?: string; keep?: ReadonlySet<string> } = {}): Promise<NinjaDevice[]> {
    const devices: NinjaDevice[] = [];
    await this.#pagesByAfter('/v2/devices-detailed', 'GET /v2/devices-detailed', options.df ? { df: options.df } : {}, (page, offset) => {
      page.forEach((row, i) => devices.push(this.#device(row, 'GET /v2/devices-detailed', `devices[${offset + i}]`, options.keep)));
    });
    return devices;
  }

  /** One device, detailed; undefined when NinjaOne does not have it. */
  async readDevice(id: number): Promise<NinjaDevice | undefined> {
    const response = await this.http.request({ method: 'GET', path: `/v2/device/${id}`, label: 'GET /v2/device/{id}', accept: [404] });
    if (response.status === 404) return undefined;
    return this.#device(response.body, 'GET /v2/device/{id}', 'device');
  }

  /**
   * Custom field values of every device, for the named fields only, through the bulk query
   * (`/v2/queries/custom-fields`, cursor paging — NOTES §4.2).
   */
  async readCustomFields(fields: readonly string[]): Promise<Map<number, Record<string, unknown>>> {
    const out = new Map<number, Record<string, unknown>>();
    if (fields.length === 0) return out;
    const label = 'GET /v2/queries/custom-fields';
    let cursor: string | undefined;
    let lastOffset = -1;
    for (;;) {
      const response = await this.http.request({
        method: 'GET',
        path: '/v2/queries/custom-fields',
        query: { fields: fields.join(','), pageSize: NINJA_PAGE_SIZE, ...(cursor ? { cursor } : {}) },
        label,
      });
      const ctx = this.#ctx(label, 'response');
      const body = asRecord(response.body, ctx);
      const results = asArray(body.results ?? [], { ...ctx, where: 'response.results' });
      for (const [i, row] of results.entries()) {
        const rctx = this.#ctx(label, `results[${i}]`);
        const r = asRecord(row, rctx);
        const deviceId = requiredInt(r, 'deviceId', rctx);
        const values = r.fields === undefined || r.fields === null ? {} : asRecord(r.fields, { ...rctx, where: `results[${i}].fields` });
        out.set(deviceId, { ...out.get(deviceId), ...values });
      }
      const state = body.cursor && typeof body.cursor === 'object' ? (body.cursor as Record<string, unknown>) : {};
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
    return out;
  }

  /** Custom field name → type (DATE, TEXT, ...), from the definitions. */
  async readCustomFieldTypes(): Promise<Map<string, string>> {
    const label = 'GET /v2/device-custom-fields';
    const response = await this.http.request({ method: 'GET', path: '/v2/device-custom-fields', label });
    const out = new Map<string, string>();
    for (const [i, row] of asArray(response.body, this.#ctx(label, 'response')).entries()) {
      const ctx = this.#ctx(label, `definitions[${i}]`);
      const r = asRecord(row, ctx);
      const name = optionalString(r, 'name', ctx);
      const type = optionalString(r, 'type', ctx);
      if (name && type) out.set(name, type);
    }
    return out;
  }

  /** Everything plan needs, read in parallel. */
  async readSnapshot(options: { customFields?: readonly string[]; deviceKeys?: ReadonlySet<string> } = {}): Promise<NinjaSnapshot> {
    const fields = [...new Set(options.customFields ?? [])];
    const [organizations, locations, devices, customFields, customFieldTypes] = await Promise.all([
      this.readOrganizations(),
      this.readLocations(),
      this.readDevices(options.deviceKeys ? { keep: options.deviceKeys } : {}),
      this.readCustomFields(fields),
      fields.length > 0 ? this.readCustomFieldTypes() : Promise.resolve(new Map<string, string>()),
    ]);
    return { organizations, locations, devices, customFields, customFieldTypes };
  }

  /** Active alerts (`/v2/alerts`, no paging). */
  async readAlerts(): Promise<NinjaAlert[]> {
    const label = 'GET /v2/alerts';
    const response = await this.http.request({ method: 'GET', path: '/v2/alerts', label });
    return asArray(response.body, this.#ctx(label, 'response')).map((row, i) => {
      const ctx = this.#ctx(label, `alerts[${i}]`);
      const r = asRecord(row, ctx);
      return {
        uid: requiredString(r, 'uid', ctx),
        deviceId: requiredInt(r, 'deviceId', ctx),
        message: optionalString(r, 'message', ctx) ?? '',
        severity: optionalString(r, 'severity', ctx) ?? 'NONE',
        priority: optionalString(r, 'priority', ctx) ?? 'NONE',
        sourceType: optionalString(r, 'sourceType', ctx) ?? '',
        sourceConfigUid: optionalString(r, 'sourceConfigUid', ctx) ?? '',
        createTime: typeof r.createTime === 'number' ? r.createTime : 0,
        record: r,
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
        activities: { statusCode: ['TRIGGERED', 'RESET'] },
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
   */
  async #pagesByAfter(path: string, label: string, query: Record<string, string> = {}, each?: (page: unknown[], offset: number) => void): Promise<unknown[]> {
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
      const last = requiredInt(asRecord(page[page.length - 1], ctx), 'id', ctx);
      if (after !== undefined && last <= after) throw shapeError(ctx, 'id', `of the last row is ${last}, not after ${after} (the paging does not advance)`);
      after = last;
    }
  }

  #device(row: unknown, label: string, where: string, keep?: ReadonlySet<string>): NinjaDevice {
    const ctx = this.#ctx(label, where);
    const r = asRecord(row, ctx);
    const displayName = optionalString(r, 'displayName', ctx);
    let record = r;
    if (keep) {
      record = {};
      for (const key of Object.keys(r)) if (keep.has(key)) record[key] = r[key];
    }
    return {
      id: requiredInt(r, 'id', ctx),
      organizationId: requiredInt(r, 'organizationId', ctx),
      locationId: requiredInt(r, 'locationId', ctx),
      nodeClass: requiredString(r, 'nodeClass', ctx),
      ...(displayName !== undefined ? { displayName } : {}),
      record,
    };
  }

  #ctx(label: string, where: string): ShapeContext {
    return { api: 'NinjaOne', label, where };
  }
}
