/**
 * OAuth2 client-credentials tokens for one API: fetched once, cached until shortly before
 * `expires_in`, shared by concurrent callers (one token request in flight, never N), dropped when
 * the API answers 401 so the caller can fetch a new one and retry once. A 400/401/403 from the
 * token endpoint is terminal: `auth_failed`, naming the credential to check, never the secret.
 * reference/ninjaone/NOTES.md §1 (POST /ws/oauth/token), reference/halopsa/NOTES.md §1
 * (POST /auth/token?tenant=…; scope "all").
 */

import { STATUS_CODES } from 'node:http';
import type { Secret } from '../config/secret.js';
import { ApiError, createApiError } from './api-error.js';
import type { HttpClient } from './http-client.js';
import { vendorMessage } from './vendor-message.js';

/** A source of bearer tokens. */
export interface AuthProvider {
  /** A token for the next request; may fetch one. Rejects with an ApiError. */
  token(signal?: AbortSignal): Promise<string>;
  /** The API refused `token` with a 401: forget it, unless a newer one has replaced it already. */
  invalidate(token: string): void;
}

/** Where and how to get tokens. */
export interface ClientCredentialsOptions {
  /** The token endpoint: https://eu.ninjarmm.com/ws/oauth/token, https://acme.halopsa.com/auth/token. */
  tokenUrl: string;
  clientId: string;
  clientSecret: Secret;
  /** Space-separated scopes ("monitoring management", "all"); omitted from the request when empty. */
  scope?: string;
  /** Extra form fields for the token request. */
  form?: Record<string, string>;
  /** Extra query parameters: Halo-hosted needs `{ tenant }`. */
  query?: Record<string, string>;
  /** Fetch a new token this long before the old one expires. Default 60 s (at most half the lifetime). */
  refreshMarginMs?: number;
  /** Where the credentials are configured, for messages: "connections.halo". */
  configPath?: string;
}

/** Used when a token response omits `expires_in`; both vendors issue one-hour tokens. */
const DEFAULT_LIFETIME_S = 3600;

interface Cached {
  token: string;
  refreshAt: number;
}

export class ClientCredentials implements AuthProvider {
  readonly #http: HttpClient;
  readonly #options: ClientCredentialsOptions;
  #current: Cached | undefined;
  #inflight: Promise<Cached> | undefined;
  /** Tokens fetched so far; for tests and --stats. */
  fetched = 0;

  constructor(http: HttpClient, options: ClientCredentialsOptions) {
    this.#http = http;
    this.#options = options;
    http.redactor.addSecret(options.clientSecret);
  }

  async token(signal?: AbortSignal): Promise<string> {
    const current = this.#current;
    if (current && this.#http.clock.now() < current.refreshAt) return current.token;
    if (!this.#inflight) {
      this.#inflight = this.#fetch().finally(() => {
        this.#inflight = undefined;
      });
    }
    return (await abortable(this.#inflight, signal)).token;
  }

  invalidate(token: string): void {
    if (this.#current?.token !== token) return;
    this.#current = undefined;
    this.#http.logger.log('info', 'access token refused; fetching a new one', { api: this.#http.api });
  }

  async #fetch(): Promise<Cached> {
    const o = this.#options;
    const url = new URL(o.tokenUrl);
    const label = `POST ${url.pathname}`;
    const form: Record<string, string> = {
      grant_type: 'client_credentials',
      client_id: o.clientId,
      client_secret: o.clientSecret.reveal(),
      ...(o.scope ? { scope: o.scope } : {}),
      ...o.form,
    };
    const response = await this.#http.request({
      method: 'POST',
      path: o.tokenUrl,
      query: o.query,
      form,
      label,
      auth: 'none',
      // Asking for a token twice has no effect beyond a second token: always safe to retry.
      idempotent: true,
      expect: 'json',
      accept: [400, 401, 403],
      hints: { 404: `check the token url ${url.origin}${url.pathname}` },
    });
    const path = `${url.pathname}${url.search}`;
    if (response.status >= 300) throw this.#refused(response.status, response.body, path, label, response.attempts);
    const body = response.body as Record<string, unknown> | undefined;
    const token = body && typeof body === 'object' ? body.access_token : undefined;
    if (typeof token !== 'string' || token === '') {
      throw createApiError(
        {
          code: 'bad_response',
          api: this.#http.api,
          status: response.status,
          method: 'POST',
          path,
          label,
          retryable: false,
          attempts: response.attempts,
          detail: 'a token response without access_token',
          bodyExcerpt: '(not shown: token responses carry credentials)',
          hint: `is ${url.origin}${url.pathname} the token endpoint?`,
        },
        this.#http.redactor,
      );
    }
    this.#http.redactor.addToken(token);
    for (const other of [body?.refresh_token, body?.id_token]) if (typeof other === 'string') this.#http.redactor.addToken(other);
    const lifetimeS = readSeconds(body?.expires_in) ?? DEFAULT_LIFETIME_S;
    const lifetimeMs = lifetimeS * 1000;
    const margin = Math.min(o.refreshMarginMs ?? 60_000, lifetimeMs / 2);
    const cached = { token, refreshAt: this.#http.clock.now() + lifetimeMs - margin };
    this.#current = cached;
    this.fetched += 1;
    this.#http.logger.log('info', 'fetched access token', { api: this.#http.api, expiresInSeconds: lifetimeS });
    return cached;
  }

  #refused(status: number, body: unknown, path: string, label: string, attempts: number): ApiError {
    const o = this.#options;
    const api = this.#http.api;
    const where = o.configPath ?? `the ${api} connection`;
    const said = vendorMessage(body, typeof body === 'string' ? body : '');
    const oauthError = body && typeof body === 'object' ? (body as { error?: unknown }).error : undefined;
    const scopeProblem = oauthError === 'invalid_scope' || /scope/i.test(said ?? '');
    const check = scopeProblem
      ? `check ${o.configPath ? `${where}.scope` : 'the scope'} ("${o.scope ?? ''}") against the scopes the API application allows`
      : `check ${o.configPath ? `${where}.clientId` : 'the client id'} ("${o.clientId}") and the client secret from ${o.clientSecret.origin}, and that the API application is enabled`;
    return createApiError(
      {
        code: 'auth_failed',
        api,
        status,
        method: 'POST',
        path,
        label,
        vendorMessage: said,
        retryable: false,
        attempts,
        message: `${api} refused the client credentials (${status} ${STATUS_CODES[status] ?? ''} from POST ${path}${said ? `: ${said}` : ''}) — ${check}`,
      },
      this.#http.redactor,
    );
  }
}

/** A fixed token, for tests and for APIs that hand out long-lived keys. */
export function staticToken(token: string): AuthProvider {
  return { token: () => Promise.resolve(token), invalidate: () => undefined };
}

function readSeconds(value: unknown): number | undefined {
  const n = typeof value === 'string' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : undefined;
}

/** The shared token fetch, abandoned by one caller whose signal aborts (the others still wait for it). */
function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
