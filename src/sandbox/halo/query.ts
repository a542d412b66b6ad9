/**
 * Query-string access the way ASP.NET binds it: names case-insensitive, the first value wins, an
 * empty value is no value, a value that does not convert is a 400. Parameters nobody asks for are
 * ignored — Halo silently ignores unknown or misspelt filters (reference/halopsa/NOTES.md §3).
 */

import { badRequest } from './errors.js';

export class Query {
  readonly #values = new Map<string, string>();

  constructor(params: URLSearchParams) {
    for (const [name, value] of params) {
      const key = name.toLowerCase();
      if (!this.#values.has(key) && value !== '') this.#values.set(key, value);
    }
  }

  string(name: string): string | undefined {
    return this.#values.get(name.toLowerCase());
  }

  /** `true` (any case) is true; anything else, or absent, is false. */
  bool(name: string): boolean {
    return this.string(name)?.toLowerCase() === 'true';
  }

  int(name: string): number | undefined {
    const raw = this.string(name);
    if (raw === undefined) return undefined;
    if (!/^\s*-?\d+\s*$/.test(raw) || Math.abs(Number(raw)) > 2147483647) throw badRequest(`The value '${raw}' is not valid for ${name}.`);
    return Number(raw);
  }
}
