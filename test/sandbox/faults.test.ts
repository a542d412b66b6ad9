import { describe, expect, it } from 'vitest';
import { FaultController } from '../../src/sandbox/faults.js';

describe('FaultController', () => {
  it('passes everything without rules', () => {
    const faults = new FaultController();

    expect(faults.decide('GET', '/api/Asset')).toEqual({ latencyMs: 0, outcome: 'pass', slowBodyMs: 0 });
  });

  it('matches routes with wildcards, case-insensitively, and methods', () => {
    const faults = new FaultController([{ route: '/api/Asset*', method: 'post', errorRate: 1 }]);

    expect(faults.decide('POST', '/api/asset').outcome).toBe('error');
    expect(faults.decide('POST', '/api/Asset/12').outcome).toBe('error');
    expect(faults.decide('GET', '/api/Asset').outcome).toBe('pass');
    expect(faults.decide('POST', '/api/Client').outcome).toBe('pass');
  });

  it('adds latency from every matching rule', () => {
    const faults = new FaultController([{ latencyMs: 50 }, { route: '/v2/*', latencyMs: 25 }]);

    expect(faults.decide('GET', '/v2/devices').latencyMs).toBe(75);
  });

  it('expires counted rules', () => {
    const faults = new FaultController([{ count: 2, rateLimitRate: 1 }]);

    const outcomes = [1, 2, 3].map(() => faults.decide('GET', '/x').outcome);

    expect(outcomes).toEqual(['rate-limit', 'rate-limit', 'pass']);
    expect(faults.list()).toEqual([]);
  });

  it('hits a share of requests close to the rate, the same way for the same seed', () => {
    const run = () => {
      const faults = new FaultController([{ errorRate: 0.2 }], 42);
      return Array.from({ length: 1000 }, () => faults.decide('GET', '/x').outcome);
    };

    const first = run();
    const errors = first.filter((o) => o === 'error').length;

    expect(errors).toBeGreaterThan(150);
    expect(errors).toBeLessThan(250);
    expect(run()).toEqual(first);
  });

  it.each([
    [{ errorRate: 2 }, 'fault rule errorRate must be a number from 0 to 1, got 2'],
    [{ latencyMs: -1 }, 'fault rule latencyMs must be a non-negative number, got -1'],
    [{ errrorRate: 0.5 }, 'unknown fault rule key(s): errrorRate; known: route, method, latencyMs, errorRate, rateLimitRate, dropRate, timeoutRate, slowBodyMs, count'],
  ])('refuses a bad rule %j', (rule, message) => {
    expect(() => new FaultController([rule as never])).toThrow(message);
  });
});
