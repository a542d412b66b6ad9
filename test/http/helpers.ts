/**
 * Test helpers for the HTTP layer: a fake clock whose sleeps return at once (and move time
 * forward), and a small OAuth-protected API on the sandbox's sim server that issues opaque
 * tokens, can revoke them, and can enforce a rolling-window rate limit like Halo's.
 */

import { Secret } from '../../src/config/secret.js';
import type { Clock } from '../../src/http/clock.js';
import { HttpClient, type HttpClientOptions } from '../../src/http/http-client.js';
import { createJsonLogger } from '../../src/http/logger.js';
import { Redactor } from '../../src/http/redactor.js';
import { Router, startSimServer, type SimRequest, type SimResponse, type SimServer } from '../../src/sandbox/sim-server.js';
import type { FaultRule } from '../../src/sandbox/faults.js';

export const CLIENT_ID = 'haloform-test';
export const CLIENT_SECRET = 'S3cr3t-value/with+chars&=';

/** A clock for tests: `sleep` records its argument and returns on the next turn of the event loop, time jumped forward. */
export interface FakeClock extends Clock {
  /** Every sleep asked for, in order. */
  readonly sleeps: number[];
  advance(ms: number): void;
}

export function fakeClock(start = Date.UTC(2026, 2, 1, 9, 0, 0)): FakeClock {
  let t = start;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => t,
    advance(ms) {
      t += ms;
    },
    sleep(ms, signal) {
      sleeps.push(ms);
      return new Promise<void>((resolve, reject) => {
        if (signal?.aborted) {
          reject(signal.reason);
          return;
        }
        const target = t + ms;
        setImmediate(() => {
          if (signal?.aborted) {
            reject(signal.reason);
            return;
          }
          t = Math.max(t, target);
          resolve();
        });
      });
    },
  };
}

export interface ToyApiOptions {
  /** Time as the server sees it (for the rate-limit window and arrival stamps). */
  clock: Clock;
  secret?: string;
  /** Enforce a rolling window like Halo-hosted: 429 past `requests` arrivals in `windowMs`. Counts token requests too. */
  enforce?: { requests: number; windowMs: number };
  faults?: FaultRule[];
  /** Extra routes; handlers get `authorised(req)` to check the bearer token. */
  routes?(router: Router, api: ToyApi): void;
  /** Headers on injected 429s. */
  rateLimitHeaders?: Record<string, string>;
  /** Token lifetime in seconds. */
  expiresIn?: number;
}

export interface ToyApi {
  server: SimServer;
  url: string;
  /** Tokens issued, in order. */
  readonly tokens: string[];
  /** Server-clock time of every arrival (API and token requests). */
  readonly arrivals: number[];
  /** 429s the enforced window sent. */
  readonly enforced429s: number;
  /** Makes every issued token invalid (the next API call gets 401). */
  revokeTokens(): void;
  /** True when the request carries a live token. */
  authorised(req: SimRequest): boolean;
  close(): Promise<void>;
}

