/**
 * serve when things go wrong: Halo down (500s), rate-limited (429s) and losing answers (a ticket
 * created but the response timed out) during a burst; webhooks that never arrive (the poller);
 * a lost store (the link lives on the ticket); a delivery that cannot be placed until apply has
 * run (dead letter, then `inbox replay --dead`); and a graceful stop in the middle of work.
 * Retries use millisecond back-offs (fastServeOptions): the same code paths, no real waiting.
 */

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HaloApiClient } from '../../src/halo/client.js';
import { cli } from '../helpers/cli.js';
import { fastServeOptions, specText, startWorld, type World } from './fixtures.js';
import { NINJAONE } from '../../src/rmm/ninjaone/provider.js';

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe('Halo unavailable', () => {
  it('turns every acknowledged delivery of a 200-alert burst into exactly one correct ticket once Halo is back', async () => {
    const fast = fastServeOptions();
    // A 300 ms attempt timeout, so the "answer lost" fault below (a 1 s trickle) times out.
    // realTicketFilters: finding a ticket whose create answer was lost cannot lean on a filter Halo lacks.
    world = await startWorld({ seed: { devices: 60 }, serve: { halo: { ...fast.halo, timeoutMs: 300 } }, realTicketFilters: true });
    const { sandbox, cast } = world;
    sandbox.ninjaone.control.setWebhookDelivery({ concurrency: 8 });
    sandbox.halo.server.faults.set([
      // Three ticket creates whose answers never arrive in time — the tickets are created all the same.
      { route: '/api/Tickets', method: 'POST', slowBodyMs: 1000, count: 3 },
      // Halo down: the next 250 API requests fail with 500. (No create can come before they are
      // used up: placing a ticket needs Halo's asset and site lists first.)
      { route: '/api/*', errorRate: 1, count: 250 },
      // Then rate-limited for a while (reads, so the three slow creates above really create).
      { route: '/api/*', method: 'GET', rateLimitRate: 1, count: 20 },
    ]);
    const devices = cast.linked;

    const uids = Array.from({ length: 200 }, (_, i) => world!.trigger({ deviceId: devices[i % devices.length]!, severity: 'MODERATE' }));
    await sandbox.ninjaone.control.flushWebhooks();
    const acknowledged = sandbox.ninjaone.control.webhookDeliveries().filter((d) => d.responseStatus === 202);
    await world.serve.idle();

    expect(acknowledged).toHaveLength(200);
    expect(sandbox.halo.server.faults.list()).toEqual([]);
    const state = world.state();
    const assets = new Map(state.assets.map((a) => [a.ninjarmm_id, a]));
    for (const [i, uid] of uids.entries()) {
      const tickets = state.tickets.filter((t) => t.ninja_alert_id === uid);
      expect(tickets, uid).toHaveLength(1);
      const asset = assets.get(devices[i % devices.length]!)!;
      expect(tickets[0]).toMatchObject({ asset_ids: [asset.id], client_id: asset.client_id, site_id: asset.site_id, priority_id: 3, tickettype_id: 21, status_id: 1 });
    }
    expect(state.tickets).toHaveLength(200);
    const store = world.serve.store;
    expect(await store.counts()).toMatchObject({ pending: 0, dead: 0 });
    expect((await store.listDeliveries({ status: 'done', limit: 1000 })).length).toBe(200);
    expect(await world.serve.metrics.value('haloform_delivery_retries_total')).toBeGreaterThan(0);
    expect(await world.serve.metrics.value('haloform_halo_rate_limited_total')).toBeGreaterThan(0);
    const adopted = await Promise.all((await store.listDeliveries({ status: 'done', limit: 1000 })).map((d) => store.history(d.id)));
    expect(adopted.flat().filter((h) => h.event === 'ticket-adopted').length).toBeGreaterThan(0);
  }, 60_000);

  it('dead-letters what cannot be placed, says to run apply, and replays it once fixed', async () => {
    world = await startWorld({ seed: { catchAll: false } });
    const uid = world.trigger({ deviceId: world.cast.unknown.deviceId });
    await world.settle();

    const [dead] = await world.serve.store.listDeliveries({ status: 'dead' });
    expect(dead!.reason).toMatch(/^NinjaOne device \d+ .* is not linked in Halo, and the catch-all client "Unassigned Devices" \(customers\.catchAll\) does not exist in Halo\. Run haloform apply, which creates it, then haloform inbox replay --dead\.$/);
    const listed = await cli(['inbox', 'list', '--status', 'dead', '--store', world.storeUrl]);
    expect(listed.stdout).toContain(`${dead!.id} `);
    expect(world.ticketsOf(uid)).toEqual([]);

    // What apply would do: create the catch-all client and site.
    const halo = new HaloApiClient(world.spec.connections.halo, NINJAONE.halo);
    const [client] = await halo.saveClients([{ name: 'Unassigned Devices', topLevelId: 1, mainSiteName: 'Unknown' }]);
    await halo.close();
    const replay = await cli(['inbox', 'replay', '--dead', '--store', world.storeUrl]);
    expect(replay).toMatchObject({ code: 0, stdout: `1 dead delivery queued again: ${dead!.id}. A running haloform serve picks them up within a second.\n` });
    await world.serve.idle();

    const ticket = world.ticketsOf(uid)[0]!;
    expect(ticket.client_id).toBe(client!.id);
    writeFileSync(join(world.dir, 'spec.yaml'), specText());
    const show = await cli(['inbox', 'show', String(dead!.id), '--store', world.storeUrl, '-c', 'spec.yaml'], { cwd: world.dir, env: world.env });
    expect(show.code).toBe(0);
    expect(show.stdout).toContain(`Delivery ${dead!.id} — done`);
    expect(show.stdout).toMatch(/dead-lettered.*\n.*replayed.*\n.*ticket-created/);
    expect(show.stdout).toContain(`#${ticket.id} ${ticket.summary} — status 1, client ${client!.id}`);
    expect(show.stdout).toContain('"statusCode": "TRIGGERED"');
  });
});

