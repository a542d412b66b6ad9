/**
 * Typed access to one posted object. Halo (Newtonsoft behind ASP.NET) is lenient the way the reader
 * is — "12" binds to an int, "true" to a bool — and strict where Halo is observed to be: an integer
 * written as `95.0` is refused (reference/halopsa/NOTES.md §2). Every error names the JSON path.
 */

import { badRequest } from './errors.js';
import { haloTime } from './halo-time.js';

export class ItemReader {
  constructor(
    readonly item: Record<string, unknown>,
    /** JSON path of the item in the body: `[0]`, `[0].fields[1]`. */
    readonly path: string,
    private readonly decimals: ReadonlyMap<string, string>,
  ) {}

  /** True when the key is present (even as null). */
  has(key: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.item, key);
  }

  /** Path of a property, for messages: `[0].site_id`. */
  at(key: string): string {
    return `${this.path}.${key}`;
  }

  /** undefined when absent, null when null. */
  string(key: string): string | null | undefined {
    const v = this.item[key];
    if (v === undefined || v === null) return v;
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    throw badRequest(`Error converting value ${JSON.stringify(v)} to type 'System.String'. Path '${this.at(key)}'.`);
  }

  /** An int32; refuses `95.0` and fractions as Halo does. */
  int(key: string): number | null | undefined {
    const v = this.item[key];
    if (v === undefined || v === null) return v;
    const lexeme = this.decimals.get(this.at(key));
    if (lexeme !== undefined) throw badRequest(`Input string '${lexeme}' is not a valid integer. Path '${this.at(key)}'.`);
    const n = typeof v === 'string' && /^\s*-?\d+\s*$/.test(v) ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isInteger(n) || n > 2147483647 || n < -2147483648) {
      throw badRequest(`Could not convert ${JSON.stringify(v)} to an integer. Path '${this.at(key)}'.`);
    }
    return n;
  }

  /** A double: `21.0` and `21` both accepted. */
  number(key: string): number | null | undefined {
    const v = this.item[key];
    if (v === undefined || v === null) return v;
    const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isFinite(n)) throw badRequest(`Could not convert ${JSON.stringify(v)} to a number. Path '${this.at(key)}'.`);
    return n;
  }

  bool(key: string): boolean | null | undefined {
    const v = this.item[key];
    if (v === undefined || v === null || typeof v === 'boolean') return v;
    if (typeof v === 'string' && /^(true|false)$/i.test(v)) return v.toLowerCase() === 'true';
    throw badRequest(`Could not convert ${JSON.stringify(v)} to a boolean. Path '${this.at(key)}'.`);
  }

  /**
   * A date-time, stored the way Halo returns it (`2027-01-31T00:00:00.000`, no offset): a date alone
   * is midnight, an offset is converted to UTC, '' clears. Anything else is refused, as .NET would.
   */
  date(key: string): string | null | undefined {
    const v = this.string(key);
    if (v === undefined || v === null || v.trim() === '') return v === undefined ? undefined : null;
    const m = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2})(?::(\d{2})(?:\.(\d+))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i.exec(v.trim());
    const ms = m ? Date.parse(`${m[1]}T${m[2] ?? '00:00'}:${m[3] ?? '00'}.${(m[4] ?? '0').padEnd(3, '0').slice(0, 3)}${m[5] ?? 'Z'}`) : NaN;
    if (Number.isNaN(ms)) throw badRequest(`Could not convert string to DateTime: ${v}. Path '${this.at(key)}'.`);
    return haloTime(ms);
  }

  /** A nested array of objects, each as a reader. undefined when absent, null when null. */
  objects(key: string): ItemReader[] | null | undefined {
    const v = this.item[key];
    if (v === undefined || v === null) return v;
    if (!Array.isArray(v)) throw badRequest(`Cannot deserialize ${JSON.stringify(v)} into a list: ${key} must be a JSON array. Path '${this.at(key)}'.`);
    return v.map((entry, i) => {
      if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
        throw badRequest(`Each entry of ${key} must be an object. Path '${this.at(key)}[${i}]'.`);
      }
      return new ItemReader(entry as Record<string, unknown>, `${this.at(key)}[${i}]`, this.decimals);
    });
  }

  /** A nested object as a reader. */
  object(key: string): ItemReader | null | undefined {
    const v = this.item[key];
    if (v === undefined || v === null) return v;
    if (typeof v !== 'object' || Array.isArray(v)) throw badRequest(`${key} must be a JSON object. Path '${this.at(key)}'.`);
    return new ItemReader(v as Record<string, unknown>, this.at(key), this.decimals);
  }

  /** A raw value (custom field and asset field values are untyped). */
  raw(key: string): unknown {
    return this.item[key];
  }

  /** The item's `id`: undefined (or 0) means create. */
  id(): number | undefined {
    const id = this.int('id');
    return id === null || id === undefined || id === 0 ? undefined : id;
  }
}

/** A required non-empty string on create. */
export function requireText(value: string | null | undefined, message: string): string {
  if (value === undefined || value === null || value.trim() === '') throw badRequest(message);
  return value;
}