export async function startToyApi(options: ToyApiOptions): Promise<ToyApi> {
  const secret = options.secret ?? CLIENT_SECRET;
  const live = new Set<string>();
  const tokens: string[] = [];
  const arrivals: number[] = [];
  let enforced429s = 0;
  let counter = 0;

  const router = new Router({ caseInsensitive: true });
  const api: ToyApi = {
    server: undefined as unknown as SimServer,
    url: '',
    tokens,
    arrivals,
    get enforced429s() {
      return enforced429s;
    },
    revokeTokens: () => live.clear(),
    authorised: (req) => {
      const header = req.headers.authorization ?? '';
      return header.startsWith('Bearer ') && live.has(header.slice(7));
    },
    close: () => api.server.close(),
  };

  /** Wraps a handler with the arrival log and, when asked, the rolling-window limit. */
  const counted =
    (handler: (req: SimRequest) => SimResponse | Promise<SimResponse>) =>
    (req: SimRequest): SimResponse | Promise<SimResponse> => {
      const now = options.clock.now();
      if (options.enforce) {
        const since = now - options.enforce.windowMs;
        const inWindow = arrivals.filter((t) => t > since).length;
        arrivals.push(now);
        if (inWindow >= options.enforce.requests) {
          enforced429s += 1;
          return { status: 429, text: 'Rate Limit Reached - 300 Requests per rolling 5 minute window' };
        }
      } else {
        arrivals.push(now);
      }
      return handler(req);
    };
  const guarded = (handler: (req: SimRequest) => SimResponse | Promise<SimResponse>) =>
    counted((req) => (api.authorised(req) ? handler(req) : { status: 401, body: { error: 'not_authenticated', error_description: 'Invalid credentials', error_code: 10 } }));

  router.on(
    'POST',
    '/auth/token',
    counted((req) => {
      const form = new URLSearchParams(req.body.toString('utf8'));
      if (form.get('grant_type') !== 'client_credentials') return { status: 400, body: { error: 'unsupported_grant_type' } };
      if (form.get('client_id') !== CLIENT_ID || form.get('client_secret') !== secret) {
        return { status: 401, body: { error: 'invalid_client', error_description: 'Client authentication failed' } };
      }
      if (form.get('scope') === 'read:nothing') return { status: 400, body: { error: 'invalid_scope' } };
      counter += 1;
      const token = `at_${counter}_${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;
      live.add(token);
      tokens.push(token);
      return { status: 200, body: { access_token: token, token_type: 'Bearer', expires_in: options.expiresIn ?? 3600, scope: form.get('scope') } };
    }),
  );
  router.on('GET', '/api/Asset', guarded(() => ({ status: 200, body: { record_count: 1, assets: [{ id: 1, inventory_number: 'PC-001' }] } })));
  router.on('POST', '/api/Asset', guarded((req) => ({ status: 201, body: JSON.parse(req.body.toString('utf8')) as unknown })));
  options.routes?.(router, api);
  for (const method of ['GET', 'POST', 'PUT', 'DELETE']) {
    router.on(method, '/api/*', guarded(() => ({ status: 404, body: { ClassName: 'System.Exception', Message: 'Not found' } })));
  }

  api.server = await startSimServer({
    name: 'toy API',
    router,
    faults: options.faults ?? [],
    faultResponse: (kind) =>
      kind === 'error'
        ? { status: 500, body: { ClassName: 'System.NullReferenceException', Message: 'Object reference not set to an instance of an object.' } }
        : { status: 429, text: 'Rate Limit Reached - 300 Requests per rolling 5 minute window', headers: options.rateLimitHeaders ?? {} },
    notFound: () => ({ status: 404, text: '<html><head><title>404 Not Found</title></head><body><h1>404 Not Found</h1><hr>nginx</body></html>', contentType: 'text/html' }),
  });
  api.url = api.server.url;
  return api;
}

/** A client for the toy API with client credentials, a fake clock and a captured JSON log. */
export function toyClient(api: ToyApi, clock: Clock, overrides: Partial<HttpClientOptions> = {}, secret = CLIENT_SECRET) {
  const lines: string[] = [];
  const redactor = overrides.redactor ?? new Redactor();
  const logger = createJsonLogger({ redactor, level: 'debug', sink: (line) => lines.push(line), now: clock.now });
  const http = new HttpClient({
    api: 'Halo',
    baseUrl: api.url,
    clock,
    redactor,
    logger,
    random: () => 0.5,
    timeoutMs: 2_000,
    credentials: { tokenUrl: `${api.url}/auth/token`, clientId: CLIENT_ID, clientSecret: new Secret(secret, '${HALO_CLIENT_SECRET}'), scope: 'all', configPath: 'connections.halo' },
    ...overrides,
  });
  return { http, lines };
}

/** Awaits a promise that must reject, and returns the reason. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject, and it resolved');
}
