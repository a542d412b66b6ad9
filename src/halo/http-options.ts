/**
 * What Halo needs from the HTTP layer, from the normalised spec: its token endpoint (with the
 * tenant), the request budget it paces to, the back-off floor after a 429, and the advice a 403
 * or 413 carries.
 */

import type { HaloConnection } from '../config/spec.js';
import type { HttpClientOptions, SharedHttpOptions } from '../http/index.js';

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
