/**
 * The webhook receiver as a function of the request — `(method, url, headers, body) →
 * (status, headers, body)` — independent of any HTTP framework (octokit/webhooks.js's lesson):
 * node:http drives it in http-server.ts, tests and benchmarks can call it directly.
 *
 * A delivery is checked in this order, each failure with its own status and message: 401 no or
 * wrong secret — decided from the request line and headers alone (`preflight`), before a byte of
 * the body is read — then 413 over the body limit (after decompression), 415 not JSON or an
 * encoding it cannot read, 400 unparseable (never echoing the body), 422 not a NinjaOne activity
 * (with the JSON path of the problem). Every rejection is counted; a sample of each sender's
 * rejections per reason is recorded in the inbox (without any secret, without the body of a
 * sender that did not authenticate, without binary). An accepted delivery is committed to the
 * inbox before the 2xx goes out.
 */

import { brotliDecompressSync, gunzipSync, inflateRawSync, inflateSync } from 'node:zlib';

import type { Spec } from '../config/spec.js';
import type { Logger } from '../http/index.js';
import type { AcceptResult, InboxStore, RejectReason } from '../store/inbox-store.js';
import { includeDecision, isLifecycleActivity, readActivity, seriesKey, type Activity, type IncludeDecision } from '../rmm/ninjaone/activity.js';
import type { WebhookAuth } from './auth.js';
import { bearerMatches, type ReloadResult } from './reload.js';
import { HALO_WEBHOOK_PATH, HALO_WEBHOOK_SECRET_ENV, haloWebhookAuthorized } from './halo-webhook.js';
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
  /** `POST /admin/reload` for a bearer of `secret` (HALOFORM_ADMIN_SECRET); absent: the route answers 404. */
  admin?: { secret: string; reload(): Promise<ReloadResult> };
  /** `POST /halo/webhook` (src/serve/halo-webhook.ts) with HALOFORM_HALO_WEBHOOK_SECRET; absent: the route answers 404. */
  haloWebhook?: { secret: string; accept(body: unknown, headers: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }> };
  /** A lifecycle activity (a device's NODE_*, an organisation's CLIENT_*, a location's LOCATION_*) was stored: the sync controller reconciles it. Absent: sync is off. */
  onLifecycle?(activity: Activity): void;
  ready(): Promise<Readiness>;
  /** Rejected requests recorded per minute per sender and reason, at most; the rest are counted (`inbox list` says how many). Default 20. */
  rejectedSamplePerMinute?: number;
}

/** The request line and headers: all `preflight` needs to answer. */
export type PreflightRequest = Pick<ServeRequest, 'method' | 'url' | 'headers' | 'remoteAddress'>;

/** The handler, and its check of a request before its body is read. */
export interface Handler {
  (request: ServeRequest): Promise<ServeResponse>;
  /**
   * An answer decided without the body — health, metrics, a wrong path or method, a missing or
   * wrong secret — or undefined when the body is needed. The server calls it first and, for a
   * rejection, never reads the body.
   */
  preflight(request: PreflightRequest): Promise<ServeResponse | undefined>;
  /** Writes the counts of rejections not stored (also done every few seconds on its own). */
  flush(): Promise<void>;
}

/** Encodings a body may arrive in (`Content-Encoding`). */
const ENCODINGS = ['identity', 'gzip', 'x-gzip', 'deflate', 'br'];

export const WEBHOOK_PATHS = ['/ninjaone/webhook', '/api/notifyninjaalerts'];
export const DEFAULT_BODY_LIMIT = 1024 * 1024;

/** Request headers worth keeping with a delivery; nothing that can carry a secret. */
const KEPT_HEADERS = ['content-type', 'content-length', 'user-agent', 'x-forwarded-for', 'x-real-ip', 'forwarded', 'x-request-id', 'traceparent'];

