/**
 * What NinjaOne needs from the HTTP layer, from the normalised spec: its token endpoint and
 * scopes, the back-off after a 429, and the advice a 403 carries.
 */

import type { NinjaOneConnection } from '../../config/spec.js';
import type { HttpClientOptions, SharedHttpOptions } from '../../http/index.js';

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
