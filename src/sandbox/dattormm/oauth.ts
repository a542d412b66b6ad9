/**
 * Datto's token server (reference/dattormm/NOTES.md §2): `POST /auth/oauth/token` — outside
 * `/api` — with the fixed public client `public-client:public` in HTTP Basic and the password
 * grant, the user's API key and secret as username and password. Tokens are opaque seeded UUIDs
 * (Spring Security OAuth's default form) that expire by the simulator clock after 100 hours;
 * secrets are compared in constant time and never echoed.
 */

import { timingSafeEqual } from 'node:crypto';
import type { Random } from '../random.js';
import type { SimRequest, SimResponse } from '../sim-server.js';
import { seededUuid } from '../uuid.js';
import type { DattoClock } from './clock.js';
import { AUTHENTICATION_REQUIRED, BAD_CREDENTIALS, DattoHttpError, oauthError } from './errors.js';
import type { DattoApiUser } from './seed.js';

/** The OAuth client every Datto integration sends in Basic auth [observed: every working client]. */
export const PUBLIC_CLIENT = { id: 'public-client', secret: 'public' } as const;

export interface TokenSettings {
  /** Access token lifetime and `expires_in`: 100 hours (NOTES §2). */
  ttlSeconds: number;
  /** Answer `grant_type=refresh_token` ([unverified] whether Datto does, NOTES §2). Default false: 400 unsupported_grant_type. */
  refreshGrant: boolean;
  /** The token answer's `scope` ([unverified]: "default"). */
  scope: string;
}

/** What a valid bearer token stands for. */
export interface TokenGrant {
  user: DattoApiUser;
  expiresAtMs: number;
}

/** Why a bearer check failed. */
export type BearerProblem = 'missing' | 'invalid' | 'expired';

export class DattoTokens {
  readonly #access = new Map<string, TokenGrant>();
  readonly #refresh = new Map<string, DattoApiUser>();

  constructor(
    private readonly users: readonly DattoApiUser[],
    private readonly clock: DattoClock,
    private readonly random: Random,
    readonly settings: TokenSettings,
  ) {}

  /** Answers a token request, or throws the OAuth error the server sends. */
  issue(req: SimRequest): SimResponse {
    if (!sameClient(req.headers.authorization)) throw oauthError(401, BAD_CREDENTIALS.error, BAD_CREDENTIALS.error_description);
    // Spring reads the parameters from the query string and a form body alike.
    const params = new URLSearchParams(req.query);
    if (String(req.headers['content-type'] ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded')) {
      for (const [name, value] of new URLSearchParams(req.body.toString('utf8'))) params.append(name, value);
    }
    const grantType = params.get('grant_type');
    if (!grantType) throw oauthError(400, 'invalid_request', 'Missing grant type');
    if (grantType === 'password') {
      const user = this.users.find((u) => same(u.key, params.get('username') ?? '') && same(u.secret, params.get('password') ?? ''));
      if (!user) throw oauthError(401, BAD_CREDENTIALS.error, BAD_CREDENTIALS.error_description);
      return this.#grant(user, seededUuid(this.random));
    }
    if (grantType === 'refresh_token' && this.settings.refreshGrant) {
      const refreshToken = params.get('refresh_token') ?? '';
      const user = this.#refresh.get(refreshToken);
      if (!user) throw oauthError(400, 'invalid_grant', 'Invalid refresh token');
      return this.#grant(user, refreshToken);
    }
    throw oauthError(400, 'unsupported_grant_type', `Unsupported grant type: ${grantType}`);
  }

  /** The grant behind an `Authorization: Bearer …` header, or why there is none. */
  authenticate(header: string | string[] | undefined): TokenGrant | BearerProblem {
    const value = Array.isArray(header) ? header[0] : header;
    const m = value === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(value);
    if (!m) return 'missing';
    const grant = this.#access.get(m[1]!);
    if (!grant) return 'invalid';
    if (this.clock.nowMs() >= grant.expiresAtMs) return 'expired';
    return grant;
  }

  /** The 401 for a failed bearer check ([unverified] bodies, in Spring Security OAuth's words). */
  rejection(problem: BearerProblem): DattoHttpError {
    const [error, description] =
      problem === 'missing' ? [AUTHENTICATION_REQUIRED.error, AUTHENTICATION_REQUIRED.error_description] : ['invalid_token', problem === 'expired' ? 'Access token expired' : 'Invalid access token'];
    return oauthError(401, error, description, { 'www-authenticate': `Bearer realm="oauth2-resource", error="${error}", error_description="${description}"` });
  }

  /** How many unexpired access tokens exist (for the state dump; never the tokens). */
  activeCount(): number {
    const now = this.clock.nowMs();
    let n = 0;
    for (const grant of this.#access.values()) if (grant.expiresAtMs > now) n += 1;
    return n;
  }

  #grant(user: DattoApiUser, refreshToken: string): SimResponse {
    const accessToken = seededUuid(this.random);
    this.#access.set(accessToken, { user, expiresAtMs: this.clock.nowMs() + this.settings.ttlSeconds * 1000 });
    this.#refresh.set(refreshToken, user);
    return {
      status: 200,
      body: { access_token: accessToken, token_type: 'bearer', refresh_token: refreshToken, expires_in: this.settings.ttlSeconds, scope: this.settings.scope },
      headers: { 'cache-control': 'no-store', pragma: 'no-cache' },
    };
  }
}

/** Whether the Basic header names the public client. */
function sameClient(header: string | string[] | undefined): boolean {
  const value = Array.isArray(header) ? header[0] : header;
  const m = value === undefined ? null : /^Basic\s+(\S+)\s*$/i.exec(value);
  if (!m) return false;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  return same(`${PUBLIC_CLIENT.id}:${PUBLIC_CLIENT.secret}`, decoded);
}

function same(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
