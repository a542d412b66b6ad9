/**
 * A secret value from the environment. It prints, logs and serialises as "(sensitive)", so a
 * spec, plan or error that carries one can never leak it by accident; only `reveal()` gives it.
 */

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

export class Secret {
  readonly #value: string;

  constructor(
    value: string,
    /** Where it came from, safe to show: `${HALO_CLIENT_SECRET}`. */
    readonly origin: string,
  ) {
    this.#value = value;
  }

  /** The secret itself: only for the request that needs it. */
  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return '(sensitive)';
  }

  toJSON(): string {
    return '(sensitive)';
  }

  [INSPECT](): string {
    return `Secret(${this.origin})`;
  }
}
