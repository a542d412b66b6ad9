/**
 * What each API needs from the HTTP layer, taken from the normalised spec: token endpoint and
 * parameters, the back-off after a 429, pacing, and the advice a 403 should carry. The API clients
 * build their HttpClient from these, so vendor facts stay in one place.
 */

import type { HaloConnection, NinjaOneConnection } from '../config/spec.js';
import type { HttpClientOptions } from './http-client.js';

/** What the presets leave to the caller: shared logger, redactor, accounting, clock, transport… */
export type SharedHttpOptions = Omit<Partial<HttpClientOptions>, 'api' | 'baseUrl' | 'credentials'>;

/**
 * NinjaOne: token at /ws/oauth/token (plain /oauth/token 404s on some instances —
 * reference/ninjaone/NOTES.md §1), space-separated scopes, no documented rate limit (§8), so no
 * pacing; 429s and 5xx are still retried with back-off.
 */
export function ninjaOneHttpOptions(connection: NinjaOneConnection, shared: SharedHttpOptions = {}): HttpClientOptions {
  return {
    timeoutMs: connection.timeoutSeconds * 1000,
    expect: 'json',
    hints: {
      403: "check the scopes: the API client app's in NinjaOne (Administration > Apps > API) and the ones haloform asks for (connections.ninjaone.scopes): monitoring to read, management to write",
    },
    ...shared,
    backoff: { minRateLimitWaitMs: 5_000, ...shared.backoff },
    api: 'NinjaOne',
    baseUrl: connection.baseUrl,
    credentials: {
      tokenUrl: `${connection.baseUrl}/ws/oauth/token`,
      clientId: connection.clientId,
      clientSecret: connection.clientSecret,
      scope: connection.scopes.join(' '),
      configPath: 'connections.ninjaone',
    },
  };
}

/**
 * Halo: token at `${authUrl}/token`, with `?tenant=` on Halo-hosted instances
 * (reference/halopsa/NOTES.md §1); 300 requests per rolling 5 minutes shared by every mode, paced
 * here and backed off at least 30 s after a 429 because a short retry loop only spends more of
 * the window (§5).
 */
export function haloHttpOptions(connection: HaloConnection, shared: SharedHttpOptions = {}): HttpClientOptions {
  return {
    timeoutMs: connection.timeoutSeconds * 1000,
    expect: 'json',
    hints: {
      403: "check the API application's permissions in Halo (Configuration > Integrations > Halo API: its scopes and the agent it logs in as)",
      413: 'the request is too large; lower connections.halo.batchSize',
    },
    ...(connection.rateLimit ? { rateLimit: connection.rateLimit } : {}),
    ...shared,
    // Merged, not replaced: a caller tuning one knob keeps the 30 s floor after a 429.
    backoff: { minRateLimitWaitMs: 30_000, maxDelayMs: 60_000, ...shared.backoff },
    api: 'Halo',
    baseUrl: connection.url,
    credentials: {
      tokenUrl: `${connection.authUrl}/token`,
      clientId: connection.clientId,
      clientSecret: connection.clientSecret,
      scope: connection.scope,
      ...(connection.tenant ? { query: { tenant: connection.tenant } } : {}),
      configPath: 'connections.halo',
    },
  };
}
