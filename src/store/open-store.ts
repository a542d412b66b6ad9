/**
 * Store URLs: `sqlite:haloform.db` (relative to the working directory), `sqlite:/var/lib/haloform/inbox.db`,
 * `sqlite::memory:`, or `postgres://user:pass@host/db` (the PostgreSQL store, for several replicas).
 * The `--store` option and HALOFORM_STORE take these.
 */

import { existsSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { InboxStore } from './inbox-store.js';
import { NoInboxError, SchemaVersionError } from './postgres-migrations.js';
import { describePostgresUrl, openPostgresStore } from './postgres-store.js';
import { openSqliteStore } from './sqlite-store.js';

export const DEFAULT_STORE_URL = 'sqlite:haloform.db';

/** A store URL that cannot be used, with a message a person can act on. */
export class StoreUrlError extends Error {
  override readonly name = 'StoreUrlError';
}

export interface OpenStoreOptions {
  /** Relative SQLite paths are resolved against it. Default process.cwd(). */
  cwd?: string;
  /**
   * This process's clock. The SQLite store runs on it; the PostgreSQL store runs leases and
   * retries on the database's clock and uses this one only to convert the times it is given.
   */
  now?: () => number;
  /** Refuse to create a new SQLite file or PostgreSQL schema (the `inbox` commands read an existing one). */
  mustExist?: boolean;
  /**
   * Create the folder of a new SQLite inbox too. Without it, a folder that does not exist is an
   * error: a typo in --store must not quietly start an empty inbox somewhere new.
   */
  createFolders?: boolean;
  /** Called with the full path when a new, empty SQLite inbox is created (serve logs it loudly). */
  onCreate?(where: string): void;
}

export type ParsedStoreUrl = { kind: 'sqlite'; path: string; synchronous: 'normal' | 'full' } | { kind: 'postgres'; url: string };

export function parseStoreUrl(url: string, cwd: string = process.cwd()): ParsedStoreUrl {
  const text = url.trim();
  if (/^postgres(ql)?:\/\//i.test(text)) return { kind: 'postgres', url: text };
  const m = /^sqlite:(.*)$/i.exec(text);
  if (!m) {
    throw new StoreUrlError(`"${url}" is not a store URL: use sqlite:<file> (e.g. sqlite:haloform.db) or postgres://user:password@host/database.`);
  }
  let rest = m[1]!;
  let synchronous: 'normal' | 'full' = 'normal';
  const q = rest.indexOf('?');
  if (q >= 0) {
    const params = new URLSearchParams(rest.slice(q + 1));
    rest = rest.slice(0, q);
    for (const [key, value] of params) {
      if (key.toLowerCase() !== 'synchronous') throw new StoreUrlError(`"${url}": unknown option ${key}; the SQLite store takes ?synchronous=normal|full.`);
      const v = value.toLowerCase();
      if (v !== 'normal' && v !== 'full') throw new StoreUrlError(`"${url}": synchronous must be normal or full, got "${value}".`);
      synchronous = v;
    }
  }
  // sqlite:///abs/path and sqlite://relative are common spellings too.
  if (rest.startsWith('//')) rest = rest.slice(2);
  if (rest === '') throw new StoreUrlError(`"${url}" names no file: use sqlite:haloform.db or sqlite:/path/to/inbox.db.`);
  if (rest === ':memory:') return { kind: 'sqlite', path: ':memory:', synchronous };
  return { kind: 'sqlite', path: isAbsolute(rest) ? rest : resolve(cwd, rest), synchronous };
}

/** Opens the store a URL names. */
export async function openStore(url: string, options: OpenStoreOptions = {}): Promise<InboxStore> {
  const parsed = parseStoreUrl(url, options.cwd);
  if (parsed.kind === 'postgres') {
    try {
      return await openPostgresStore(parsed.url, { ...(options.now ? { localNow: options.now } : {}), ...(options.mustExist ? { mustExist: true } : {}) });
    } catch (e) {
      if (e instanceof NoInboxError || e instanceof SchemaVersionError) throw new StoreUrlError(e.message);
      throw new StoreUrlError(`The inbox at ${describePostgresUrl(parsed.url)} could not be opened: ${(e as Error).message}`);
    }
  }
  if (parsed.path !== ':memory:' && !options.mustExist && !existsSync(parsed.path)) {
    const folder = dirname(parsed.path);
    if (!existsSync(folder) && !options.createFolders) {
      throw new StoreUrlError(`There is no inbox at ${parsed.path}, and its folder ${folder} does not exist either. Correct --store (or HALOFORM_STORE) if it should name an existing inbox; to start a new one there, create the folder or pass --create-store.`);
    }
    options.onCreate?.(parsed.path);
  }
  try {
    return openSqliteStore(parsed.path, {
      synchronous: parsed.synchronous,
      ...(options.now ? { now: options.now } : {}),
      ...(options.mustExist ? { mustExist: true } : {}),
    });
  } catch (e) {
    const err = e as Error & { code?: string };
    if (options.mustExist && /does not exist|unable to open/i.test(err.message)) {
      throw new StoreUrlError(`There is no inbox at ${parsed.path}. haloform serve creates it; pass the same --store (or HALOFORM_STORE) serve uses.`);
    }
    throw new StoreUrlError(`The inbox at ${parsed.path} could not be opened: ${err.message}`);
  }
}
