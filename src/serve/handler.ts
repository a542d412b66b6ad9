/**
 * The webhook receiver as a function of the request — `(method, url, headers, body) →
 * (status, headers, body)` — independent of any HTTP framework (octokit/webhooks.js's lesson):
 * node:http drives it in http-server.ts, tests and benchmarks can call it directly.
 *
 * A delivery is checked in this order, each failure with its own status and message, and each
 * recorded in the inbox as rejected (without any secret, and without the body of a sender that
 * did not authenticate): 401 no or wrong secret (before anything is parsed), 413 over the body
 * limit, 415 not JSON, 400 unparseable, 422 not a NinjaOne activity (with the JSON path of the
 * problem). An accepted delivery is committed to the inbox before the 2xx goes out.
 */

import type { Spec } from '../config/spec.js';
import type { Logger } from '../http/index.js';
import type { InboxStore, RejectReason } from '../store/inbox-store.js';
import { includeDecision, readActivity, seriesKey } from './activity.js';
import type { WebhookAuth } from './auth.js';
import type { ServeMetrics } from './metrics.js';

/** A request as any HTTP server can give it. */
export interface ServeRequest {
  method: string;
  /** Path and query, as in the request line. */
  url: string;
  /** Lower-case names. */
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** Set when the server stopped reading at the limit: the body is incomplete. */
  bodyTooLarge?: boolean;
  /** Bytes the body has (or announced, when it was not read). */
  bodyBytes?: number;
  remoteAddress?: string;
}

export interface ServeResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export type Readiness = { ok: boolean; checks: Record<string, string> };

export interface HandlerOptions {
  spec: Spec;
  store: InboxStore;
  auth: WebhookAuth;
  metrics: ServeMetrics;
  logger: Logger;
  now: () => number;
  /** Default 1 MiB. */
  bodyLimitBytes?: number;
  /** An accepted delivery is in the inbox: wake the workers. */
  onAccepted(): void;
  ready(): Promise<Readiness>;
  /** Rejected requests without a valid secret recorded per minute, at most (the rest are only counted). Default 60. */
  maxUnauthorizedRecordsPerMinute?: number;
}

export const WEBHOOK_PATHS = ['/ninjaone/webhook', '/api/notifyninjaalerts'];
export const DEFAULT_BODY_LIMIT = 1024 * 1024;

/** Request headers worth keeping with a delivery; nothing that can carry a secret. */
const KEPT_HEADERS = ['content-type', 'content-length', 'user-agent', 'x-forwarded-for', 'x-real-ip', 'forwarded', 'x-request-id', 'traceparent'];

