/**
 * The Datto RMM API v2 itself (reference/dattormm/NOTES.md §2–§7): the token endpoint outside
 * `/api`, then every `/api/v2` read and write a PSA sync uses. Each route checks, in order: the IP
 * block (403), the bearer token (401), the account's request budget (429, or 403 once blocked —
 * NOTES §5), then its parameters; lists come in the paged envelope (paging.ts), 404s with the
 * spec's messages, void writes with no body.
 */

import { parseJson, type Handler, type Router, type SimRequest, type SimResponse } from '../sim-server.js';
import { seededUuid } from '../uuid.js';
import type { Random } from '../random.js';
import type { AlertLifecycle } from './alerts.js';
import type { DattoClock } from './clock.js';
import { DattoHttpError, NOT_FOUND, WRONG_CLASS, type DattoErrors } from './errors.js';
import type { DattoTokens, TokenGrant } from './oauth.js';
import { pageEnvelope, readPage, type ListKind, type PageSettings } from './paging.js';
import type { DattoRateLimiter } from './rate-limit.js';
import type { DattoAlert, DattoDevice, DattoProxySettings, DattoSite } from './seed.js';
import { renderAccount, renderAlert, renderAudit, renderDevice, renderSite, type AuditKind, type UdfCount } from './shapes.js';
import type { DattoStore } from './store.js';
import type { AlertWebhooks } from './webhooks.js';

/** Behaviour the real API leaves open; each default is the documented or likeliest one. */
export interface ApiSettings {
  udfCount: UdfCount;
  paging: PageSettings;
  /** Status of a successful void write (udf, warranty, move, resolve): 200 or 204 ([unverified], NOTES §0). Default 200. */
  voidWriteStatus: 200 | 204;
  /** Resolving an unknown alert uid: 404 (default) or a silent success ([unverified], NOTES §3). */
  unknownAlertResolve: 'not-found' | 'ok';
  /** Resolving an alert already resolved: a silent success (default) or 409 ([unverified]). */
  resolvedAlertResolve: 'ok' | 'conflict';
  /** `{"udfN": null}` clears the UDF. Default false: the Java DTO cannot tell null from absent, so it is kept ([unverified]; `""` clears, NOTES §7). */
  udfNullClears: boolean;
  /** A site created with the name of another: allowed (default) or 409 ([unverified], NOTES §7). */
  duplicateSiteNames: 'allow' | 'conflict';
  /** The platform (merlot, pinotage, …): portal links of new sites. */
  platform: string;
  /** `GET /v2/system/status`. */
  status: { version: string; startedMs: number };
}

export interface ApiContext {
  store: DattoStore;
  tokens: DattoTokens;
  limiter: DattoRateLimiter;
  errors: DattoErrors;
  alerts: AlertLifecycle;
  webhooks: AlertWebhooks;
  clock: DattoClock;
  random: Random;
  settings: ApiSettings;
  /** The API's origin for absolute page URLs (same host as the request, NOTES §4). */
  baseUrl(): string;
}

const V2 = '/api/v2';

export function registerApiRoutes(router: Router, ctx: ApiContext): void {
  router.on('POST', '/auth/oauth/token', guarded((req) => {
    blockCheck(ctx, req);
    return ctx.tokens.issue(req);
  }));
  // The one call that needs no token [spec].
  router.on('GET', `${V2}/system/status`, guarded((req) => {
    blockCheck(ctx, req);
    return ok({ version: ctx.settings.status.version, status: 'OK', started: ctx.settings.status.startedMs });
  }));
  registerSystemRoutes(router, ctx);
  registerSiteRoutes(router, ctx);
  registerDeviceRoutes(router, ctx);
  registerAuditRoutes(router, ctx);
  registerAlertRoutes(router, ctx);
}

/** Pagination config, the request budget, the account. */
function registerSystemRoutes(router: Router, ctx: ApiContext): void {
  const read = api(ctx, 'read');
  router.on('GET', `${V2}/system/pagination`, read(() => ok({ max: ctx.settings.paging.maxPageSize })));
  router.on('GET', `${V2}/system/request_rate`, read(() => ok(ctx.limiter.requestRate(ctx.store.account.uid))));
  router.on('GET', `${V2}/account`, read(() => ok(renderAccount(ctx.store))));
}

