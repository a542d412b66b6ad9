/**
 * The Datto simulator's clock: the injected millisecond source plus an offset the control API
 * advances, so token expiry, the rate-limit window and new timestamps are testable without sleeping.
 */

export class DattoClock {
  #offsetMs = 0;

  constructor(private readonly source: () => number) {}

  /** Milliseconds since the epoch — the form of every Datto timestamp (NOTES §0). */
  nowMs(): number {
    return this.source() + this.#offsetMs;
  }

  /** Moves the clock forward, never back. */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`the clock only moves forward; got ${ms} ms`);
    this.#offsetMs += ms;
  }
}
