import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/http/clock.js';
import { RateLimiter, RateLimiterRegistry } from '../../src/http/rate-limiter.js';
import { fakeClock, rejection, startToyApi, toyClient } from './helpers.js';

const opened: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((o) => o.close()));
});

/**
 * The most requests a server could count in one window of `windowMs`, if each request arrived at
 * the worst moment between its send and its end.
 */
function worstWindow(flights: { sent: number; ended: number }[], windowMs: number): number {
  const starts = [...flights.map((f) => f.ended), ...flights.map((f) => f.sent - windowMs + 1)];
  let worst = 0;
  for (const x of starts) {
    const count = flights.filter((f) => f.sent < x + windowMs && f.ended >= x).length;
    worst = Math.max(worst, count);
  }
  return worst;
}

/** The most timestamps in any half-open window [t, t + windowMs). */
function busiestWindow(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let worst = 0;
  for (let i = 0; i < sorted.length; i++) {
    let j = i;
    while (j < sorted.length && sorted[j]! < sorted[i]! + windowMs) j++;
    worst = Math.max(worst, j - i);
  }
  return worst;
}

describe('RateLimiter', () => {
  it('never lets a rolling window see more than the limit, whatever each request’s latency', async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter({ requests: 10, perSeconds: 300 }, clock);
    const latencies = Array.from({ length: 50 }, (_, i) => [50, 4_000, 250, 90_000, 1_000][i % 5]!);
    const flights: { sent: number; ended: number }[] = [];

    await Promise.all(
      latencies.map(async (latency) => {
        const permit = await limiter.acquire();
        const sent = clock.now();
        await clock.sleep(latency);
        flights.push({ sent, ended: clock.now() });
        permit.release();
      }),
    );

    expect(flights).toHaveLength(50);
    expect(worstWindow(flights, 300_000)).toBe(10);
  });

  it('lets a burst up to the limit through at once, then paces', async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter({ requests: 3, perSeconds: 60 }, clock);
    const start = clock.now();

    const permits = await Promise.all([limiter.acquire(), limiter.acquire(), limiter.acquire()]);
    const waits = permits.map((p) => p.waitedMs);
    for (const p of permits) p.release();
    const fourth = await limiter.acquire();

    expect(waits).toEqual([0, 0, 0]);
    expect(fourth.waitedMs).toBe(60_000);
    expect(clock.now() - start).toBe(60_000);
    expect(limiter.status()).toMatchObject({ inFlight: 1, held: 0, queued: 0, waits: 1, totalWaitMs: 60_000, maxWaitMs: 60_000 });
  });

  it('counts the time it held the run back once, however many callers waited together', async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter({ requests: 2, perSeconds: 60 }, clock);

    // Two at once, then three that wait together for the same window: 60 s held, 3 waits.
    const first = await Promise.all([limiter.acquire(), limiter.acquire()]);
    for (const p of first) p.release();
    const together = [limiter.acquire(), limiter.acquire(), limiter.acquire()];
    const granted = await Promise.all(together.slice(0, 2));
    expect(limiter.status()).toMatchObject({ queued: 1, blockedMs: 60_000 });
    for (const p of granted) p.release();
    (await together[2]!).release();
    const held = limiter.status();
    clock.advance(10 * 60_000); // nobody waits now: the figure stays
    const later = limiter.status();

    expect(held.blockedMs).toBe(120_000);
    expect(held.totalWaitMs).toBe(60_000 + 60_000 + 120_000);
    expect(later.blockedMs).toBe(120_000);
  });

  it('holds everyone back after a pause (a 429 from the server)', async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter({ requests: 100, perSeconds: 300 }, clock);
    limiter.pauseUntil(clock.now() + 30_000);

    const permit = await limiter.acquire();

    expect(permit.waitedMs).toBe(30_000);
  });

  it('reports queued callers and when the next slot frees', async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter({ requests: 1, perSeconds: 10 }, clock);
    const first = await limiter.acquire();
    const queued = limiter.acquire();
    const whileInFlight = limiter.status();
    first.release();
    const whileHeld = limiter.status();

    await queued;

    expect(whileInFlight).toMatchObject({ inFlight: 1, queued: 1, nextFreeInMs: undefined });
    expect(whileHeld).toMatchObject({ inFlight: 0, held: 1, queued: 1, nextFreeInMs: 10_000 });
  });

  it('drops a waiting caller whose signal aborts, and serves the next', async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter({ requests: 1, perSeconds: 10 }, clock);
    const first = await limiter.acquire();
    const controller = new AbortController();
    const abandoned = rejection(limiter.acquire(controller.signal));
    const next = limiter.acquire();

    controller.abort(new Error('stop'));
    first.release();

    expect(await abandoned).toMatchObject({ message: 'stop' });
    expect((await next).waitedMs).toBe(10_000);
    expect(limiter.status().queued).toBe(0);
  });

  it('grants by priority, then in arrival order: an alert ticket jumps a sync backlog', async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter({ requests: 1, perSeconds: 1 }, clock);
    const first = await limiter.acquire(undefined, 1);
    const order: string[] = [];
    const take = (name: string, priority: number) => limiter.acquire(undefined, priority).then((p) => (order.push(name), p.release()));
    const backlog = [take('sync-1', 1), take('sync-2', 1), take('sync-3', 1)];
    const alert = take('alert', 0);
    const resync = take('resync', 2);
    const alert2 = take('alert-2', 0);

    first.release();
    for (let i = 0; i < 6; i++) await clock.advance(1_000);
    await Promise.all([...backlog, alert, resync, alert2]);

    expect(order).toEqual(['alert', 'alert-2', 'sync-1', 'sync-2', 'sync-3', 'resync']);
  });

  it('is shared per key, and refuses a second, different budget for the same key', () => {
    const registry = new RateLimiterRegistry();

    const a = registry.get('https://acme.halopsa.com', { requests: 300, perSeconds: 300 });
    const b = registry.get('https://acme.halopsa.com', { requests: 300, perSeconds: 300 });

    expect(a).toBe(b);
    expect(() => registry.get('https://acme.halopsa.com', { requests: 100, perSeconds: 300 })).toThrow(
      'rate limiter for https://acme.halopsa.com already exists with 300 per 300 s; asked for 100 per 300 s',
    );
  });
});

