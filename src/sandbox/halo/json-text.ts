/**
 * A JSON writer that can do what JSON.stringify cannot: write a whole number with a decimal point
 * (`21.0`). Halo serialises some id fields as doubles — a site's `client_id`, a user's `site_id` —
 * and clients must cope with it (reference/halopsa/NOTES.md §4). Key order is insertion order, so
 * the same objects always give the same bytes.
 */

/** A number that is written as a double: `21` becomes `21.0`. */
export class JsonDouble {
  constructor(readonly value: number) {}
}

/** Wraps a number so it is written with a decimal point; undefined stays undefined. */
export function double(value: number): JsonDouble;
export function double(value: number | undefined): JsonDouble | undefined;
export function double(value: number | undefined): JsonDouble | undefined {
  return value === undefined ? undefined : new JsonDouble(value);
}

/** Serialises like JSON.stringify (undefined properties skipped), writing JsonDouble with a decimal point. */
export function toJsonText(value: unknown): string {
  const parts: string[] = [];
  write(value, parts);
  return parts.join('');
}

function write(value: unknown, out: string[]): void {
  if (value === null || value === undefined) {
    out.push('null');
    return;
  }
  switch (typeof value) {
    case 'string':
      out.push(JSON.stringify(value));
      return;
    case 'number':
      out.push(Number.isFinite(value) ? String(value) : 'null');
      return;
    case 'boolean':
      out.push(value ? 'true' : 'false');
      return;
    case 'object':
      break;
    default:
      out.push('null');
      return;
  }
  if (value instanceof JsonDouble) {
    const n = value.value;
    out.push(!Number.isFinite(n) ? 'null' : Number.isInteger(n) && Math.abs(n) < 1e21 ? `${n}.0` : String(n));
    return;
  }
  if (Array.isArray(value)) {
    out.push('[');
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out.push(',');
      write(value[i], out);
    }
    out.push(']');
    return;
  }
  out.push('{');
  let first = true;
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    if (item === undefined || typeof item === 'function') continue;
    if (!first) out.push(',');
    first = false;
    out.push(JSON.stringify(key), ':');
    write(item, out);
  }
  out.push('}');
}
