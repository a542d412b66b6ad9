import { afterEach, describe, expect, it } from 'vitest';
import { Harness } from './fixtures.js';

let h: Harness;
afterEach(async () => h?.stop());

const FIVE_PER_MINUTE = { requests: 5, perSeconds: 60 };

describe('rate limit', () => {
  it('answers 429 with the documented message after the budget, counting the token request', async () => {
    h = await (await Harness.start(undefined, { rateLimit: FIVE_PER_MINUTE })).login();

    const statuses: number[] = [];
    let last;
    for (let i = 0; i < 5; i++) {
      last = await h.get('/api/Client');
      statuses.push(last.status);
    }

    expect(statuses).toEqual([200, 200, 200, 200, 429]);
    expect(last!.body).toEqual({ ClassName: 'System.Exception', Message: 'Rate Limit Reached - 5 Requests per rolling 1 minute window' });
  });

  it('is a rolling window: capacity comes back as each old request ages out, not all at once', async () => {
    h = await Harness.start(undefined, { rateLimit: FIVE_PER_MINUTE });
    await h.login(); // t = 0
    for (let i = 1; i <= 4; i++) {
      h.clock += 10_000;
      await h.get('/api/Client'); // t = 10, 20, 30, 40 s
    }

    h.clock += 19_999; // t = 59.999 s: five requests within the last minute
    const full = await h.get('/api/Client');
    h.clock += 1; // t = 60 s: the token request ages out
    const one = await h.get('/api/Client');
    const again = await h.get('/api/Client');
    h.clock += 10_000; // t = 70 s: the request at 10 s ages out
    const two = await h.get('/api/Client');

    expect([full.status, one.status, again.status, two.status]).toEqual([429, 200, 429, 200]);
  });

  it('counts the token endpoint and unknown paths too, and answers 429 on /auth/token', async () => {
    h = await Harness.start(undefined, { rateLimit: { requests: 2, perSeconds: 300 } });
    await h.get('/api/NoSuchThing');
    await h.login();

    const answer = await h.tokenRequest({ grant_type: 'client_credentials', client_id: 'haloform', client_secret: 's3cret' });

    expect(answer.status).toBe(429);
    expect(answer.body.Message).toBe('Rate Limit Reached - 2 Requests per rolling 5 minute window');
  });

  it('can be set, read and cleared at run time through the control API, which it never limits', async () => {
    h = await (await Harness.start()).login();

    const set = await h.request('PUT', '/_sandbox/rate-limit', { requests: 1, perSeconds: 90 });
    await h.get('/api/Client');
    const limited = await h.get('/api/Client');
    const read = await h.get('/_sandbox/rate-limit');
    const cleared = await h.request('DELETE', '/_sandbox/rate-limit');
    const free = await h.get('/api/Client');

    expect(set.body).toEqual({ rateLimit: { requests: 1, perSeconds: 90 } });
    expect(limited.status).toBe(429);
    expect(limited.body.Message).toBe('Rate Limit Reached - 1 Requests per rolling 90 second window');
    expect(read.body).toEqual({ rateLimit: { requests: 1, perSeconds: 90 } });
    expect(cleared.body).toEqual({ rateLimit: null });
    expect(free.status).toBe(200);
  });

  it('refuses a bad limit with a message naming the field', async () => {
    h = await Harness.start();

    const answer = await h.request('PUT', '/_sandbox/rate-limit', { requests: 0, perSeconds: 60 });

    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({ error: 'rateLimit.requests must be a positive integer, got 0' });
  });
});

describe('fault injection', () => {
  it("answers injected 500s and 429s in Halo's shapes", async () => {
    h = await (await Harness.start()).login();
    await h.request('POST', '/_sandbox/faults', [{ route: '/api/Client', errorRate: 1, count: 1 }, { route: '/api/Site', rateLimitRate: 1, count: 1 }]);

    const error = await h.get('/api/Client');
    const limited = await h.get('/api/Site');
    const recovered = await h.get('/api/Client');

    expect(error.status).toBe(500);
    expect(error.body.ClassName).toBe('System.Exception');
    expect(limited.status).toBe(429);
    expect(limited.body.Message).toBe('Rate Limit Reached - 300 Requests per rolling 5 minute window');
    expect(recovered.status).toBe(200);
  });
});
