/**
 * The sync cache in serve's store (src/sync/cache-store.ts), on SQLite and PostgreSQL: a serve
 * that takes over sync (another replica, or this one started again) starts from the cache the
 * last leader kept — no full Halo read, no duplicate of what that leader created — and reads Halo
 * whole instead when the cache is of another spec, was left half written, or was not kept lately.
 */

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadSpecFile } from '../../src/config/load.js';
import type { Spec } from '../../src/config/spec.js';
import { HaloApiClient } from '../../src/halo/client.js';
import type { LogLevel } from '../../src/http/index.js';
import { NINJAONE } from '../../src/rmm/ninjaone/provider.js';
import { generateDemo } from '../../src/sandbox/demo-data.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { startServe, type ServeHandle } from '../../src/serve/start.js';
import { openStore } from '../../src/store/open-store.js';
import { decodeSnapshot, encodeSnapshot, CACHE_LISTS, StoredSyncCache, cacheMeta } from '../../src/sync/cache-store.js';
import { cli } from '../helpers/cli.js';
import { createDatabase, usePostgres } from '../helpers/postgres.js';
import { demoEnv, ROOT } from '../helpers/sandbox.js';

const SECRET = 'stored-cache-secret-0123456789abcdef';

let sandbox: Sandbox;
let dir: string;
const serves: ServeHandle[] = [];

beforeEach(async () => {
  sandbox = await startSandbox({ data: generateDemo({ devices: 60 }) });
  dir = mkdtempSync(join(tmpdir(), 'haloform-stored-cache-'));
  writeSpec();
  const applied = await cli(['apply', '-c', 'spec.yaml', '--auto-approve'], { cwd: dir, env: demoEnv(sandbox) });
  expect(applied.code, applied.stderr).toBe(0);
});

afterEach(async () => {
  for (const s of serves.splice(0)) await s.stop({ graceMs: 100 });
  await sandbox.stop();
  rmSync(dir, { recursive: true, force: true });
});

function writeSpec(edit: (text: string) => string = (t) => t): void {
  writeFileSync(join(dir, 'spec.yaml'), edit(readFileSync(join(ROOT, 'config/demo.yaml'), 'utf8').replace('    tenant: demo\n', '    tenant: demo\n    rateLimit: false\n')));
}

/** A serve on `store` with sync run by hand; its log lines kept. */
async function syncingServe(store: string): Promise<{ serve: ServeHandle; log: { level: LogLevel; msg: string; fields: Record<string, unknown> }[] }> {
  const loaded = loadSpecFile('spec.yaml', demoEnv(sandbox), dir, { missingEnv: 'error' });
  if (!loaded.spec) throw new Error(loaded.diagnostics.map((d) => d.detail).join('\n'));
  const spec = loaded.spec as Spec;
  const log: { level: LogLevel; msg: string; fields: Record<string, unknown> }[] = [];
  const logger = { log: (level: LogLevel, msg: string, fields: Record<string, unknown> = {}) => void log.push({ level, msg, fields }) };
  const serve = await startServe({ spec, loaded: { ...loaded, spec }, sync: 'manual', poller: 'off', store, port: 0, secrets: [SECRET], logger });
  serves.push(serve);
  return { serve, log };
}

const assetsOf = (deviceId: number) => sandbox.halo.control.state().assets.filter((a) => a.ninjarmm_id === deviceId);

