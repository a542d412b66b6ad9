/**
 * Halo's authorisation server and the bearer check of the resource server
 * (reference/halopsa/NOTES.md §1): client-credentials tokens for the seed's API apps, the optional
 * `tenant` query parameter of Halo-hosted tenants, scopes, and which scope each endpoint needs.
 * Tokens are JWT-shaped and deterministic (signed with a key derived from the seed number), so two
 * runs of the same requests give the same bytes.
 */

import { createHmac } from 'node:crypto';
import type { HaloClientApp } from '../seed.js';
import { oauthError } from './errors.js';

/** Every scope a Halo API app can have (NOTES §1, from HaloAPI's HaloAuth class). */
export const HALO_SCOPES: readonly string[] = [
  'all', 'all:standard', 'admin', 'read:tickets', 'edit:tickets', 'read:calendar', 'edit:calendar', 'read:customers',
  'edit:customers', 'read:crm', 'edit:crm', 'editMine:timesheets', 'read:timesheets', 'edit:timesheets', 'read:contracts',
  'edit:contracts', 'read:suppliers', 'edit:suppliers', 'read:items', 'edit:items', 'read:projects', 'edit:projects',
  'read:sales', 'edit:sales', 'read:quotes', 'edit:quotes', 'read:sos', 'edit:sos', 'read:pos', 'edit:pos',
  'read:invoices', 'edit:invoices', 'read:reporting', 'edit:reporting', 'read:software', 'edit:software',
  'read:softwarelicensing', 'edit:softwarelicensing', 'read:kb', 'edit:kb', 'read:assets', 'edit:assets',
  'access:chat', 'access:adpasswordreset',
];

/** The permission an endpoint needs: an area and read or edit; `admin` is its own scope. */
export type ScopeArea = 'customers' | 'assets' | 'tickets' | 'admin';
export type Access = 'read' | 'edit';

/** True when `granted` (a token's scopes) allows `access` on `area`. `edit:X` implies `read:X`. */
export function scopeAllows(granted: ReadonlySet<string>, area: ScopeArea, access: Access): boolean {
  if (granted.has('all')) return true;
  if (area === 'admin') return granted.has('admin');
  if (granted.has('all:standard') || granted.has(`edit:${area}`)) return true;
  return access === 'read' && granted.has(`read:${area}`);
}

/** True when an app configured with `appScopes` may be granted `scope`. */
function appMayGrant(appScopes: readonly string[], scope: string): boolean {
  if (appScopes.includes('all') || appScopes.includes(scope)) return true;
  if (appScopes.includes('all:standard') && scope !== 'admin' && scope !== 'all') return true;
  const [verb, area] = scope.split(':');
  return verb === 'read' && area !== undefined && appScopes.includes(`edit:${area}`);
}

export interface TokenGrant {
  app: HaloClientApp;
  scopes: ReadonlySet<string>;
  expiresAtMs: number;
}

export interface TokenResponse {
  scope: string;
  token_type: 'Bearer';
  access_token: string;
  expires_in: number;
  refresh_token: string;
  id_token: string;
}

export interface TokenRequest {
  grantType: string | null;
  clientId: string | null;
  clientSecret: string | null;
  scope: string | null;
  refreshToken: string | null;
  tenant: string | null;
}

export class Authority {
  readonly #apps: HaloClientApp[];
  readonly #key: string;
  readonly #tokens = new Map<string, TokenGrant>();
  readonly #refresh = new Map<string, { app: HaloClientApp; scopes: string[] }>();
  #issued = 0;

  constructor(
    apps: readonly HaloClientApp[],
    private readonly options: { tenant: string | null; ttlSeconds: number; seed: number; now: () => number },
  ) {
    this.#apps = structuredClone([...apps]);
    this.#key = `halo-simulator:${options.seed}`;
  }