/** Sites: list, read, create (PUT), update (POST) — NOTES §11.12: PUT creates, POST updates. */
function registerSiteRoutes(router: Router, ctx: ApiContext): void {
  const { store, errors } = ctx;
  const read = api(ctx, 'read');

  router.on('GET', `${V2}/account/sites`, read((req) => {
    const matches = like(req.query.get('siteName'));
    return list(ctx, req, 'sites', 'sites', store.siteList().filter((s) => matches(s.name)).map((s) => renderSite(store, s)));
  }));
  router.on('GET', `${V2}/site/:uid`, read((req) => ok(renderSite(store, siteOf(ctx, req)))));
  router.on('GET', `${V2}/site/:uid/devices`, read((req) => {
    const site = siteOf(ctx, req);
    filterCheck(ctx, req);
    return list(ctx, req, 'devices', 'devices', store.devicesOf(site.uid).map((d) => renderDevice(store, d, ctx.settings.udfCount)));
  }));
  router.on('PUT', `${V2}/site`, api(ctx, 'site-create')((req) => {
    const body = siteBody(ctx, req);
    if (ctx.settings.duplicateSiteNames === 'conflict' && store.siteList().some((s) => s.name === body.name)) throw errors.error(409, 'Conflict', req.path);
    const id = store.nextId('site');
    const site: DattoSite = {
      id,
      uid: seededUuid(ctx.random),
      name: body.name,
      description: body.description ?? null,
      notes: body.notes ?? null,
      onDemand: body.onDemand ?? false,
      splashtopAutoInstall: body.splashtopAutoInstall ?? false,
      proxySettings: body.proxySettings ?? null,
      autotaskCompanyName: null,
      autotaskCompanyId: null,
      portalUrl: `https://${ctx.settings.platform}.rmm.datto.com/site/${id}`,
    };
    store.putSite(site);
    return ok(renderSite(store, site));
  }));
  router.on('POST', `${V2}/site/:uid`, api(ctx, 'site-update')((req) => {
    const site = siteOf(ctx, req);
    const body = siteBody(ctx, req);
    // Fields left out keep their values ([unverified]: the spec does not say).
    const updated: DattoSite = {
      ...site,
      name: body.name,
      ...(body.description === undefined ? {} : { description: body.description }),
      ...(body.notes === undefined ? {} : { notes: body.notes }),
      ...(body.onDemand === undefined ? {} : { onDemand: body.onDemand }),
      ...(body.splashtopAutoInstall === undefined ? {} : { splashtopAutoInstall: body.splashtopAutoInstall }),
    };
    store.putSite(updated);
    return ok(renderSite(store, updated));
  }));
}

