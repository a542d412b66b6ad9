/**
 * What was wrong with the rows the APIs sent, as plan warnings: one per kind of gap (same list,
 * field and problem), naming the rows (the first few) and what it means for the plan. Rows
 * without their identity were left out of the plan; the rest were read with the value absent.
 * Pure.
 */

import { warning, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { ReadProblem } from '../http/rows.js';
import { list } from './customers.js';

export function readProblemWarnings(problems: readonly ReadProblem[]): Diagnostic[] {
  const groups = new Map<string, ReadProblem[]>();
  for (const p of problems) {
    const key = [p.api, p.label, p.noun, p.field, p.problem, p.effect, p.dropped].join('\u0000');
    groups.set(key, [...(groups.get(key) ?? []), p]);
  }
  const out: Diagnostic[] = [];
  for (const rows of groups.values()) {
    const first = rows[0]!;
    const n = new Set(rows.map((r) => r.row)).size;
    const nouns = n === 1 ? first.noun : plural(first.noun);
    const names = list([...new Set(rows.map((r) => r.row))], 5);
    const what = first.field === '' ? `${n === 1 ? 'is' : 'are'} not ${first.noun === 'row' ? 'objects' : 'rows'}` : `${first.field} ${first.problem}`;
    out.push(
      warning(
        first.dropped ? `${first.api} ${nouns} left out` : `Incomplete ${first.api} ${nouns}`,
        `${n} ${nouns} from ${first.label}: ${what} (${names}) — ${first.effect}. Nothing else is held up.`,
      ),
    );
  }
  return out.sort((a, b) => a.summary.localeCompare(b.summary));
}

function plural(noun: string): string {
  return noun.endsWith('s') ? noun : `${noun}s`;
}
