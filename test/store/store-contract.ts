/**
 * The behaviour every InboxStore must show, as a suite that takes a store factory: the SQLite
 * store runs it (sqlite-store.test.ts) and the PostgreSQL store will run the same one. Time is a
 * fake clock the factory hands to the store, so lease expiry and retries need no waiting.
 */

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InboxStore, NewDelivery, PruneResult, SeriesState } from '../../src/store/inbox-store.js';

export interface StoreFactoryOptions {
  /** The store's clock (epoch ms). */
  now: () => number;
}

export interface StoreContractOptions {
  /** A new, empty store. */
  create(options: StoreFactoryOptions): Promise<InboxStore>;
  /** Called after each test with the store (already closed by the suite). */
  cleanup?(store: InboxStore): Promise<void>;
}

const T0 = 1_800_000_000_000;
const DAY = 86_400_000;

/** A prune result: zero everywhere but what is given. */
export function pruned(parts: { deliveries?: Partial<PruneResult['deliveries']>; history?: number; series?: number } = {}): PruneResult {
  return { deliveries: { done: 0, ignored: 0, duplicate: 0, rejected: 0, dead: 0, ...parts.deliveries }, history: parts.history ?? 0, series: parts.series ?? 0 };
}

/** A settled series: its ticket closed after the alert reset, last changed at `updatedAt`. */
export function settledSeries(key: string, updatedAt: number, parts: Partial<SeriesState> = {}): SeriesState {
  return { key, deviceId: 7, ticketId: 12, ticketOpen: false, initialStatusId: 1, triggerCount: 1, lastTriggerId: 5, resetId: 6, resetAt: updatedAt, touched: false, applied: [5, 6], updatedAt, ...parts };
}

export function delivery(activityId: number | undefined, seriesKey: string, parts: Partial<NewDelivery> = {}): NewDelivery {
  const body = JSON.stringify({ id: activityId, seriesUid: seriesKey, statusCode: 'TRIGGERED', activityType: 'CONDITION', deviceId: 7 });
  return {
    receivedAt: T0,
    source: activityId === undefined ? 'poller' : 'webhook',
    path: '/ninjaone/webhook',
    headers: { 'content-type': 'application/json', 'user-agent': 'NinjaOne' },
    body,
    ...(activityId !== undefined ? { activityId } : {}),
    seriesKey,
    statusCode: 'TRIGGERED',
    activityType: 'CONDITION',
    deviceId: 7,
    status: 'pending',
    orderKey: activityId ?? 0,
    ...parts,
  };
}