export function createHandler(options: HandlerOptions): Handler {
  const limit = options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT;
  const rejections = createRejections(options);
  const preflight = (request: PreflightRequest) => preflightRequest(options, rejections, request);

  const handle = async (request: ServeRequest): Promise<ServeResponse> => {
    const early = await preflight(request);
    if (early) return early;
    const url = new URL(request.url, 'http://haloform');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const refuse = (refusal: Refusal) => rejections.record(request, path, refusal);

    const body = decodeBody(request, limit);
    if (body instanceof Refusal) return refuse(body);
    const wrongType = checkContentType(request, body);
    if (wrongType) return refuse(wrongType);
    const parsed = parseBody(body);
    if (parsed instanceof Refusal) return refuse(parsed);
    if (path.toLowerCase() === HALO_WEBHOOK_PATH) {
      try {
        const answer = await options.haloWebhook!.accept(parsed.value, keptHeaders(request));
        return answer.status === 422 ? refuse(new Refusal(422, 'not_an_activity', String(answer.body.error), body.storable)) : json(answer.status, answer.body);
      } catch (e) {
        options.logger.log('error', 'could not store a Halo webhook; answered 503 so Halo sends it again', { error: (e as Error).message });
        return json(503, { error: 'Service Unavailable: the event could not be stored; send it again', status: 503 }, { 'retry-after': '5' });
      }
    }
    const auth = options.auth.check(request.headers, url.searchParams) as { ok: true; via: string };
    const activity = checkActivity(parsed.value, body);
    if (activity instanceof Refusal) return refuse(activity);
    return acceptDelivery(options, request, path, auth.via, body.text, activity);
  };

  return Object.assign(handle, { preflight, flush: rejections.flush });
}

/** A request turned away: its status, reason and message, what of its body may be recorded, and fields for the answer and the log line. */
class Refusal {
  constructor(
    readonly status: number,
    readonly reason: RejectReason,
    readonly message: string,
    /** The body as text, when it is text that may be stored; undefined: none of it is recorded. */
    readonly body: string | undefined = undefined,
    readonly extra: Record<string, unknown> = {},
  ) {}
}

/** Records rejections — each counted, a sample per sender and reason per minute kept in the inbox — and answers them. */
interface Rejections {
  record(request: PreflightRequest & { body?: Buffer; bodyBytes?: number }, path: string, refusal: Refusal): Promise<ServeResponse>;
  /** Writes the counts of rejections not stored. */
  flush(): Promise<void>;
}

/** The rejection sample and counts of one handler. */
function createRejections(options: HandlerOptions): Rejections {
  const sample = options.rejectedSamplePerMinute ?? 20;
  const { store, metrics, logger } = options;
  // What each sender had recorded this minute, by reason; what was only counted since the last flush.
  let window = { minute: -1, recorded: new Map<string, number>() };
  let unstored: Partial<Record<RejectReason, number>> = {};
  let lastFlush = options.now();

  const flush = async () => {
    const counts = unstored;
    unstored = {};
    lastFlush = options.now();
    if (Object.keys(counts).length === 0) return;
    try {
      await store.countUnstoredRejections(counts);
    } catch (e) {
      logger.log('warn', 'could not count rejected requests that were not stored', { error: (e as Error).message });
    }
  };

  const record: Rejections['record'] = async (request, path, { status, reason, message, body, extra }) => {
    metrics.rejected.inc({ reason });
    const minute = Math.floor(options.now() / 60_000);
    if (minute !== window.minute) window = { minute, recorded: new Map() };
    const sender = `${request.remoteAddress ?? '?'}|${reason}`;
    const recorded = window.recorded.get(sender) ?? 0;
    let deliveryId: number | undefined;
    if (recorded < sample) {
      window.recorded.set(sender, recorded + 1);
      try {
        deliveryId = await store.reject({
          receivedAt: options.now(),
          path,
          headers: keptHeaders(request),
          ...(body !== undefined ? { body } : {}),
          bodyBytes: request.bodyBytes ?? request.body?.length ?? 0,
          httpStatus: status,
          reason,
          message,
        });
      } catch (e) {
        logger.log('error', 'could not record a rejected request', { error: (e as Error).message });
      }
    } else {
      unstored[reason] = (unstored[reason] ?? 0) + 1;
      if (options.now() - lastFlush >= 5_000) void flush();
    }
    // Past the sample, one log line a minute per sender and reason is enough.
    if (recorded <= sample) logger.log('warn', recorded === sample ? 'webhook rejected (more from this sender this minute are counted, not logged)' : 'webhook rejected', { deliveryId, status, reason, message, path, remoteAddress: request.remoteAddress, ...extra });
    return json(status, { error: message, status, ...extra });
  };

  return { record, flush };
}

