/**
 * The Datto RMM API v2 simulator: a real HTTP server that answers like Datto RMM
 * (reference/dattormm/NOTES.md) from a DattoSeed — the password-grant token endpoint outside
 * `/api`, 0-based paging with absolute page URLs, epoch-ms and null-laden shapes, audits by
 * device class, the writes a PSA sync makes, the account-wide request budget — and posts the
 * global alert webhook's templates like Datto does. Not wired into `haloform sandbox` yet.
 */

import type { FaultRule } from '../faults.js';
import { createRandom } from '../random.js';
import { Router, startSimServer, type SimRequest, type SimResponse, type SimServer } from '../sim-server.js';
import { DeliveryQueue, type DeliveryOptions, type WebhookDelivery as SharedWebhookDelivery } from '../webhook-delivery.js';
import { AlertLifecycle } from './alerts.js';
import { authorize, registerApiRoutes, type ApiContext, type ApiSettings } from './api-routes.js';
import { DattoClock } from './clock.js';
import { createControl, type DattoRmmControl } from './control.js';
import { controlNotFound, registerControlRoutes } from './control-routes.js';
import { DattoErrors, DattoHttpError } from './errors.js';
import { DattoTokens } from './oauth.js';
import type { ListKind } from './paging.js';
import { DattoRateLimiter, type DattoRateLimit } from './rate-limit.js';
import type { DattoSeed } from './seed.js';
import type { UdfCount } from './shapes.js';
import { DattoStore } from './store.js';
import { AlertWebhooks, type DattoWebhookSubject, type TimestampFormat } from './webhooks.js';

export type { TriggerAlertInput } from './alerts.js';
export { DEFAULT_ALERT_CONTEXT } from './alerts.js';
export type { DattoRmmControl, DattoRmmState, WebhookInput } from './control.js';
export type { DeviceInput, SiteInput } from './control-input.js';
export { CONTROL_ROUTES } from './control-routes.js';
export { AUTHENTICATION_REQUIRED, BAD_CREDENTIALS, NOT_FOUND, WRONG_CLASS } from './errors.js';
export { PUBLIC_CLIENT } from './oauth.js';
export type { ListKind, PageSettings } from './paging.js';
export { DEFAULT_RATE_LIMIT, WRITE_OPERATIONS, type DattoRateLimit, type RateLimitStatus } from './rate-limit.js';
export type * from './seed.js';
export { WEBHOOK_PLACEHOLDERS, type DattoWebhookConfig, type DattoWebhookSubject, type TimestampFormat, type WebhookPlaceholder } from './webhooks.js';
export { DATTO_SANDBOX_CREDENTIALS, generateDattoDemo, type DattoDemoOptions } from './demo.js';
export type { DeliveryOptions } from '../webhook-delivery.js';
export { DEFAULT_DELIVERY_OPTIONS } from '../webhook-delivery.js';
/** One Datto webhook post as the delivery log shows it. */
export type WebhookDelivery = SharedWebhookDelivery<DattoWebhookSubject>;

export interface DattoRmmSimulatorOptions {
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  faults?: FaultRule[];
  /** Seeds the fault dice and every generated value (tokens, uids, delivery dice). Default 1. */
  seed?: number;
  /** Millisecond clock for token expiry, the rate-limit window and new timestamps. Default Date.now. */
  now?: () => number;
  /** The platform name for `[platform]` and new portal links. Default "merlot". */
  platform?: string;
  /** The origin page URLs are written with (absolute, NOTES §4). Default the server's own URL. */
  publicUrl?: string;
  /** Access token lifetime and `expires_in`. Default 360000 (100 hours, NOTES §2). */
  tokenTtlSeconds?: number;
  /** Answer `grant_type=refresh_token`. Default false ([unverified] whether Datto does). */
  refreshTokenGrant?: boolean;
  /** Largest and default `max`. Default 250 (NOTES §4). */
  maxPageSize?: number;
  /** The same for alert lists. Default maxPageSize ([unverified]). */
  alertMaxPageSize?: number;
  /** Page URLs keep only `max` and `page`. Default true, as observed (NOTES §4). */
  dropFiltersFromNextPageUrl?: boolean;
  /** Lists whose pageDetails omit totalCount. Default ['open-alerts'] (observed); the others [unverified]. */
  omitTotalCount?: ListKind[];
  /** `udf1`…`udf300` (default, spec201) or `udf1`…`udf30` (older builds). */
  udfCount?: UdfCount;
  /** Status of a successful void write. Default 200 ([unverified]: 200 or 204). */
  voidWriteStatus?: 200 | 204;
  /** Resolving an unknown alert: 'not-found' (default, 404) or 'ok' ([unverified]). */
  unknownAlertResolve?: 'not-found' | 'ok';
  /** Resolving a resolved alert: 'ok' (default) or 'conflict' (409) ([unverified]). */
  resolvedAlertResolve?: 'ok' | 'conflict';
  /** `{"udfN": null}` clears the UDF. Default false: null reads as "not supplied" ([unverified]). */
  udfNullClears?: boolean;
  /** Creating a site with a taken name: 'allow' (default) or 'conflict' (409) ([unverified]). */
  duplicateSiteNames?: 'allow' | 'conflict';
  /** The request budget, any numbers changed (NOTES §5); null counts without enforcing. Default DEFAULT_RATE_LIMIT. */
  rateLimit?: Partial<DattoRateLimit> | null;
  /** How `[timestamp]` is written in webhook posts. Default 'epoch-seconds' ([unverified]). */
  webhookTimestampFormat?: TimestampFormat;
  /** Webhook delivery knobs (drop, duplicate, delay, reorder, retries); changeable later through `control`. */
  webhookDelivery?: Partial<DeliveryOptions>;
}

