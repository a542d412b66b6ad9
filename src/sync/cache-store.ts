/**
 * The sync controller's cache in serve's store (SQLite or PostgreSQL): one row per Halo record
 * haloform manages (clients, sites, assets, asset types, fields, users, ...), written through as
 * the controller learns of changes, with a meta row saying what it is a cache of and whether it can
 * be trusted. A replica that takes over sync (the leader stopped or died), or serve restarted
 * within a lease's time, starts from it instead of reading Halo whole — 500 requests at 50,000
 * assets, most of Halo's five-minute budget.
 *
 * Trust. The stored cache is taken only when
 * - it was filled from the same Halo address, with the same spec (a spec change may read or place
 *   things differently) and the same custom-field reading;
 * - no cycle was writing to Halo when it was last written: a cycle marks it `writing` before its
 *   first Halo write and clears the mark once what it wrote is read back and stored, so a leader
 *   that died mid-write leaves a cache nobody takes;
 * - a leader kept it recently (`keptAt`, renewed every cycle) — within the sync lease's time, so
 *   a Halo left alone by haloform for longer (serve down, someone applying by hand) is read again;
 * - Halo was read whole into it within `sync.resyncHours`.
 * Otherwise the controller reads Halo whole, as at any start.
 */

import type { HaloSnapshot } from '../halo/types.js';
import type { CacheRow, InboxStore } from '../store/inbox-store.js';

/** The snapshot's lists, one row per record each. */
export const CACHE_LISTS = ['topLevels', 'clients', 'sites', 'users', 'assetGroups', 'fields', 'assetTypes', 'assets', 'ticketTypes', 'customFields'] as const;
export type CacheList = (typeof CACHE_LISTS)[number];
/** Settings and read problems: one row. */
const REST = 'rest';
const FORMAT = 1;

/** What a stored cache is a cache of, and whether it may be taken. */
export interface CacheMeta {
  format: number;
  /** The Halo address it was read from. */
  halo: string;
  /** The spec hash of the controller that filled it. */
  specHash: string;
  /** Whether asset custom fields were read. */
  customFields: boolean;
  /** When Halo was last read whole into it. */
  filledAt: number;
  /** When a leader last wrote or confirmed it. */
  keptAt: number;
  /** A cycle was writing to Halo: what it wrote may be missing. */
  writing: boolean;
}

/** What the cache must be to be taken: the same Halo, spec and custom-field reading. */
export type CacheIdentity = Pick<CacheMeta, 'halo' | 'specHash' | 'customFields'>;

export class StoredSyncCache {
  readonly #store: Pick<InboxStore, 'readCache' | 'writeCache'>;

  constructor(store: Pick<InboxStore, 'readCache' | 'writeCache'>) {
    this.#store = store;
  }

  /**
   * The stored cache when it may be taken (see the module comment): keptAt within `freshMs` of
   * `now`, filled within `maxAgeMs`. Otherwise why not, for the log.
   */
  async load(identity: CacheIdentity, now: number, limits: { freshMs: number; maxAgeMs: number }): Promise<{ halo: HaloSnapshot; meta: CacheMeta } | { refused: string }> {
    const { meta: rawMeta, rows } = await this.#store.readCache();
    const meta = parseMeta(rawMeta);
    if (!meta) return { refused: rawMeta === undefined ? 'there is none' : 'its meta is not one this haloform reads' };
    if (meta.halo !== identity.halo) return { refused: 'it is of another Halo' };
    if (meta.specHash !== identity.specHash) return { refused: 'it was filled under another spec' };
    if (meta.customFields !== identity.customFields) return { refused: 'its asset custom fields are not the ones this spec reads' };
    if (meta.writing) return { refused: 'a cycle was writing to Halo when it was last stored' };
    if (now - meta.keptAt > limits.freshMs) return { refused: `no leader has kept it for ${Math.round((now - meta.keptAt) / 60_000)} min` };
    if (now - meta.filledAt >= limits.maxAgeMs) return { refused: 'a resync is due' };
    const halo = decodeSnapshot(rows);
    return halo ? { halo, meta } : { refused: 'its rows are incomplete' };
  }

