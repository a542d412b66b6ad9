/**
 * The wire: one undici Pool per origin with keep-alive and a bounded number of connections (the
 * per-host concurrency limit), and one attempt of one request with a timeout. Failures come back
 * as `WireFailure`s that say whether the request can have reached the server, which decides
 * whether a POST may be retried (see retry-policy.ts).
 */

import { Pool } from 'undici';
import { Semaphore } from './semaphore.js';

export interface TransportOptions {
  /** Connections per origin, which is also the number of requests in flight per host. Default 4. */
  connectionsPerOrigin?: number;
  /** How long an idle connection is kept open. Default 10 s. */
  keepAliveMs?: number;
  /** How long establishing a connection (TCP + TLS) may take. Default 10 s. */
  connectTimeoutMs?: number;
}

/** One attempt, fully resolved: the URL has its query, the body is serialised. */
export interface WireRequest {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body?: string;
  /** The whole attempt — waiting for headers and reading the body — must end within this. */
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface WireResponse {
  status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: Buffer;
  /** Milliseconds from send to the end of the body. */
  durationMs: number;
}

/** Why an attempt got no complete answer. */
export type WireFailureKind = 'timeout' | 'connection' | 'aborted';

/** An attempt that ended without a complete HTTP answer. */
export class WireFailure extends Error {
  constructor(
    readonly kind: WireFailureKind,
    /** Human detail: "connection refused by 127.0.0.1:4000". */
    readonly detail: string,
    /**
     * False only when the request certainly never reached the server (nothing listening, DNS,
     * connect timeout, TLS refused); then even a POST can be sent again safely.
     */
    readonly reachedServer: boolean,
    /** The failure can pass by itself (a reset, a timeout) — as opposed to a bad host name or certificate. */
    readonly transient: boolean,
    /** The underlying error code (ECONNRESET, UND_ERR_HEADERS_TIMEOUT …). */
    readonly errorCode: string | undefined,
    readonly durationMs: number,
  ) {
    super(detail);
    this.name = 'WireFailure';
  }
}

export class Transport {
  readonly #pools = new Map<string, { pool: Pool; slots: Semaphore }>();
  readonly #connections: number;
  readonly #keepAliveMs: number;
  readonly #connectTimeoutMs: number;
  #closed = false;

  constructor(options: TransportOptions = {}) {
    this.#connections = options.connectionsPerOrigin ?? 4;
    this.#keepAliveMs = options.keepAliveMs ?? 10_000;
    this.#connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
  }

