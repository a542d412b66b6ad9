/** Whether two client or site names are probably one customer spelt two ways (for "did you mean" warnings). */

import { distance } from 'fastest-levenshtein';

/** "Northwind Traders" ~ "Northwind Traders Ltd", "Fabrikam Inc" ~ "Fabrikam, Inc." */
export function similarNames(a: string, b: string): boolean {
  const core = (s: string) =>
    s
      .toLowerCase()
      .replace(/[^a-z0-9 ]+/g, ' ')
      .replace(/\b(ltd|limited|inc|incorporated|llc|gmbh|co|corp|corporation|group|plc|pty|the)\b/g, ' ')
      .replace(/\s+/g, '');
  const x = core(a);
  const y = core(b);
  if (x === '' || y === '') return false;
  if (x === y || (Math.min(x.length, y.length) >= 6 && (x.startsWith(y) || y.startsWith(x)))) return true;
  // A typo: one edit in a short name, two in a long one.
  const shortest = Math.min(x.length, y.length);
  return shortest >= 5 && distance(x, y) <= (shortest >= 10 ? 2 : 1);
}
