/**
 * The HTTP client both API clients sit on: one `request()` that authenticates (OAuth2 client
 * credentials, refreshed once on a 401), paces (the shared rate limiter), retries what can be
 * retried with back-off, accounts every attempt per endpoint label, and turns every failure into
 * a redacted, readable ApiError. The vendor specifics it needs arrive as options (src/halo/http-options.ts, src/rmm/ninjaone/http-options.ts).
 */

import { VERSION } from '../version.js';
import { Accounting } from './accounting.js';
import { ApiError, createApiError, type ApiErrorCode } from './api-error.js';
import { DEFAULT_BACKOFF, backoffDelay, parseRetryAfter, type BackoffOptions } from './backoff.js';
import { systemClock, type Clock } from './clock.js';
import { silentLogger, type Logger, type LogLevel, type LogFields } from './logger.js';
import { sharedRateLimiters, type RateLimit, type RateLimiter, type RateLimiterRegistry } from './rate-limiter.js';
import { Redactor } from './redactor.js';
import { decodeBody } from './response-body.js';
import { IDEMPOTENT_METHODS, judgeStatus, judgeWireFailure, type RetryVerdict } from './retry-policy.js';
import { ClientCredentials, type AuthProvider, type ClientCredentialsOptions } from './token-provider.js';
import { Transport, WireFailure, seconds, type WireResponse } from './transport.js';
import { excerpt, vendorMessage } from './vendor-message.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS';

/** Query parameters; undefined and null values are left out, arrays repeat the parameter. */
export type Query = Record<string, string | number | boolean | null | undefined | readonly (string | number | boolean)[]>;

/** One call. */
export interface RequestOptions {
  method: HttpMethod;
  /** Relative to the client's baseUrl (`/api/Asset`), or an absolute URL (a token endpoint on another host). */
  path: string;
  query?: Query;
  /** A JSON body; sets content-type. */
  json?: unknown;
  /** A form body (application/x-www-form-urlencoded). */
  form?: Record<string, string>;
  headers?: Record<string, string>;
  /** The endpoint's name for accounting and logs, without ids or query: `GET /api/Asset`, `GET /v2/device/{id}`. */
  label: string;
  /** Per-attempt timeout; default the client's. */
  timeoutMs?: number;
  /** Overall time for the call, back-offs included and rate-limiter waits excluded; default the client's. */
  deadlineMs?: number;
  /** Attempts for this call; default the client's. */
  maxAttempts?: number;
  /** `'none'` sends no Authorization header; a provider overrides the client's. */
  auth?: AuthProvider | 'none';
  /** Whether sending twice is harmless. Default: true for GET, HEAD, OPTIONS, PUT, DELETE; false for POST, PATCH. */
  idempotent?: boolean;
  /** `'json'`: a 2xx body that is not JSON is a `bad_response`. Default the client's. */
  expect?: 'json' | 'any';
  /** Non-2xx statuses returned as responses instead of thrown (a 404 that means "gone"). */
  accept?: readonly number[];
  /** Per-status advice for error messages, over the client's: `{ 403: "… (needs admin)" }`. */
  hints?: Record<number, string>;
  /** Cancels the call, whatever it is doing (waiting, sending, sleeping): `aborted`. */
  signal?: AbortSignal;
}

/** A response: 2xx, or a status the caller listed in `accept`. */
export interface HttpResponse {
  status: number;
  /** Lower-case names. */
  headers: Record<string, string>;
  /** Parsed JSON, text when not JSON, undefined when empty. */
  body: unknown;
  /** Attempts it took. */
  attempts: number;
}

/**
 * A call that did not go through at once: a timeout, a connection failure, a 429 or a 5xx — and
 * what the client does about it. Sent as it happens, so a command can tell its user at once
 * rather than after minutes of retries.
 */
export interface HttpSetback {
  api: string;
  /** The endpoint label: `GET /api/Asset`. */
  label: string;
  code: ApiErrorCode;
  status?: number;
  /** The attempt that failed (1-based), and how many a call may make. */
  attempt: number;
  maxAttempts: number;
  /** Set when the client tries again: after this long. Undefined when it gave up on the call. */
  retryInMs?: number;
  /** The per-attempt timeout and the whole call's deadline, for the message. */
  timeoutMs: number;
  deadlineMs: number;
  /** The error, redacted. */
  message: string;
}