function storedCacheContract(storeUrl: () => string): void {
  it('a serve that takes over starts from the cache the last leader kept: no full read, nothing created twice', async () => {
    const first = await syncingServe(storeUrl());
    expect(await first.serve.sync()).toMatchObject({ resynced: true });
    const device = sandbox.data.ninjaone.devices[0]!;
    const added = sandbox.ninjaone.control.addDevice({ organizationId: device.organizationId, locationId: device.locationId, nodeClass: 'WINDOWS_WORKSTATION', displayName: 'STORED-01' });
    expect(await first.serve.sync()).toMatchObject({ applied: { created: 1 } });
    await first.serve.stop({ graceMs: 100 });
    serves.splice(serves.indexOf(first.serve), 1);

    const second = await syncingServe(storeUrl());
    const taken = await second.serve.sync();
    expect(taken).toMatchObject({ fromStore: true, resynced: false, haloRequests: 0, applied: { created: 0, adopted: 0, updated: 0, deactivated: 0 } });
    expect(assetsOf(added.id)).toHaveLength(1);
    expect(second.log.find((l) => l.msg === 'sync took its cache from the store')?.fields).toMatchObject({ assets: sandbox.halo.control.state().assets.length });
    // serve saves the status after the cycle, without holding the cycle up for it.
    const status = async () => (JSON.parse((await second.serve.store.getMeta('sync:status')) ?? '{}') as { cache?: { fromStore?: boolean } }).cache;
    for (let i = 0; i < 100 && !(await status())?.fromStore; i++) await new Promise((r) => setTimeout(r, 20));
    expect(await status()).toMatchObject({ fromStore: true, assets: sandbox.halo.control.state().assets.length });

    // What the new leader writes is stored too: a device moved, then a third serve.
    const moved = sandbox.data.ninjaone.devices[1]!;
    const other = sandbox.data.ninjaone.devices.find((d) => d.organizationId !== moved.organizationId)!;
    sandbox.ninjaone.control.updateDevice(moved.id, { organizationId: other.organizationId, locationId: other.locationId });
    expect(await second.serve.sync()).toMatchObject({ applied: { updated: 1 } });
    await second.serve.stop({ graceMs: 100 });
    serves.splice(serves.indexOf(second.serve), 1);
    const third = await syncingServe(storeUrl());
    expect(await third.serve.sync()).toMatchObject({ fromStore: true, haloRequests: 0, applied: { updated: 0 } });
  });

  it('writes nothing to Halo when the store cannot be told a cycle is about to write', async () => {
    const { serve, log } = await syncingServe(storeUrl());
    await serve.sync();
    const device = sandbox.data.ninjaone.devices[0]!;
    const added = sandbox.ninjaone.control.addDevice({ organizationId: device.organizationId, locationId: device.locationId, nodeClass: 'WINDOWS_WORKSTATION', displayName: 'STORED-02' });
    const store = serve.store as { writeCache: typeof serve.store.writeCache };
    const writeCache = store.writeCache.bind(serve.store);
    store.writeCache = () => Promise.reject(new Error('disk I/O error'));
    const refused = await serve.sync();
    expect(refused!.error).toBe('the sync cache in the store could not be marked as being written, so nothing was written to Halo; the next cycle tries again');
    expect(assetsOf(added.id)).toHaveLength(0);
    expect(log.find((l) => l.msg === 'sync could not mark the cache in the store as being written')?.fields).toEqual({ error: 'disk I/O error' });
    store.writeCache = writeCache;
    // Nothing was written, so the stored cache still holds: the next cycle starts from it.
    expect(await serve.sync()).toMatchObject({ fromStore: true, resynced: false, applied: { created: 1 } });
    expect(assetsOf(added.id)).toHaveLength(1);
  });

  it('reads Halo whole instead when the stored cache is of another spec, was left half written, or was not kept lately', async () => {
    const first = await syncingServe(storeUrl());
    await first.serve.sync();
    await first.serve.stop({ graceMs: 100 });
    serves.splice(0);

    // Another spec: its mapping may place or read things differently.
    writeSpec((t) => t.replace('sync:\n  everyMinutes: 15', 'sync:\n  everyMinutes: 14'));
    const changed = await syncingServe(storeUrl());
    expect(await changed.serve.sync()).toMatchObject({ resynced: true });
    expect(changed.log.find((l) => l.msg === 'sync reads Halo whole rather than take the cache in the store')?.fields).toEqual({ reason: 'it was filled under another spec' });
    await changed.serve.stop({ graceMs: 100 });
    serves.splice(0);

    // Left marked as being written (a leader died between its Halo writes and storing them).
    const store = await openStore(storeUrl(), { cwd: dir });
    const raw = JSON.parse((await store.readCache()).meta!) as Record<string, unknown>;
    await store.writeCache({ meta: JSON.stringify({ ...raw, writing: true }) });
    const afterCrash = await syncingServe(storeUrl());
    expect(await afterCrash.serve.sync()).toMatchObject({ resynced: true });
    expect(afterCrash.log.find((l) => l.msg === 'sync reads Halo whole rather than take the cache in the store')?.fields).toEqual({ reason: 'a cycle was writing to Halo when it was last stored' });
    await afterCrash.serve.stop({ graceMs: 100 });
    serves.splice(0);

    // Not kept for longer than a lease: Halo may have been changed by hand meanwhile.
    const kept = JSON.parse((await store.readCache()).meta!) as Record<string, unknown>;
    expect(kept.writing).toBe(false);
    await store.writeCache({ meta: JSON.stringify({ ...kept, keptAt: Date.now() - 3 * 3_600_000 }) });
    await store.close();
    const late = await syncingServe(storeUrl());
    expect(await late.serve.sync()).toMatchObject({ resynced: true });
    expect(String(late.log.find((l) => l.msg === 'sync reads Halo whole rather than take the cache in the store')?.fields.reason)).toMatch(/^no leader has kept it for 18\d min$/);
  });
}

