/**
 * Linking an asset to a Halo user from the RMM's last logged-in user (`DOMAIN\user`,
 * `user@domain`, `root (pts/0)`) or a custom field. Ambiguity is never resolved by guessing. Pure.
 */

import type { UserMatch } from '../config/spec.js';
import type { HaloUser } from '../halo/types.js';
import { foldName } from '../halo/names.js';

export interface ParsedUserName {
  raw: string;
  /** The account name without domain: `jsmith`. */
  login: string;
  /** The whole thing when it is an address: `jsmith@contoso.com`. */
  email?: string;
}

export function parseUserName(raw: string): ParsedUserName | undefined {
  let text = raw.trim();
  // Linux shows the terminal: "root (pts/0)".
  text = text.replace(/\s*\([^)]*\)\s*$/, '');
  if (text === '') return undefined;
  if (text.includes('\\')) {
    const login = text.slice(text.lastIndexOf('\\') + 1);
    return login ? { raw, login } : undefined;
  }
  if (/^[^@\s]+@[^@\s]+$/.test(text)) return { raw, login: text.slice(0, text.indexOf('@')), email: text };
  return { raw, login: text };
}

export type UserMatchResult =
  | { kind: 'matched'; user: HaloUser; by: UserMatch }
  | { kind: 'ambiguous'; users: HaloUser[]; by: UserMatch }
  | { kind: 'none' };

/** The first attribute in `order` that names exactly one user wins; two or more is ambiguous. */
export function matchUser(name: ParsedUserName, candidates: readonly HaloUser[], order: readonly UserMatch[]): UserMatchResult {
  const fold = (s: string | undefined) => (s === undefined ? undefined : foldName(s));
  for (const by of order) {
    const hits = candidates.filter((u) => {
      switch (by) {
        case 'login': {
          const login = fold(u.login);
          if (!login) return false;
          // Halo logins are stored as "jsmith" or as "CONTOSO\jsmith".
          return login === fold(name.login) || login === fold(name.raw) || login.endsWith(`\\${fold(name.login)}`);
        }
        case 'email':
          return name.email !== undefined && fold(u.email) === fold(name.email);
        case 'name':
          return fold(u.name) === fold(name.raw) || fold(u.name) === fold(name.login);
      }
    });
    if (hits.length === 1) return { kind: 'matched', user: hits[0]!, by };
    if (hits.length > 1) return { kind: 'ambiguous', users: hits, by };
  }
  return { kind: 'none' };
}