/** Device lists, single devices, and the device writes: UDFs, warranty, move. */
function registerDeviceRoutes(router: Router, ctx: ApiContext): void {
  const { store, errors, settings } = ctx;
  const read = api(ctx, 'read');
  const row = (d: DattoDevice) => renderDevice(store, d, settings.udfCount);

  router.on('GET', `${V2}/account/devices`, read((req) => {
    // filterId "exclusively determines the results" [spec]; no filters are modelled, so any id is unknown.
    filterCheck(ctx, req);
    const hostname = like(req.query.get('hostname'));
    const deviceType = like(req.query.get('deviceType'));
    const os = like(req.query.get('operatingSystem'));
    const siteName = like(req.query.get('siteName'));
    const devices = store.deviceList().filter(
      (d) =>
        hostname(d.hostname) &&
        (deviceType(d.deviceType?.category) || deviceType(d.deviceType?.type)) &&
        os(d.operatingSystem) &&
        siteName(store.sites.get(d.siteUid)?.name),
    );
    return list(ctx, req, 'devices', 'devices', devices.map(row));
  }));
  // Before /device/:uid so "id" is never read as a uid.
  router.on('GET', `${V2}/device/id/:id`, read((req) => {
    const raw = req.params.id ?? '';
    if (!/^-?\d+$/.test(raw)) throw errors.invalid(req.path, `Failed to convert value of type 'java.lang.String' to required type 'long'; For input string: "${raw}"`);
    const device = store.deviceById(Number(raw));
    if (!device) throw errors.notFound(NOT_FOUND.device, req.path);
    return ok(row(device));
  }));
  router.on('GET', `${V2}/device/:uid`, read((req) => ok(row(deviceOf(ctx, req)))));

  router.on('POST', `${V2}/device/:uid/udf`, api(ctx, 'device-udf-set')((req) => {
    const device = deviceOf(ctx, req);
    const body = objectBody(ctx, req);
    const udf: Record<string, string | null> = { ...(device.udf ?? {}) };
    for (const [key, value] of Object.entries(body)) {
      const m = /^udf(\d+)$/.exec(key);
      // Keys the DTO does not have are ignored, as Spring Boot's Jackson does.
      if (!m || Number(m[1]) < 1 || Number(m[1]) > settings.udfCount) continue;
      if (value === null) {
        if (settings.udfNullClears) delete udf[key];
        continue;
      }
      if (typeof value === 'object') throw errors.invalid(req.path, `JSON parse error: cannot deserialize ${key} from an ${Array.isArray(value) ? 'array' : 'object'}`);
      // "Any user defined field supplied with an empty value will be set to null" [spec].
      if (value === '') delete udf[key];
      else udf[key] = String(value);
    }
    store.putDevice({ ...device, udf });
    return voidWrite(ctx);
  }));
  router.on('POST', `${V2}/device/:uid/warranty`, api(ctx, 'device-warranty-create')((req) => {
    const device = deviceOf(ctx, req);
    const body = objectBody(ctx, req);
    const date = body.warrantyDate ?? null;
    if (date !== null && (typeof date !== 'string' || !isIsoDate(date))) {
      throw errors.invalid(req.path, `warrantyDate must be an ISO 8601 date (yyyy-mm-dd) or null, got ${JSON.stringify(date)}`);
    }
    store.putDevice({ ...device, warrantyDate: date });
    return voidWrite(ctx);
  }));
  router.on('PUT', `${V2}/device/:uid/site/:siteUid`, api(ctx, 'device-move')((req) => {
    const device = store.devices.get(req.params.uid!);
    const site = store.sites.get(req.params.siteUid!);
    if (!device || !site) throw errors.notFound(NOT_FOUND.deviceOrSite, req.path);
    store.putDevice({ ...device, siteUid: site.uid });
    return voidWrite(ctx);
  }));
}

/** Audits by device class; another class is a 400 [spec]. */
function registerAuditRoutes(router: Router, ctx: ApiContext): void {
  const read = api(ctx, 'read');
  const audit = (kind: AuditKind) =>
    read((req) => {
      const device = ctx.store.devices.get(req.params.uid!);
      if (!device) throw ctx.errors.notFound(kind === 'printer' ? NOT_FOUND.printer : NOT_FOUND.device, req.path);
      if (device.deviceClass !== kind) throw ctx.errors.invalid(req.path, WRONG_CLASS[kind]);
      return ok(renderAudit(kind, device, ctx.store.audits.get(device.uid)));
    });
  router.on('GET', `${V2}/audit/device/:uid`, audit('device'));
  router.on('GET', `${V2}/audit/esxihost/:uid`, audit('esxihost'));
  router.on('GET', `${V2}/audit/printer/:uid`, audit('printer'));
}