  /** Replaces everything with `halo` (after a full read). */
  save(halo: HaloSnapshot, meta: CacheMeta): Promise<void> {
    return this.#store.writeCache({ replaceKinds: 'all', put: encodeSnapshot(halo, CACHE_LISTS, true), meta: JSON.stringify(meta) });
  }

  /**
   * Writes what changed: `lists` replaced whole from `halo` (a list read again), `assets` put one
   * by one (read back by id).
   */
  update(halo: HaloSnapshot, changed: { lists?: readonly CacheList[]; assetIds?: ReadonlySet<number> }, meta: CacheMeta): Promise<void> {
    const lists = changed.lists ?? [];
    const assetIds = lists.includes('assets') ? undefined : changed.assetIds;
    function* put(): Generator<CacheRow> {
      yield* encodeSnapshot(halo, lists, false);
      if (assetIds && assetIds.size > 0) for (const asset of halo.assets) if (assetIds.has(asset.id)) yield { kind: 'assets', id: asset.id, body: encode(asset) };
    }
    return this.#store.writeCache({ replaceKinds: lists, put: put(), meta: JSON.stringify(meta) });
  }

  /** Writes the meta alone (a cycle starts writing to Halo; a cycle kept the cache). */
  mark(meta: CacheMeta): Promise<void> {
    return this.#store.writeCache({ meta: JSON.stringify(meta) });
  }
}

/** The rows of `lists` (and of the settings and problems), each encoded as it is taken. */
export function* encodeSnapshot(halo: HaloSnapshot, lists: readonly CacheList[], withRest: boolean): Generator<CacheRow> {
  for (const list of lists) for (const record of halo[list] as readonly { id: number }[]) yield { kind: list, id: record.id, body: encode(record) };
  if (withRest) yield { kind: REST, id: 0, body: encode({ settings: halo.settings, problems: halo.problems }) };
}

/** The snapshot the rows hold; undefined without the settings row (never fully written). */
export function decodeSnapshot(rows: readonly CacheRow[]): HaloSnapshot | undefined {
  const lists = Object.fromEntries(CACHE_LISTS.map((l) => [l, [] as unknown[]])) as Record<CacheList, unknown[]>;
  let rest: Pick<HaloSnapshot, 'settings' | 'problems'> | undefined;
  for (const row of rows) {
    if (row.kind === REST) rest = decode(row.body) as Pick<HaloSnapshot, 'settings' | 'problems'>;
    else if ((CACHE_LISTS as readonly string[]).includes(row.kind)) lists[row.kind as CacheList].push(decode(row.body));
  }
  if (!rest) return undefined;
  return { ...(lists as unknown as Pick<HaloSnapshot, CacheList>), settings: rest.settings, problems: rest.problems };
}

function parseMeta(raw: string | undefined): CacheMeta | undefined {
  if (raw === undefined) return undefined;
  try {
    const meta = JSON.parse(raw) as Partial<CacheMeta>;
    const ok = meta.format === FORMAT && typeof meta.halo === 'string' && typeof meta.specHash === 'string' && typeof meta.customFields === 'boolean' && typeof meta.filledAt === 'number' && typeof meta.keptAt === 'number' && typeof meta.writing === 'boolean';
    return ok ? (meta as CacheMeta) : undefined;
  } catch {
    return undefined;
  }
}

/** A new meta for a cache of `identity` filled at `filledAt`. */
export function cacheMeta(identity: CacheIdentity, filledAt: number, keptAt: number, writing: boolean): CacheMeta {
  return { format: FORMAT, ...identity, filledAt, keptAt, writing };
}

// Records hold Maps (an asset's field values by id): JSON keeps them as { "$map": [[k, v], ...] }.
const encode = (value: unknown): string => JSON.stringify(value, (_key, v: unknown) => (v instanceof Map ? { $map: [...v] } : v));
const decode = (text: string): unknown =>
  JSON.parse(text, (_key, v: unknown) => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && '$map' in v && Object.keys(v).length === 1) return new Map((v as { $map: [unknown, unknown][] }).$map);
    return v;
  });
