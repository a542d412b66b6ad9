/**
 * The NinjaOne API itself: the token endpoint and every `/v2/*` read and write haloform uses,
 * served under both `/v2` and `/api/v2` (NOTES §0). Each route checks the bearer token first
 * (401 body, NOTES §8), then the scope — `monitoring` to read, `management` to write (403) —
 * then its parameters. Lists are bare arrays in ascending id (NOTES §3.1). Every row passes
 * through the row overlays (src/sandbox/overlays.ts) last, so a test can make any row look like
 * one a real tenant sent.
 */

import type { RowOverlays } from '../overlays.js';
import { parseJson, type Handler, type Router, type SimRequest, type SimResponse } from '../sim-server.js';
import type { NinjaDevice, NinjaOrganization } from '../seed.js';
import type { ActivityFeed } from './activity-feed.js';
import { CustomFieldCursors, deviceFieldMap, FIELD_SCOPES, visibleValues, type CursorPage, type FieldScope, type ScopedFieldsRow } from './custom-fields.js';
import { parseDeviceFilter, type DevicePredicate } from './device-filter.js';
import { renderDevice, type DeviceView, type ReferenceOptions } from './device-shapes.js';
import { searchDevices } from './device-search.js';
import { nginxNotFound, type NinjaErrors } from './errors.js';
import type { TokenGrant, TokenIssuer } from './oauth.js';
import { pageIds, readInteger, readPageRequest, type PageLimits, type PageRequest } from './paging.js';
import type { NinjaStore } from './store.js';
import { inScopes, renderAlert, renderDefinition, renderLocation, renderOrganization, renderOrganizationDetailed } from './tenant-shapes.js';
import { parseWebhookConfig } from './webhook-config.js';

export interface ApiContext {
  store: NinjaStore;
  tokens: TokenIssuer;
  errors: NinjaErrors;
  feed: ActivityFeed;
  cursors: CustomFieldCursors;
  limits: PageLimits;
  /** Applied to every row rendered, by list name (OVERLAY_LISTS). */
  overlays: RowOverlays;
  /** Serve `POST /oauth/token` like `/ws/oauth/token` instead of nginx's 404 (some instances did, NOTES §1). */
  legacyTokenPath: boolean;
}

/** Both path prefixes the API answers on. */
export const API_PREFIXES = ['/v2', '/api/v2'] as const;

/** `/v2/queries/*` page size bounds and default [spec]. */
const QUERY_PAGE = { min: 10, max: 10_000, default: 1000 };

/**
 * The lists row overlays can name, and what each covers. A row is matched by its `id` (`uid` for
 * alerts, `name` for definitions); query rows, which have no id, by the key given here. Only API
 * reads are overlaid: webhook bodies are sent as the simulator makes them.
 */
export const OVERLAY_LISTS: Readonly<Record<string, string>> = {
  organizations: '/v2/organizations, /v2/organizations-detailed, /v2/organization/{id} (by id)',
  locations: '/v2/locations, /v2/organization/{id}/locations and the locations inside detailed organisations (by id)',
  devices: 'every device row: /v2/devices, /v2/devices-detailed, /v2/organization/{id}/devices, /v2/device/{id}, /v2/devices/search (by id)',
  alerts: '/v2/alerts, /v2/device/{id}/alerts (by uid)',
  'device-custom-fields': '/v2/device-custom-fields (by name)',
  'custom-fields': 'rows of /v2/queries/custom-fields (by deviceId)',
  'scoped-custom-fields': 'rows of /v2/queries/scoped-custom-fields (by entityId, whatever the scope)',
};

/** Default `limit` of /v2/devices/search when none is given ([unverified]: the spec gives none). */
const SEARCH_DEFAULT_LIMIT = 100;

