/**
 * The NinjaOne API simulator: a real HTTP server that answers like NinjaOne's public API v2
 * (reference/ninjaone/NOTES.md) from a NinjaSeed — OAuth, paging, device shapes, custom fields,
 * alerts, error bodies — and posts webhooks like NinjaOne does. `haloform sandbox` runs it for
 * the demo; every test that talks to "NinjaOne" talks to it.
 */

import type { FaultRule } from '../faults.js';
import { RowOverlays } from '../overlays.js';
import { createRandom } from '../random.js';
import type { NinjaSeed } from '../seed.js';
import { Router, startSimServer, type SimRequest, type SimResponse, type SimServer } from '../sim-server.js';
import { DeliveryQueue, type DeliveryOptions, type WebhookDelivery as SharedWebhookDelivery } from '../webhook-delivery.js';
import { ActivityFeed, type ActivitySubject } from './activity-feed.js';
import { registerApiRoutes } from './api-routes.js';
import { SimClock } from './clock.js';
import { createControl, type ErrorSettings, type NinjaOneControl } from './control.js';
import { controlNotFound, registerControlRoutes } from './control-routes.js';
import { CustomFieldCursors } from './custom-fields.js';
import { IncidentIds, nginxNotFound, NinjaErrors } from './errors.js';
import { TokenIssuer } from './oauth.js';
import { NinjaStore } from './store.js';

export type { ActivitySubject, TriggerAlertInput } from './activity-feed.js';
export { DEFAULT_ALERT } from './activity-feed.js';
export type { DeviceInput, NinjaOneControl, NinjaOneState } from './control.js';
export { OVERLAY_LISTS } from './api-routes.js';
export { CONTROL_ROUTES } from './control-routes.js';
export type { NinjaErrorBody } from './errors.js';
export { NGINX_NOT_FOUND_HTML, NOT_AUTHENTICATED_BODY } from './errors.js';
export type { NinjaActivity, WebhookConfig } from './webhook-config.js';
export type { DeliveryOptions } from '../webhook-delivery.js';
export { DEFAULT_DELIVERY_OPTIONS } from '../webhook-delivery.js';
/** One NinjaOne delivery as the log shows it. */
export type WebhookDelivery = SharedWebhookDelivery<ActivitySubject>;

export interface NinjaOneSimulatorOptions {
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  faults?: FaultRule[];
  /** Seeds the fault dice and every generated value (tokens, uids, incident ids, delivery dice). Default 1. */
  seed?: number;
  /** Token lifetime and `expires_in`. Default 3600 ([unverified] exact real value, NOTES §1). */
  tokenTtlSeconds?: number;
  /** Largest page a list returns whatever `pageSize` asks. Default 1000. */
  maxPageSize?: number;
  /** Page size when a list request gives none. Default maxPageSize ([unverified], NOTES §3.1). */
  defaultPageSize?: number;
  /** Millisecond clock for token expiry and new timestamps. Default Date.now. */
  now?: () => number;
  /** `Retry-After` seconds on injected 429s; null sends none (the real API documents no 429 at all). Default 1. */
  retryAfterSeconds?: number | null;
  /** Answer `POST /oauth/token` like `/ws/oauth/token` instead of nginx's HTML 404. Default false (NOTES §1). */
  legacyTokenPath?: boolean;
  /** Lifetime of a `/v2/queries/*` cursor after its last use. Default 300 s ([unverified]). */
  cursorTtlSeconds?: number;
  /** Webhook delivery knobs (drop, duplicate, delay, reorder, retries); changeable later through `control`. */
  webhookDelivery?: Partial<DeliveryOptions>;
}

export interface NinjaOneSimulator {
  url: string;
  server: SimServer;
  /** The programmatic twin of the `/_sandbox/` control API. */
  control: NinjaOneControl;
  /** Stops webhook delivery and the server. */
  stop(): Promise<void>;
}

export async function startNinjaOneSimulator(seed: NinjaSeed, options: NinjaOneSimulatorOptions = {}): Promise<NinjaOneSimulator> {
  const maxPageSize = positive(options.maxPageSize ?? 1000, 'maxPageSize');
  const limits = { maxPageSize, defaultPageSize: Math.min(positive(options.defaultPageSize ?? maxPageSize, 'defaultPageSize'), maxPageSize) };
  const clock = new SimClock(options.now ?? Date.now);
  const random = createRandom(options.seed ?? 1);
  const store = NinjaStore.fromSeed(seed);
  const errors = new NinjaErrors(new IncidentIds(clock, random.fork('incidents')));
  const tokens = new TokenIssuer(store.apps, clock, random.fork('tokens'), positive(options.tokenTtlSeconds ?? 3600, 'tokenTtlSeconds'));
  const queue = new DeliveryQueue<ActivitySubject>(random.fork('webhook-delivery'), options.webhookDelivery);
  const feed = new ActivityFeed(store, clock, random.fork('activities'), queue);
  const cursors = new CustomFieldCursors(store, clock, random.fork('cursors'), positive(options.cursorTtlSeconds ?? 300, 'cursorTtlSeconds'));
  const errorSettings: ErrorSettings = {};
  if (options.retryAfterSeconds !== null) errorSettings.retryAfterSeconds = options.retryAfterSeconds ?? 1;

  const overlays = new RowOverlays();

  const router = new Router();
  registerApiRoutes(router, { store, tokens, errors, feed, cursors, limits, overlays, legacyTokenPath: options.legacyTokenPath ?? false });
  const control = createControl({ store, clock, feed, queue, tokens, errors: errorSettings, overlays });
  registerControlRoutes(router, control);

  const server = await startSimServer({
    name: 'NinjaOne simulator',
    router,
    host: options.host,
    port: options.port ?? 0,
    faults: options.faults,
    seed: options.seed,
    faultResponse: (kind): SimResponse => {
      if (kind === 'error') return errors.response(500, 'NullPointerException');
      const seconds = errorSettings.retryAfterSeconds;
      return errors.response(429, 'Too Many Requests', seconds === undefined ? undefined : { 'retry-after': String(seconds) });
    },
    notFound: (req: SimRequest): SimResponse => {
      if (req.path.toLowerCase().startsWith('/_sandbox/')) return controlNotFound(req);
      if (isApiPath(req.path)) {
        // Authentication comes first on the real API too: an unknown path with no token is a 401.
        if (!tokens.authenticate(req.headers.authorization)) return { status: 401, body: errors.notAuthenticated().body };
        return errors.response(404);
      }
      return nginxNotFound();
    },
  });

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

function isApiPath(path: string): boolean {
  return path === '/v2' || path.startsWith('/v2/') || path === '/api/v2' || path.startsWith('/api/v2/');
}

function positive(value: number, name: string): number {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a positive number, got ${value}`);
  return value;
}
