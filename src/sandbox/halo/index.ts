/**
 * The HaloPSA API simulator: a real HTTP server that behaves like a Halo tenant as documented in
 * reference/halopsa/NOTES.md — OAuth client credentials, scopes, list envelopes and the 100-row page
 * cap, array-POST upserts with nested arrays replaced, decimal ids, the 429 budget, outgoing webhooks
 * on ticket changes (payload [unverified]) — over an in-memory copy of a HaloSeed. `haloform sandbox` shows it to new users; every test talks to it.
 */

import type { FaultRule } from '../faults.js';
import { RowOverlays } from '../overlays.js';
import { createRandom } from '../random.js';
import { Router, startSimServer, type SimServer } from '../sim-server.js';
import { DeliveryQueue, type DeliveryOptions } from '../webhook-delivery.js';
import { registerAuth } from './auth-routes.js';
import { Authority } from './auth.js';
import { HaloContext, type HaloBehaviour } from './context.js';
import { faultResponse, rateLimitResponse, unknownPath } from './errors.js';
import { RollingWindow, type RateLimit } from './rate-limit.js';
import { registerResources } from './resource-routes.js';
import { HALO_RESOURCES } from './resource-table.js';
import { registerWebhookRoutes } from './resources/webhooks.js';
import { controlNotFound, createControl, registerSandboxControl, type HaloControl } from './sandbox-control.js';
import { HaloStore, type HaloStoreSeed } from './store.js';
import { HaloWebhooks, type HaloEventSubject } from './webhooks.js';

export type { HaloControl, HaloWebhookDelivery, TechnicianActionInput } from './sandbox-control.js';
export type { HaloEventSubject, WebhookRecord } from './webhooks.js';
export type { TicketEventName } from './ticket-changes.js';
export type { DeliveryOptions } from '../webhook-delivery.js';
export { HALO_CONTROL_ROUTES } from './sandbox-control.js';
export { HALO_OVERLAY_LISTS, type HaloOverlayList } from './overlay-rows.js';
export { HALO_FIELD_TYPES } from './field-types.js';
export type { HaloState, HaloResourceName } from './records.js';
export type { HaloStoreSeed } from './store.js';
export type { RateLimit } from './rate-limit.js';
export { rateLimitMessage } from './errors.js';
export { ASSET_TAG_NOT_UNIQUE } from './resources/assets.js';
export { OUTCOME_REQUIRED } from './resources/actions.js';

export interface HaloSimulatorOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** When set, `/auth/token` requires `?tenant=<it>` (Halo-hosted). Default 'demo'; null or '' for a self-hosted instance (no tenant). */
  tenant?: string | null;
  faults?: FaultRule[];
  /** Seeds the fault dice and the token signing key. Default 1. */
  seed?: number;
  /** The request budget over a rolling window; null (the default) = none. Halo-hosted: { requests: 300, perSeconds: 300 }. */
  rateLimit?: RateLimit | null;
  /** Token lifetime; default 3600 (every observation). */
  tokenTtlSeconds?: number;
  /** The answer to a POST of several objects: an array of the saved objects (default) or the first [unverified]. */
  multiPostResponse?: 'array' | 'first';
  /** A client created without a main site gets one (named `newclient_sitename`, else "Main"). Default true [unverified]. */
  clientCreatesMainSite?: boolean;
  /** When one item of a batched POST fails: keep the items before it (default) or undo the whole batch [unverified]. */
  batchFailure?: 'partial' | 'atomic';
  /** Asset `search` also matches every field value, not only the tag and key field. Default false [unverified]. */
  assetSearchCoversFields?: boolean;
  /** Asset lists include `fields[]` only with `includeassetfields=true` AND an `assettype_id` filter (one observation). Default false. */
  listAssetFieldsRequireTypeFilter?: boolean;
  /** `/api/Tickets` honours `ninja_alert_id` and `third_party_id_string` filters. Default true; not in Halo's swagger — false ignores them as a real tenant would. */
  ticketAlertFilters?: boolean;
  /** The clock (ms) for tokens, the rate-limit window and every timestamp. Default Date.now. */
  now?: () => number;
  /** How outgoing webhooks are delivered (drops, duplicates, delays, retries, ...); settable later through the control. */
  webhookDelivery?: Partial<DeliveryOptions>;
}

export interface HaloSimulator {
  /** Base URL: the API is `${url}/api`, tokens `${url}/auth/token`. */
  url: string;
  server: SimServer;
  control: HaloControl;
  /** Stops webhook delivery and the server. */
  stop(): Promise<void>;
}

/** Halo-hosted's budget, used in the message of an injected 429 when no limit is configured. */
const HOSTED_LIMIT: RateLimit = { requests: 300, perSeconds: 300 };

/** Starts a simulator over a copy of `seed` (tickets and actions may be seeded too, e.g. from another simulator's state). */
export async function startHaloSimulator(seed: HaloStoreSeed, options: HaloSimulatorOptions = {}): Promise<HaloSimulator> {
  const now = options.now ?? Date.now;
  const tenant = options.tenant === undefined ? 'demo' : options.tenant === null || options.tenant === '' ? null : options.tenant;
  const behaviour: HaloBehaviour = {
    multiPostResponse: options.multiPostResponse ?? 'array',
    clientCreatesMainSite: options.clientCreatesMainSite ?? true,
    batchFailure: options.batchFailure ?? 'partial',
    assetSearchCoversFields: options.assetSearchCoversFields ?? false,
    listAssetFieldsRequireTypeFilter: options.listAssetFieldsRequireTypeFilter ?? false,
    ticketAlertFilters: options.ticketAlertFilters ?? true,
  };
  const store = new HaloStore(seed, now());
  const authority = new Authority(seed.apps, { tenant, ttlSeconds: options.tokenTtlSeconds ?? 3600, seed: options.seed ?? 1, now });
  const limiter = new RollingWindow(options.rateLimit ?? null);
  const random = createRandom(options.seed ?? 1);
  const queue = new DeliveryQueue<HaloEventSubject>(random.fork('webhook-delivery'), options.webhookDelivery);
  const webhooks = new HaloWebhooks(store.journal, queue, random);
  const ctx = new HaloContext(store, authority, limiter, behaviour, now, new RowOverlays(), webhooks);
  const control = createControl(ctx, seed.apps.map((a) => a.agentId));

  const router = new Router({ caseInsensitive: true });
  registerAuth(router, ctx, tenant);
  registerResources(router, ctx, HALO_RESOURCES);
  registerWebhookRoutes(router, ctx);
  registerSandboxControl(router, control);

  const server = await startSimServer({
    name: 'HaloPSA simulator',
    router,
    ...(options.host === undefined ? {} : { host: options.host }),
    port: options.port ?? 0,
    ...(options.faults === undefined ? {} : { faults: options.faults }),
    seed: options.seed ?? 1,
    faultResponse: (kind) => faultResponse(kind, limiter.limit ?? HOSTED_LIMIT),
    notFound: (req) => {
      // An unknown path still uses the budget; the control API never does, and lists its routes.
      if (req.path.toLowerCase().startsWith('/_sandbox/')) return controlNotFound(req);
      const limit = limiter.limit;
      if (limit !== null && !limiter.take(now())) return rateLimitResponse(limit.requests, limit.perSeconds);
      return unknownPath(req);
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