describe('on SQLite', () => {
  storedCacheContract(() => `sqlite:${join(dir, 'inbox.db')}`);
});

describe('on PostgreSQL', () => {
  let db: { url: string; drop(): Promise<void> } | undefined;
  const server = usePostgres();
  beforeEach(async () => {
    db = await createDatabase(server.url(), 'haloform_cache');
  });
  afterEach(async () => {
    await db?.drop();
  });
  storedCacheContract(() => db!.url);
});

describe('the stored form', () => {
  it('gives back the very snapshot it was given, Maps and odd rows included', async () => {
    const halo = new HaloApiClient(
      loadSpecFile('spec.yaml', demoEnv(sandbox), dir, { missingEnv: 'error' }).spec!.connections.halo,
      NINJAONE.halo,
    );
    const snapshot = await halo.readSnapshot({ customFields: true });
    await halo.close();
    expect(snapshot.assets.some((a) => a.fields.size > 0)).toBe(true);
    const rows = [...encodeSnapshot(snapshot, CACHE_LISTS, true)];
    expect(decodeSnapshot(rows)).toEqual(snapshot);
    // Without its settings row it was never fully written.
    expect(decodeSnapshot(rows.filter((r) => r.kind !== 'rest'))).toBeUndefined();
  });

  it('refuses a meta it cannot read, and another Halo', async () => {
    const rows: { meta?: string } = {};
    const store = { readCache: async () => ({ meta: rows.meta, rows: [] }), writeCache: async () => undefined };
    const cache = new StoredSyncCache(store);
    const identity = { halo: 'https://halo.example', specHash: 'sha256:a', customFields: false };
    const limits = { freshMs: 60_000, maxAgeMs: 3_600_000 };
    expect(await cache.load(identity, 1_000, limits)).toEqual({ refused: 'there is none' });
    rows.meta = '{"format": 99}';
    expect(await cache.load(identity, 1_000, limits)).toEqual({ refused: 'its meta is not one this haloform reads' });
    rows.meta = JSON.stringify(cacheMeta({ ...identity, halo: 'https://other.example' }, 0, 0, false));
    expect(await cache.load(identity, 1_000, limits)).toEqual({ refused: 'it is of another Halo' });
    rows.meta = JSON.stringify(cacheMeta({ ...identity, customFields: true }, 0, 0, false));
    expect(await cache.load(identity, 1_000, limits)).toEqual({ refused: 'its asset custom fields are not the ones this spec reads' });
    rows.meta = JSON.stringify(cacheMeta(identity, 0, 900, false));
    expect(await cache.load(identity, 3_600_000, { ...limits, freshMs: 10 * 3_600_000 })).toEqual({ refused: 'a resync is due' });
    expect(await cache.load(identity, 1_000, limits)).toEqual({ refused: 'its rows are incomplete' });
  });
});
