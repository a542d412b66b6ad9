import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../src/http/api-error.js';
import { HttpClient } from '../../src/http/http-client.js';
import type { HttpClientOptions } from '../../src/http/http-client.js';
import { staticToken } from '../../src/http/token-provider.js';
import type { FaultRule } from '../../src/sandbox/faults.js';
import type { Router } from '../../src/sandbox/sim-server.js';
import { fakeClock, rejection, startToyApi, toyClient, type FakeClock, type ToyApi } from './helpers.js';

const opened: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((o) => o.close()));
});

interface Setup {
  faults?: FaultRule[];
  routes?: (router: Router, api: ToyApi) => void;
  client?: Partial<HttpClientOptions>;
  rateLimitHeaders?: Record<string, string>;
}

async function setup(options: Setup = {}) {
  const clock = fakeClock();
  const api = await startToyApi({ clock, faults: options.faults ?? [], ...(options.routes ? { routes: options.routes } : {}), ...(options.rateLimitHeaders ? { rateLimitHeaders: options.rateLimitHeaders } : {}) });
  const { http, lines } = toyClient(api, clock, options.client);
  opened.push(api, http);
  // Fetch the token first so fault rules only meet the calls under test.
  await http.tokens!.token();
  api.server.clearRequests();
  clock.sleeps.length = 0;
  return { clock, api, http, lines };
}

function statuses(api: ToyApi, path = '/api/Asset') {
  return api.server.requests().filter((r) => r.path === path).map((r) => r.status);
}

const getAsset = { method: 'GET', path: '/api/Asset', label: 'GET /api/Asset' } as const;
const postAsset = { method: 'POST', path: '/api/Asset', label: 'POST /api/Asset', json: [{ inventory_number: 'PC-9' }] } as const;

