/**
 * Two-way close (alerts.onTicketClosed): a person closing an alert's ticket in Halo resets the
 * alert in NinjaOne — found by the poller here (the Halo webhook is the fast path) — once, never
 * for a ticket haloform closed because the alert reset, and a reset NinjaOne refuses is retried
 * and then dead-lettered like any delivery, to be replayed.
 */

import { afterEach, describe, expect, it } from 'vitest';
import { HaloApiClient } from '../../src/halo/client.js';
import { NINJAONE } from '../../src/rmm/ninjaone/provider.js';
import { alertsWith, specText, startWorld, type World } from './fixtures.js';

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const resetRequests = (w: World) => w.sandbox.ninjaone.server.requests().filter((r) => r.method === 'POST' && /^\/v2\/alert\/[^/]+\/reset$/.test(r.path));
const active = (w: World, uid: string) => w.sandbox.ninjaone.control.state().alerts.some((a) => a.uid === uid);

async function alertWithTicket(w: World): Promise<{ uid: string; ticketId: number }> {
  const uid = w.trigger({ deviceId: w.cast.linked[0]! });
  await w.settle();
  const [ticket] = w.ticketsOf(uid);
  expect(ticket).toBeDefined();
  return { uid, ticketId: ticket!.id };
}

describe('a ticket closed in Halo resets its alert (alerts.onTicketClosed: resetAlert, the default)', () => {
  it('resets the alert once when a person closes the ticket; the RESET that follows leaves the ticket as they left it', async () => {
    world = await startWorld();
    const { uid, ticketId } = await alertWithTicket(world);
    world.sandbox.halo.control.closeTicket(ticketId);
    const notesBefore = world.notesOf(ticketId).length;

    const poll = await world.serve.poll();
    expect(poll).toMatchObject({ ticketsClosed: 1, opened: 0 });
    await world.settle(); // the reset, then the RESET webhook NinjaOne sends for it
    await world.settle();

    expect(active(world, uid)).toBe(false);
    expect(resetRequests(world)).toHaveLength(1);
    const [ticket] = world.ticketsOf(uid);
    expect(ticket!.hasbeenclosed || ticket!.status_id === 9).toBe(true);
    expect(world.notesOf(ticketId)).toHaveLength(notesBefore);
    const deliveries = await world.serve.store.listDeliveries({ seriesKey: uid });
    expect(deliveries.find((d) => d.statusCode === 'HALO_TICKET_CLOSED')).toMatchObject({ status: 'done', source: 'poller' });
    expect(deliveries.find((d) => d.statusCode === 'RESET')).toMatchObject({ status: 'done' });

    // Nothing more to do: the next poll queues nothing, and no second reset is sent.
    expect(await world.serve.poll()).toMatchObject({ ticketsClosed: 0 });
    await world.settle();
    expect(resetRequests(world)).toHaveLength(1);
  });

  it('never resets back for a ticket haloform closed because the alert reset', async () => {
    world = await startWorld();
    const { uid } = await alertWithTicket(world);
    world.sandbox.ninjaone.control.resetAlert(uid);
    await world.settle();
    expect(world.ticketsOf(uid)[0]!.status_id).not.toBe(1);

    expect(await world.serve.poll()).toMatchObject({ ticketsClosed: 0 });
    await world.settle();
    expect(resetRequests(world)).toEqual([]);
  });

  it('retries a reset NinjaOne refuses, then dead-letters it; a replay finishes it', async () => {
    world = await startWorld();
    const { uid, ticketId } = await alertWithTicket(world);
    world.sandbox.ninjaone.server.faults.set([{ route: '/v2/alert/*/reset', method: 'POST', errorRate: 1 }]);
    world.sandbox.halo.control.closeTicket(ticketId);
    await world.serve.poll();
    await world.settle();

    const dead = (await world.serve.store.listDeliveries({ seriesKey: uid })).find((d) => d.statusCode === 'HALO_TICKET_CLOSED')!;
    expect(dead.status).toBe('dead');
    expect(resetRequests(world).length).toBeGreaterThan(1);
    expect(active(world, uid)).toBe(true);
    // The poller does not queue it again while one is dead: the close was handled, and waits for a replay.
    expect(await world.serve.poll()).toMatchObject({ ticketsClosed: 0 });

    world.sandbox.ninjaone.server.faults.set([]);
    expect(await world.serve.store.replay(dead.id)).toMatchObject({ ok: true });
    await world.settle();
    await world.settle();
    expect(active(world, uid)).toBe(false);
  });

  it('leaves the alert with alerts.onTicketClosed: nothing', async () => {
    world = await startWorld({ spec: specText({ alerts: alertsWith('  onTicketClosed: nothing') }) });
    const { uid, ticketId } = await alertWithTicket(world);
    world.sandbox.halo.control.closeTicket(ticketId);
    expect(await world.serve.poll()).toMatchObject({ ticketsClosed: 0, opened: 0 });
    await world.settle();
    expect(active(world, uid)).toBe(true);
    expect(resetRequests(world)).toEqual([]);
  });
});