export function registerApiRoutes(router: Router, ctx: ApiContext): void {
  const { store, tokens, errors, feed, cursors, overlays } = ctx;

  router.on('POST', '/ws/oauth/token', (req) => tokens.issue(req));
  router.on('POST', '/oauth/token', (req) => (ctx.legacyTokenPath ? tokens.issue(req) : nginxNotFound()));

  /** Bearer token, then scope; throws the 401 or 403 answer. */
  const authorize = (req: SimRequest, scope: 'monitoring' | 'management'): TokenGrant => {
    const grant = tokens.authenticate(req.headers.authorization);
    if (!grant) throw errors.notAuthenticated();
    if (!grant.scopes.includes(scope)) throw errors.error(403);
    return grant;
  };
  const read = (handler: (req: SimRequest) => SimResponse): Handler => (req) => {
    authorize(req, 'monitoring');
    return handler(req);
  };
  const write = (handler: (req: SimRequest, grant: TokenGrant) => SimResponse): Handler => (req) => handler(req, authorize(req, 'management'));
  const ok = (body: unknown): SimResponse => ({ status: 200, body });
  const noContent: SimResponse = { status: 204 };
  /** `row` with the overlays of `list` applied. */
  const overlaid = <T>(list: string, row: T): T => overlays.apply(list, row);
  /** Overlays for a row without an id of its own: matched as if `key` were its id, which is not added. */
  const overlaidBy = <T extends object>(list: string, key: number, row: T): T => {
    if (!overlays.has(list)) return row;
    const probe = { ...row, id: key };
    const out = overlays.apply(list, probe);
    if (out === probe) return row;
    delete (out as { id?: number }).id;
    return out as T;
  };
  const deviceRow = (device: NinjaDevice, view: DeviceView, refs?: ReferenceOptions) => overlaid('devices', renderDevice(device, view, refs));
  const organizationRow = (org: NinjaOrganization) => overlaid('organizations', renderOrganization(org));
  const organizationDetailedRow = (org: NinjaOrganization) => {
    const row = renderOrganizationDetailed(org, store.locationsOf(org.id).map((l) => store.locations.get(l)!));
    if (overlays.has('locations')) row.locations = (row.locations as unknown[]).map((l) => overlaid('locations', l));
    return overlaid('organizations', row);
  };
  const locationRow = (id: number, withOrganization: boolean) => overlaid('locations', renderLocation(store.locations.get(id)!, withOrganization));
  /** `pageSize` of a `/v2/queries/*` request: clamped to the spec's 10..10000 ([unverified] whether the real API refuses others); undefined when absent. */
  const queryPageSize = (req: SimRequest): number | undefined => {
    const size = readInteger(req.query, 'pageSize');
    if (typeof size === 'object') throw errors.error(400, size.error);
    return size === undefined ? undefined : Math.min(QUERY_PAGE.max, Math.max(QUERY_PAGE.min, size));
  };
  const fieldNames = (req: SimRequest): ReadonlySet<string> | undefined => {
    const names = (req.query.get('fields') ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
    return names.length > 0 ? new Set(names) : undefined;
  };
  /** `scopes=all|node,location,organization,end_user` (spec default `all`); an unknown scope is a 400 ([unverified] real answer). */
  const scopesParam = (req: SimRequest): Set<FieldScope> => {
    const raw = (req.query.get('scopes') ?? '').split(',').map((s) => s.trim().toUpperCase()).filter((s) => s !== '');
    if (raw.length === 0 || raw.includes('ALL')) return new Set(FIELD_SCOPES);
    const known = new Set<string>(FIELD_SCOPES);
    const unknown = raw.find((s) => !known.has(s));
    if (unknown !== undefined) throw errors.error(400, `scopes: unknown scope "${unknown.toLowerCase()}"; use all, node, location, organization or end_user`);
    return new Set(raw as FieldScope[]);
  };

  const page = (req: SimRequest): PageRequest => {
    const request = readPageRequest(req.query, ctx.limits);
    if ('error' in request) throw errors.error(400, request.error);
    return request;
  };
  const filter = (req: SimRequest): DevicePredicate | undefined => {
    const df = req.query.get('df');
    if (df === null || df.trim() === '') return undefined;
    const parsed = parseDeviceFilter(df);
    if (!parsed.ok) throw errors.error(400, `Invalid device filter "${df}": ${parsed.message}`);
    return parsed.matches;
  };
  const idParam = (req: SimRequest, name = 'id'): number => {
    const raw = req.params[name] ?? '';
    // A non-numeric id does not match the real route at all: 404, as JAX-RS answers.
    if (!/^\d+$/.test(raw)) throw errors.notFound();
    return Number(raw);
  };
  const orgOf = (req: SimRequest) => {
    const org = store.organizations.get(idParam(req));
    if (!org) throw errors.notFound();
    return org;
  };
  const deviceOf = (req: SimRequest) => {
    const device = store.devices.get(idParam(req));
    if (!device) throw errors.notFound();
    return device;
  };
  /** `expand=organization,location` fills `references` ([unverified] — homotechsual sends it; plain captures have none). */
  const references = (req: SimRequest) => {
    const expand = new Set((req.query.get('expand') ?? '').split(',').map((s) => s.trim()));
    return (device: NinjaDevice): ReferenceOptions | undefined =>
      expand.has('organization') || expand.has('location')
        ? {
            organization: expand.has('organization') ? store.organizations.get(device.organizationId) : undefined,
            location: expand.has('location') ? store.locations.get(device.locationId) : undefined,
          }
        : undefined;
  };
  const deviceList = (view: DeviceView) =>
    read((req) => {
      const matches = filter(req);
      const refs = references(req);
      const ids = pageIds(store.deviceIds, page(req), matches && ((id) => matches(store.devices.get(id)!)));
      return ok(ids.map((id) => {
        const device = store.devices.get(id)!;
        return deviceRow(device, view, refs(device));
      }));
    });
  const alertList = (req: SimRequest, deviceId?: number) => {
    const matches = filter(req);
    const sourceTypes = req.query.get('sourceType')?.split(',').map((s) => s.trim()).filter((s) => s !== '');
    const alerts = [...store.alerts.values()].filter((alert) => {
      if (deviceId !== undefined && alert.deviceId !== deviceId) return false;
      if (sourceTypes && sourceTypes.length > 0 && !sourceTypes.includes(alert.sourceType)) return false;
      if (!matches) return true;
      const device = store.devices.get(alert.deviceId);
      return device !== undefined && matches(device);
    });
    return ok(alerts.map((alert) => overlaid('alerts', renderAlert(alert))));
  };
  const jsonBody = (req: SimRequest): unknown => {
    try {
      return parseJson(req);
    } catch {
      throw errors.error(400, 'request body is not valid JSON');
    }
  };

  for (const prefix of API_PREFIXES) {
    const at = (path: string) => `${prefix}${path}`;

    router.on('GET', at('/organizations'), read((req) => ok(pageIds(store.organizationIds, page(req)).map((id) => organizationRow(store.organizations.get(id)!)))));
    router.on('GET', at('/organizations-detailed'), read((req) => ok(pageIds(store.organizationIds, page(req)).map((id) => organizationDetailedRow(store.organizations.get(id)!)))));
    router.on('GET', at('/organization/:id'), read((req) => ok(organizationDetailedRow(orgOf(req)))));
    router.on('GET', at('/locations'), read((req) => ok(pageIds(store.locationIds, page(req)).map((id) => locationRow(id, true)))));
    router.on('GET', at('/organization/:id/locations'), read((req) => ok(store.locationsOf(orgOf(req).id).map((id) => locationRow(id, false)))));
    router.on('GET', at('/organization/:id/custom-fields'), read((req) => ok(visibleValues(store, store.organizationFields.get(orgOf(req).id)))));
    router.on(
      'GET',
      at('/organization/:id/location/:locationId/custom-fields'),
      read((req) => {
        const org = orgOf(req);
        const location = store.locations.get(idParam(req, 'locationId'));
        if (!location || location.organizationId !== org.id) throw errors.notFound();
        const own = visibleValues(store, store.locationFields.get(location.id));
        if (req.query.get('withInheritance') !== 'true') return ok(own);
        const inherited = Object.entries(visibleValues(store, store.organizationFields.get(org.id))).filter(([name]) => !(name in own));
        return ok({ ...own, ...Object.fromEntries(inherited) });
      }),
    );

    router.on('GET', at('/devices'), deviceList('brief'));
    router.on('GET', at('/devices-detailed'), deviceList('detailed'));
    router.on(
      'GET',
      at('/organization/:id/devices'),
      read((req) => {
        const org = orgOf(req);
        const refs = references(req);
        return ok(pageIds(store.devicesOf(org.id), page(req)).map((id) => {
          const device = store.devices.get(id)!;
          return deviceRow(device, 'brief', refs(device));
        }));
      }),
    );
    router.on(
      'GET',
      at('/device/:id'),
      read((req) => {
        const device = deviceOf(req);
        return ok(deviceRow(device, 'single', references(req)(device)));
      }),
    );
    router.on(
      'GET',
      at('/devices/search'),
      read((req) => {
        const query = req.query.get('q') ?? '';
        const limit = readInteger(req.query, 'limit');
        if (typeof limit === 'object') throw errors.error(400, limit.error);
        const max = limit === undefined || limit <= 0 ? SEARCH_DEFAULT_LIMIT : Math.min(limit, ctx.limits.maxPageSize);
        const refs = references(req);
        const devices = searchDevices(store, query, max).map(({ device, score, matchAttr, matchAttrValue }) =>
          overlaid('devices', { ...renderDevice(device, 'brief', refs(device)), score, matchAttr, matchAttrValue }),
        );
        return ok({ query, devices });
      }),
    );
    router.on('GET', at('/device/:id/custom-fields'), read((req) => ok(deviceFieldMap(store, deviceOf(req).id, req.query.get('withInheritance') === 'true'))));
    router.on('GET', at('/device/:id/alerts'), read((req) => alertList(req, deviceOf(req).id)));
    router.on(
      'GET',
      at('/device-custom-fields'),
      read((req) => {
        const raw = (req.query.get('scopes') ?? '').split(',').map((s) => s.trim().toUpperCase()).filter((s) => s !== '');
        const scopes = raw.length > 0 ? new Set(raw) : undefined;
        return ok(store.definitions.filter((d) => inScopes(d, scopes)).map((d) => overlaid('device-custom-fields', renderDefinition(d))));
      }),
    );

    router.on(
      'GET',
      at('/queries/custom-fields'),
      read((req) => {
        const pageSize = queryPageSize(req);
        const cursorName = req.query.get('cursor');
        let result: CursorPage | undefined;
        if (cursorName !== null && cursorName !== '') {
          result = cursors.next(cursorName, pageSize);
          if (!result) throw errors.error(400, `cursor "${cursorName}" has expired or does not exist`);
        } else {
          const matches = filter(req);
          result = cursors.open((id) => !matches || matches(store.devices.get(id)!), fieldNames(req), pageSize ?? QUERY_PAGE.default);
        }
        return ok({ ...result, results: result.results.map((row) => overlaidBy('custom-fields', row.deviceId, row)) });
      }),
    );
    router.on(
      'GET',
      at('/queries/scoped-custom-fields'),
      read((req) => {
        const pageSize = queryPageSize(req);
        const cursorName = req.query.get('cursor');
        let result: CursorPage<ScopedFieldsRow> | undefined;
        if (cursorName !== null && cursorName !== '') {
          result = cursors.next<ScopedFieldsRow>(cursorName, pageSize, 'scoped-custom-fields');
          if (!result) throw errors.error(400, `cursor "${cursorName}" has expired or does not exist`);
        } else {
          result = cursors.openScoped(scopesParam(req), fieldNames(req), pageSize ?? QUERY_PAGE.default);
        }
        return ok({ ...result, results: result.results.map((row) => overlaidBy('scoped-custom-fields', row.entityId, row)) });
      }),
    );

    router.on('GET', at('/alerts'), read((req) => alertList(req)));
    router.on(
      'DELETE',
      at('/alert/:uid'),
      write((req) => {
        if (!feed.resetAlert(req.params.uid!)) throw errors.notFound();
        return noContent;
      }),
    );
    router.on(
      'POST',
      at('/alert/:uid/reset'),
      write((req) => {
        const body = jsonBody(req);
        if (body !== undefined && (typeof body !== 'object' || body === null || Array.isArray(body))) {
          throw errors.error(400, 'the body must be a JSON object (custom activity data)');
        }
        if (!feed.resetAlert(req.params.uid!)) throw errors.notFound();
        return noContent;
      }),
    );

    router.on(
      'PUT',
      at('/webhook'),
      write((req, grant) => {
        const config = parseWebhookConfig(jsonBody(req));
        if ('error' in config) throw errors.error(400, config.error);
        feed.webhooks.set(grant.clientId, config);
        return noContent;
      }),
    );
    router.on(
      'DELETE',
      at('/webhook'),
      write((_req, grant) => {
        feed.webhooks.delete(grant.clientId);
        return noContent;
      }),
    );
  }
}