/** A client for one API. Every field but `api` and `baseUrl` has a default. */
export interface HttpClientOptions {
  /** The API's name in messages and logs: "NinjaOne", "Halo". */
  api: string;
  /** What relative paths are appended to: https://eu.ninjarmm.com, https://acme.halopsa.com. */
  baseUrl: string;
  /** Per-attempt timeout. Default 30 s. */
  timeoutMs?: number;
  /** Overall time per call (retries and back-offs included; rate-limiter waits excluded). Default 5 min. */
  deadlineMs?: number;
  /** Attempts per call; the one repeat after a token refresh is extra. Default 5. */
  maxAttempts?: number;
  backoff?: Partial<BackoffOptions>;
  /** Requests in flight per host (= undici connections per origin). Default 4. Ignored with `transport`. */
  concurrency?: number;
  /** OAuth2 client credentials: tokens are fetched through this client (so they are paced and counted). */
  credentials?: ClientCredentialsOptions;
  /** Another token source; `credentials` wins when both are given. */
  auth?: AuthProvider;
  /** A limiter to share; else `rateLimit` looked up in `limiters` under the baseUrl's origin; else no pacing. */
  limiter?: RateLimiter;
  /** This client's place in the limiter's queue: lower goes first (serve: alert tickets 0, sync 1). Default 0. */
  priority?: number;
  rateLimit?: RateLimit;
  /** Default: the process-wide registry, so every client of one Halo shares one budget. */
  limiters?: RateLimiterRegistry;
  /** Per-status advice for error messages: `{ 403: "check the API application's permissions" }`. */
  hints?: Record<number, string>;
  /** Default for requests' `expect`. Default `'any'`. */
  expect?: 'json' | 'any';
  /** Sent on every request (after accept and user-agent). */
  headers?: Record<string, string>;
  transport?: Transport;
  accounting?: Accounting;
  /** Share one redactor between clients so each hides the other's tokens too. */
  redactor?: Redactor;
  logger?: Logger;
  /** Told of every failed attempt that is retried, and of every call given up after a transient failure. */
  onSetback?: (setback: HttpSetback) => void;
  clock?: Clock;
  /** Jitter source, 0 ≤ x < 1. */
  random?: () => number;
}

export class HttpClient {
  readonly api: string;
  readonly baseUrl: string;
  readonly accounting: Accounting;
  readonly redactor: Redactor;
  readonly clock: Clock;
  readonly limiter: RateLimiter | undefined;
  /** The lane this client's requests wait in at the limiter (LANES); the sync controller moves its client to `resync` for a whole read. */
  priority: number;
  /** The client-credentials provider, when `credentials` were given. */
  readonly tokens: ClientCredentials | undefined;
  readonly #logger: Logger;
  readonly #transport: Transport;
  readonly #ownsTransport: boolean;
  readonly #auth: AuthProvider | undefined;
  readonly #timeoutMs: number;
  readonly #deadlineMs: number;
  readonly #maxAttempts: number;
  readonly #backoff: BackoffOptions;
  readonly #random: () => number;
  readonly #hints: Record<number, string>;
  readonly #expect: 'json' | 'any';
  readonly #headers: Record<string, string>;
  readonly #onSetback: ((setback: HttpSetback) => void) | undefined;

  constructor(options: HttpClientOptions) {
    this.api = options.api;
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    new URL(this.baseUrl); // throws on a malformed base URL, at construction rather than first use
    this.accounting = options.accounting ?? new Accounting();
    this.redactor = options.redactor ?? new Redactor();
    this.clock = options.clock ?? systemClock;
    this.#logger = options.logger ?? silentLogger;
    this.#onSetback = options.onSetback;
    this.#transport = options.transport ?? new Transport({ connectionsPerOrigin: options.concurrency ?? 4 });
    this.#ownsTransport = options.transport === undefined;
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    this.#deadlineMs = options.deadlineMs ?? 5 * 60_000;
    this.#maxAttempts = Math.max(1, options.maxAttempts ?? 5);
    this.#backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
    this.#random = options.random ?? Math.random;
    this.#hints = options.hints ?? {};
    this.#expect = options.expect ?? 'any';
    this.#headers = { accept: 'application/json', 'user-agent': `haloform/${VERSION}`, ...options.headers };
    this.limiter =
      options.limiter ?? (options.rateLimit ? (options.limiters ?? sharedRateLimiters).get(new URL(this.baseUrl).origin, options.rateLimit, this.clock) : undefined);
    this.priority = options.priority ?? 0;
    this.tokens = options.credentials ? new ClientCredentials(this, options.credentials) : undefined;
    this.#auth = this.tokens ?? options.auth;
  }