describe('retries', () => {
  it('retries 500s with growing back-off, then succeeds', async () => {
    const { api, http, clock } = await setup({ faults: [{ route: '/api/Asset', errorRate: 1, count: 3 }] });

    const response = await http.request(getAsset);

    expect(response).toMatchObject({ status: 200, attempts: 4 });
    expect(statuses(api)).toEqual([500, 500, 500, 200]);
    // random() = 0.5 → three quarters of 500, 1000, 2000 ms.
    expect(clock.sleeps).toEqual([375, 750, 1500]);
  });

  it('retries dropped connections, then succeeds', async () => {
    const { api, http } = await setup({ faults: [{ route: '/api/Asset', dropRate: 1, count: 2 }] });

    const response = await http.request(getAsset);

    expect(response.status).toBe(200);
    expect(statuses(api)).toEqual(['dropped', 'dropped', 200]);
  });

  it('retries attempts that time out, then succeeds', async () => {
    const { api, http } = await setup({ faults: [{ route: '/api/Asset', timeoutRate: 1, count: 2 }], client: { timeoutMs: 300 } });

    const response = await http.request(getAsset);

    expect(response.status).toBe(200);
    expect(statuses(api)).toEqual(['timeout', 'timeout', 200]);
  });

  it('reports a timeout with what timed out once the attempts run out', async () => {
    const { api, http } = await setup({ faults: [{ route: '/api/Asset', timeoutRate: 1 }], client: { timeoutMs: 100, maxAttempts: 2 } });

    const error = await rejection(http.request(getAsset));

    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'timeout', attempts: 2, retryable: true });
    expect((error as Error).message).toBe('Halo did not answer GET /api/Asset: no complete answer within 100 ms (gave up after 2 attempts)');
    expect(statuses(api)).toEqual(['timeout', 'timeout']);
  });

  it('fails a permanent 403 after one attempt, with the vendor message and a hint', async () => {
    const { api, http, clock } = await setup({
      routes: (router) => router.on('GET', '/api/Control', () => ({ status: 403, body: { ClassName: 'System.UnauthorizedAccessException', Message: 'You do not have access to this resource.' } })),
    });

    const error = await rejection(http.request({ method: 'GET', path: '/api/Control', label: 'GET /api/Control', hints: { 403: "check the API application's permissions (needs admin)" } }));

    expect(error).toMatchObject({ code: 'http_403', status: 403, attempts: 1, retryable: false, vendorMessage: 'You do not have access to this resource.' });
    expect((error as Error).message).toBe("Halo answered 403 Forbidden to GET /api/Control: You do not have access to this resource. — check the API application's permissions (needs admin)");
    expect(statuses(api, '/api/Control')).toEqual([403]);
    expect(clock.sleeps).toEqual([]);
  });

  it('gives bad_response with an excerpt when a success body is not JSON', async () => {
    const page = `<html><head><title>Sign in</title></head><body>${'x'.repeat(400)}</body></html>`;
    const { http } = await setup({ routes: (router) => router.on('GET', '/api/Login', () => ({ status: 200, text: page, contentType: 'text/html' })), client: { expect: 'json' } });

    const error = (await rejection(http.request({ method: 'GET', path: '/api/Login', label: 'GET /api/Login' }))) as ApiError;

    expect(error).toMatchObject({ code: 'bad_response', status: 200, attempts: 1, retryable: false });
    expect(error.bodyExcerpt).toHaveLength(300);
    expect(error.bodyExcerpt?.startsWith('<html><head><title>Sign in</title>')).toBe(true);
    expect(error.message.startsWith("Halo answered 200 OK to GET /api/Login with a body that is not JSON (content-type text/html): \"<html><head><title>Sign in</title></head><body>xxx")).toBe(true);
    expect(error.message.endsWith("— is the url right? (Halo's API answers JSON)")).toBe(true);
  });

  it('gives bad_response when the body claims to be JSON and is not', async () => {
    const { http } = await setup({ routes: (router) => router.on('GET', '/api/Broken', () => ({ status: 200, text: '{"assets": [', contentType: 'application/json' })) });

    const error = await rejection(http.request({ method: 'GET', path: '/api/Broken', label: 'GET /api/Broken' }));

    expect(error).toMatchObject({ code: 'bad_response', bodyExcerpt: '{"assets": [' });
  });

  it('honours Retry-After in seconds', async () => {
    let calls = 0;
    const { http, clock } = await setup({
      routes: (router) =>
        router.on('GET', '/api/Busy', () => (++calls === 1 ? { status: 503, body: { Message: 'Maintenance' }, headers: { 'retry-after': '7' } } : { status: 200, body: [] })),
    });

    const response = await http.request({ method: 'GET', path: '/api/Busy', label: 'GET /api/Busy' });

    expect(response.status).toBe(200);
    expect(clock.sleeps).toEqual([7000]);
  });

  it('honours Retry-After as an HTTP date', async () => {
    let calls = 0;
    let clockRef: FakeClock | undefined;
    const { http, clock } = await setup({
      routes: (router) =>
        router.on('GET', '/api/Busy', () =>
          ++calls === 1 ? { status: 503, body: {}, headers: { 'retry-after': new Date(clockRef!.now() + 12_000).toUTCString() } } : { status: 200, body: [] },
        ),
    });
    clockRef = clock;

    await http.request({ method: 'GET', path: '/api/Busy', label: 'GET /api/Busy' });

    expect(clock.sleeps).toEqual([12_000]);
  });

  it('waits at least the configured minimum after a 429, even when Retry-After says less', async () => {
    const { api, http, clock } = await setup({
      faults: [{ route: '/api/Asset', rateLimitRate: 1, count: 2 }],
      rateLimitHeaders: { 'retry-after': '2' },
      client: { backoff: { minRateLimitWaitMs: 30_000 } },
    });

    const response = await http.request(getAsset);

    expect(response.status).toBe(200);
    expect(statuses(api)).toEqual([429, 429, 200]);
    expect(clock.sleeps).toEqual([30_000, 30_000]);
  });

  it('reports rate_limited with the vendor text when 429s do not stop', async () => {
    const { http, clock } = await setup({ faults: [{ route: '/api/Asset', rateLimitRate: 1 }], client: { maxAttempts: 3, backoff: { minRateLimitWaitMs: 30_000 } } });

    const error = await rejection(http.request(getAsset));

    expect(error).toMatchObject({ code: 'rate_limited', status: 429, attempts: 3, retryable: true, vendorMessage: 'Rate Limit Reached - 300 Requests per rolling 5 minute window' });
    expect(clock.sleeps.every((ms) => ms >= 30_000)).toBe(true);
  });

  it('stops at the overall deadline instead of sleeping past it', async () => {
    const { api, http, clock } = await setup({ faults: [{ route: '/api/Asset', errorRate: 1 }], client: { deadlineMs: 3_000, maxAttempts: 10 } });

    const error = await rejection(http.request(getAsset));

    // Sleeps 375 + 750 + 1500 = 2625 ms; the next (3000) would end past 3 s.
    expect(clock.sleeps).toEqual([375, 750, 1500]);
    expect(statuses(api)).toHaveLength(4);
    expect((error as Error).message).toBe(
      'Halo answered 500 Internal Server Error to GET /api/Asset: Object reference not set to an instance of an object. — a server error in Halo; it usually passes, try again later (gave up after 4 attempts: waiting 3 s more would pass the 3 s deadline)',
    );
  });

  it('cancels a call that is sleeping between attempts', async () => {
    const { api, http, clock } = await setup({ faults: [{ route: '/api/Asset', errorRate: 1 }] });
    const controller = new AbortController();
    const sleep = clock.sleep.bind(clock);
    clock.sleep = (ms, signal) => {
      controller.abort();
      return sleep(ms, signal);
    };

    const error = await rejection(http.request({ ...getAsset, signal: controller.signal }));

    expect(error).toMatchObject({ code: 'aborted', attempts: 1 });
    expect((error as Error).message).toBe('GET /api/Asset to Halo was cancelled');
    expect(statuses(api)).toEqual([500]);
  });
});

