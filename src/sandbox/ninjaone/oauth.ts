/**
 * The token server (reference/ninjaone/NOTES.md §1): `POST /ws/oauth/token` with a form body and
 * `grant_type=client_credentials`, scopes limited to the app's, `offline_access` refused as the EU
 * instance does, OAuth-shaped errors. Tokens are seeded strings that expire by the simulator
 * clock. Secrets are compared in constant time and never echoed.
 */

import { timingSafeEqual } from 'node:crypto';
import type { Random } from '../random.js';
import type { NinjaClientApp } from '../seed.js';
import type { SimRequest, SimResponse } from '../sim-server.js';
import type { SimClock } from './clock.js';
import { oauthError } from './errors.js';
import { seededString } from '../uuid.js';

/** What a valid bearer token stands for. */
export interface TokenGrant {
  clientId: string;
  scopes: readonly string[];
  expiresAtMs: number;
}

const KNOWN_SCOPES = new Set(['monitoring', 'management', 'control']);
const TOKEN_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

export class TokenIssuer {
  readonly #tokens = new Map<string, TokenGrant>();

  constructor(
    private readonly apps: readonly NinjaClientApp[],
    private readonly clock: SimClock,
    private readonly random: Random,
    /** Token lifetime; `expires_in` in the answer. */
    readonly ttlSeconds: number,
  ) {}

  /** Answers a token request, or throws an OAuth error the server sends as is. */
  issue(req: SimRequest): SimResponse {
    const contentType = String(req.headers['content-type'] ?? '').toLowerCase();
    if (!contentType.startsWith('application/x-www-form-urlencoded')) {
      throw oauthError(400, 'invalid_request', 'token requests must be sent as application/x-www-form-urlencoded');
    }
    const form = new URLSearchParams(req.body.toString('utf8'));
    const grantType = form.get('grant_type');
    if (!grantType) throw oauthError(400, 'invalid_request', 'grant_type is required');
    if (grantType !== 'client_credentials') {
      throw oauthError(400, 'unsupported_grant_type', `grant_type "${grantType}" is not supported; use client_credentials`);
    }
    const clientId = form.get('client_id');
    const clientSecret = form.get('client_secret');
    if (!clientId) throw oauthError(400, 'invalid_request', 'client_id is required');
    if (!clientSecret) throw oauthError(400, 'invalid_request', 'client_secret is required');
    const app = this.apps.find((a) => a.clientId === clientId);
    if (!app || !sameSecret(app.clientSecret, clientSecret)) throw oauthError(401, 'invalid_client', 'Client authentication failed');

    const requested = (form.get('scope') ?? '').split(/\s+/).filter((s) => s !== '');
    // No scope asked for: the app's scopes ([unverified] — RFC 6749 lets the server pick a default).
    const scopes = requested.length === 0 ? [...app.scopes] : [...new Set(requested)];
    for (const scope of scopes) {
      if (scope === 'offline_access') {
        // The EU token server answers 400 here (squaredup/plugins PR #51); refresh tokens are for auth-code apps.
        throw oauthError(400, 'invalid_scope', 'offline_access cannot be requested with grant_type client_credentials');
      }
      if (!KNOWN_SCOPES.has(scope)) throw oauthError(400, 'invalid_scope', `unknown scope "${scope}"; scopes are monitoring, management and control`);
      if (!app.scopes.includes(scope)) throw oauthError(400, 'invalid_scope', `scope "${scope}" is not allowed for this client app`);
    }

    const token = seededString(this.random, 48, TOKEN_ALPHABET);
    this.#tokens.set(token, { clientId, scopes, expiresAtMs: this.clock.nowMs() + this.ttlSeconds * 1000 });
    return {
      status: 200,
      body: { access_token: token, token_type: 'Bearer', expires_in: this.ttlSeconds, scope: scopes.join(' ') },
      headers: { 'cache-control': 'no-store', pragma: 'no-cache' },
    };
  }

  /** The grant behind an `Authorization: Bearer …` header; undefined when missing, unknown or expired. */
  authenticate(header: string | string[] | undefined): TokenGrant | undefined {
    const value = Array.isArray(header) ? header[0] : header;
    const m = value === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(value);
    if (!m) return undefined;
    const grant = this.#tokens.get(m[1]!);
    if (!grant) return undefined;
    if (this.clock.nowMs() >= grant.expiresAtMs) {
      this.#tokens.delete(m[1]!);
      return undefined;
    }
    return grant;
  }

  /** How many unexpired tokens exist (for the state dump; never the tokens themselves). */
  activeCount(): number {
    const now = this.clock.nowMs();
    let n = 0;
    for (const grant of this.#tokens.values()) if (grant.expiresAtMs > now) n += 1;
    return n;
  }
}

function sameSecret(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