  /** The logger, with every message and field redacted on the way through. */
  get logger(): Logger {
    return { log: (level, msg, fields) => this.#log(level, msg, fields) };
  }

  /**
   * Sends a request and returns the response, or throws an ApiError after the retries the
   * failure allows (see retry-policy.ts for which failures a POST may retry).
   */
  async request(options: RequestOptions): Promise<HttpResponse> {
    const call = this.#call(options);
    this.accounting.call(call.label);
    for (;;) {
      call.attempts += 1;
      const token = await this.#token(call);
      const outcome = await this.#send(call, token);
      const judged = this.#judge(call, outcome, token);
      if (judged.kind === 'response') return judged.response;
      if (judged.kind === 'again') continue;
      await this.#backOff(call, judged.failure);
    }
  }

  /** Everything one call decides before its first attempt. */
  #call(options: RequestOptions): Call {
    const method = options.method.toUpperCase();
    const url = this.#url(options.path, options.query);
    const deadlineMs = options.deadlineMs ?? this.#deadlineMs;
    const label = options.label;
    return {
      options,
      label,
      url,
      method,
      base: { api: this.api, method, path: `${url.pathname}${url.search}`, label },
      idempotent: options.idempotent ?? IDEMPOTENT_METHODS.has(method),
      auth: options.auth === 'none' ? undefined : (options.auth ?? this.#auth),
      expectJson: (options.expect ?? this.#expect) === 'json',
      timeoutMs: options.timeoutMs ?? this.#timeoutMs,
      ...serialiseBody(options),
      deadlineMs,
      deadline: this.clock.now() + deadlineMs,
      attempts: 0,
      refreshed: false,
    };
  }

  #failed(call: Call, error: ApiError): ApiError {
    this.accounting.error(call.label);
    return error;
  }

  #cancelled(call: Call, attempts: number, maybeApplied = false): ApiError {
    return this.#failed(call, createApiError({ ...call.base, code: 'aborted', retryable: false, attempts, maybeApplied }, this.redactor));
  }

