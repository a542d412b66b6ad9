/** The SQLite store: the shared InboxStore contract, plus what only a file-backed store can show. */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/sqlite-store.js';
import { parseStoreUrl, openStore, StoreUrlError } from '../../src/store/open-store.js';
import { delivery, describeInboxStoreContract } from './store-contract.js';

const dir = mkdtempSync(join(tmpdir(), 'haloform-store-'));
let n = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeInboxStoreContract('SQLite file', {
  create: async ({ now }) => openSqliteStore(join(dir, `contract-${++n}.db`), { now }),
});

describeInboxStoreContract('SQLite file, synchronous=FULL', {
  create: async ({ now }) => openSqliteStore(join(dir, `contract-full-${++n}.db`), { now, synchronous: 'full' }),
});

describe('SQLite store', () => {
  it('has committed an accepted delivery by the time accept resolves (another connection sees it)', async () => {
    const path = join(dir, 'visible.db');
    const store = openSqliteStore(path);

    const { deliveryId } = await store.accept(delivery(77, 'series-a'));

    const other = new Database(path, { readonly: true });
    expect(other.prepare('SELECT status, activity_id FROM deliveries WHERE id = ?').get(deliveryId)).toEqual({ status: 'pending', activity_id: 77 });
    expect(other.prepare('SELECT series_key FROM work WHERE delivery_id = ?').get(deliveryId)).toEqual({ series_key: 'series-a' });
    other.close();
    await store.close();
  });

  it('runs in WAL mode and keeps everything across a reopen', async () => {
    const path = join(dir, 'reopen.db');
    const first = openSqliteStore(path);
    await first.accept(delivery(1, 'a'));
    await first.saveSeries({ key: 'a', ticketId: 3, ticketOpen: true, triggerCount: 1, touched: false, applied: [1], updatedAt: 1 });
    await first.close();

    const again = openSqliteStore(path);

    expect((await again.counts()).pending).toBe(1);
    expect(await again.getSeries('a')).toMatchObject({ ticketId: 3 });
    const raw = new Database(path, { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    raw.close();
    await again.close();
  });

  it('lets other work run between the batches of a prune (serve keeps answering while it prunes)', async () => {
    const store = openSqliteStore(join(dir, 'prune-turns.db'));
    for (let i = 1; i <= 6; i++) await store.accept(delivery(i, `s${i}`, { status: 'ignored' }));
    const order: string[] = [];

    const pruning = store.prune({ olderThan: Number.MAX_SAFE_INTEGER, batchSize: 2 }).then((r) => order.push(`pruned ${r.deliveries.ignored}`));
    const accepting = store.accept(delivery(7, 's7')).then(() => order.push('accepted'));
    await Promise.all([pruning, accepting]);

    expect(order).toEqual(['accepted', 'pruned 6']);
    await store.close();
  });

  it('refuses to create a file when it must exist', async () => {
    await expect(openStore(`sqlite:${join(dir, 'nope', 'missing.db')}`, { mustExist: true })).rejects.toThrow(/There is no inbox at .*missing\.db/);
  });
});

describe('store URLs', () => {
  it.each([
    ['sqlite:haloform.db', { kind: 'sqlite', path: '/srv/haloform.db', synchronous: 'normal' }],
    ['sqlite:/var/lib/haloform/inbox.db', { kind: 'sqlite', path: '/var/lib/haloform/inbox.db', synchronous: 'normal' }],
    ['sqlite:///var/lib/inbox.db', { kind: 'sqlite', path: '/var/lib/inbox.db', synchronous: 'normal' }],
    ['sqlite:data/inbox.db?synchronous=full', { kind: 'sqlite', path: '/srv/data/inbox.db', synchronous: 'full' }],
    ['sqlite::memory:', { kind: 'sqlite', path: ':memory:', synchronous: 'normal' }],
    ['postgres://haloform:pw@db/haloform', { kind: 'postgres', url: 'postgres://haloform:pw@db/haloform' }],
  ])('%s', (url, expected) => {
    expect(parseStoreUrl(url, '/srv')).toEqual(expected);
  });

  it.each([
    ['mysql://x', '"mysql://x" is not a store URL: use sqlite:<file> (e.g. sqlite:haloform.db) or postgres://user:password@host/database.'],
    ['sqlite:', '"sqlite:" names no file: use sqlite:haloform.db or sqlite:/path/to/inbox.db.'],
    ['sqlite:x.db?synchronous=off', '"sqlite:x.db?synchronous=off": synchronous must be normal or full, got "off".'],
    ['sqlite:x.db?cache=1', '"sqlite:x.db?cache=1": unknown option cache; the SQLite store takes ?synchronous=normal|full.'],
  ])('%s is refused', (url, message) => {
    expect(() => parseStoreUrl(url, '/srv')).toThrow(new StoreUrlError(message));
  });
});