describe('retry budget and rate limits', () => {
  it('dead-letters a delivery once its retry budget is spent, and replays it when Halo is back', async () => {
    const fast = fastServeOptions();
    world = await startWorld({ serve: { workers: { ...fast.workers, retry: { baseMs: 5, maxMs: 10, rateLimitMinMs: 10, maxAttempts: 3 } } } });
    world.sandbox.halo.server.faults.set([{ route: '/api/*', errorRate: 1 }]);
    const uid = world.trigger({ deviceId: world.cast.plain.deviceId });
    await world.settle();

    const [dead] = await world.serve.store.listDeliveries({ status: 'dead' });
    expect(dead).toMatchObject({ attempts: 3, reason: expect.stringMatching(/^gave up after 3 attempts: Halo answered 500 Internal Server Error to GET \/api\//) });
    expect((await world.serve.store.history(dead!.id)).map((h) => h.event)).toEqual(['retry', 'retry', 'dead-lettered']);
    expect(await world.serve.metrics.value('haloform_deliveries_dead_lettered_total')).toBe(1);

    world.sandbox.halo.server.faults.clear();
    expect(await world.serve.store.replayDead()).toEqual([dead!.id]);
    await world.serve.idle();
    expect(world.ticketsOf(uid)).toHaveLength(1);
  });

  it('waits at least 30 s before retrying after Halo answers 429 (the production default)', async () => {
    const fast = fastServeOptions();
    // Production retry policy; one HTTP attempt so the 429 reaches the worker at once.
    world = await startWorld({ serve: { workers: { concurrency: 4, pollIntervalMs: 50 }, halo: { ...fast.halo, maxAttempts: 1 } } });
    world.sandbox.halo.server.faults.set([{ route: '/api/Tickets', method: 'POST', rateLimitRate: 1, count: 1 }]);
    world.trigger({ deviceId: world.cast.plain.deviceId });
    await world.sandbox.ninjaone.control.flushWebhooks();

    const { waitFor } = await import('./fixtures.js');
    const delivery = await waitFor('the 429 to be scheduled for a retry', async () => (await world!.serve.store.listDeliveries({ status: 'pending' })).find((d) => d.nextAttemptAt !== undefined));

    expect(delivery.lastError).toMatch(/^Halo answered 429 Too Many Requests to POST \/api\/Tickets/);
    expect(delivery.nextAttemptAt! - delivery.receivedAt).toBeGreaterThanOrEqual(30_000);
    expect(await world.serve.metrics.value('haloform_halo_rate_limited_total')).toBe(1);
  });
});

describe('missed webhooks: the poller', () => {
  it('opens and closes the missed tickets within one poll period', async () => {
    world = await startWorld();
    const control = world.sandbox.ninjaone.control;
    const devices = world.cast.linked;
    control.setWebhookDelivery({ dropRate: 0.5 });
    const uids = Array.from({ length: 24 }, (_, i) => world!.trigger({ deviceId: devices[i % devices.length]! }));
    const resetUids = uids.filter((_, i) => i % 2 === 0);
    await world.settle();
    for (const uid of resetUids) control.resetAlert(uid);
    await world.settle();
    const dropped = control.webhookDeliveries().filter((d) => d.outcome === 'dropped');
    expect(dropped.length).toBeGreaterThan(4);
    const missingBefore = uids.filter((u) => !resetUids.includes(u) && world!.ticketsOf(u).length === 0).length;
    const openBefore = resetUids.filter((u) => world!.ticketsOf(u).some((t) => t.status_id !== 9)).length;
    expect(missingBefore + openBefore).toBeGreaterThan(0);

    const result = await world.serve.poll();
    await world.serve.idle();

    expect(result).toMatchObject({ leader: true, activeAlerts: 12, opened: missingBefore, closed: openBefore });
    for (const uid of uids) {
      const tickets = world.ticketsOf(uid);
      if (resetUids.includes(uid)) {
        // An alert whose TRIGGERED and RESET were both lost never shows anywhere: no ticket is fine, an open one is not.
        expect(tickets.length, uid).toBeLessThanOrEqual(1);
        expect(tickets.every((t) => t.status_id === 9), uid).toBe(true);
      } else {
        expect(tickets.map((t) => t.status_id), uid).toEqual([1]);
      }
    }
    expect(await world.serve.metrics.value('haloform_poller_recovered_total', { kind: 'opened' })).toBe(missingBefore);
    expect(await world.serve.metrics.value('haloform_poller_recovered_total', { kind: 'closed' })).toBe(openBefore);

    const again = await world.serve.poll();
    expect(again).toMatchObject({ opened: 0, closed: 0 });
  });

  it('does not note a late webhook for a firing the poller already covered', async () => {
    world = await startWorld();
    const control = world.sandbox.ninjaone.control;
    // Held in the reorder window until flushed: the webhook arrives after the poll.
    control.setWebhookDelivery({ reorderWindow: 10 });
    const uid = world.trigger({ deviceId: world.cast.plain.deviceId });

    await world.serve.poll();
    await world.serve.idle();
    expect(world.ticketsOf(uid)).toHaveLength(1);
    await world.settle();

    const [ticket] = world.ticketsOf(uid);
    expect(world.ticketsOf(uid)).toHaveLength(1);
    expect(world.notesOf(ticket!.id)).toEqual([]);
  });
});

describe('the link lives on the ticket', () => {
  it('a new store adopts open haloform tickets, so no alert gets a second one', async () => {
    world = await startWorld({ realTicketFilters: true });
    const uid = world.trigger({ deviceId: world.cast.plain.deviceId });
    await world.settle();
    await world.serve.stop();

    await world.restart({ storeUrl: `sqlite:${join(world.dir, 'replacement.db')}` });
    world.fireAgain(uid);
    await world.settle();
    world.sandbox.ninjaone.control.resetAlert(uid);
    await world.settle();

    const tickets = world.ticketsOf(uid);
    expect(tickets).toHaveLength(1);
    expect(tickets[0]!.status_id).toBe(9);
    const notes = world.notesOf(tickets[0]!.id);
    expect(notes).toHaveLength(2);
    expect(notes[0]).toContain('The alert fired again');
  });
});

describe('graceful stop', () => {
  it('hands back work in flight and a restart on the same store processes it exactly once', async () => {
    world = await startWorld();
    const { sandbox } = world;
    // Halo answers slowly: creates are in flight when serve stops.
    sandbox.halo.server.faults.set([{ route: '/api/Tickets', method: 'POST', latencyMs: 400 }]);
    const uids = Array.from({ length: 8 }, (_, i) => world!.trigger({ deviceId: world!.cast.linked[i]! }));
    await sandbox.ninjaone.control.flushWebhooks();

    await world.serve.stop({ graceMs: 50 });
    const pending = (await import('../../src/store/open-store.js')).openStore(world.storeUrl);
    const inbox = await pending;
    const left = (await inbox.counts()).pending;
    await inbox.close();
    sandbox.halo.server.faults.clear();
    await world.restart();
    await world.serve.idle();

    expect(left).toBeGreaterThan(0);
    for (const uid of uids) expect(world.ticketsOf(uid), uid).toHaveLength(1);
    expect(await world.serve.store.counts()).toMatchObject({ pending: 0, dead: 0 });
  });
});