/** Open and resolved alerts of the account, a site or a device; one alert; resolving one. */
function registerAlertRoutes(router: Router, ctx: ApiContext): void {
  const { store, errors, settings } = ctx;
  const read = api(ctx, 'read');
  const alertList = (which: 'open' | 'resolved', scope: (req: SimRequest) => (a: DattoAlert) => boolean) =>
    read((req) => {
      const inScope = scope(req);
      const muted = req.query.get('muted');
      if (muted !== null && muted !== '' && muted !== 'true' && muted !== 'false') throw errors.invalid(req.path, `Failed to convert value of type 'java.lang.String' to required type 'java.lang.Boolean'; Invalid boolean value [${muted}]`);
      const alerts = [...store.alerts.values()]
        .filter((a) => a.resolved === (which === 'resolved') && inScope(a) && (muted === null || muted === '' || String(a.muted) === muted))
        .sort((a, b) => a.timestamp - b.timestamp);
      return list(ctx, req, 'alerts', `${which}-alerts`, alerts.map((a) => alertRow(ctx, a)));
    });

  for (const which of ['open', 'resolved'] as const) {
    router.on('GET', `${V2}/account/alerts/${which}`, alertList(which, () => () => true));
    router.on('GET', `${V2}/site/:uid/alerts/${which}`, alertList(which, (req) => {
      const site = siteOf(ctx, req);
      return (a) => a.alertSourceInfo.siteUid === site.uid;
    }));
    router.on('GET', `${V2}/device/:uid/alerts/${which}`, alertList(which, (req) => {
      const device = deviceOf(ctx, req);
      return (a) => a.alertSourceInfo.deviceUid === device.uid;
    }));
  }
  router.on('GET', `${V2}/alert/:uid`, read((req) => {
    const alert = store.alerts.get(req.params.uid!);
    if (!alert) throw errors.notFound(NOT_FOUND.alert, req.path);
    return ok(alertRow(ctx, alert));
  }));
  router.on('POST', `${V2}/alert/:uid/resolve`, api(ctx, 'alert-resolve')((req, grant) => {
    const outcome = ctx.alerts.resolve(req.params.uid!, grant.user.username);
    if (outcome === 'not-found' && settings.unknownAlertResolve === 'not-found') throw errors.notFound(NOT_FOUND.alert, req.path);
    if (outcome === 'already-resolved' && settings.resolvedAlertResolve === 'conflict') throw errors.error(409, 'Conflict', req.path);
    return voidWrite(ctx);
  }));
}

/**
 * Wraps a route: IP block, bearer token, then the budget of `operation` ('read' or a write
 * operation's name, NOTES §5); the cut-off delay holds the answer.
 */
function api(ctx: ApiContext, operation: 'read' | string): (handler: (req: SimRequest, grant: TokenGrant) => SimResponse) => Handler {
  return (handler) =>
    guarded(async (req) => {
      const grant = authorize(ctx, req);
      const decision = ctx.limiter.take(operation);
      if (decision.outcome === 'limited') {
        throw new DattoHttpError(429, 'rate limited', ctx.errors.body(429, 'Request rate limit exceeded. Please retry later.', req.path), { 'retry-after': String(decision.retryAfterSeconds) });
      }
      if (decision.outcome === 'blocked') throw blockedError(ctx, req, decision.retryAfterSeconds);
      const response = handler(req, grant);
      if (decision.delayMs > 0) await sleep(decision.delayMs);
      return response;
    });
}

/** The block check, then the bearer check; throws the 403 or 401. */
export function authorize(ctx: ApiContext, req: SimRequest): TokenGrant {
  blockCheck(ctx, req);
  const grant = ctx.tokens.authenticate(req.headers.authorization);
  if (typeof grant === 'string') throw ctx.tokens.rejection(grant);
  return grant;
}

/** Throws the 403 while the IP is blocked. */
function blockCheck(ctx: ApiContext, req: SimRequest): void {
  const blocked = ctx.limiter.blocked();
  if (blocked !== undefined) throw blockedError(ctx, req, blocked);
}

/** The 403 of an IP block, with Retry-After ([unverified] body and header; pncit reads both, NOTES §5). */
function blockedError(ctx: ApiContext, req: SimRequest, retryAfterSeconds: number): DattoHttpError {
  return new DattoHttpError(403, 'blocked', ctx.errors.body(403, 'IP address temporarily blocked: the request rate limit was exceeded repeatedly.', req.path), { 'retry-after': String(retryAfterSeconds) });
}

/** Turns a thrown DattoHttpError into its answer, headers included. */
function guarded(handler: (req: SimRequest) => SimResponse | Promise<SimResponse>): Handler {
  return async (req) => {
    try {
      return await handler(req);
    } catch (e) {
      if (e instanceof DattoHttpError) return e.response();
      throw e;
    }
  };
}

function ok(body: unknown): SimResponse {
  return { status: 200, body };
}

function voidWrite(ctx: ApiContext): SimResponse {
  return { status: ctx.settings.voidWriteStatus };
}

