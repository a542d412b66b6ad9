/**
 * serve when its inbox store fails in the middle of an event (a PostgreSQL restart, a replica's
 * connection lost): the write to Halo went through, the write to the store did not, and the
 * retry must not do it again — no "fired again" on a ticket just created, no note twice. The
 * store here is a real one that refuses chosen calls once.
 */

import { afterEach, expect, it } from 'vitest';
import type { InboxStore, SeriesState } from '../../src/store/inbox-store.js';
import { openSqliteStore } from '../../src/store/sqlite-store.js';
import { startWorld, type World } from './fixtures.js';

let world: World | undefined;
let store: InboxStore | undefined;
afterEach(async () => {
  await world?.close();
  await store?.close();
  world = undefined;
  store = undefined;
});

/** The store, refusing each call for which `refuse` says so (as an unreachable database would). */
function refusing(inner: InboxStore, refuse: (method: string, args: unknown[]) => boolean): InboxStore {
  return new Proxy(inner, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => (refuse(String(prop), args) ? Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432')) : (value as (...a: unknown[]) => unknown).apply(target, args));
    },
  });
}

it('counts the firing of a ticket created just before the store failed, so the retry notes nothing', async () => {
  let refused = 0;
  store = openSqliteStore(':memory:');
  // Halo created the ticket; the store is gone before the firing is recorded.
  const wrapped = refusing(store, (method, args) => method === 'addHistory' && args[1] === 'ticket-created' && refused++ === 0);
  world = await startWorld({ serve: { store: wrapped } });

  const uid = world.trigger({ deviceId: world.cast.plain.deviceId });
  await world.settle();

  expect(refused).toBe(1);
  const [ticket, ...others] = world.ticketsOf(uid);
  expect(others).toEqual([]);
  expect(world.notesOf(ticket!.id)).toEqual([]);
  world.fireAgain(uid);
  await world.settle();
  expect(world.notesOf(ticket!.id)).toEqual([expect.stringContaining('(2nd time)')]);
});

it('does not write a note twice when the store failed right after Halo took it', async () => {
  let armed = false;
  let refused = 0;
  store = openSqliteStore(':memory:');
  // Halo took the note; the save that records it as sent fails, once.
  const wrapped = refusing(store, (method, args) => {
    if (method !== 'saveSeries' || !armed || ((args[0] as SeriesState).pending ?? []).length > 0 || refused > 0) return false;
    refused += 1;
    return true;
  });
  world = await startWorld({ serve: { store: wrapped } });
  const uid = world.trigger({ deviceId: world.cast.plain.deviceId });
  await world.settle();
  const [ticket] = world.ticketsOf(uid);

  armed = true;
  world.fireAgain(uid);
  await world.settle();

  expect(refused).toBe(1);
  expect(world.notesOf(ticket!.id)).toEqual([expect.stringContaining('(2nd time)')]);
  const [again] = await store.listDeliveries({ limit: 1 });
  expect((await store.history(again!.id)).map((h) => [h.event, h.detail?.alreadyThere])).toEqual([
    ['retry', undefined],
    ['note-added', true],
    ['already-applied', undefined],
    ['done', undefined],
  ]);
});