export interface DattoRmmSimulator {
  /** Base URL: tokens at `${url}/auth/oauth/token`, the API at `${url}/api/v2`. */
  url: string;
  server: SimServer;
  /** The programmatic twin of the `/_sandbox/` control API. */
  control: DattoRmmControl;
  /** Stops webhook delivery and the server. */
  stop(): Promise<void>;
}

/** The version `GET /v2/system/status` reports: the build of the spec201 file (NOTES, header). */
const VERSION = '2.0.0 (Build 201_aadf6556)';

export async function startDattoRmmSimulator(seed: DattoSeed, options: DattoRmmSimulatorOptions = {}): Promise<DattoRmmSimulator> {
  const clock = new DattoClock(options.now ?? Date.now);
  const random = createRandom(options.seed ?? 1);
  const store = DattoStore.fromSeed(seed);
  const errors = new DattoErrors(clock);
  const platform = options.platform ?? 'merlot';
  const tokens = new DattoTokens(store.apiUsers, clock, random.fork('tokens'), {
    ttlSeconds: positive(options.tokenTtlSeconds ?? 360_000, 'tokenTtlSeconds'),
    refreshGrant: options.refreshTokenGrant ?? false,
    scope: 'default',
  });
  const limiter = new DattoRateLimiter(options.rateLimit === undefined ? {} : options.rateLimit, clock);
  const queue = new DeliveryQueue<DattoWebhookSubject>(random.fork('webhook-delivery'), options.webhookDelivery);
  const webhooks = new AlertWebhooks(store, queue, clock, { platform, timestampFormat: options.webhookTimestampFormat ?? 'epoch-seconds' });
  const alerts = new AlertLifecycle(store, clock, random.fork('alerts'), webhooks);
  const maxPageSize = positive(options.maxPageSize ?? 250, 'maxPageSize');
  const settings: ApiSettings = {
    udfCount: options.udfCount ?? 300,
    paging: {
      maxPageSize,
      alertMaxPageSize: positive(options.alertMaxPageSize ?? maxPageSize, 'alertMaxPageSize'),
      dropFiltersFromNextPageUrl: options.dropFiltersFromNextPageUrl ?? true,
      omitTotalCount: options.omitTotalCount ?? ['open-alerts'],
    },
    voidWriteStatus: options.voidWriteStatus ?? 200,
    unknownAlertResolve: options.unknownAlertResolve ?? 'not-found',
    resolvedAlertResolve: options.resolvedAlertResolve ?? 'ok',
    udfNullClears: options.udfNullClears ?? false,
    duplicateSiteNames: options.duplicateSiteNames ?? 'allow',
    platform,
    status: { version: VERSION, startedMs: clock.nowMs() },
  };
  let baseUrl = options.publicUrl?.replace(/\/+$/, '') ?? '';
  const ctx: ApiContext = { store, tokens, limiter, errors, alerts, webhooks, clock, random: random.fork('records'), settings, baseUrl: () => baseUrl };

  const router = new Router();
  registerApiRoutes(router, ctx);
  const control = createControl({ store, clock, random: random.fork('control'), platform, alerts, webhooks, queue, limiter, tokens });
  registerControlRoutes(router, control);

  const server = await startSimServer({
    name: 'Datto RMM simulator',
    router,
    host: options.host,
    port: options.port ?? 0,
    faults: options.faults,
    seed: options.seed,
    faultResponse: (kind, req): SimResponse =>
      kind === 'error' ? errors.response(500, 'Internal Server Error', req.path) : errors.response(429, 'Request rate limit exceeded. Please retry later.', req.path, { 'retry-after': '1' }),
    notFound: (req) => unmatched(ctx, req, 404),
    methodNotAllowed: (req) => unmatched(ctx, req, 405),
  });
  if (baseUrl === '') baseUrl = server.url;

  return {
    url: server.url,
    server,
    control,
    stop: async () => {
      queue.close();
      await server.close();
    },
  };
}

/**
 * A path no route serves (404) or a method it does not take (405): the control API lists its
 * routes; under `/api/v2` the IP block and the bearer check come first, as Spring Security's
 * filters run before the dispatcher; elsewhere (the token URL with `/api`, NOTES §1) a plain 404.
 */
function unmatched(ctx: ApiContext, req: SimRequest, status: 404 | 405): SimResponse {
  if (req.path.toLowerCase().startsWith('/_sandbox/')) return controlNotFound(req);
  try {
    if (req.path.startsWith('/api/v2/') || req.path === '/api/v2') authorize(ctx, req);
  } catch (e) {
    if (e instanceof DattoHttpError) return e.response();
    throw e;
  }
  return ctx.errors.response(status, status === 404 ? 'No message available' : `Request method '${req.method}' not supported`, req.path);
}

function positive(value: number, name: string): number {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a positive number, got ${value}`);
  return value;
}
