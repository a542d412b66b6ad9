import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Secret } from '../../src/config/secret.js';
import type { HaloConnection, NinjaOneConnection } from '../../src/config/spec.js';
import { HttpClient } from '../../src/http/http-client.js';
import { createJsonLogger } from '../../src/http/logger.js';
import { haloHttpOptions } from '../../src/halo/http-options.js';
import { ninjaOneHttpOptions } from '../../src/rmm/ninjaone/http-options.js';
import { RateLimiterRegistry } from '../../src/http/rate-limiter.js';
import { Redactor } from '../../src/http/redactor.js';
import { staticToken } from '../../src/http/token-provider.js';
import { Router, startSimServer, type SimRequest } from '../../src/sandbox/sim-server.js';
import { fakeClock, rejection } from './helpers.js';

const opened: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((o) => o.close()));
});

async function echoServer(extra?: (router: Router) => void) {
  const seen: SimRequest[] = [];
  const router = new Router();
  extra?.(router);
  router.on('POST', '/echo', (req) => {
    seen.push(req);
    return { status: 200, body: { ok: true } };
  });
  router.on('GET', '/text', () => ({ status: 200, text: 'plain words' }));
  router.on('GET', '/empty', () => ({ status: 204 }));
  router.on('GET', '/gone', () => ({ status: 404, body: { resultCode: 'FAILURE', errorMessage: 'Device not found' } }));
  router.on('GET', '/moved', () => ({ status: 301, headers: { location: 'https://elsewhere.example/' } }));
  const server = await startSimServer({
    name: 'echo',
    router,
    faultResponse: () => ({ status: 500 }),
    notFound: () => ({ status: 404, body: { Message: 'no route' } }),
  });
  opened.push(server);
  return { server, seen };
}

describe('HttpClient requests', () => {
  it('sends JSON bodies, form bodies and query strings as asked', async () => {
    const { server, seen } = await echoServer();
    const http = new HttpClient({ api: 'NinjaOne', baseUrl: `${server.url}/`, auth: staticToken('static-token-1234') });
    opened.push(http);

    await http.request({ method: 'POST', path: 'echo', query: { df: 'org=1', after: 5, skip: undefined, ids: [1, 2] }, json: { a: 1 }, label: 'POST /echo' });
    await http.request({ method: 'POST', path: '/echo', form: { a: 'b c' }, label: 'POST /echo', auth: 'none' });

    expect(seen.map((r) => [r.query.toString(), r.headers['content-type'], r.body.toString(), r.headers.authorization])).toEqual([
      ['df=org%3D1&after=5&ids=1&ids=2', 'application/json', '{"a":1}', 'Bearer static-token-1234'],
      ['', 'application/x-www-form-urlencoded', 'a=b+c', undefined],
    ]);
    expect(seen[0]!.headers['user-agent']).toMatch(/^haloform\//);
  });

  it('returns text as text, empty as undefined, and listed statuses instead of throwing', async () => {
    const { server } = await echoServer();
    const http = new HttpClient({ api: 'NinjaOne', baseUrl: server.url });
    opened.push(http);

    const text = await http.request({ method: 'GET', path: '/text', label: 'GET /text' });
    const empty = await http.request({ method: 'GET', path: '/empty', label: 'GET /empty' });
    const gone = await http.request({ method: 'GET', path: '/gone', label: 'GET /gone', accept: [404] });
    const error = await rejection(http.request({ method: 'GET', path: '/gone', label: 'GET /gone' }));

    expect([text.body, empty.body, gone.status, gone.body]).toEqual(['plain words', undefined, 404, { resultCode: 'FAILURE', errorMessage: 'Device not found' }]);
    expect((error as Error).message).toBe('NinjaOne answered 404 Not Found to GET /gone: Device not found');
  });

  it('says to check the url when the server redirects', async () => {
    const { server } = await echoServer();
    const http = new HttpClient({ api: 'Halo', baseUrl: server.url });
    opened.push(http);

    const error = await rejection(http.request({ method: 'GET', path: '/moved', label: 'GET /moved' }));

    expect(error).toMatchObject({ code: 'http_301', retryable: false });
    expect((error as Error).message).toBe('Halo answered 301 Moved Permanently to GET /moved — check the url (the API does not redirect; https and no extra path are expected)');
  });

  it('keeps at most `concurrency` requests in flight per host', async () => {
    let inFlight = 0;
    let most = 0;
    const { server } = await echoServer((router) =>
      router.on('GET', '/slow', async () => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 20));
        inFlight -= 1;
        return { status: 200, body: {} };
      }),
    );
    const http = new HttpClient({ api: 'Halo', baseUrl: server.url, concurrency: 2 });
    opened.push(http);

    await Promise.all(Array.from({ length: 10 }, () => http.request({ method: 'GET', path: '/slow', label: 'GET /slow' })));

    expect(most).toBe(2);
  });

  it('reuses connections (keep-alive)', async () => {
    let connections = 0;
    const server = createServer((_req, res) => res.end('{}'));
    server.on('connection', () => (connections += 1));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    opened.push({ close: () => new Promise<void>((resolve) => server.close(() => resolve())) });
    const http = new HttpClient({ api: 'Halo', baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, concurrency: 1 });
    opened.push(http);

    for (let i = 0; i < 10; i++) await http.request({ method: 'GET', path: '/', label: 'GET /' });
    server.closeAllConnections();

    expect(connections).toBe(1);
  });

  it('logs retries as redacted JSON lines', async () => {
    const { server } = await echoServer();
    server.faults.set([{ route: '/text', errorRate: 1, count: 1 }]);
    const lines: string[] = [];
    const redactor = new Redactor(['static-token-1234']);
    const clock = fakeClock();
    const http = new HttpClient({
      api: 'Halo',
      baseUrl: server.url,
      clock,
      random: () => 0,
      redactor,
      auth: staticToken('static-token-1234'),
      logger: createJsonLogger({ redactor, sink: (line) => lines.push(line), now: clock.now }),
    });
    opened.push(http);

    await http.request({ method: 'GET', path: '/text', query: { token: 'static-token-1234' }, label: 'GET /text' });

    expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual([
      {
        level: 'info',
        msg: 'retrying',
        time: '2026-03-01T09:00:00.000Z',
        api: 'Halo',
        label: 'GET /text',
        attempt: 1,
        code: 'http_500',
        status: 500,
        delayMs: 250,
        reason: 'Halo answered 500 Internal Server Error to GET /text?token=[redacted] — a server error in Halo; it usually passes, try again later',
      },
    ]);
  });
});