function list(ctx: ApiContext, req: SimRequest, key: string, kind: ListKind, rows: readonly unknown[]): SimResponse {
  const cap = kind.endsWith('alerts') ? ctx.settings.paging.alertMaxPageSize : ctx.settings.paging.maxPageSize;
  return ok(pageEnvelope(key, kind, rows, readPage(req, ctx.errors, cap), req, ctx.baseUrl(), ctx.settings.paging));
}

function alertRow(ctx: ApiContext, alert: DattoAlert) {
  return renderAlert(alert, ctx.webhooks.responseActions(alert.alertUid));
}

function siteOf(ctx: ApiContext, req: SimRequest): DattoSite {
  const site = ctx.store.sites.get(req.params.uid!);
  if (!site) throw ctx.errors.notFound(NOT_FOUND.site, req.path);
  return site;
}

function deviceOf(ctx: ApiContext, req: SimRequest): DattoDevice {
  const device = ctx.store.devices.get(req.params.uid!);
  if (!device) throw ctx.errors.notFound(NOT_FOUND.device, req.path);
  return device;
}

function filterCheck(ctx: ApiContext, req: SimRequest): void {
  const filterId = req.query.get('filterId');
  if (filterId !== null && filterId !== '') throw ctx.errors.notFound(NOT_FOUND.filter, req.path);
}

/**
 * A LIKE filter ("partial matches are allowed" [spec]): the value anywhere in the field, case
 * insensitive, `%` and `_` as SQL wildcards. No value matches everything; a null field matches
 * only then.
 */
function like(value: string | null): (field: string | null | undefined) => boolean {
  if (value === null || value === '') return () => true;
  const pattern = value
    .split('')
    .map((c) => (c === '%' ? '.*' : c === '_' ? '.' : c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  const re = new RegExp(pattern, 'is');
  return (field) => typeof field === 'string' && re.test(field);
}

function objectBody(ctx: ApiContext, req: SimRequest): Record<string, unknown> {
  let body: unknown;
  try {
    body = parseJson(req);
  } catch {
    throw ctx.errors.invalid(req.path, 'JSON parse error: the request body is not valid JSON');
  }
  // The body is required [spec].
  if (body === undefined) throw ctx.errors.invalid(req.path, 'Required request body is missing');
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw ctx.errors.invalid(req.path, 'JSON parse error: the request body must be a JSON object');
  return body as Record<string, unknown>;
}

interface SiteBody {
  name: string;
  description?: string | null;
  notes?: string | null;
  onDemand?: boolean;
  splashtopAutoInstall?: boolean;
  proxySettings?: DattoProxySettings | null;
}

/** A CreateSiteRequest / SiteRequest: `name` required [spec], the rest typed when present. */
function siteBody(ctx: ApiContext, req: SimRequest): SiteBody {
  const body = objectBody(ctx, req);
  const bad = (field: string, what: string) => ctx.errors.invalid(req.path, `${field}: ${what}`);
  if (typeof body.name !== 'string' || body.name.trim() === '') throw bad('name', 'required');
  const out: SiteBody = { name: body.name };
  for (const key of ['description', 'notes'] as const) {
    const value = body[key];
    if (value === undefined) continue;
    if (value !== null && typeof value !== 'string') throw bad(key, 'must be a string');
    out[key] = value;
  }
  for (const key of ['onDemand', 'splashtopAutoInstall'] as const) {
    const value = body[key];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'boolean') throw bad(key, 'must be true or false');
    out[key] = value;
  }
  const proxy = body.proxySettings;
  if (proxy !== undefined && proxy !== null) {
    if (typeof proxy !== 'object' || Array.isArray(proxy)) throw bad('proxySettings', 'must be an object {host, port, type, username, password}');
    const p = proxy as Record<string, unknown>;
    if (p.type !== undefined && p.type !== null && !['http', 'socks4', 'socks5'].includes(p.type as string)) throw bad('proxySettings.type', 'must be http, socks4 or socks5');
    const text = (v: unknown) => (typeof v === 'string' ? v : null);
    out.proxySettings = { host: text(p.host), port: typeof p.port === 'number' ? p.port : null, type: text(p.type), username: text(p.username), password: text(p.password) };
  } else if (proxy === null) {
    out.proxySettings = null;
  }
  return out;
}

function isIsoDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