  /** `POST /auth/token`: checks the tenant, grant, client and scope; answers Halo's token JSON or throws an OAuth error. */
  issue(request: TokenRequest): TokenResponse {
    const tenant = this.options.tenant;
    if (tenant !== null && request.tenant === null) {
      throw oauthError(400, 'invalid_request', `This is a hosted Halo instance: add ?tenant=${tenant} to the token URL.`);
    }
    if (tenant !== null && request.tenant !== tenant) throw oauthError(400, 'invalid_request', `Unknown tenant "${request.tenant}".`);
    let app: HaloClientApp;
    let requested: string[];
    if (request.grantType === 'client_credentials') {
      const found = this.#apps.find((a) => a.clientId === request.clientId);
      if (!found || request.clientSecret !== found.clientSecret) throw oauthError(401, 'invalid_client', 'The client id or secret is not valid.');
      app = found;
      requested = request.scope === null || request.scope.trim() === '' ? [...found.scopes] : request.scope.trim().split(/\s+/);
    } else if (request.grantType === 'refresh_token') {
      const grant = request.refreshToken === null ? undefined : this.#refresh.get(request.refreshToken);
      if (!grant) throw oauthError(400, 'invalid_grant', 'The refresh token is not valid.');
      app = grant.app;
      requested = grant.scopes;
    } else if (request.grantType === null || request.grantType === '') {
      throw oauthError(400, 'unsupported_grant_type', 'grant_type is missing; use grant_type=client_credentials.');
    } else {
      throw oauthError(400, 'unsupported_grant_type', `grant_type "${request.grantType}" is not supported; use client_credentials.`);
    }
    for (const scope of requested) {
      if (!HALO_SCOPES.includes(scope)) throw oauthError(400, 'invalid_scope', `Unknown scope "${scope}".`);
      if (!appMayGrant(app.scopes, scope)) throw oauthError(400, 'invalid_scope', `The application is not allowed the scope "${scope}".`);
    }
    const scopes = [...new Set(requested)];
    const nowMs = this.options.now();
    const n = ++this.#issued;
    const iat = Math.floor(nowMs / 1000);
    const exp = iat + this.options.ttlSeconds;
    const accessToken = this.#jwt({ client_id: app.clientId, sub: String(app.agentId), scope: scopes.join(' '), iat, exp, jti: `access-${n}` });
    const idToken = this.#jwt({ sub: String(app.agentId), agent_id: app.agentId, name: `API Agent ${app.agentId}`, iat, exp, jti: `id-${n}` });
    const refreshToken = this.#sign(`refresh-${n}`);
    this.#tokens.set(accessToken, { app, scopes: new Set(scopes), expiresAtMs: nowMs + this.options.ttlSeconds * 1000 });
    this.#refresh.set(refreshToken, { app, scopes });
    return { scope: scopes.join(' '), token_type: 'Bearer', access_token: accessToken, expires_in: this.options.ttlSeconds, refresh_token: refreshToken, id_token: idToken };
  }

  /** The grant behind an `Authorization` header; a reason when there is none or it expired. */
  verify(header: string | undefined): TokenGrant | { error: string } {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
    if (!match) return { error: 'The request has no bearer token' };
    const grant = this.#tokens.get(match[1]!);
    if (!grant) return { error: 'The token is not valid' };
    if (this.options.now() >= grant.expiresAtMs) return { error: `The token expired at '${new Date(grant.expiresAtMs).toISOString()}'` };
    return grant;
  }

  /** Makes every issued token invalid (the control API's way to force a 401). */
  expireAll(): void {
    this.#tokens.clear();
    this.#refresh.clear();
  }

  #jwt(payload: Record<string, unknown>): string {
    const head = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
    const body = base64url(JSON.stringify(payload));
    return `${head}.${body}.${this.#sign(`${head}.${body}`)}`;
  }

  #sign(text: string): string {
    return createHmac('sha256', this.#key).update(text).digest('base64url');
  }
}

function base64url(text: string): string {
  return Buffer.from(text).toString('base64url');
}
