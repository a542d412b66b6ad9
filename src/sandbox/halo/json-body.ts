/**
 * Reads a Halo POST body: JSON, always an array of objects (swagger: every POST body is
 * `array<Schema>`), and remembers which numbers were written with a decimal point or exponent, so an
 * integer id sent as `95.0` can be refused as Halo does (reference/halopsa/NOTES.md §2, CIPP).
 * JSON.parse loses that spelling, hence the small scanner beside it.
 */

import type { SimRequest } from '../sim-server.js';
import { badRequest } from './errors.js';

/** A parsed array body: the items, and the spelling of every non-integer-looking number by JSON path (`[0].site_id`). */
export interface ArrayBody {
  items: Record<string, unknown>[];
  decimals: ReadonlyMap<string, string>;
}

/** Parses the body, or answers 400 with a message naming what is wrong. `typeName` is Halo's model name (`Area`). */
export function readArrayBody(req: SimRequest, typeName: string): ArrayBody {
  const text = req.body.toString('utf8');
  if (text.trim() === '') throw badRequest(`The request body is empty. Send a JSON array of ${typeName} objects: [{…}].`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw badRequest(`The request body is not valid JSON: ${(e as Error).message}`);
  }
  if (!Array.isArray(parsed)) {
    const what = parsed !== null && typeof parsed === 'object' ? 'JSON object (e.g. {"name":"value"})' : `JSON ${parsed === null ? 'null' : typeof parsed}`;
    throw badRequest(
      `Cannot deserialize the current ${what} into type 'List<${typeName}>' because the type requires a JSON array (e.g. [1,2,3]) to deserialize correctly. Send the records as a JSON array: [{…}].`,
    );
  }
  parsed.forEach((item, i) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      throw badRequest(`Item [${i}] of the request body must be a ${typeName} object, got ${JSON.stringify(item)}.`);
    }
  });
  return { items: parsed as Record<string, unknown>[], decimals: /\d[.eE]/.test(text) ? findDecimalNumbers(text) : new Map() };
}

/** Parses a JSON object body (the control API), or answers 400. */
export function readObjectBody(req: SimRequest): Record<string, unknown> {
  const text = req.body.toString('utf8');
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw badRequest(`The request body is not valid JSON: ${(e as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw badRequest('The request body must be a JSON object.');
  return parsed as Record<string, unknown>;
}

type Frame = { kind: 'object'; key: string; expectKey: boolean } | { kind: 'array'; index: number };

/**
 * Every number in valid JSON `text` spelt with a fraction or exponent, by path: `[0].fields[2].id` → `"3.0"`.
 * One pass over the text; strings are skipped with their escapes.
 */
export function findDecimalNumbers(text: string): Map<string, string> {
  const found = new Map<string, string>();
  const stack: Frame[] = [];
  let i = 0;
  const path = () => stack.map((f) => (f.kind === 'array' ? `[${f.index}]` : `.${f.key}`)).join('').replace(/^\./, '');
  while (i < text.length) {
    const c = text[i]!;
    const top = stack[stack.length - 1];
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      if (top?.kind === 'object' && top.expectKey) top.key = JSON.parse(text.slice(i, j + 1)) as string;
      i = j + 1;
    } else if (c === '{') {
      stack.push({ kind: 'object', key: '', expectKey: true });
      i++;
    } else if (c === '[') {
      stack.push({ kind: 'array', index: 0 });
      i++;
    } else if (c === '}' || c === ']') {
      stack.pop();
      i++;
    } else if (c === ',') {
      if (top?.kind === 'object') top.expectKey = true;
      else if (top?.kind === 'array') top.index++;
      i++;
    } else if (c === ':') {
      if (top?.kind === 'object') top.expectKey = false;
      i++;
    } else if (c === '-' || (c >= '0' && c <= '9')) {
      let j = i + 1;
      while (j < text.length && /[0-9eE+.-]/.test(text[j]!)) j++;
      const lexeme = text.slice(i, j);
      if (/[.eE]/.test(lexeme)) found.set(path(), lexeme);
      i = j;
    } else {
      i++;
    }
  }
  return found;
}