  /** The bearer token for this attempt, when the call is authenticated. */
  async #token(call: Call): Promise<string | undefined> {
    if (!call.auth) return undefined;
    try {
      return await call.auth.token(call.options.signal);
    } catch (error) {
      if (error instanceof ApiError) throw this.#failed(call, error);
      if (call.options.signal?.aborted) throw this.#cancelled(call, call.attempts - 1);
      throw error;
    }
  }

  /** One attempt on the wire, paced by the rate limiter and within what is left of the deadline. */
  async #send(call: Call, token: string | undefined): Promise<WireResponse | WireFailure> {
    const { options, label } = call;
    let permit;
    try {
      permit = this.limiter ? await this.limiter.acquire(options.signal, this.priority) : undefined;
    } catch (error) {
      if (options.signal?.aborted) throw this.#cancelled(call, call.attempts - 1);
      throw error;
    }
    if (permit && permit.waitedMs > 0) {
      // Pacing is not the request's fault: the deadline moves by the time spent waiting.
      call.deadline += permit.waitedMs;
      this.accounting.limiterWait(label, permit.waitedMs);
      if (permit.waitedMs >= 1000) this.#log('info', 'waited for the rate limit', { api: this.api, label, waitedMs: permit.waitedMs });
    }
    const remaining = call.deadline - this.clock.now();
    if (remaining <= 0) {
      permit?.release();
      throw this.#failed(call, createApiError({ ...call.base, code: 'timeout', retryable: true, attempts: call.attempts - 1, detail: `the ${seconds(call.deadlineMs)} deadline passed` }, this.redactor));
    }
    let outcome: WireResponse | WireFailure;
    try {
      const headers: Record<string, string> = { ...this.#headers, ...options.headers };
      if (call.contentType) headers['content-type'] = call.contentType;
      if (token) headers.authorization = `Bearer ${token}`;
      outcome = await this.#transport.send({ url: call.url, method: call.method, headers, body: call.body, timeoutMs: Math.min(call.timeoutMs, remaining), signal: options.signal });
    } catch (error) {
      if (!(error instanceof WireFailure)) throw error;
      outcome = error;
    } finally {
      permit?.release();
    }
    if (outcome instanceof WireFailure && outcome.kind === 'aborted' && !outcome.reachedServer) throw this.#cancelled(call, call.attempts - 1);
    const status = outcome instanceof WireFailure ? undefined : outcome.status;
    this.accounting.attempt(label, outcome.durationMs, outcome instanceof WireFailure ? 0 : outcome.body.length, status);
    this.#log('debug', 'attempt', { api: this.api, label, attempt: call.attempts, status: outcome instanceof WireFailure ? outcome.kind : outcome.status, ms: Math.round(outcome.durationMs) });
    return outcome;
  }

  /** What an attempt's outcome means: the response, one more try with a fresh token, or a failure (thrown when it is not retried). */
  #judge(call: Call, outcome: WireResponse | WireFailure, token: string | undefined): { kind: 'response'; response: HttpResponse } | { kind: 'again' } | { kind: 'failure'; failure: Failure } {
    if (outcome instanceof WireFailure) {
      // Cancelled on the wire: a write may have landed.
      if (outcome.kind === 'aborted') throw this.#cancelled(call, call.attempts, !call.idempotent);
      const verdict = judgeWireFailure(outcome, call.idempotent);
      const error = createApiError(
        { ...call.base, code: outcome.kind === 'timeout' ? 'timeout' : 'connection', retryable: verdict.transient, maybeApplied: verdict.maybeApplied, attempts: call.attempts, detail: outcome.detail },
        this.redactor,
      );
      return { kind: 'failure', failure: { error, verdict } };
    }
    const response = outcome;
    const success = isSuccess(response.status);
    const decoded = decodeBody(response.body, response.headers['content-type'], call.expectJson && success);
    if (success && decoded.json === 'invalid') {
      throw this.#failed(
        call,
        createApiError({ ...call.base, code: 'bad_response', status: response.status, retryable: false, attempts: call.attempts, bodyExcerpt: excerpt(decoded.text), detail: describeNotJson(response.headers['content-type']) }, this.redactor),
      );
    }
    if (success || call.options.accept?.includes(response.status)) {
      return { kind: 'response', response: { status: response.status, headers: response.headers, body: decoded.value, attempts: call.attempts } };
    }
    if (response.status === 401 && call.auth && token !== undefined && !call.refreshed) {
      // The token expired or was revoked early: fetch a new one and repeat the request once.
      // Safe for a POST too: a 401 means the server rejected it before doing anything.
      call.refreshed = true;
      call.auth.invalidate(token);
      return { kind: 'again' };
    }
    const verdict = judgeStatus(response.status, call.idempotent);
    const retryAfterMs = parseRetryAfter(response.headers['retry-after'], this.clock.now());
    const code: ApiErrorCode = response.status === 401 && call.refreshed ? 'auth_failed' : response.status === 429 ? 'rate_limited' : `http_${response.status}`;
    const error = createApiError(
      {
        ...call.base,
        code,
        status: response.status,
        vendorMessage: vendorMessage(decoded.json === 'parsed' ? decoded.value : undefined, decoded.text),
        bodyExcerpt: excerpt(decoded.text),
        retryable: verdict.transient,
        maybeApplied: verdict.maybeApplied,
        attempts: call.attempts,
        ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
        hint: this.#hint(call.options, response.status, call.refreshed),
      },
      this.redactor,
    );
    return { kind: 'failure', failure: { error, verdict, status: response.status, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) } };
  }

  /** After a failed attempt: throws when it is not retried (its kind, the attempts, the deadline), else tells, waits and returns. */
  async #backOff(call: Call, failure: Failure): Promise<void> {
    const { label, attempts } = call;
    const { error, verdict, status, retryAfterMs } = failure;
    // Attempts that count against maxAttempts: the repeat after a token refresh does not.
    const failures = attempts - (call.refreshed ? 1 : 0);
    const maxAttempts = call.options.maxAttempts ?? this.#maxAttempts;
    const setback = (message: string, retryInMs?: number) =>
      this.#setback({ api: this.api, label, code: error.code, ...(status !== undefined ? { status } : {}), attempt: attempts, maxAttempts, ...(retryInMs !== undefined ? { retryInMs } : {}), timeoutMs: call.timeoutMs, deadlineMs: call.deadlineMs, message });
    const giveUp = (why: string) => {
      const final = error.withAttempts(attempts, why);
      if (verdict.transient) setback(final.message);
      return this.#failed(call, final);
    };
    if (!verdict.retry) throw this.#failed(call, error.withAttempts(attempts, attempts > 1 ? `after ${attempts} attempts` : undefined));
    if (failures >= maxAttempts) throw giveUp(`gave up after ${plural(attempts, 'attempt')}`);
    if (retryAfterMs !== undefined && retryAfterMs > this.#backoff.maxRetryAfterMs) {
      throw giveUp(`${this.api} asked to wait ${seconds(retryAfterMs)}, longer than the ${seconds(this.#backoff.maxRetryAfterMs)} allowed`);
    }
    const rateLimited = status === 429;
    const delay = backoffDelay(failures, this.#backoff, this.#random, { rateLimited, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) });
    if (this.clock.now() + delay > call.deadline) {
      throw giveUp(`gave up after ${plural(attempts, 'attempt')}: waiting ${seconds(delay)} more would pass the ${seconds(call.deadlineMs)} deadline`);
    }
    setback(error.message, delay);
    // The budget is shared (another process, Halo's own integrations): hold back every caller.
    if (rateLimited) this.limiter?.pauseUntil(this.clock.now() + delay);
    this.accounting.retry(label, delay);
    this.#log(rateLimited ? 'warn' : 'info', 'retrying', { api: this.api, label, attempt: attempts, code: error.code, status, delayMs: delay, reason: error.message });
    try {
      await this.clock.sleep(delay, call.options.signal);
    } catch (sleepError) {
      if (call.options.signal?.aborted) throw this.#cancelled(call, attempts);
      throw sleepError;
    }
  }

  /** Closes the connections (when this client created its transport). */
  async close(): Promise<void> {
    if (this.#ownsTransport) await this.#transport.close();
  }

  #url(path: string, query: Query | undefined): URL {
    const url = /^https?:\/\//i.test(path) ? new URL(path) : new URL(`${this.baseUrl}${path.startsWith('/') ? '' : '/'}${path}`);
    for (const [name, value] of Object.entries(query ?? {})) {
      if (value === undefined || value === null) continue;
      const values: readonly (string | number | boolean)[] = Array.isArray(value) ? value : [value as string | number | boolean];
      for (const v of values) url.searchParams.append(name, String(v));
    }
    return url;
  }

  #hint(options: RequestOptions, status: number, refreshed: boolean): string | undefined {
    const hint = options.hints?.[status] ?? this.#hints[status];
    if (hint) return hint;
    if (status === 401 && refreshed) return 'a newly issued token was refused too: check that the API application is enabled and allowed to use this API';
    return undefined;
  }

  #setback(setback: HttpSetback): void {
    try {
      this.#onSetback?.({ ...setback, message: this.redactor.redact(setback.message) });
    } catch {
      // A broken listener must not break requests.
    }
  }

  #log(level: LogLevel, msg: string, fields?: LogFields): void {
    try {
      this.#logger.log(level, this.redactor.redact(msg), fields ? (this.redactor.redactValue(fields) as LogFields) : undefined);
    } catch {
      // A broken sink must not break requests.
    }
  }
}

