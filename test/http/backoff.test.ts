import { describe, expect, it } from 'vitest';
import { DEFAULT_BACKOFF, backoffDelay, parseRetryAfter } from '../../src/http/backoff.js';

const NOW = Date.UTC(2026, 2, 1, 9, 0, 0);

describe('parseRetryAfter', () => {
  it.each([
    { value: '7', ms: 7000 },
    { value: ' 0 ', ms: 0 },
    { value: '1.5', ms: 1500 },
    { value: 'Sun, 01 Mar 2026 09:00:12 GMT', ms: 12_000 },
    { value: 'Sun, 01 Mar 2026 08:59:00 GMT', ms: 0 },
    { value: 'soon', ms: undefined },
    { value: undefined, ms: undefined },
  ])('$value → $ms', ({ value, ms }) => {
    expect(parseRetryAfter(value, NOW)).toBe(ms);
  });
});

describe('backoffDelay', () => {
  const options = { ...DEFAULT_BACKOFF, baseDelayMs: 1000, maxDelayMs: 8000, minRateLimitWaitMs: 30_000 };

  it.each([
    { attempt: 1, random: 0, ms: 500 },
    { attempt: 1, random: 0.999, ms: 1000 },
    { attempt: 3, random: 0.5, ms: 3000 },
    { attempt: 10, random: 1, ms: 8000 },
  ])('grows exponentially with jitter: attempt $attempt, random $random → $ms', ({ attempt, random, ms }) => {
    expect(backoffDelay(attempt, options, () => random, { rateLimited: false })).toBe(ms);
  });

  it('waits at least what Retry-After asks', () => {
    expect(backoffDelay(1, options, () => 0, { rateLimited: false, retryAfterMs: 20_000 })).toBe(20_000);
  });

  it('waits at least the 429 minimum, and longer when Retry-After says so', () => {
    expect(backoffDelay(1, options, () => 0, { rateLimited: true, retryAfterMs: 2000 })).toBe(30_000);
    expect(backoffDelay(1, options, () => 0, { rateLimited: true, retryAfterMs: 90_000 })).toBe(90_000);
  });
});