describe('the Halo webhook (POST /halo/webhook, HALOFORM_HALO_WEBHOOK_SECRET)', () => {
  const HALO_SECRET = 'halo-webhook-secret-0123456789abcdef';

  /** Registers serve's route as a Halo outgoing webhook on ticket updates, Basic auth (as apply would). */
  async function registerHaloWebhook(w: World, password = HALO_SECRET): Promise<void> {
    const halo = new HaloApiClient(w.spec.connections.halo, NINJAONE.halo);
    await halo.http.request({
      method: 'POST',
      path: '/api/Webhook',
      label: 'POST /api/Webhook',
      json: [{ name: 'haloform alerts', url: `${w.serve.url}/halo/webhook`, active: true, authentication_type: 1, basic_username: 'haloform', basic_password: password, events: [{ event: 'ticket.updated' }] }],
    });
    await halo.close();
  }

  it('resets the alert within moments of the ticket closing, no poll needed; haloform’s own close resets nothing', async () => {
    world = await startWorld({ serve: { haloWebhookSecret: HALO_SECRET } });
    await registerHaloWebhook(world);
    const { uid, ticketId } = await alertWithTicket(world);
    await world.sandbox.halo.control.flushWebhooks(); // the ticket's own creation and notes: open, ignored

    const closedAt = Date.now();
    world.sandbox.halo.control.closeTicket(ticketId);
    await world.sandbox.halo.control.flushWebhooks();
    await world.settle();
    expect(active(world, uid)).toBe(false);
    expect(Date.now() - closedAt).toBeLessThan(5_000);
    const event = (await world.serve.store.listDeliveries({ seriesKey: uid })).find((d) => d.statusCode === 'HALO_TICKET_CLOSED')!;
    expect(event).toMatchObject({ status: 'done', source: 'halo' });
    expect(resetRequests(world)).toHaveLength(1);

    // An alert that resets in NinjaOne: haloform closes its ticket; Halo tells serve; nothing goes back.
    const other = world.trigger({ deviceId: world.cast.linked[1]! });
    await world.settle();
    world.sandbox.ninjaone.control.resetAlert(other);
    await world.settle();
    await world.sandbox.halo.control.flushWebhooks();
    await world.serve.idle();
    expect(world.ticketsOf(other)[0]!.status_id).toBe(9);
    expect(resetRequests(world)).toHaveLength(1);
  });

  it('refuses a wrong secret (401) and a body that is no ticket (422); answers 404 without the secret set', async () => {
    world = await startWorld({ serve: { haloWebhookSecret: HALO_SECRET } });
    const post = (body: unknown, authorization?: string) =>
      fetch(`${world!.serve.url}/halo/webhook`, { method: 'POST', headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) }, body: JSON.stringify(body) });
    const basic = (password: string) => `Basic ${Buffer.from(`haloform:${password}`).toString('base64')}`;
    expect((await post({ ticket: { id: 1 } })).status).toBe(401);
    expect((await post({ ticket: { id: 1 } }, basic('wrong'))).status).toBe(401);
    const notATicket = await post({ event: 'ticket.updated', ticket: { summary: 'no id' } }, basic(HALO_SECRET));
    expect(notATicket.status).toBe(422);
    expect(await notATicket.json()).toMatchObject({ error: "Unprocessable Content: not a Halo ticket event: $.ticket.id must be the ticket's id (a whole number)" });
    const another = await post({ ticket: { id: 424242, status_id: 9 } }, basic(HALO_SECRET));
    expect(await another.json()).toMatchObject({ status: 'ignored', reason: 'ticket 424242 is not an alert ticket haloform made' });
    await world.close();

    world = await startWorld();
    const off = await fetch(`${world.serve.url}/halo/webhook`, { method: 'POST', body: '{}' });
    expect(off.status).toBe(404);
    expect(await off.json()).toMatchObject({ error: 'Not Found: POST /halo/webhook needs HALOFORM_HALO_WEBHOOK_SECRET set where serve runs' });
  });
});