  #for(origin: string): { pool: Pool; slots: Semaphore } {
    if (this.#closed) throw new Error('transport is closed');
    let entry = this.#pools.get(origin);
    if (!entry) {
      entry = {
        pool: new Pool(origin, {
          connections: this.#connections,
          pipelining: 1,
          keepAliveTimeout: this.#keepAliveMs,
          connectTimeout: this.#connectTimeoutMs,
        }),
        slots: new Semaphore(this.#connections),
      };
      this.#pools.set(origin, entry);
    }
    return entry;
  }

  /** Sends one attempt. Resolves with any HTTP answer (4xx and 5xx included); rejects with a WireFailure. */
  async send(request: WireRequest): Promise<WireResponse> {
    const { pool, slots } = this.#for(request.url.origin);
    const release = await slots.acquire(request.signal).catch((reason: unknown) => {
      throw new WireFailure('aborted', describeAbort(reason), false, false, undefined, 0);
    });
    const started = performance.now();
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(new AttemptTimeout()), request.timeoutMs);
    const signal = request.signal ? AbortSignal.any([request.signal, timeout.signal]) : timeout.signal;
    try {
      const response = await pool.request({
        origin: request.url.origin,
        path: `${request.url.pathname}${request.url.search}`,
        method: request.method as 'GET',
        headers: request.headers,
        body: request.body ?? null,
        signal,
        // Our own timer covers the whole attempt; undici's (300 s by default) only back it up.
        headersTimeout: request.timeoutMs + 1000,
        bodyTimeout: request.timeoutMs + 1000,
      });
      const chunks: Buffer[] = [];
      for await (const chunk of response.body) chunks.push(chunk as Buffer);
      return { status: response.statusCode, headers: flattenHeaders(response.headers), body: Buffer.concat(chunks), durationMs: performance.now() - started };
    } catch (error) {
      const durationMs = performance.now() - started;
      if (request.signal?.aborted) throw new WireFailure('aborted', describeAbort(request.signal.reason), true, false, undefined, durationMs);
      if (timeout.signal.aborted) {
        throw new WireFailure('timeout', `no complete answer within ${seconds(request.timeoutMs)}`, true, true, 'ATTEMPT_TIMEOUT', durationMs);
      }
      throw classify(error, request.url, this.#connectTimeoutMs, request.timeoutMs, durationMs);
    } finally {
      clearTimeout(timer);
      release();
    }
  }

  /** Closes every pool; in-flight requests are ended. */
  async close(): Promise<void> {
    this.#closed = true;
    const pools = [...this.#pools.values()];
    this.#pools.clear();
    await Promise.all(pools.map(({ pool }) => pool.destroy().catch(() => undefined)));
  }
}

class AttemptTimeout extends Error {
  constructor() {
    super('attempt timed out');
  }
}

function classify(error: unknown, url: URL, connectTimeoutMs: number, timeoutMs: number, durationMs: number): WireFailure {
  const e = error as { code?: unknown; message?: unknown; cause?: { code?: unknown } };
  const code = typeof e.code === 'string' ? e.code : typeof e.cause?.code === 'string' ? e.cause.code : undefined;
  const message = typeof e.message === 'string' ? e.message : String(error);
  const host = url.host;
  const fail = (kind: WireFailureKind, detail: string, reached: boolean, transient: boolean) => new WireFailure(kind, detail, reached, transient, code, durationMs);
  switch (code) {
    case 'ECONNREFUSED':
      return fail('connection', `connection refused by ${host} (nothing listening there?)`, false, true);
    case 'UND_ERR_CONNECT_TIMEOUT':
      return fail('connection', `could not connect to ${host} within ${seconds(connectTimeoutMs)}`, false, true);
    case 'ENOTFOUND':
      return fail('connection', `host ${url.hostname} not found — check the url`, false, false);
    case 'EAI_AGAIN':
      return fail('connection', `DNS lookup of ${url.hostname} failed temporarily`, false, true);
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'ENETDOWN':
      return fail('connection', `${host} is unreachable (${code})`, false, true);
    case 'ECONNRESET':
    case 'EPIPE':
    case 'ECONNABORTED':
    case 'UND_ERR_SOCKET':
    case 'UND_ERR_CLOSED':
    case 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH':
      return fail('connection', `the connection was closed before the answer was complete (${code})`, true, true);
    case 'UND_ERR_HEADERS_TIMEOUT':
      return fail('timeout', `no response headers within ${seconds(timeoutMs)}`, true, true);
    case 'UND_ERR_BODY_TIMEOUT':
      return fail('timeout', `the response body stalled for ${seconds(timeoutMs)}`, true, true);
    default:
      if (code && /^(CERT_|ERR_TLS|ERR_SSL|DEPTH_ZERO|SELF_SIGNED|UNABLE_TO_)/.test(code)) {
        return fail('connection', `TLS handshake with ${host} failed: ${message} (${code})`, false, false);
      }
      // Unknown: say what it was, assume it may have reached the server and will not pass by itself.
      return fail('connection', `${message}${code ? ` (${code})` : ''}`, true, false);
  }
}

function describeAbort(reason: unknown): string {
  return reason instanceof Error ? reason.message : 'cancelled';
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/** 30 s, 1.5 s, 200 ms. */
export function seconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Number((ms / 1000).toFixed(1))} s`;
}