export function createHandler(options: HandlerOptions): (request: ServeRequest) => Promise<ServeResponse> {
  const limit = options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT;
  const maxUnauthorized = options.maxUnauthorizedRecordsPerMinute ?? 60;
  let window = { minute: -1, recorded: 0 };
  const { store, metrics, logger } = options;

  const record = async (request: ServeRequest, path: string, status: number, reason: RejectReason, message: string, body: string | undefined, extra: Record<string, unknown> = {}) => {
    metrics.rejected.inc({ reason });
    const minute = Math.floor(options.now() / 60_000);
    if (minute !== window.minute) window = { minute, recorded: 0 };
    let deliveryId: number | undefined;
    if (reason !== 'unauthorized' || window.recorded++ < maxUnauthorized) {
      try {
        deliveryId = await store.reject({
          receivedAt: options.now(),
          path,
          headers: keptHeaders(request),
          ...(body !== undefined ? { body } : {}),
          bodyBytes: request.bodyBytes ?? request.body.length,
          httpStatus: status,
          reason,
          message,
        });
      } catch (e) {
        logger.log('error', 'could not record a rejected request', { error: (e as Error).message });
      }
    }
    logger.log('warn', 'webhook rejected', { deliveryId, status, reason, message, path, remoteAddress: request.remoteAddress, ...extra });
    return json(status, { error: message, status, ...extra });
  };

  return async (request) => {
    const url = new URL(request.url, 'http://haloform');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const lower = path.toLowerCase();
    const method = request.method.toUpperCase();

    if (lower === '/healthz') return method === 'GET' || method === 'HEAD' ? json(200, { status: 'ok' }) : notAllowed('GET');
    if (lower === '/readyz') {
      if (method !== 'GET' && method !== 'HEAD') return notAllowed('GET');
      const readiness = await options.ready();
      return json(readiness.ok ? 200 : 503, { status: readiness.ok ? 'ready' : 'not ready', checks: readiness.checks });
    }
    if (lower === '/metrics') {
      if (method !== 'GET') return notAllowed('GET');
      return { status: 200, headers: { 'content-type': metrics.contentType }, body: await metrics.text() };
    }
    if (!WEBHOOK_PATHS.includes(lower)) return json(404, { error: `Not Found: haloform serve answers POST ${WEBHOOK_PATHS.join(' and ')}, GET /healthz, /readyz and /metrics`, status: 404 });
    if (method !== 'POST') return notAllowed('POST');

    // 401 — before anything of the body is looked at.
    const auth = options.auth.check(request.headers, url.searchParams);
    if (!auth.ok) {
      const message = auth.presented
        ? 'Unauthorized: the webhook secret does not match'
        : 'Unauthorized: no webhook secret; send it as Authorization: Bearer <secret>, in the header alerts.webhook.header names, or as ?token=<secret>';
      return record(request, path, 401, 'unauthorized', message, undefined);
    }

    // 413
    const size = request.bodyBytes ?? request.body.length;
    if (request.bodyTooLarge || size > limit) {
      return record(request, path, 413, 'too_large', `Payload Too Large: the body is ${size} bytes; the limit is ${limit} bytes`, undefined);
    }
    const text = request.body.toString('utf8');

    // 415
    const contentType = single(request.headers['content-type']);
    if (!isJsonType(contentType)) {
      return record(request, path, 415, 'unsupported_media_type', `Unsupported Media Type: send the activity as application/json${contentType ? ` (got ${contentType})` : ' (no Content-Type was sent)'}`, text);
    }

    // 400
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      return record(request, path, 400, 'malformed_json', `Bad Request: the body is not valid JSON: ${(e as Error).message}`, text);
    }

    // 422
    const check = readActivity(parsed);
    if (!check.ok) {
      return record(request, path, 422, 'not_an_activity', `Unprocessable Content: not a NinjaOne activity: ${check.path} ${check.problem}`, text, { path: check.path });
    }

    const activity = check.activity;
    const decision = includeDecision(activity, options.spec.alerts!.include);
    const key = seriesKey(activity);
    try {
      const result = await store.accept({
        receivedAt: options.now(),
        source: 'webhook',
        path,
        headers: { ...keptHeaders(request), 'haloform-auth': auth.via },
        body: text,
        activityId: activity.id!,
        seriesKey: key,
        statusCode: activity.statusCode,
        activityType: activity.activityType,
        ...(activity.deviceId !== undefined ? { deviceId: activity.deviceId } : {}),
        status: decision.include === false ? 'ignored' : 'pending',
        ...(decision.include === false ? { reason: decision.reason } : {}),
        orderKey: activity.id!,
      });
      metrics.received.inc();
      const fields = { deliveryId: result.deliveryId, activityId: activity.id, seriesKey: key, statusCode: activity.statusCode };
      if (result.outcome === 'duplicate') {
        metrics.duplicates.inc();
        logger.log('info', 'webhook duplicate', { ...fields, duplicateOf: result.duplicateOf });
        return json(200, { status: 'duplicate', deliveryId: result.deliveryId, duplicateOf: result.duplicateOf });
      }
      if (result.outcome === 'ignored') {
        metrics.ignored.inc();
        logger.log('info', 'webhook ignored', { ...fields, reason: decision.include === false ? decision.reason : undefined });
        return json(202, { status: 'ignored', deliveryId: result.deliveryId, reason: decision.include === false ? decision.reason : undefined });
      }
      options.onAccepted();
      logger.log('info', 'webhook accepted', fields);
      return json(202, { status: 'accepted', deliveryId: result.deliveryId });
    } catch (e) {
      logger.log('error', 'could not store a delivery; answered 503 so NinjaOne sends it again', { activityId: activity.id, error: (e as Error).message });
      return json(503, { error: 'Service Unavailable: the delivery could not be stored; send it again', status: 503 }, { 'retry-after': '5' });
    }
  };
}

function keptHeaders(request: ServeRequest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of KEPT_HEADERS) {
    const value = single(request.headers[name]);
    if (value !== undefined) out[name] = value.slice(0, 500);
  }
  if (request.remoteAddress) out['remote-address'] = request.remoteAddress;
  return out;
}

function isJsonType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  return type === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(type);
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): ServeResponse {
  return { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers }, body: JSON.stringify(body) };
}

function notAllowed(allow: string): ServeResponse {
  return json(405, { error: `Method Not Allowed: use ${allow}`, status: 405 }, { allow });
}
