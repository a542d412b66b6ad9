/**
 * Halo-hosted's request budget: N requests per rolling window (300 per 5 minutes in production,
 * reference/halopsa/NOTES.md §5). A sliding log of the accepted requests' times: a request is
 * refused when `requests` others were accepted within the last `perSeconds`. Refused requests do
 * not use the budget, so a client that backs off recovers as the window rolls.
 */

export interface RateLimit {
  requests: number;
  perSeconds: number;
}

export class RollingWindow {
  #limit: RateLimit | null = null;
  /** Accepted request times (ms), oldest first, from #head on. */
  #times: number[] = [];
  #head = 0;

  constructor(limit: RateLimit | null) {
    this.set(limit);
  }

  get limit(): RateLimit | null {
    return this.#limit === null ? null : { ...this.#limit };
  }

  /** Changes (or with null, removes) the limit. Requests made while there was no limit do not count. */
  set(limit: RateLimit | null): void {
    if (limit !== null) {
      if (!Number.isInteger(limit.requests) || limit.requests < 1) throw new TypeError(`rateLimit.requests must be a positive integer, got ${JSON.stringify(limit.requests)}`);
      if (typeof limit.perSeconds !== 'number' || !(limit.perSeconds > 0)) {
        throw new TypeError(`rateLimit.perSeconds must be a positive number, got ${JSON.stringify(limit.perSeconds)}`);
      }
    }
    this.#limit = limit === null ? null : { requests: limit.requests, perSeconds: limit.perSeconds };
  }

  /** Counts one request at `nowMs`; false when it is over the budget. */
  take(nowMs: number): boolean {
    const windowStart = nowMs - (this.#limit?.perSeconds ?? 0) * 1000;
    while (this.#head < this.#times.length && this.#times[this.#head]! <= windowStart) this.#head++;
    if (this.#head > 1024 && this.#head * 2 > this.#times.length) {
      this.#times = this.#times.slice(this.#head);
      this.#head = 0;
    }
    if (this.#limit === null) {
      this.#times.length = 0;
      this.#head = 0;
      return true;
    }
    if (this.#times.length - this.#head >= this.#limit.requests) return false;
    this.#times.push(nowMs);
    return true;
  }
}
