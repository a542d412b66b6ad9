/**
 * What was wrong with the rows the APIs sent, as plan warnings: one per kind of gap (same list,
 * field and problem), naming the rows (the first few) and what it means for the plan. Rows
 * without their identity were left out of the plan; the rest were read with the value absent.
 * Pure.
 */

import { warning, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { HaloSnapshot } from '../halo/types.js';
import type { ReadProblem } from '../http/rows.js';
import { list } from './customers.js';
import { sameName } from '../halo/names.js';
import type { RmmId } from '../rmm/snapshot.js';
import { sameRmmId, type RmmProvider } from '../rmm/provider.js';

/** What a left-out Halo row still says it is. */
export interface Lookalike {
  name?: string;
  rmmId?: RmmId;
}

/** What left-out Halo rows of a kind (`client`, `site`, `asset`) still say they are: nothing that could be one of them is created. */
export function lookalikes(problems: readonly ReadProblem[], noun: string): Lookalike[] {
  return problems.filter((p) => p.api === 'Halo' && p.dropped && p.noun === noun && p.lookalike).map((p) => p.lookalike!);
}

/** Why an object about to be created is held back by a left-out row that may be it, or undefined. */
export function heldBy(rows: readonly Lookalike[], noun: string, wanted: Lookalike, rmm: RmmProvider): string | undefined {
  const hit = rows.find((r) => sameRmmId(r.rmmId, wanted.rmmId) || (r.name !== undefined && wanted.name !== undefined && sameName(r.name, wanted.name)));
  if (!hit) return undefined;
  const what = [hit.name !== undefined ? `named "${hit.name}"` : undefined, hit.rmmId !== undefined ? `with ${rmm.name} id ${hit.rmmId}` : undefined].filter(Boolean).join(' ');
  return `Halo sent a ${noun} row ${what} without its id, which may be this very ${noun}, so haloform creates nothing that could duplicate it until Halo sends the row whole`;
}

/**
 * `halo`: to name a Halo row by where it is as well (`site 10 of client "adventure works"`), so a
 * row without a name can still be found.
 */
export function readProblemWarnings(problems: readonly ReadProblem[], halo?: HaloSnapshot): Diagnostic[] {
  const groups = new Map<string, ReadProblem[]>();
  for (const raw of problems) {
    const p = halo && raw.api === 'Halo' ? { ...raw, row: whereIs(raw, halo) } : raw;
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

/** A Halo row with its client (and site) named, when its own name does not find it. */
function whereIs(problem: ReadProblem, halo: HaloSnapshot): string {
  const id = Number(/^[a-z ]+ (\d+)/.exec(problem.row)?.[1]);
  if (!Number.isInteger(id)) return problem.row;
  const clientName = (clientId: number | undefined) => {
    const c = clientId === undefined ? undefined : halo.clients.find((x) => x.id === clientId);
    return c && c.name !== '' ? ` of client "${c.name}"` : '';
  };
  if (problem.noun === 'site') return `${problem.row}${clientName(halo.sites.find((s) => s.id === id)?.clientId)}`;
  if (problem.noun === 'asset') {
    const asset = halo.assets.find((a) => a.id === id);
    const type = asset?.assetTypeId === undefined ? undefined : halo.assetTypes.find((t) => t.id === asset.assetTypeId);
    return `${problem.row}${type && type.name !== '' ? ` (${type.name})` : ''}${clientName(asset?.clientId)}`;
  }
  return problem.row;
}

function plural(noun: string): string {
  return noun.endsWith('s') ? noun : `${noun}s`;
}
