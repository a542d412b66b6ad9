/**
 * ApiError: the one exception the HTTP layer throws. A stable `code` for programs, a `message`
 * a person can act on ("Halo answered 403 Forbidden to GET /api/Control: … — check …"), and
 * everything redacted before it is stored, so printing or serialising one can never leak a secret.
 */

import { STATUS_CODES } from 'node:http';
import type { Redactor } from './redactor.js';

/**
 * Stable error codes. `http_<status>` for an HTTP answer without a more specific code;
 * `rate_limited` is a 429; `timeout` an attempt or deadline that ran out; `connection` a failure
 * to connect or a connection lost mid-request; `auth_failed` credentials the API refuses;
 * `bad_response` a body that is not what the API promises (not JSON); `aborted` a caller's cancel.
 */
export type ApiErrorCode = `http_${number}` | 'rate_limited' | 'timeout' | 'connection' | 'auth_failed' | 'bad_response' | 'aborted';

/** Everything an ApiError carries besides its message. All strings are already redacted. */
export interface ApiErrorFields {
  code: ApiErrorCode;
  /** Which API: "NinjaOne", "Halo". */
  api: string;
  /** The HTTP status, when the server answered. */
  status?: number;
  method: string;
  /** The request path with its query string, sensitive parameters redacted. */
  path: string;
  /** The accounting label, e.g. `GET /api/Asset`. */
  label: string;
  /** The vendor's own words, read from whichever error shape the body has. */
  vendorMessage?: string;
  /** At most 300 characters of the response body. */
  bodyExcerpt?: string;
  /** The failure is of a kind that can pass (5xx, 429, timeouts, resets). */
  retryable: boolean;
  /** HTTP attempts made, including the failing one. */
  attempts: number;
  /**
   * True when a non-idempotent request (a POST) failed in a way that leaves open whether the
   * server applied it (a timeout, a reset, a 5xx): re-read before writing again.
   */
  maybeApplied: boolean;
  /** The wait the server asked for (Retry-After), when it did. */
  retryAfterMs?: number;
}

export class ApiError extends Error implements ApiErrorFields {
  override readonly name = 'ApiError';
  readonly code: ApiErrorCode;
  readonly api: string;
  readonly status?: number;
  readonly method: string;
  readonly path: string;
  readonly label: string;
  readonly vendorMessage?: string;
  readonly bodyExcerpt?: string;
  readonly retryable: boolean;
  readonly attempts: number;
  readonly maybeApplied: boolean;
  readonly retryAfterMs?: number;

  /** Prefer `createApiError`, which redacts; this constructor trusts its input. */
  constructor(message: string, fields: ApiErrorFields) {
    super(message);
    this.code = fields.code;
    this.api = fields.api;
    if (fields.status !== undefined) this.status = fields.status;
    this.method = fields.method;
    this.path = fields.path;
    this.label = fields.label;
    if (fields.vendorMessage !== undefined) this.vendorMessage = fields.vendorMessage;
    if (fields.bodyExcerpt !== undefined) this.bodyExcerpt = fields.bodyExcerpt;
    this.retryable = fields.retryable;
    this.attempts = fields.attempts;
    this.maybeApplied = fields.maybeApplied;
    if (fields.retryAfterMs !== undefined) this.retryAfterMs = fields.retryAfterMs;
  }

  /** A copy with a different attempt count and message tail (the retry loop knows both only at the end). */
  withAttempts(attempts: number, tail: string | undefined): ApiError {
    const message = tail ? `${this.message} (${tail})` : this.message;
    return new ApiError(message, { ...this.toFields(), attempts });
  }

  toFields(): ApiErrorFields {
    const { code, api, status, method, path, label, vendorMessage, bodyExcerpt, retryable, attempts, maybeApplied, retryAfterMs } = this;
    return { code, api, status, method, path, label, vendorMessage, bodyExcerpt, retryable, attempts, maybeApplied, retryAfterMs };
  }