describe('retries of non-idempotent requests', () => {
  it.each([
    { fault: { errorRate: 1 }, seen: [500], code: 'http_500' },
    { fault: { dropRate: 1 }, seen: ['dropped'], code: 'connection' },
  ])('does not repeat a POST that may have been applied ($code)', async ({ fault, seen, code }) => {
    const { api, http } = await setup({ faults: [{ route: '/api/Asset', method: 'POST', ...fault }] });

    const error = await rejection(http.request(postAsset));

    expect(error).toMatchObject({ code, attempts: 1, retryable: true, maybeApplied: true });
    expect(statuses(api)).toEqual(seen);
  });

  it('repeats a POST after a 429 (never applied)', async () => {
    const { api, http } = await setup({ faults: [{ route: '/api/Asset', method: 'POST', rateLimitRate: 1, count: 1 }] });

    const response = await http.request(postAsset);

    expect(response.status).toBe(201);
    expect(statuses(api)).toEqual([429, 201]);
  });

  it('repeats a POST after a 503 (not taken)', async () => {
    let calls = 0;
    const { api, http } = await setup({
      routes: (router) => router.on('POST', '/api/Ticket', () => (++calls === 1 ? { status: 503, text: 'Service Unavailable' } : { status: 201, body: { id: 1 } })),
    });

    const response = await http.request({ method: 'POST', path: '/api/Ticket', json: [{}], label: 'POST /api/Ticket' });

    expect(response.status).toBe(201);
    expect(statuses(api, '/api/Ticket')).toEqual([503, 201]);
  });

  it('repeats a POST marked idempotent after a 500', async () => {
    const { api, http } = await setup({ faults: [{ route: '/api/Asset', method: 'POST', errorRate: 1, count: 1 }] });

    const response = await http.request({ ...postAsset, idempotent: true });

    expect(response.status).toBe(201);
    expect(statuses(api)).toEqual([500, 201]);
  });

  it('repeats a POST whose connection was refused (it never reached the server)', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const clock = fakeClock();
    const http = new HttpClient({ api: 'Halo', baseUrl: `http://127.0.0.1:${port}`, clock, random: () => 0.5, maxAttempts: 3, auth: staticToken('static-token-value') });
    opened.push(http);

    const error = await rejection(http.request(postAsset));

    expect(error).toMatchObject({ code: 'connection', attempts: 3, retryable: true, maybeApplied: false });
    expect((error as Error).message).toBe(`Could not complete POST /api/Asset with Halo: connection refused by 127.0.0.1:${port} (nothing listening there?) (gave up after 3 attempts)`);
    expect(clock.sleeps).toEqual([375, 750]);
  });
});