describe('rate limiting over HTTP', () => {
  it('runs 50 requests against a server enforcing 10 per window without a single 429 (fake time)', async () => {
    const clock = fakeClock();
    const api = await startToyApi({ clock, enforce: { requests: 10, windowMs: 300_000 } });
    const { http } = toyClient(api, clock, { limiter: new RateLimiter({ requests: 10, perSeconds: 300 }, clock) });
    opened.push(api, http);

    const responses = await Promise.all(Array.from({ length: 50 }, () => http.request({ method: 'GET', path: '/api/Asset', label: 'GET /api/Asset' })));

    expect(responses.every((r) => r.status === 200)).toBe(true);
    expect(api.enforced429s).toBe(0);
    expect(api.server.requests().map((r) => r.status).filter((s) => s !== 200)).toEqual([]);
    expect(api.arrivals).toHaveLength(51); // the token request counts too
    expect(busiestWindow(api.arrivals, 300_000)).toBeLessThanOrEqual(10);
    const stats = http.accounting.snapshot().find((s) => s.label === 'GET /api/Asset')!;
    expect(stats.limiterWaits).toBe(41); // all but the first nine (the token request took the tenth slot)
    expect(stats.maxLimiterWaitMs).toBeGreaterThanOrEqual(4 * 300_000);
    // The limiter's wall-clock figure: someone was queued from the 10th request to the 50th, so it
    // equals the last caller's wait — not the sum of 41 overlapping waits, which exceeds the run.
    const status = http.limiter!.status();
    expect(status.blockedMs).toBe(status.maxWaitMs);
    expect(status.totalWaitMs).toBeGreaterThan(status.blockedMs * 10);
  });

  it('sends a client’s requests by its priority: two clients on one limiter, the alerts’ ahead of the sync’s backlog (fake time)', async () => {
    const clock = fakeClock();
    const api = await startToyApi({ clock, enforce: { requests: 2, windowMs: 1_000 } });
    const limiter = new RateLimiter({ requests: 2, perSeconds: 1 }, clock);
    const sync = toyClient(api, clock, { limiter, priority: 1 }).http;
    const alerts = toyClient(api, clock, { limiter, priority: 0 }).http;
    opened.push(api, sync, alerts);
    await Promise.all([sync.tokens!.token(), alerts.tokens!.token()]);
    const order: string[] = [];
    const get = (http: typeof sync, name: string) => http.request({ method: 'GET', path: '/api/Asset', label: 'GET /api/Asset' }).then(() => order.push(name));

    const backlog = Array.from({ length: 6 }, (_, i) => get(sync, `sync-${i}`));
    const ticket = get(alerts, 'alert');
    for (let i = 0; i < 8; i++) await clock.advance(1_000);
    await Promise.all([...backlog, ticket]);

    // The first two went before the ticket asked; it is next, ahead of four that asked earlier.
    expect(order.indexOf('alert')).toBeLessThanOrEqual(2);
    expect(api.enforced429s).toBe(0);
  });

  it('keeps the real server log within the limit under scaled real time', async () => {
    const api = await startToyApi({ clock: systemClock, enforce: { requests: 5, windowMs: 200 } });
    const { http } = toyClient(api, systemClock, { limiter: new RateLimiter({ requests: 5, perSeconds: 0.2 }) });
    opened.push(api, http);

    const responses = await Promise.all(Array.from({ length: 20 }, () => http.request({ method: 'GET', path: '/api/Asset', label: 'GET /api/Asset' })));

    expect(responses.every((r) => r.status === 200)).toBe(true);
    const log = api.server.requests();
    expect(log).toHaveLength(21);
    expect(log.filter((r) => r.status === 429)).toEqual([]);
    expect(busiestWindow(log.map((r) => r.at), 200)).toBeLessThanOrEqual(5);
  });

  it('without pacing, the same burst is refused by the server (the test can fail)', async () => {
    const clock = fakeClock();
    const api = await startToyApi({ clock, enforce: { requests: 10, windowMs: 300_000 } });
    const { http } = toyClient(api, clock, { maxAttempts: 1 });
    opened.push(api, http);

    const results = await Promise.allSettled(Array.from({ length: 50 }, () => http.request({ method: 'GET', path: '/api/Asset', label: 'GET /api/Asset' })));

    expect(results.filter((r) => r.status === 'rejected').length).toBeGreaterThan(0);
    expect(api.enforced429s).toBeGreaterThan(0);
  });
});
