/**
 * The simulator's clock: the injected millisecond source plus an offset the control API can
 * advance, so token expiry and timestamps are testable without sleeping.
 */

export class SimClock {
  #offsetMs = 0;

  constructor(private readonly source: () => number) {}

  /** Milliseconds since the epoch. */
  nowMs(): number {
    return this.source() + this.#offsetMs;
  }

  /** Epoch seconds with the millisecond fraction — how NinjaOne writes every timestamp (NOTES §0). */
  epochSeconds(): number {
    return this.nowMs() / 1000;
  }

  /** Moves the clock forward (never back: tokens and cursors only ever expire). */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`the clock only moves forward; got ${ms} ms`);
    this.#offsetMs += ms;
  }
}
