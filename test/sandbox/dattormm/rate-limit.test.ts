/**
 * The account-wide request budget (reference/dattormm/NOTES.md §5): reads and writes counted over
 * a sliding window, 429 with Retry-After when over, a 403 IP block for a client that keeps going,
 * `request_rate` showing the counts. The clock is moved by hand; nothing sleeps.
 */

import { describe, expect, it } from 'vitest';
import { DEFAULT_RATE_LIMIT, type DattoRateLimit } from '../../../src/sandbox/dattormm/index.js';
import { call, control, startSim, token } from './helpers.js';
import { buildSeed, deviceUid, T0 } from './seed-builder.js';

type Json = Record<string, unknown>;

/** A simulator with a hand-moved clock and the given budget (delay off unless set). */
async function limited(rateLimit: Partial<DattoRateLimit>) {
  let now = T0;
  const sim = await startSim(buildSeed(), { now: () => now, rateLimit: { delayMs: 0, ...rateLimit } });
  const bearer = await token(sim);
  return { sim, bearer, advance: (ms: number) => (now += ms) };
}

const statuses = async (n: number, send: () => Promise<{ status: number }>) => {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push((await send()).status);
  return out;
};

describe('the read budget', () => {
  it('answers 429 with Retry-After once the window holds readLimit reads, and recovers as it slides', async () => {
    const { sim, bearer, advance } = await limited({ readLimit: 5 });

    const first = await statuses(3, () => call(sim, bearer, '/api/v2/account'));
    advance(20_000);
    const rest = await statuses(2, () => call(sim, bearer, '/api/v2/account'));
    const refused = await call(sim, bearer, '/api/v2/account');
    advance(40_000);
    const afterSlide = await statuses(4, () => call(sim, bearer, '/api/v2/account'));

    expect([...first, ...rest]).toEqual([200, 200, 200, 200, 200]);
    expect(refused.status).toBe(429);
    // The oldest read leaves the window 40 s later.
    expect(refused.headers.get('retry-after')).toBe('40');
    expect(refused.body).toMatchObject({ status: 429, error: 'Too Many Requests', path: '/api/v2/account' });
    // 60 s after the first three they are gone: three free slots, then the 20-second-old two still count.
    expect(afterSlide).toEqual([200, 200, 200, 429]);
  });

  it('blocks the IP with 403 and Retry-After when a client keeps calling while refused, for blockSeconds', async () => {
    const { sim, bearer, advance } = await limited({ readLimit: 2, blockAfterRefusals: 3, blockSeconds: 300 });

    const burst = await statuses(7, () => call(sim, bearer, '/api/v2/account'));
    const blocked = await call(sim, bearer, '/api/v2/system/pagination');
    const tokenWhileBlocked = await fetch(`${sim.url}/auth/oauth/token`, { method: 'POST' });
    advance(299_000);
    const stillBlocked = await call(sim, bearer, '/api/v2/account');
    advance(1_000);
    const free = await call(sim, bearer, '/api/v2/account');

    expect(burst).toEqual([200, 200, 429, 429, 429, 403, 403]);
    expect(blocked.status).toBe(403);
    expect(blocked.headers.get('retry-after')).toBe('300');
    expect((blocked.body as Json).message).toMatch(/blocked/);
    expect(tokenWhileBlocked.status).toBe(403);
    expect(stillBlocked.headers.get('retry-after')).toBe('1');
    expect(free.status).toBe(200);
    expect(sim.control.rateLimit()).toMatchObject({ limited: 3, blocks: 1, blockedUntilMs: null });
  });

  it('counts the answers past the cut-off ratio that the delay holds back', async () => {
    const { sim, bearer } = await limited({ readLimit: 10, cutOffRatio: 0.9 });

    await statuses(10, () => call(sim, bearer, '/api/v2/account'));

    // Reads 9 and 10 are at or past 90 % of 10.
    expect(sim.control.rateLimit().delayed).toBe(2);
  });

  it('does not count requests refused by the bearer check', async () => {
    const { sim } = await limited({ readLimit: 2 });

    await statuses(5, () => call(sim, 'bad-token', '/api/v2/account'));

    expect(sim.control.rateLimit().reads.count).toBe(0);
  });
});

