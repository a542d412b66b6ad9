import { describe, expect, it } from 'vitest';
import { call, control, startSim, token } from './helpers.js';
import { buildSeed } from './seed-builder.js';

describe('fault injection through the shared server', () => {
  it('answers an injected 500 in the API error shape, as NullPointerException', async () => {
    const sim = await startSim(buildSeed({ devices: 3 }), { faults: [{ route: '/v2/devices*', errorRate: 1, count: 1 }] });
    const bearer = await token(sim);

    const failed = await call(sim, bearer, '/v2/devices-detailed');
    const next = await call(sim, bearer, '/v2/devices-detailed');

    expect(failed.status).toBe(500);
    expect(failed.body).toEqual({ resultCode: 'FAILURE', errorMessage: 'NullPointerException', incidentId: expect.stringMatching(/^WEB_MGMT_SERVICE-[0-9a-f]+-\d+-[A-Z]{8}$/) });
    expect(next.status).toBe(200);
    expect(sim.server.requests().map((r) => [r.status, r.fault])).toEqual([
      [200, undefined],
      [500, 'error'],
      [200, undefined],
    ]);
  });

  it('answers an injected 429 with Too Many Requests and Retry-After, configurable at start and at run time', async () => {
    const sim = await startSim(buildSeed({ devices: 3 }), { retryAfterSeconds: 7 });
    const bearer = await token(sim);
    await control(sim, 'PUT', '/_sandbox/faults', [{ route: '/v2/*', rateLimitRate: 1 }]);

    const limited = await call(sim, bearer, '/v2/organizations');
    sim.control.setRetryAfter(undefined);
    const bare = await call(sim, bearer, '/v2/organizations');

    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(limited.body).toEqual({ resultCode: 'FAILURE', errorMessage: 'Too Many Requests', incidentId: expect.stringMatching(/^WEB_MGMT_SERVICE-/) });
    expect(bare.status).toBe(429);
    expect(bare.headers.get('retry-after')).toBeNull();
  });

  it('sends Retry-After: 1 by default and none with retryAfterSeconds null', async () => {
    const withHeader = await startSim(buildSeed({ devices: 1 }), { faults: [{ rateLimitRate: 1, route: '/v2/*' }] });
    const without = await startSim(buildSeed({ devices: 1 }), { faults: [{ rateLimitRate: 1, route: '/v2/*' }], retryAfterSeconds: null });

    const a = await call(withHeader, await token(withHeader), '/v2/devices');
    const b = await call(without, await token(without), '/v2/devices');

    expect(a.headers.get('retry-after')).toBe('1');
    expect(b.headers.get('retry-after')).toBeNull();
  });

  it('reaches the token endpoint too', async () => {
    const sim = await startSim(buildSeed({ devices: 1 }), { faults: [{ route: '/ws/oauth/token', errorRate: 1, count: 1 }] });

    await expect(token(sim)).rejects.toThrow('token request failed: 500');
    await expect(token(sim)).resolves.toEqual(expect.any(String));
  });
});
