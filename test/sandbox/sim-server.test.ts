import { afterEach, describe, expect, it } from 'vitest';
import { Router, SimHttpError, startSimServer, type SimServer } from '../../src/sandbox/sim-server.js';

const servers: SimServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function start(router: Router, faults = []) {
  const server = await startSimServer({
    name: 'test',
    router,
    faults,
    faultResponse: (kind) => (kind === 'error' ? { status: 500, body: { error: 'injected' } } : { status: 429, body: { error: 'slow down' }, headers: { 'retry-after': '1' } }),
    notFound: (req) => ({ status: 404, body: { error: `no ${req.path}` } }),
  });
  servers.push(server);
  return server;
}

describe('the simulator server', () => {
  it('routes with parameters, case-insensitively when asked, and answers 404 and 405', async () => {
    const router = new Router({ caseInsensitive: true })
      .on('GET', '/api/Thing/:id', (req) => ({ status: 200, body: { id: req.params.id, q: req.query.get('q') } }))
      .on('POST', '/api/Thing', () => {
        throw new SimHttpError(400, 'bad', { Message: 'bad thing' });
      });
    const server = await start(router);

    const ok = await fetch(`${server.url}/api/thing/12?q=x`);
    const missing = await fetch(`${server.url}/api/nope`);
    const wrongMethod = await fetch(`${server.url}/api/Thing/1`, { method: 'DELETE' });
    const thrown = await fetch(`${server.url}/api/Thing`, { method: 'POST', body: '[]' });

    expect(await ok.json()).toEqual({ id: '12', q: 'x' });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: 'no /api/nope' });
    expect(wrongMethod.status).toBe(405);
    expect(thrown.status).toBe(400);
    expect(await thrown.json()).toEqual({ Message: 'bad thing' });
  });

  it('logs requests with array sizes, but not the control API', async () => {
    const server = await start(new Router().on('POST', '/items', () => ({ status: 201, body: {} })));

    await fetch(`${server.url}/items`, { method: 'POST', body: JSON.stringify([1, 2, 3]) });
    await fetch(`${server.url}/_sandbox/requests`);

    expect(server.requests()).toEqual([expect.objectContaining({ seq: 1, method: 'POST', path: '/items', status: 201, items: 3 })]);
  });

  it('injects faults set through the control API, and clears them', async () => {
    const server = await start(new Router().on('GET', '/x', () => ({ status: 200, body: 'ok' })));

    const set = await fetch(`${server.url}/_sandbox/faults`, { method: 'PUT', body: JSON.stringify([{ route: '/x', rateLimitRate: 1, count: 1 }]) });
    const limited = await fetch(`${server.url}/x`);
    const after = await fetch(`${server.url}/x`);
    const bad = await fetch(`${server.url}/_sandbox/faults`, { method: 'PUT', body: JSON.stringify({ errorRate: 7 }) });

    expect(set.status).toBe(200);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(after.status).toBe(200);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: 'fault rule errorRate must be a number from 0 to 1, got 7' });
    expect(server.requests().map((r) => [r.status, r.fault])).toEqual([
      [429, 'rate-limit'],
      [200, undefined],
    ]);
  });

  it('drops connections and never answers timed-out requests', async () => {
    const server = await start(new Router().on('GET', '/x', () => ({ status: 200, body: 'ok' })), [
      { route: '/x', dropRate: 1, count: 1 },
      { route: '/x', timeoutRate: 1, count: 1 },
    ] as never);

    const dropped = await fetch(`${server.url}/x`).then(
      () => 'answered',
      () => 'failed',
    );
    const timedOut = await fetch(`${server.url}/x`, { signal: AbortSignal.timeout(200) }).then(
      () => 'answered',
      (e: Error) => e.name,
    );

    expect(dropped).toBe('failed');
    expect(timedOut).toBe('TimeoutError');
    expect(server.requests().map((r) => r.status)).toEqual(['dropped', 'timeout']);
  });

  it('sends a slow body whole', async () => {
    const big = Array.from({ length: 500 }, (_, i) => ({ i }));
    const server = await start(new Router().on('GET', '/x', () => ({ status: 200, body: big })), [{ slowBodyMs: 50 }] as never);

    const body = await (await fetch(`${server.url}/x`)).json();

    expect(body).toEqual(big);
    expect(server.requests()[0]!.fault).toBe('slow-body');
  });
});