  toJSON(): ApiErrorFields & { name: string; message: string } {
    return { name: this.name, message: this.message, ...this.toFields() };
  }
}

/** The parts of an error message, before redaction. */
export interface ApiErrorInput extends Omit<ApiErrorFields, 'attempts' | 'maybeApplied'> {
  attempts?: number;
  maybeApplied?: boolean;
  /** What happened, when there was no HTTP answer: "timed out waiting for response headers". */
  detail?: string;
  /** What to do about it; defaults by status (see `defaultHint`). */
  hint?: string;
  /** A complete message that replaces the generated one (the token provider writes its own). */
  message?: string;
}

/** Builds an ApiError with every string in it redacted. */
export function createApiError(input: ApiErrorInput, redactor: Redactor): ApiError {
  const r = (text: string | undefined) => (text === undefined ? undefined : redactor.redact(text));
  const fields: ApiErrorFields = {
    code: input.code,
    api: input.api,
    method: input.method,
    path: redactor.redact(input.path),
    label: redactor.redact(input.label),
    retryable: input.retryable,
    attempts: input.attempts ?? 1,
    maybeApplied: input.maybeApplied ?? false,
  };
  if (input.status !== undefined) fields.status = input.status;
  if (input.vendorMessage !== undefined) fields.vendorMessage = r(input.vendorMessage)!;
  if (input.bodyExcerpt !== undefined) fields.bodyExcerpt = r(input.bodyExcerpt)!;
  if (input.retryAfterMs !== undefined) fields.retryAfterMs = input.retryAfterMs;
  return new ApiError(redactor.redact(input.message ?? formatMessage(input, fields)), fields);
}

function formatMessage(input: ApiErrorInput, f: ApiErrorFields): string {
  const target = `${f.method} ${f.path}`;
  const hint = input.hint ?? defaultHint(f.code, f.status, f.api);
  const tail = hint ? ` — ${hint}` : '';
  switch (f.code) {
    case 'timeout':
      return `${f.api} did not answer ${target}${input.detail ? `: ${input.detail}` : ''}${tail}`;
    case 'connection':
      return `Could not complete ${target} with ${f.api}${input.detail ? `: ${input.detail}` : ''}${tail}`;
    case 'aborted':
      return `${target} to ${f.api} was cancelled`;
    case 'bad_response':
      return `${f.api} answered ${statusText(f.status)} to ${target} with ${input.detail ?? 'a body that is not JSON'}${f.bodyExcerpt ? `: ${quote(f.bodyExcerpt)}` : ''}${tail}`;
    default:
      return `${f.api} answered ${statusText(f.status)} to ${target}${f.vendorMessage ? `: ${f.vendorMessage}` : ''}${tail}`;
  }
}

/** What a person can do about an HTTP failure, when the status alone says it. */
export function defaultHint(code: ApiErrorCode, status: number | undefined, api: string): string | undefined {
  if (code === 'rate_limited') return `${api}'s request budget is used up (anything else using the same API application shares it); haloform waits and retries, lower the configured rateLimit if this repeats`;
  if (code === 'bad_response') return `is the url right? (${api}'s API answers JSON)`;
  if (status === undefined) return undefined;
  if (status >= 300 && status < 400) return 'check the url (the API does not redirect; https and no extra path are expected)';
  if (status === 401) return 'check the client id and secret of the API application';
  if (status === 403) return "check the API application's permissions";
  if (status === 413) return 'the request is too large; lower the batch size';
  if (status === 500) return `a server error in ${api}; it usually passes, try again later`;
  if (status === 502 || status === 503 || status === 504) return `${api} is unavailable or overloaded; try again later`;
  return undefined;
}

function statusText(status: number | undefined): string {
  if (status === undefined) return 'without a status';
  const text = STATUS_CODES[status];
  return text ? `${status} ${text}` : String(status);
}

function quote(text: string): string {
  return `"${text.replace(/"/g, '\\"')}"`;
}
