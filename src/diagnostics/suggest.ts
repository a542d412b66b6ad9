/** "Did you mean ...": the nearest valid value to a misspelt one. */

import { distance } from 'fastest-levenshtein';

/**
 * The candidate closest to `value`, if it is close enough to be a plausible typo: case and
 * separators are ignored ("alert" → "Alert", "main_site" → "main-site"), then two edits, or a
 * third of the length for long names, may differ.
 */
export function suggest(value: string, candidates: Iterable<string>): string | undefined {
  const wanted = fold(value);
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    if (candidate === value) continue;
    const d = distance(wanted, fold(candidate));
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  if (best === undefined) return undefined;
  // Two edits cover a swapped pair of letters ("clsoe" → "close"); long names allow a third of their length.
  const length = Math.max(wanted.length, fold(best).length);
  const allowed = length <= 3 ? 1 : Math.max(2, Math.floor(length / 3));
  return bestDistance <= allowed ? best : undefined;
}

/** ` Did you mean "x"?` or an empty string, ready to append to a detail. */
export function didYouMean(value: string, candidates: Iterable<string>): string {
  const hit = suggest(value, candidates);
  return hit === undefined ? '' : ` Did you mean "${hit}"?`;
}

function fold(s: string): string {
  return s.toLowerCase().replace(/[\s_-]+/g, '');
}