/** Health, readiness, metrics, a wrong path or method, and 401 — all from the request line and headers; undefined when the body is needed. */
async function preflightRequest(options: HandlerOptions, rejections: Rejections, request: PreflightRequest): Promise<ServeResponse | undefined> {
  let url: URL;
  try {
    url = new URL(request.url, 'http://haloform');
  } catch {
    return json(400, { error: 'Bad Request: the request line holds no valid path', status: 400 });
  }
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
    return { status: 200, headers: { 'content-type': options.metrics.contentType }, body: await options.metrics.text() };
  }
  if (lower === '/admin/reload') return adminReload(options, request, method);
  if (lower === HALO_WEBHOOK_PATH) {
    if (!options.haloWebhook) return json(404, { error: `Not Found: POST ${HALO_WEBHOOK_PATH} needs ${HALO_WEBHOOK_SECRET_ENV} set where serve runs`, status: 404 });
    if (method !== 'POST') return notAllowed('POST');
    const auth = haloWebhookAuthorized(request.headers.authorization, options.haloWebhook.secret);
    if (!auth.ok) {
      const message = auth.presented
        ? `Unauthorized: the Halo webhook secret does not match ${HALO_WEBHOOK_SECRET_ENV}`
        : `Unauthorized: no Halo webhook secret; Halo sends it as HTTP Basic (the password ${HALO_WEBHOOK_SECRET_ENV})`;
      return rejections.record(request, path, new Refusal(401, 'unauthorized', message));
    }
    return undefined;
  }
  if (!WEBHOOK_PATHS.includes(lower)) return json(404, { error: `Not Found: haloform serve answers POST ${WEBHOOK_PATHS.join(' and ')}, GET /healthz, /readyz and /metrics`, status: 404 });
  if (method !== 'POST') return notAllowed('POST');

  // 401 — before anything of the body is looked at (or, through the server, read).
  const auth = options.auth.check(request.headers, url.searchParams);
  if (!auth.ok) {
    const message = auth.presented
      ? 'Unauthorized: the webhook secret does not match'
      : 'Unauthorized: no webhook secret; send it as Authorization: Bearer <secret>, in the header alerts.webhook.header names, or as ?token=<secret>';
    return rejections.record(request, path, new Refusal(401, 'unauthorized', message));
  }
  return undefined;
}

/** `POST /admin/reload`: the spec read again and swapped in when valid (src/serve/reload.ts). */
async function adminReload(options: HandlerOptions, request: PreflightRequest, method: string): Promise<ServeResponse> {
  const admin = options.admin;
  if (!admin) return json(404, { error: 'Not Found: POST /admin/reload needs HALOFORM_ADMIN_SECRET set where serve runs', status: 404 });
  if (method !== 'POST') return notAllowed('POST');
  if (!bearerMatches(request.headers.authorization, admin.secret)) {
    options.metrics.rejected.inc({ reason: 'unauthorized' });
    return json(401, { error: 'Unauthorized: send HALOFORM_ADMIN_SECRET as Authorization: Bearer <secret>', status: 401 });
  }
  const result = await admin.reload();
  return result.ok ? json(200, { status: 'reloaded', hash: result.hash, changed: result.changed }) : json(422, { status: 'refused', reason: result.reason });
}

/** The body as read and decoded: its bytes, its text, and that text when it may be stored or echoed. */
interface DecodedBody {
  raw: Buffer;
  text: string;
  /** Binary (or text that is not UTF-8) is never echoed into a message, a log line or the inbox. */
  storable: string | undefined;
}

/** 413 over the limit, as announced or as read; 415 an encoding it cannot read; 413 or 400 once decompressed. */
function decodeBody(request: ServeRequest, limit: number): DecodedBody | Refusal {
  const size = request.bodyBytes ?? request.body.length;
  if (request.bodyTooLarge || size > limit) {
    return new Refusal(413, 'too_large', `Payload Too Large: the body is ${size} bytes; the limit is ${limit} bytes`);
  }

  const encoding = (single(request.headers['content-encoding']) ?? 'identity').trim().toLowerCase();
  if (!ENCODINGS.includes(encoding)) {
    return new Refusal(415, 'unsupported_media_type', `Unsupported Media Type: the body is in the "${printable(encoding.slice(0, 40))}" encoding; send it as is, or gzip, deflate or br`);
  }
  let raw = request.body;
  if (encoding !== 'identity') {
    const decoded = decompress(raw, encoding, limit);
    if (decoded === 'too-large') return new Refusal(413, 'too_large', `Payload Too Large: the body decompresses to more than ${limit} bytes, the limit`);
    if (decoded === 'corrupt') return new Refusal(400, 'malformed_json', `Bad Request: the body is not valid ${encoding} data`);
    raw = decoded;
  }
  const text = raw.toString('utf8');
  return { raw, text, storable: isText(text) ? text : undefined };
}

/** 415 unless the Content-Type is JSON. */
function checkContentType(request: ServeRequest, body: DecodedBody): Refusal | undefined {
  const contentType = single(request.headers['content-type']);
  if (isJsonType(contentType)) return undefined;
  return new Refusal(415, 'unsupported_media_type', `Unsupported Media Type: send the activity as application/json${contentType ? ` (got ${printable(contentType).slice(0, 80)})` : ' (no Content-Type was sent)'}`, body.storable);
}