describe('alerts.reopenWithinMinutes: a flapping condition keeps one ticket', () => {
  it('reopens the ticket its device and condition closed minutes ago, with a note, for the next alert (another uid); off, a new ticket', async () => {
    world = await startWorld({ spec: specText({ alerts: alertsWith('  reopenWithinMinutes: 30') }) });
    const device = world.cast.linked[0]!;
    const flap = () => world!.trigger({ deviceId: device, sourceType: 'CONDITION_AGENT_OFFLINE', message: 'Device offline' });
    const first = flap();
    await world.settle();
    const [ticket] = world.ticketsOf(first);
    world.sandbox.ninjaone.control.resetAlert(first);
    await world.settle();
    expect(world.state().tickets.find((t) => t.id === ticket!.id)!.status_id).toBe(9);

    const second = flap();
    await world.settle();
    const reopened = world.state().tickets.find((t) => t.id === ticket!.id)!;
    expect(reopened.status_id).not.toBe(9);
    expect(world.state().tickets).toHaveLength(1);
    expect(world.notesOf(ticket!.id).at(-1)).toMatch(/The alert fired again.*Device offline\. The ticket had closed 0 minutes before, so haloform reopened it rather than open another \(alerts\.reopenWithinMinutes\)\./);
    expect((await world.serve.store.listDeliveries({ seriesKey: second }))[0]).toMatchObject({ status: 'done', ticketId: ticket!.id });

    // Its reset closes the same ticket again; the poller sees nothing amiss.
    world.sandbox.ninjaone.control.resetAlert(second);
    await world.settle();
    expect(world.state().tickets.find((t) => t.id === ticket!.id)!.status_id).toBe(9);
    expect(await world.serve.poll()).toMatchObject({ opened: 0, closed: 0, ticketsClosed: 0 });
    await world.close();

    world = await startWorld();
    const a = world.trigger({ deviceId: device, sourceType: 'CONDITION_AGENT_OFFLINE', message: 'Device offline' });
    await world.settle();
    world.sandbox.ninjaone.control.resetAlert(a);
    await world.settle();
    world.trigger({ deviceId: device, sourceType: 'CONDITION_AGENT_OFFLINE', message: 'Device offline' });
    await world.settle();
    expect(world.state().tickets).toHaveLength(2);
  });
});

describe('alerts.reopenWithinMinutes within one series', () => {
  it('a repeat of an alert whose ticket a person closed minutes ago reopens that ticket', async () => {
    world = await startWorld({ spec: specText({ alerts: alertsWith('  reopenWithinMinutes: 30\n  onTicketClosed: nothing') }) });
    const { uid, ticketId } = await alertWithTicket(world);
    world.sandbox.halo.control.closeTicket(ticketId);
    world.fireAgain(uid);
    await world.settle();
    expect(world.ticketsOf(uid)).toHaveLength(1);
    expect(world.state().tickets.find((t) => t.id === ticketId)!.status_id).not.toBe(9);
    expect(world.notesOf(ticketId).at(-1)).toContain('so haloform reopened it rather than open another');
  });
});