/** One call as it goes through its attempts. */
interface Call {
  options: RequestOptions;
  label: string;
  url: URL;
  method: string;
  /** What every ApiError of the call carries. */
  base: { api: string; method: string; path: string; label: string };
  idempotent: boolean;
  auth: AuthProvider | undefined;
  expectJson: boolean;
  timeoutMs: number;
  body?: string;
  contentType?: string;
  deadlineMs: number;
  /** Moves later by the time spent waiting for the rate limiter. */
  deadline: number;
  attempts: number;
  /** Whether the token was refreshed after a 401 (once per call). */
  refreshed: boolean;
}

/** A failed attempt: the error it would be, and whether and how it may be retried. */
interface Failure {
  error: ApiError;
  verdict: RetryVerdict;
  status?: number;
  retryAfterMs?: number;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}

function serialiseBody(options: RequestOptions): { body?: string; contentType?: string } {
  if (options.json !== undefined) return { body: JSON.stringify(options.json), contentType: 'application/json' };
  if (options.form !== undefined) return { body: new URLSearchParams(options.form).toString(), contentType: 'application/x-www-form-urlencoded' };
  return {};
}

function describeNotJson(contentType: string | undefined): string {
  return contentType ? `a body that is not JSON (content-type ${contentType})` : 'a body that is not JSON';
}