/** 400 unless the body parses as JSON; the message never quotes the body. */
function parseBody(body: DecodedBody): { value: unknown } | Refusal {
  try {
    return { value: JSON.parse(body.text) };
  } catch (e) {
    return new Refusal(400, 'malformed_json', `Bad Request: the body is not valid JSON${body.storable === undefined ? ` (it holds ${body.raw.length} bytes that are not UTF-8 text)` : `: ${jsonProblem(e as Error)}`}`, body.storable);
  }
}

/** 422 unless the JSON is a NinjaOne activity, with the JSON path of the problem. */
function checkActivity(parsed: unknown, body: DecodedBody): Activity | Refusal {
  const check = readActivity(parsed);
  if (check.ok) return check.activity;
  return new Refusal(422, 'not_an_activity', `Unprocessable Content: not a NinjaOne activity: ${check.path} ${printable(check.problem)}`, body.storable, { path: check.path });
}

/** Commits the delivery to the inbox (pending, or ignored by alerts.include) before answering; 503 when the store fails, so NinjaOne sends it again. */
async function acceptDelivery(options: HandlerOptions, request: ServeRequest, path: string, authVia: string, text: string, activity: Activity): Promise<ServeResponse> {
  const lifecycle = options.onLifecycle && isLifecycleActivity(activity);
  const decision: IncludeDecision = lifecycle
    ? { include: false, reason: `a lifecycle activity (${activity.statusCode}): the sync controller reconciles it` }
    : includeDecision(activity, options.spec.alerts!.include);
  const key = seriesKey(activity);
  try {
    const result = await options.store.accept({
      receivedAt: options.now(),
      source: 'webhook',
      path,
      headers: { ...keptHeaders(request), 'haloform-auth': authVia },
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
    if (lifecycle && result.outcome !== 'duplicate') options.onLifecycle!(activity);
    return answerAccepted(options, result, activity, key, decision);
  } catch (e) {
    options.logger.log('error', 'could not store a delivery; answered 503 so NinjaOne sends it again', { activityId: activity.id, error: (e as Error).message });
    return json(503, { error: 'Service Unavailable: the delivery could not be stored; send it again', status: 503 }, { 'retry-after': '5' });
  }
}

/** Counts, logs and answers a stored delivery: 200 duplicate, 202 ignored, or 202 accepted (and the workers woken). */
function answerAccepted(options: HandlerOptions, result: AcceptResult, activity: Activity, key: string, decision: IncludeDecision): ServeResponse {
  const { metrics, logger } = options;
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
}

/** The body decompressed, at most `limit` bytes; 'too-large' past it, 'corrupt' when it is not that encoding. */
function decompress(body: Buffer, encoding: string, limit: number): Buffer | 'too-large' | 'corrupt' {
  const options = { maxOutputLength: limit + 1 };
  try {
    const out =
      encoding === 'br'
        ? brotliDecompressSync(body, options)
        : encoding === 'deflate'
          ? inflateOrRaw(body, options)
          : gunzipSync(body, options);
    return out.length > limit ? 'too-large' : out;
  } catch (e) {
    return e instanceof RangeError || (e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' ? 'too-large' : 'corrupt';
  }
}

/** "deflate" is zlib-wrapped by the standard, raw by some senders: both are read. */
function inflateOrRaw(body: Buffer, options: { maxOutputLength: number }): Buffer {
  try {
    return inflateSync(body, options);
  } catch (e) {
    if (e instanceof RangeError) throw e;
    return inflateRawSync(body, options);
  }
}

/** Text a person can read: UTF-8 that decoded cleanly, no control characters but tab and line breaks. */
function isText(text: string): boolean {
  // eslint-disable-next-line no-control-regex
  return !/[\uFFFD\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/.test(text);
}

/** A message part with control characters (C0, C1, the bidi controls that reorder a line) shown escaped. */
function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001F\u007F-\u009F\uFFFD\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** What JSON.parse said, without the excerpt of the body it quotes (which may hold anything). */
function jsonProblem(e: Error): string {
  const position = /position (\d+)/.exec(e.message)?.[1];
  const end = /Unexpected end of JSON input/.test(e.message);
  return end ? 'it ends too soon' : position !== undefined ? `unexpected text at position ${position}` : 'it cannot be read as JSON';
}

function keptHeaders(request: PreflightRequest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of KEPT_HEADERS) {
    const value = single(request.headers[name]);
    if (value !== undefined) out[name] = printable(value.slice(0, 500));
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