export function describeInboxStoreContract(name: string, options: StoreContractOptions): void {
  describe(`InboxStore contract: ${name}`, () => {
    let now = T0;
    let store: InboxStore;
    let created: InboxStore | undefined;
    const clock = { now: () => now };

    beforeEach(async () => {
      now = T0;
      created = undefined;
      store = created = await options.create(clock);
    });

    afterEach(async () => {
      // A store that could not be created (its server is missing) has nothing to close.
      if (!created) return;
      await created.close();
      await options.cleanup?.(created);
    });

    describe('accept', () => {
      it('writes the delivery with its body, headers and a work item', async () => {
        const result = await store.accept(delivery(177210, 'series-a'));

        expect(result.outcome).toBe('accepted');
        const stored = await store.getDelivery(result.deliveryId);
        expect(stored).toMatchObject({
          id: result.deliveryId,
          status: 'pending',
          source: 'webhook',
          activityId: 177210,
          seriesKey: 'series-a',
          statusCode: 'TRIGGERED',
          activityType: 'CONDITION',
          deviceId: 7,
          path: '/ninjaone/webhook',
          headers: { 'content-type': 'application/json', 'user-agent': 'NinjaOne' },
          httpStatus: 202,
          receivedAt: T0,
          attempts: 0,
        });
        expect(JSON.parse(stored!.body!)).toMatchObject({ id: 177210 });
        expect(await store.counts()).toEqual({ pending: 1, ready: 1, leased: 0, dead: 0 });
        expect(await store.hasPendingWork('series-a')).toBe(true);
      });

      it('marks the same activity id a duplicate of the first, without a second work item', async () => {
        const first = await store.accept(delivery(5, 'series-a'));
        const second = await store.accept(delivery(5, 'series-a'));

        expect(second).toEqual({ outcome: 'duplicate', deliveryId: expect.any(Number), duplicateOf: first.deliveryId });
        expect(second.deliveryId).not.toBe(first.deliveryId);
        expect(await store.getDelivery(second.deliveryId)).toMatchObject({ status: 'duplicate', duplicateOf: first.deliveryId, httpStatus: 200 });
        expect((await store.counts()).pending).toBe(1);
      });

      it('keeps recognising a duplicate after the first was processed', async () => {
        const first = await store.accept(delivery(5, 'series-a'));
        const [item] = await store.claim(1, 1000, 'w1');
        await store.complete(item!.deliveryId, 'w1', { status: 'done' });

        const again = await store.accept(delivery(5, 'series-a'));

        expect(again).toMatchObject({ outcome: 'duplicate', duplicateOf: first.deliveryId });
      });

      it('resolves concurrent copies of the same activities to exactly one accepted delivery each', async () => {
        const ids = Array.from({ length: 100 }, (_, i) => 1000 + i);

        const results = await Promise.all([...ids, ...ids].map((id) => store.accept(delivery(id, `series-${id % 7}`))));

        expect(results.filter((r) => r.outcome === 'accepted')).toHaveLength(100);
        expect(results.filter((r) => r.outcome === 'duplicate')).toHaveLength(100);
        expect((await store.counts()).pending).toBe(100);
      });

      it('records an ignored delivery without work', async () => {
        const result = await store.accept(delivery(9, 'series-a', { status: 'ignored', reason: 'activityType MONITOR is not included' }));

        expect(result.outcome).toBe('ignored');
        expect(await store.getDelivery(result.deliveryId)).toMatchObject({ status: 'ignored', reason: 'activityType MONITOR is not included', finishedAt: T0 });
        expect((await store.counts()).pending).toBe(0);
      });

      it('accepts any number of deliveries without an activity id (the poller)', async () => {
        const a = await store.accept(delivery(undefined, 'series-a'));
        const b = await store.accept(delivery(undefined, 'series-b'));

        expect([a.outcome, b.outcome]).toEqual(['accepted', 'accepted']);
        expect(await store.getDelivery(a.deliveryId)).toMatchObject({ source: 'poller' });
      });
    });

    describe('reject', () => {
      it('records a rejected request without an activity, body only when given', async () => {
        const id = await store.reject({ receivedAt: T0, path: '/ninjaone/webhook', headers: { 'content-type': 'text/plain' }, bodyBytes: 12, httpStatus: 415, reason: 'unsupported_media_type', message: 'send JSON' });
        const withBody = await store.reject({ receivedAt: T0, path: '/ninjaone/webhook', headers: {}, body: '{"id": "x"}', bodyBytes: 11, httpStatus: 422, reason: 'not_an_activity', message: '$.id must be an integer' });

        expect(await store.getDelivery(id)).toMatchObject({ status: 'rejected', httpStatus: 415, reason: 'unsupported_media_type', message: 'send JSON', bodyBytes: 12 });
        expect((await store.getDelivery(id))!.body).toBeUndefined();
        expect((await store.getDelivery(withBody))!.body).toBe('{"id": "x"}');
        expect((await store.listDeliveries({ status: 'rejected' })).map((d) => d.id)).toEqual([withBody, id]);
        expect((await store.counts()).pending).toBe(0);
      });

      it('keeps counts of rejections not stored, by reason, adding up across calls', async () => {
        expect(await store.unstoredRejections()).toEqual({});

        await store.countUnstoredRejections({ unauthorized: 40, malformed_json: 2 });
        await store.countUnstoredRejections({ unauthorized: 9, too_large: 0 });

        expect(await store.unstoredRejections()).toEqual({ unauthorized: 49, malformed_json: 2 });
      });
    });

    describe('claim', () => {
      it('hands out one item per series, in order key order, series in parallel', async () => {
        await store.accept(delivery(30, 'a'));
        await store.accept(delivery(10, 'a'));
        await store.accept(delivery(20, 'a'));
        await store.accept(delivery(15, 'b'));

        const first = await store.claim(10, 1000, 'w1');

        expect(first.map((i) => [i.seriesKey, i.activityId]).sort()).toEqual([
          ['a', 10],
          ['b', 15],
        ]);
        expect(first.every((i) => i.attempts === 1 && i.leaseUntil === T0 + 1000)).toBe(true);
        expect(await store.claim(10, 1000, 'w2')).toEqual([]);

        await store.complete(first.find((i) => i.seriesKey === 'a')!.deliveryId, 'w1', { status: 'done' });
        const next = await store.claim(10, 1000, 'w2');

        expect(next.map((i) => i.activityId)).toEqual([20]);
      });

      it('does not hand out a series whose head is leased even when an earlier item arrives', async () => {
        await store.accept(delivery(20, 'a'));
        const [held] = await store.claim(1, 1000, 'w1');
        await store.accept(delivery(10, 'a'));

        expect(await store.claim(10, 1000, 'w2')).toEqual([]);

        await store.complete(held!.deliveryId, 'w1', { status: 'done' });
        expect((await store.claim(10, 1000, 'w2')).map((i) => i.activityId)).toEqual([10]);
      });

      it('returns the body, source and receive time with the item', async () => {
        const { deliveryId } = await store.accept(delivery(42, 'a'));

        const [item] = await store.claim(1, 1000, 'w1');

        expect(item).toMatchObject({ deliveryId, seriesKey: 'a', activityId: 42, orderKey: 42, source: 'webhook', receivedAt: T0 });
        expect(JSON.parse(item!.body)).toMatchObject({ id: 42 });
      });

      it('lets another worker take an expired lease, and the first then loses the item', async () => {
        await store.accept(delivery(1, 'a'));
        const [item] = await store.claim(1, 1000, 'w1');

        now += 999;
        expect(await store.claim(1, 1000, 'w2')).toEqual([]);
        now += 2;
        const [taken] = await store.claim(1, 1000, 'w2');

        expect(taken).toMatchObject({ deliveryId: item!.deliveryId, attempts: 2 });
        expect(await store.complete(item!.deliveryId, 'w1', { status: 'done' })).toBe(false);
        expect(await store.extend(item!.deliveryId, 'w1', 1000)).toBe(false);
        expect(await store.complete(item!.deliveryId, 'w2', { status: 'done', ticketId: 12 })).toBe(true);
        expect(await store.getDelivery(item!.deliveryId)).toMatchObject({ status: 'done', ticketId: 12 });
      });

      it('keeps a lease that is extended', async () => {
        await store.accept(delivery(1, 'a'));
        const [item] = await store.claim(1, 1000, 'w1');

        now += 900;
        expect(await store.extend(item!.deliveryId, 'w1', 1000)).toBe(true);
        now += 900;

        expect(await store.claim(1, 1000, 'w2')).toEqual([]);
      });

      it('claims nothing with a limit of 0', async () => {
        await store.accept(delivery(1, 'a'));

        expect(await store.claim(0, 1000, 'w1')).toEqual([]);
      });
    });

    describe('finishing work', () => {
      it('complete: done, with ticket id and a history entry', async () => {
        const { deliveryId } = await store.accept(delivery(1, 'a'));
        await store.claim(1, 1000, 'w1');

        now += 5;
        expect(await store.complete(deliveryId, 'w1', { status: 'done', ticketId: 99, note: 'created ticket 99' })).toBe(true);

        expect(await store.getDelivery(deliveryId)).toMatchObject({ status: 'done', ticketId: 99, finishedAt: T0 + 5, attempts: 1 });
        expect((await store.history(deliveryId)).map((h) => h.event)).toEqual(['done']);
        expect(await store.hasPendingWork('a')).toBe(false);
        expect(await store.counts()).toEqual({ pending: 0, ready: 0, leased: 0, dead: 0 });
      });

      it('fail: not due again before retryAt, and the series waits behind it', async () => {
        const { deliveryId } = await store.accept(delivery(1, 'a'));
        await store.accept(delivery(2, 'a'));
        await store.claim(1, 1000, 'w1');

        expect(await store.fail(deliveryId, 'w1', { retryAt: T0 + 5000, error: 'Halo answered 503' })).toBe(true);

        expect(await store.claim(10, 1000, 'w1')).toEqual([]);
        expect(await store.getDelivery(deliveryId)).toMatchObject({ status: 'pending', nextAttemptAt: T0 + 5000, lastError: 'Halo answered 503', attempts: 1 });
        expect(await store.nextDueAt()).toBe(T0 + 5000);
        expect(await store.counts()).toMatchObject({ pending: 2, ready: 0 });
        now = T0 + 5000;
        const [again] = await store.claim(10, 1000, 'w1');
        expect(again).toMatchObject({ deliveryId, attempts: 2 });
        expect((await store.history(deliveryId)).map((h) => h.event)).toEqual(['retry']);
      });

      it('deadLetter: dead with its reason, and the series moves on', async () => {
        const { deliveryId } = await store.accept(delivery(1, 'a'));
        await store.accept(delivery(2, 'a'));
        await store.claim(1, 1000, 'w1');

        expect(await store.deadLetter(deliveryId, 'w1', 'gave up after 20 attempts')).toBe(true);

        expect(await store.getDelivery(deliveryId)).toMatchObject({ status: 'dead', reason: 'gave up after 20 attempts' });
        expect((await store.claim(10, 1000, 'w1')).map((i) => i.activityId)).toEqual([2]);
        expect((await store.counts()).dead).toBe(1);
        expect((await store.listDeliveries({ status: 'dead' })).map((d) => d.id)).toEqual([deliveryId]);
      });

      it('release: due again at once, the claim not counted', async () => {
        const { deliveryId } = await store.accept(delivery(1, 'a'));
        await store.claim(1, 1000, 'w1');

        expect(await store.release(deliveryId, 'w1')).toBe(true);

        const [again] = await store.claim(1, 1000, 'w2');
        expect(again).toMatchObject({ deliveryId, attempts: 1 });
      });

      it('releaseAll: every lease of one worker, none of another', async () => {
        await store.accept(delivery(1, 'a'));
        await store.accept(delivery(2, 'b'));
        await store.accept(delivery(3, 'c'));
        await store.claim(2, 60_000, 'dead-worker');
        await store.claim(1, 60_000, 'live-worker');

        expect(await store.releaseAll('dead-worker')).toBe(2);

        expect((await store.claim(10, 1000, 'new-worker')).length).toBe(2);
        expect(await store.counts()).toMatchObject({ pending: 3, leased: 3 });
      });

      it('refuses to finish an item the worker never held', async () => {
        const { deliveryId } = await store.accept(delivery(1, 'a'));

        expect(await store.complete(deliveryId, 'w1', { status: 'done' })).toBe(false);
        expect(await store.fail(deliveryId, 'w1', { retryAt: T0, error: 'x' })).toBe(false);
        expect(await store.deadLetter(deliveryId, 'w1', 'x')).toBe(false);
        expect(await store.release(deliveryId, 'w1')).toBe(false);
        expect(await store.getDelivery(deliveryId)).toMatchObject({ status: 'pending' });
      });
    });

    describe('replay', () => {
      it('queues a dead delivery again, with a history entry', async () => {
        const { deliveryId } = await store.accept(delivery(1, 'a'));
        await store.claim(1, 1000, 'w1');
        await store.deadLetter(deliveryId, 'w1', 'Halo refused the ticket');

        expect(await store.replay(deliveryId)).toEqual({ ok: true, deliveryId });

        expect(await store.getDelivery(deliveryId)).toMatchObject({ status: 'pending' });
        expect((await store.claim(1, 1000, 'w1')).map((i) => i.deliveryId)).toEqual([deliveryId]);
        expect((await store.history(deliveryId)).map((h) => h.event)).toEqual(['dead-lettered', 'replayed']);
      });

      it('replays every dead delivery with --dead', async () => {
        const ids: number[] = [];
        for (const n of [1, 2, 3]) ids.push((await store.accept(delivery(n, `s${n}`))).deliveryId);
        for (const item of await store.claim(3, 1000, 'w1')) await store.deadLetter(item.deliveryId, 'w1', 'x');

        expect((await store.replayDead()).sort()).toEqual([...ids].sort());
        expect((await store.counts()).dead).toBe(0);
      });

      it('refuses rejected, duplicate, pending and unknown deliveries, saying why', async () => {
        const rejected = await store.reject({ receivedAt: T0, path: '/x', headers: {}, bodyBytes: 0, httpStatus: 401, reason: 'unauthorized', message: 'no' });
        const first = await store.accept(delivery(1, 'a'));
        const dup = await store.accept(delivery(1, 'a'));

        expect(await store.replay(rejected)).toMatchObject({ ok: false, reason: expect.stringContaining('rejected') });
        expect(await store.replay(dup.deliveryId)).toMatchObject({ ok: false, reason: expect.stringContaining(`duplicate of delivery ${first.deliveryId}`) });
        expect(await store.replay(first.deliveryId)).toMatchObject({ ok: false, reason: expect.stringContaining('still pending') });
        expect(await store.replay(424242)).toMatchObject({ ok: false, reason: 'there is no delivery 424242' });
      });
    });

    describe('series state', () => {
      it('saves, reads back and lists the series with open tickets', async () => {
        const state: SeriesState = { key: 'a', deviceId: 7, ticketId: 12, ticketOpen: true, initialStatusId: 1, triggerCount: 1, lastTriggerId: 5, lastTriggerTime: 1742391675.556, touched: false, applied: [5], updatedAt: T0 };

        await store.saveSeries(state);
        await store.saveSeries({ ...state, key: 'b', ticketOpen: false, ticketId: 13 });

        expect(await store.getSeries('a')).toEqual(state);
        expect(await store.getSeries('missing')).toBeUndefined();
        expect((await store.openSeries()).map((s) => s.key)).toEqual(['a']);
        await store.saveSeries({ ...state, ticketOpen: false, resetAt: T0 + 1 });
        expect(await store.openSeries()).toEqual([]);
        expect(await store.getSeries('a')).toMatchObject({ resetAt: T0 + 1 });
      });
    });

    describe('history and listing', () => {
      it('keeps history in order with details', async () => {
        const { deliveryId } = await store.accept(delivery(1, 'a'));

        await store.addHistory(deliveryId, 'ticket-created', { ticketId: 5 });
        now += 1;
        await store.addHistory(deliveryId, 'note-added');

        expect(await store.history(deliveryId)).toEqual([
          { deliveryId, at: T0, event: 'ticket-created', detail: { ticketId: 5 } },
          { deliveryId, at: T0 + 1, event: 'note-added' },
        ]);
      });

      it('lists newest first, by status, since a time, by series or activity, up to a limit', async () => {
        const a = await store.accept(delivery(1, 'a', { receivedAt: T0 }));
        const b = await store.accept(delivery(2, 'b', { receivedAt: T0 + 10 }));
        const c = await store.accept(delivery(3, 'a', { receivedAt: T0 + 20, status: 'ignored' }));

        expect((await store.listDeliveries()).map((d) => d.id)).toEqual([c.deliveryId, b.deliveryId, a.deliveryId]);
        expect((await store.listDeliveries({ status: 'pending' })).map((d) => d.id)).toEqual([b.deliveryId, a.deliveryId]);
        expect((await store.listDeliveries({ since: T0 + 10 })).map((d) => d.id)).toEqual([c.deliveryId, b.deliveryId]);
        expect((await store.listDeliveries({ seriesKey: 'a' })).map((d) => d.id)).toEqual([c.deliveryId, a.deliveryId]);
        expect((await store.listDeliveries({ activityId: 2 })).map((d) => d.id)).toEqual([b.deliveryId]);
        expect((await store.listDeliveries({ limit: 1 })).map((d) => d.id)).toEqual([c.deliveryId]);
      });

      it('lists by device and by the ticket a delivery went to', async () => {
        const a = await store.accept(delivery(1, 'a'));
        const b = await store.accept(delivery(2, 'b', { deviceId: 8 }));
        const [claimed] = await store.claim(1, 60_000, 'w');
        expect(claimed!.deliveryId).toBe(a.deliveryId);
        await store.complete(a.deliveryId, 'w', { status: 'done', ticketId: 4711 });

        expect((await store.listDeliveries({ deviceId: 8 })).map((d) => d.id)).toEqual([b.deliveryId]);
        expect((await store.listDeliveries({ ticketId: 4711 })).map((d) => d.id)).toEqual([a.deliveryId]);
        expect(await store.listDeliveries({ deviceId: 7, ticketId: 1 })).toEqual([]);
      });

      it('lists by the route its series took (alerts.routes)', async () => {
        const a = await store.accept(delivery(1, 'a'));
        const b = await store.accept(delivery(2, 'b'));
        const base = { ticketOpen: true, triggerCount: 1, touched: false, applied: [], updatedAt: T0 };
        await store.saveSeries({ ...base, key: 'a', route: 'backup-failures' });
        await store.saveSeries({ ...base, key: 'b', route: 'default' });
        expect((await store.listDeliveries({ route: 'backup-failures' })).map((d) => d.id)).toEqual([a.deliveryId]);
        expect((await store.listDeliveries({ route: 'default' })).map((d) => d.id)).toEqual([b.deliveryId]);
        expect(await store.listDeliveries({ route: 'nowhere' })).toEqual([]);
      });
    });

    describe('updateMeta', () => {
      it('changes a value atomically: concurrent read-modify-writes lose none', async () => {
        const add = () => store.updateMeta('counter', (v) => String(Number(v ?? '0') + 1));
        await Promise.all(Array.from({ length: 25 }, add));
        expect(await store.getMeta('counter')).toBe('25');
      });

      it('removes the value when the change returns undefined, and returns what it wrote', async () => {
        expect(await store.updateMeta('k', () => 'x')).toBe('x');
        expect(await store.updateMeta('k', (v) => (v === 'x' ? undefined : 'y'))).toBeUndefined();
        expect(await store.getMeta('k')).toBeUndefined();
      });
    });

    describe('leadership', () => {
      it('is exclusive until the lease runs out, renewable by its holder', async () => {
        expect(await store.tryLead('poller', 1000, 'a')).toBe(true);
        expect(await store.tryLead('poller', 1000, 'b')).toBe(false);
        now += 800;
        expect(await store.tryLead('poller', 1000, 'a')).toBe(true);
        now += 800;
        expect(await store.tryLead('poller', 1000, 'b')).toBe(false);
        expect(await store.lease('poller')).toEqual({ name: 'poller', owner: 'a', until: T0 + 1800 });

        now += 201;
        expect(await store.tryLead('poller', 1000, 'b')).toBe(true);
        expect(await store.tryLead('poller', 1000, 'a')).toBe(false);
      });

      it('is free again once its holder resigns; another name is independent', async () => {
        await store.tryLead('poller', 60_000, 'a');

        expect(await store.tryLead('other', 60_000, 'b')).toBe(true);
        await store.resign('poller', 'b');
        expect(await store.tryLead('poller', 60_000, 'b')).toBe(false);
        await store.resign('poller', 'a');
        expect(await store.tryLead('poller', 60_000, 'b')).toBe(true);
        expect(await store.lease('nobody')).toBeUndefined();
      });
    });

    describe('prune', () => {
      // Received at T0; the prune removes what came before CUTOFF; RECENT is after it.
      const CUTOFF = T0 + 10 * DAY;
      const RECENT = T0 + 20 * DAY;
      // Today: everything was received in the past (SQLite's work items are due from their receipt).
      beforeEach(() => {
        now = T0 + 30 * DAY;
      });

      /** Accepts a delivery and takes it through a worker to done (or dead). */
      async function processed(d: NewDelivery, how: 'done' | 'dead' = 'done'): Promise<number> {
        const { deliveryId } = await store.accept(d);
        const items = await store.claim(100, 60_000, 'w-setup');
        for (const item of items) if (item.deliveryId !== deliveryId) await store.release(item.deliveryId, 'w-setup');
        expect(items.map((i) => i.deliveryId)).toContain(deliveryId);
        if (how === 'done') await store.complete(deliveryId, 'w-setup', { status: 'done', ticketId: 12 });
        else await store.deadLetter(deliveryId, 'w-setup', 'Halo refused the ticket');
        return deliveryId;
      }

      it('removes finished deliveries received before the cutoff, with their history, and counts them by status', async () => {
        const done = await processed(delivery(1, 'a'));
        await store.addHistory(done, 'ticket-created', { ticketId: 12 });
        const ignored = (await store.accept(delivery(2, 'b', { status: 'ignored', reason: 'activityType MONITOR is not included' }))).deliveryId;
        const duplicate = (await store.accept(delivery(1, 'a'))).deliveryId;
        const rejected = await store.reject({ receivedAt: T0, path: '/ninjaone/webhook', headers: {}, bodyBytes: 3, httpStatus: 400, reason: 'malformed_json', message: 'not JSON' });
        const dead = await processed(delivery(3, 'c'), 'dead');
        const recentDone = await processed(delivery(4, 'd', { receivedAt: RECENT }));
        const recentIgnored = (await store.accept(delivery(5, 'e', { receivedAt: RECENT, status: 'ignored' }))).deliveryId;

        const result = await store.prune({ olderThan: CUTOFF });

        expect(result).toEqual(pruned({ deliveries: { done: 1, ignored: 1, duplicate: 1, rejected: 1 }, history: 2 }));
        for (const id of [done, ignored, duplicate, rejected]) expect(await store.getDelivery(id), `delivery ${id}`).toBeUndefined();
        expect(await store.history(done)).toEqual([]);
        expect((await store.listDeliveries()).map((d) => d.id)).toEqual([recentIgnored, recentDone, dead]);
        expect((await store.history(dead)).map((h) => h.event)).toEqual(['dead-lettered']);
        expect((await store.history(recentDone)).map((h) => h.event)).toEqual(['done']);
      });

      it('removes dead deliveries too when told not to keep them', async () => {
        const dead = await processed(delivery(3, 'c'), 'dead');

        expect(await store.prune({ olderThan: CUTOFF, keepDead: true })).toEqual(pruned());
        expect(await store.prune({ olderThan: CUTOFF, keepDead: false })).toEqual(pruned({ deliveries: { dead: 1 }, history: 1 }));
        expect(await store.getDelivery(dead)).toBeUndefined();
        expect((await store.counts()).dead).toBe(0);
      });

      it('never removes a pending delivery: waiting, leased by a worker, or scheduled for a retry', async () => {
        const waiting = (await store.accept(delivery(1, 'a'))).deliveryId;
        const leased = (await store.accept(delivery(2, 'b'))).deliveryId;
        const retrying = (await store.accept(delivery(3, 'c'))).deliveryId;
        const items = await store.claim(10, 60_000, 'w1');
        await store.release(waiting, 'w1');
        await store.fail(retrying, 'w1', { retryAt: T0 + 50 * DAY, error: 'Halo answered 503' });

        const result = await store.prune({ olderThan: T0 + 30 * DAY, keepDead: false });

        expect(items).toHaveLength(3);
        expect(result).toEqual(pruned());
        expect((await store.listDeliveries({ status: 'pending' })).map((d) => d.id)).toEqual([retrying, leased, waiting]);
        expect((await store.history(retrying)).map((h) => h.event)).toEqual(['retry']);
        expect(await store.complete(leased, 'w1', { status: 'done' })).toBe(true);
        expect((await store.claim(10, 60_000, 'w2')).map((i) => i.deliveryId)).toEqual([waiting]);
      });

      it('removes a settled series once its deliveries are gone, and keeps every series that still matters', async () => {
        const OLD = T0 + DAY;
        const keys = ['settled', 'never-ticketed', 'open', 'closed-by-a-person', 'creating', 'decided-write', 'work', 'recent', 'recent-delivery', 'dead-delivery'];
        for (const key of keys) await processed(delivery(keys.indexOf(key) + 1, key));
        await store.saveSeries(settledSeries('settled', OLD));
        await store.saveSeries({ key: 'never-ticketed', ticketOpen: false, triggerCount: 0, touched: false, applied: [2], updatedAt: OLD });
        // The ticket is open: a copy of an activity must find the series (applied) and the ticket.
        await store.saveSeries(settledSeries('open', OLD, { ticketOpen: true, resetAt: undefined, resetId: undefined }));
        // Closed by a person while the alert is active: the poller must not open another ticket.
        await store.saveSeries(settledSeries('closed-by-a-person', OLD, { resetAt: undefined, resetId: undefined }));
        // A create whose answer was lost: the next attempt searches Halo first.
        await store.saveSeries({ key: 'creating', deviceId: 7, ticketOpen: false, triggerCount: 0, touched: false, applied: [], createStartedAt: OLD, updatedAt: OLD });
        await store.saveSeries(settledSeries('decided-write', OLD, { pending: [{ kind: 'note', html: '<p>reset</p>', label: 'reset' }] }));
        await store.saveSeries(settledSeries('work', OLD));
        await store.accept(delivery(100, 'work'));
        await store.saveSeries(settledSeries('recent', RECENT));
        await store.saveSeries(settledSeries('recent-delivery', OLD));
        await store.accept(delivery(101, 'recent-delivery', { receivedAt: RECENT, status: 'ignored' }));
        await store.saveSeries(settledSeries('dead-delivery', OLD));
        await processed(delivery(102, 'dead-delivery'), 'dead');

        const result = await store.prune({ olderThan: CUTOFF });

        expect(result.series).toBe(2);
        const left = [];
        for (const key of keys) if (await store.getSeries(key)) left.push(key);
        expect(left).toEqual(keys.filter((k) => k !== 'settled' && k !== 'never-ticketed'));
        expect((await store.openSeries()).map((s) => s.key)).toEqual(['open']);
      });

      it('keeps the state that makes a copy of an activity change nothing while its ticket is open', async () => {
        const first = await processed(delivery(42, 'a'));
        await store.saveSeries(settledSeries('a', T0, { ticketOpen: true, resetAt: undefined, resetId: undefined, lastTriggerId: 42, applied: [42] }));
        expect(await store.accept(delivery(42, 'a'))).toMatchObject({ outcome: 'duplicate', duplicateOf: first });

        const result = await store.prune({ olderThan: CUTOFF });
        const copy = await store.accept(delivery(42, 'a', { receivedAt: RECENT }));

        expect(result).toEqual(pruned({ deliveries: { done: 1, duplicate: 1 }, history: 1 }));
        // The inbox no longer knows the first delivery; the series still knows the activity.
        expect(copy.outcome).toBe('accepted');
        expect(await store.getSeries('a')).toMatchObject({ ticketId: 12, ticketOpen: true, applied: [42] });
      });

      it('counts in a dry run exactly what a prune then removes, removing nothing', async () => {
        await processed(delivery(1, 'a'));
        await processed(delivery(2, 'b'), 'dead');
        await store.accept(delivery(3, 'c', { status: 'ignored' }));
        await store.accept(delivery(4, 'd', { receivedAt: RECENT }));
        await store.saveSeries(settledSeries('a', T0));
        await store.saveSeries(settledSeries('b', T0));
        await store.saveSeries(settledSeries('d', T0));
        const before = await store.listDeliveries();

        const dry = await store.prune({ olderThan: CUTOFF, keepDead: false, dryRun: true });

        expect(dry).toEqual(pruned({ deliveries: { done: 1, dead: 1, ignored: 1 }, history: 2, series: 2 }));
        expect(await store.listDeliveries()).toEqual(before);
        expect(await store.getSeries('a')).toBeDefined();
        expect(await store.prune({ olderThan: CUTOFF, keepDead: false })).toEqual(dry);
      });

      it('removes everything due whatever the batch size, and a second prune finds nothing', async () => {
        for (let i = 1; i <= 7; i++) {
          await processed(delivery(i, `s${i}`));
          await store.saveSeries(settledSeries(`s${i}`, T0));
        }
        await store.accept(delivery(8, 's8', { receivedAt: RECENT, status: 'ignored' }));

        const result = await store.prune({ olderThan: CUTOFF, batchSize: 2 });

        expect(result).toEqual(pruned({ deliveries: { done: 7 }, history: 7, series: 7 }));
        expect((await store.listDeliveries()).map((d) => d.activityId)).toEqual([8]);
        expect(await store.prune({ olderThan: CUTOFF, batchSize: 2 })).toEqual(pruned());
      });

      it('meets a pruned series as new: its next delivery is queued and claimed as usual', async () => {
        await processed(delivery(1, 'a'));
        await store.saveSeries(settledSeries('a', T0));
        expect((await store.prune({ olderThan: CUTOFF })).series).toBe(1);

        const { deliveryId } = await store.accept(delivery(2, 'a', { receivedAt: RECENT }));

        expect(await store.hasPendingWork('a')).toBe(true);
        expect((await store.claim(10, 1000, 'w1')).map((i) => i.deliveryId)).toEqual([deliveryId]);
      });

      it('says a pruned delivery is not there when asked to replay it', async () => {
        const id = await processed(delivery(1, 'a'), 'dead');
        await store.prune({ olderThan: CUTOFF, keepDead: false });

        expect(await store.replay(id)).toEqual({ ok: false, deliveryId: id, reason: `there is no delivery ${id}` });
      });

      it('stops between batches when its signal is aborted, what it removed staying removed', async () => {
        for (let i = 1; i <= 5; i++) await store.accept(delivery(i, `s${i}`, { status: 'ignored' }));
        const stop = new AbortController();

        const pruning = store.prune({ olderThan: CUTOFF, batchSize: 1, signal: stop.signal });
        stop.abort(new Error('serve is stopping'));

        await expect(pruning).rejects.toThrow('serve is stopping');
        expect((await store.listDeliveries()).length).toBeGreaterThanOrEqual(4);
        expect((await store.prune({ olderThan: CUTOFF })).deliveries.ignored).toBeGreaterThanOrEqual(4);
      });

      it('refuses a batch size that is not a whole number of at least 1', async () => {
        await expect(store.prune({ olderThan: CUTOFF, batchSize: 0 })).rejects.toThrow('prune batchSize must be a whole number of at least 1, got 0');
      });
    });

    describe('sync cache', () => {
      const row = (kind: string, id: number, body = `{"id":${id}}`) => ({ kind, id, body });

      it('keeps rows with their meta, replaces whole kinds, and upserts by kind and id', async () => {
        expect(await store.readCache()).toEqual({ meta: undefined, rows: [] });
        // More rows than one PostgreSQL statement takes: they go in several, in one transaction.
        const assets = Array.from({ length: 5001 }, (_, i) => row('assets', i + 1));
        await store.writeCache({ replaceKinds: 'all', put: [row('clients', 1), row('clients', 2), ...assets], meta: 'm1' });
        const first = await store.readCache();
        expect(first.meta).toBe('m1');
        expect(first.rows).toHaveLength(5003);
        expect(first.rows.slice(0, 2)).toEqual([row('assets', 1), row('assets', 2)]);

        await store.writeCache({ replaceKinds: ['clients'], put: [row('clients', 3), row('assets', 2, '{"id":2,"edited":true}')], meta: 'm2' });
        const second = await store.readCache();
        expect(second.meta).toBe('m2');
        expect(second.rows.filter((r) => r.kind === 'clients')).toEqual([row('clients', 3)]);
        expect(second.rows.find((r) => r.kind === 'assets' && r.id === 2)).toEqual(row('assets', 2, '{"id":2,"edited":true}'));
        expect(second.rows).toHaveLength(5002);

        await store.writeCache({ replaceKinds: 'all', meta: 'm3' });
        expect(await store.readCache()).toEqual({ meta: 'm3', rows: [] });
      });
    });

    describe('meta and health', () => {
      it('stores small settings', async () => {
        expect(await store.getMeta('adopted')).toBeUndefined();

        await store.setMeta('adopted', 'yes');
        await store.setMeta('adopted', 'again');

        expect(await store.getMeta('adopted')).toBe('again');
      });

      it('pings while open and refuses work once closed', async () => {
        await expect(store.ping()).resolves.toBeUndefined();
        await store.close();

        await expect(store.ping()).rejects.toThrow();
        await expect(store.accept(delivery(1, 'a'))).rejects.toThrow();
      });
    });
  });
}