describe('JSON logger', () => {
  it('writes one line per event, drops lower levels, and keeps level and msg from being overwritten', () => {
    const lines: string[] = [];
    const logger = createJsonLogger({ redactor: new Redactor(['hunter2-secret']), level: 'info', sink: (l) => lines.push(l), now: () => 0, base: { component: 'http' } });

    logger.log('debug', 'hidden');
    logger.log('warn', 'saw hunter2-secret', { level: 'x', msg: 'y', authorization: 'Bearer abc', error: new Error('with hunter2-secret') });

    expect(lines).toEqual([
      '{"level":"warn","msg":"saw [redacted]","time":"1970-01-01T00:00:00.000Z","component":"http","authorization":"[redacted]","error":{"name":"Error","message":"with [redacted]"}}',
    ]);
  });
});

describe('presets', () => {
  const ninja: NinjaOneConnection = { baseUrl: 'https://eu.ninjarmm.com', webUrl: 'https://eu.ninjarmm.com', instance: 'eu', clientId: 'n-id', clientSecret: new Secret('n-secret-value', '${N}'), scopes: ['monitoring', 'management'], timeoutSeconds: 20 };
  const halo: HaloConnection = {
    url: 'https://acme.halopsa.com',
    authUrl: 'https://acme.halopsa.com/auth',
    tenant: 'acme',
    clientId: 'h-id',
    clientSecret: new Secret('h-secret-value', '${H}'),
    scope: 'all',
    rateLimit: { requests: 300, perSeconds: 300 },
    batchSize: 50,
    timeoutSeconds: 30,
  };

  it('points NinjaOne at /ws/oauth/token with its scopes and no pacing', () => {
    const http = new HttpClient(ninjaOneHttpOptions(ninja));
    opened.push(http);

    expect(ninjaOneHttpOptions(ninja).credentials).toMatchObject({ tokenUrl: 'https://eu.ninjarmm.com/ws/oauth/token', clientId: 'n-id', scope: 'monitoring management' });
    expect(http.limiter).toBeUndefined();
  });

  it('points Halo at /auth/token?tenant=…, paces it and waits 30 s after a 429', () => {
    const limiters = new RateLimiterRegistry();
    const options = haloHttpOptions(halo, { limiters });
    const a = new HttpClient(options);
    const b = new HttpClient(haloHttpOptions(halo, { limiters }));
    opened.push(a, b);

    expect(options.credentials).toMatchObject({ tokenUrl: 'https://acme.halopsa.com/auth/token', query: { tenant: 'acme' }, scope: 'all' });
    expect(options.backoff?.minRateLimitWaitMs).toBe(30_000);
    expect(a.limiter).toBeDefined();
    expect(a.limiter).toBe(b.limiter);
    expect(a.limiter?.limit).toEqual({ requests: 300, perSeconds: 300 });
  });
});
