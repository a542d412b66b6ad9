/**
 * A Plan as JSON, in pieces: the top-level fields, then one change per line. The result is one
 * JSON document (what `--format json` prints and `--out` saves) that diffs line by line, and is
 * written without ever holding the whole text of a 50,000-change plan in memory. Pure.
 */

import type { Plan } from '../plan/plan.js';
import { jsonSafe } from './safe-text.js';

/** Bidi and C1 characters are written as \uXXXX escapes: the same JSON value, displayed as it reads. */
export function* planJsonChunks(plan: Plan): Generator<string> {
  const { changes, ...head } = plan;
  const fields = Object.entries(head).map(([key, value]) => `  ${JSON.stringify(key)}: ${jsonSafe(JSON.stringify(value))}`);
  yield `{\n${fields.join(',\n')},\n  "changes": [`;
  for (let i = 0; i < changes.length; i++) yield `${i === 0 ? '\n' : ',\n'}    ${jsonSafe(JSON.stringify(changes[i]))}`;
  yield `${changes.length > 0 ? '\n  ' : ''}]\n}\n`;
}

/** The whole document as one string, for small plans and tests. */
export function planJson(plan: Plan): string {
  return [...planJsonChunks(plan)].join('');
}