describe('the write budgets', () => {
  it('limits each operation on its own quota and all writes together, independently of reads', async () => {
    const { sim, bearer } = await limited({ readLimit: 100, writeLimit: 4, operationLimits: { 'device-udf-set': 2 } });
    const udf = () => call(sim, bearer, `/api/v2/device/${deviceUid(0)}/udf`, { method: 'POST', body: { udf3: 'x' } });
    const warranty = () => call(sim, bearer, `/api/v2/device/${deviceUid(0)}/warranty`, { method: 'POST', body: { warrantyDate: null } });

    const udfs = await statuses(3, udf);
    const warranties = await statuses(3, warranty);
    const read = await call(sim, bearer, '/api/v2/account');

    expect(udfs).toEqual([200, 200, 429]);
    // Two warranty writes fill the aggregate of four.
    expect(warranties).toEqual([200, 200, 429]);
    expect(read.status).toBe(200);
  });

  it('shows the counts in /api/v2/system/request_rate, the default budget when none is changed', async () => {
    const sim = await startSim(buildSeed(), { rateLimit: {} });
    const bearer = await token(sim);
    await call(sim, bearer, `/api/v2/device/${deviceUid(0)}/udf`, { method: 'POST', body: { udf3: 'x' } });
    await call(sim, bearer, '/api/v2/account');

    const rate = (await call(sim, bearer, '/api/v2/system/request_rate')).body as Json;

    expect(Object.keys(rate)).toEqual(['slidingTimeWindowSizeSeconds', 'accountUid', 'accountCount', 'accountRateLimit', 'accountCutOffRatio', 'accountWriteRateLimit', 'accountWriteCount', 'operationWriteStatus']);
    expect(rate).toMatchObject({ slidingTimeWindowSizeSeconds: 60, accountUid: 'ab1c0002', accountCount: 2, accountRateLimit: 600, accountCutOffRatio: 0.9, accountWriteRateLimit: 600, accountWriteCount: 1 });
    const operations = rate.operationWriteStatus as Record<string, { limit: number; count: number }>;
    expect(operations['device-udf-set']).toEqual({ limit: 600, count: 1 });
    expect(operations['site-update']).toEqual({ limit: 100, count: 0 });
    expect(operations['alert-resolve']).toEqual({ limit: 100, count: 0 });
  });

  it('is the documented budget by default: 600 reads, 600 writes, 100 per operation, device-udf-set 600, 1 s delay at 90 %, 5-minute block', () => {
    expect(DEFAULT_RATE_LIMIT).toEqual({
      windowSeconds: 60,
      readLimit: 600,
      writeLimit: 600,
      operationLimits: { 'device-udf-set': 600 },
      defaultOperationLimit: 100,
      cutOffRatio: 0.9,
      delayMs: 1000,
      blockAfterRefusals: 10,
      blockSeconds: 300,
      timeScale: 1,
    });
  });
});

describe('time scaling and the control API', () => {
  it('divides the window, the delay and the block by timeScale', async () => {
    const { sim, bearer, advance } = await limited({ readLimit: 3, timeScale: 100, blockAfterRefusals: 0 });

    const burst = await statuses(4, () => call(sim, bearer, '/api/v2/account'));
    const status = sim.control.rateLimit();
    advance(3_000);
    const rate = (await call(sim, bearer, '/api/v2/system/request_rate')).body as Json;

    expect(burst).toEqual([200, 200, 200, 403]);
    expect(status.blockedUntilMs).toBe(T0 + 3_000);
    expect(rate).toMatchObject({ slidingTimeWindowSizeSeconds: 0.6, accountCount: 1 });
  });

  it('changes the budget, resets the counts and stops enforcing through /_sandbox/rate-limit', async () => {
    const { sim, bearer } = await limited({ readLimit: 1 });
    await call(sim, bearer, '/api/v2/account');
    const refused = await call(sim, bearer, '/api/v2/account');

    const raised = await control(sim, 'PATCH', '/_sandbox/rate-limit', { readLimit: 3 });
    const allowed = await call(sim, bearer, '/api/v2/account');
    const reset = await control(sim, 'DELETE', '/_sandbox/rate-limit/counts');
    const counts = await control(sim, 'GET', '/_sandbox/rate-limit');
    const off = await control(sim, 'PATCH', '/_sandbox/rate-limit', { enforced: false });
    const many = await statuses(6, () => call(sim, bearer, '/api/v2/account'));
    const bad = await control(sim, 'PATCH', '/_sandbox/rate-limit', { readLimit: 0 });
    const unknown = await control(sim, 'PATCH', '/_sandbox/rate-limit', { perMinute: 5 });

    expect(refused.status).toBe(429);
    expect(raised.status).toBe(200);
    expect(allowed.status).toBe(200);
    expect(reset.status).toBe(204);
    expect((counts.body as Json).reads).toEqual({ count: 0, limit: 3 });
    expect((off.body as Json).enforced).toBe(false);
    expect(many.every((s) => s === 200)).toBe(true);
    expect(bad).toEqual({ status: 400, body: { error: 'readLimit: must be an integer > 0, got 0', field: 'readLimit' } });
    expect(unknown.status).toBe(400);
    expect((unknown.body as Json).error).toMatch(/^perMinute: unknown rate limit option/);
  });

  it('refuses a bad budget at start', async () => {
    await expect(startSim(buildSeed(), { rateLimit: { cutOffRatio: 2 } })).rejects.toThrow('cutOffRatio: must be a number above 0 and at most 1, got 2');
  });
});
