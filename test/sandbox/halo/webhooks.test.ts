import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Harness, T0 } from './fixtures.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

interface ReceivedPost {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Record<string, any>;
}

let h: Harness | undefined;
const receivers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await h?.stop();
  h = undefined;
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

/** A webhook receiver on a free port; `status` answers each post (by its 1-based number). */
async function startReceiver(status: (n: number) => number = () => 200) {
  const received: ReceivedPost[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      res.writeHead(status(received.length));
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const receiver = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  receivers.push(receiver);
  return receiver;
}

/** A logged-in harness with ticket 1 (client 12), created before any webhook exists. */
async function withTicket(): Promise<Harness> {
  h = await (await Harness.start()).login();
  const created = await h.post('/api/Tickets', [{ summary: 'Disk almost full', client_id: 12 }]);
  expect(created.status).toBe(201);
  return h;
}

/** Registers one webhook and returns its rendered record. */
async function register(harness: Harness, webhook: Record<string, unknown>): Promise<Record<string, any>> {
  const answer = await harness.post('/api/Webhook', [webhook]);
  expect(answer.status, answer.text).toBe(201);
  return answer.body;
}

describe('/api/Webhook', () => {
  it('creates a webhook with a fresh uuid and never answers its password', async () => {
    h = await (await Harness.start()).login();

    const created = await register(h, {
      name: 'Ticket sync',
      url: 'https://hooks.example/halo',
      authentication_type: 1,
      basic_username: 'halo',
      basic_password: 'hunter2',
      events: [{ event: 'ticket.updated' }],
    });
    const list = await h.get('/api/Webhook');
    const one = await h.get(`/api/Webhook/${created.id}`);

    expect(created).toEqual({
      id: expect.stringMatching(UUID),
      name: 'Ticket sync',
      url: 'https://hooks.example/halo',
      active: true,
      authentication_type: 1,
      basic_username: 'halo',
      basic_password: null,
      events: [{ event: 'ticket.updated' }],
    });
    expect(list.status).toBe(200);
    expect(list.body).toEqual([created]);
    expect(list.text).not.toContain('hunter2');
    expect(one.body).toEqual(created);
    expect(one.text).not.toContain('hunter2');
    expect(JSON.stringify(h.sim.control.webhooks())).not.toContain('hunter2');
  });

  it('updates by id, keeping the password and fields not sent', async () => {
    h = await (await Harness.start()).login();
    const receiver = await startReceiver();
    const created = await register(h, { url: receiver.url, authentication_type: 1, basic_username: 'halo', basic_password: 'hunter2', events: [{ event: 'ticket.created' }] });

    const updated = await register(h, { id: created.id, name: 'Renamed', basic_password: null });
    await h.post('/api/Tickets', [{ summary: 'x', client_id: 12 }]);
    await h.sim.control.flushWebhooks();

    expect(updated).toEqual({ ...created, name: 'Renamed' });
    expect((await h.get('/api/Webhook')).body).toHaveLength(1);
    expect(receiver.received[0]!.headers.authorization).toBe(`Basic ${Buffer.from('halo:hunter2').toString('base64')}`);
  });

  it('deletes a webhook; then it is a 404', async () => {
    h = await (await Harness.start()).login();
    const created = await register(h, { url: 'http://hooks.example/a' });

    const deleted = await h.request('DELETE', `/api/Webhook/${created.id}`);
    const read = await h.get(`/api/Webhook/${created.id}`);
    const again = await h.request('DELETE', `/api/Webhook/${created.id}`);

    expect(deleted.status).toBe(200);
    expect(read.status).toBe(404);
    expect(read.body).toEqual({ ClassName: 'System.Exception', Message: `Webhook ${created.id} not found` });
    expect(again.status).toBe(404);
    expect((await h.get('/api/Webhook')).body).toEqual([]);
  });

  it.each([
    ['an unknown uuid', '/api/Webhook/6f1c2d3e-4a5b-4c6d-8e7f-001122334455', 'Webhook 6f1c2d3e-4a5b-4c6d-8e7f-001122334455 not found'],
    ['an id that is no uuid', '/api/Webhook/12', 'Webhook 12 not found'],
  ])('answers 404 for %s', async (_name, path, message) => {
    h = await (await Harness.start()).login();

    const answer = await h.get(path);

    expect(answer.status).toBe(404);
    expect(answer.body.Message).toBe(message);
  });

  it.each([
    ['no url', { name: 'x' }, 400, "url is required: the address Halo posts the webhook to. Path '[0].url'."],
    ['an empty url', { url: ' ' }, 400, "url is required: the address Halo posts the webhook to. Path '[0].url'."],
    ['a relative url', { url: '/hook' }, 400, `url "/hook" is not an absolute http or https URL. Path '[0].url'.`],
    ['an ftp url', { url: 'ftp://hooks.example/x' }, 400, `url "ftp://hooks.example/x" is not an absolute http or https URL. Path '[0].url'.`],
    [
      'an unknown authentication_type',
      { url: 'https://hooks.example/x', authentication_type: 2 },
      400,
      "authentication_type 2 is not one the simulator knows: use 0 (none) or 1 (basic). Path '[0].authentication_type'.",
    ],
    ['basic without a user name', { url: 'https://hooks.example/x', authentication_type: 1 }, 400, "basic_username is required when authentication_type is 1 (basic). Path '[0].basic_username'."],
    ['an event without a name', { url: 'https://hooks.example/x', events: [{ event: 'ticket.updated' }, { name: 'x' }] }, 400, `Each entry of events names its event: {"event": "ticket.updated"}. Path '[0].events[1].event'.`],
    ['an id that is no uuid', { id: 'abc', url: 'https://hooks.example/x' }, 400, `Could not convert "abc" to a Guid: a webhook's id is a uuid. Path '[0].id'.`],
    ['an unknown uuid', { id: '6f1c2d3e-4a5b-4c6d-8e7f-001122334455', url: 'https://hooks.example/x' }, 404, 'Webhook 6f1c2d3e-4a5b-4c6d-8e7f-001122334455 not found'],
  ])('refuses %s', async (_name, webhook, status, message) => {
    h = await (await Harness.start()).login();

    const answer = await h.post('/api/Webhook', [webhook]);

    expect(answer.status).toBe(status);
    expect(answer.body).toEqual({ ClassName: 'System.Exception', Message: message });
    expect((await h.get('/api/Webhook')).body).toEqual([]);
  });

  it('refuses a body that is not an array, as every POST does', async () => {
    h = await (await Harness.start()).login();

    const answer = await h.post('/api/Webhook', { url: 'https://hooks.example/x' });

    expect(answer.status).toBe(400);
    expect(answer.body.Message).toMatch(/^Cannot deserialize the current JSON object .* into type 'List<Webhook>'/);
  });

  it('needs the admin scope', async () => {
    h = await (await Harness.start()).login({ clientId: 'operator', clientSecret: 'o' });

    const answer = await h.get('/api/Webhook');

    expect(answer.status).toBe(403);
  });
});

describe('webhooks from Halo', () => {
  it('posts ticket.updated when a status changes through /api/Actions, with Basic auth and the ticket as GET renders it', async () => {
    const harness = await withTicket();
    const receiver = await startReceiver();
    await register(harness, { url: receiver.url, authentication_type: 1, basic_username: 'halo', basic_password: 'hunter2', events: [{ event: 'ticket.updated' }] });

    const action = await harness.post('/api/Actions', [{ ticket_id: 1, outcome_id: 1, note: 'Closing', new_status: 9 }]);
    await harness.sim.control.flushWebhooks();
    const ticket = await harness.get('/api/Tickets/1');

    expect(action.status).toBe(201);
    expect(receiver.received).toHaveLength(1);
    const post = receiver.received[0]!;
    expect(post.method).toBe('POST');
    expect(post.path).toBe('/hook');
    expect(post.headers['content-type']).toBe('application/json');
    expect(post.headers.authorization).toBe(`Basic ${Buffer.from('halo:hunter2').toString('base64')}`);
    expect(post.body).toEqual({ id: expect.stringMatching(UUID), event: 'ticket.updated', timestamp: new Date(T0).toISOString(), ticket: ticket.body });
    expect(post.body.ticket).toMatchObject({ id: 1, status_id: 9, status_name: 'Closed', hasbeenclosed: true });
  });

  it('posts ticket.updated when a technician closes the ticket through the control, without auth when none is set', async () => {
    const harness = await withTicket();
    const receiver = await startReceiver();
    await register(harness, { url: receiver.url, events: [{ event: 'ticket.updated' }] });

    const closed = harness.sim.control.closeTicket(1, { note: 'Fixed on site' });
    await harness.sim.control.flushWebhooks();

    expect(closed).toMatchObject({ id: 1, status_id: 9, hasbeenclosed: true, dateclosed: expect.any(String) });
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]!.headers.authorization).toBeUndefined();
    expect(receiver.received[0]!.body).toMatchObject({ event: 'ticket.updated', ticket: { id: 1, status_id: 9, status_name: 'Closed' } });
    expect(harness.sim.control.state().actions).toEqual([expect.objectContaining({ ticket_id: 1, note: 'Fixed on site', new_status: 9, who_agentid: 9 })]);
  });

  it.each([
    ['POST /_sandbox/tickets/:id/close', 'POST', '/_sandbox/tickets/1/close', {}, 9],
    ['PATCH /_sandbox/tickets/:id', 'PATCH', '/_sandbox/tickets/1', { status_id: 2 }, 2],
    ['a technician action', 'POST', '/_sandbox/tickets/1/technician-action', { note: 'Looking into it' }, 1],
  ])('posts ticket.updated after %s', async (_name, method, path, body, statusId) => {
    const harness = await withTicket();
    const receiver = await startReceiver();
    await register(harness, { url: receiver.url, events: [{ event: 'ticket.updated' }] });

    const answer = await harness.request(method, path, body);
    const flushed = await harness.request('POST', '/_sandbox/webhooks/flush');

    expect(answer.status).toBeLessThan(300);
    expect(receiver.received.map((p) => [p.body.event, p.body.ticket.id, p.body.ticket.status_id])).toEqual([['ticket.updated', 1, statusId]]);
    expect(flushed.body).toEqual([{ seq: 1, eventId: receiver.received[0]!.body.id, event: 'ticket.updated', ticketId: 1, webhookId: expect.stringMatching(UUID), url: receiver.url, outcome: 'delivered', attempts: 1, responseStatus: 200 }]);
  });

  it('posts ticket.created for a new ticket, and ticket.updated for a change to it, each to its subscribers', async () => {
    h = await (await Harness.start()).login();
    const created = await startReceiver();
    const updated = await startReceiver();
    await register(h, { url: created.url, events: [{ event: 'ticket.created' }] });
    await register(h, { url: updated.url, events: [{ event: 'ticket.updated' }] });

    await h.post('/api/Tickets', [{ summary: 'New alert', client_id: 12 }]);
    await h.post('/api/Tickets', [{ id: 1, summary: 'Renamed alert' }]);
    await h.sim.control.flushWebhooks();

    expect(created.received.map((p) => [p.body.event, p.body.ticket.summary])).toEqual([['ticket.created', 'New alert']]);
    expect(updated.received.map((p) => [p.body.event, p.body.ticket.summary])).toEqual([['ticket.updated', 'Renamed alert']]);
  });

  it('does not fire an inactive webhook, nor one subscribed only to an event the simulator never raises', async () => {
    const harness = await withTicket();
    const inactive = await startReceiver();
    const other = await startReceiver();
    const subscribed = await startReceiver();
    await register(harness, { url: inactive.url, active: false, events: [{ event: 'ticket.updated' }] });
    await register(harness, { url: other.url, events: [{ event: 'ticket.deleted' }] });
    await register(harness, { url: subscribed.url, events: [{ event: 'ticket.updated' }] });

    await harness.post('/api/Actions', [{ ticket_id: 1, outcome_id: 7, note: 'Internal' }]);
    await harness.sim.control.flushWebhooks();

    expect(inactive.received).toEqual([]);
    expect(other.received).toEqual([]);
    expect(subscribed.received).toHaveLength(1);
    expect(harness.sim.control.webhookDeliveries()).toHaveLength(1);
  });

  it('posts nothing for an update that changes nothing, nor for a batch undone whole', async () => {
    h = await (await Harness.start(undefined, { batchFailure: 'atomic' })).login();
    await h.post('/api/Tickets', [{ summary: 'Same', client_id: 12 }]);
    const receiver = await startReceiver();
    await register(h, { url: receiver.url, events: [{ event: 'ticket.created' }, { event: 'ticket.updated' }] });

    const same = await h.post('/api/Tickets', [{ id: 1, summary: 'Same' }]);
    const undone = await h.post('/api/Tickets', [{ id: 1, summary: 'Changed' }, { summary: 'Second', status_id: 999 }]);
    await h.sim.control.flushWebhooks();

    expect(same.status).toBe(201);
    expect(undone.status).toBe(400);
    expect(receiver.received).toEqual([]);
  });
});

describe('webhook delivery', () => {
  it('drops every post with dropRate 1, and logs them', async () => {
    const harness = await withTicket();
    const receiver = await startReceiver();
    await register(harness, { url: receiver.url, events: [{ event: 'ticket.updated' }] });
    const options = await harness.request('PATCH', '/_sandbox/webhook-delivery', { dropRate: 1 });

    harness.sim.control.closeTicket(1);
    await harness.sim.control.flushWebhooks();
    const log = await harness.get('/_sandbox/webhook-deliveries');

    expect(options.body).toMatchObject({ dropRate: 1, duplicateRate: 0 });
    expect(receiver.received).toEqual([]);
    expect(log.body).toEqual([expect.objectContaining({ event: 'ticket.updated', ticketId: 1, outcome: 'dropped', attempts: 0 })]);
  });

  it('sends every post twice with duplicateRate 1, with the same event id', async () => {
    const harness = await withTicket();
    const receiver = await startReceiver();
    await register(harness, { url: receiver.url, events: [{ event: 'ticket.updated' }] });
    harness.sim.control.setWebhookDelivery({ duplicateRate: 1 });

    harness.sim.control.closeTicket(1);
    await harness.sim.control.flushWebhooks();

    expect(receiver.received).toHaveLength(2);
    expect(receiver.received[1]!.body).toEqual(receiver.received[0]!.body);
    expect(harness.sim.control.webhookDeliveries().map((d) => [d.outcome, d.duplicate ?? false])).toEqual([
      ['delivered', false],
      ['delivered', true],
    ]);
  });

  it('flush waits for retries: a receiver that fails once gets the post again after the backoff', async () => {
    const harness = await withTicket();
    const receiver = await startReceiver((n) => (n === 1 ? 503 : 200));
    await register(harness, { url: receiver.url, events: [{ event: 'ticket.updated' }] });
    harness.sim.control.setWebhookDelivery({ retryBackoffMs: 20, delayMs: 20 });

    harness.sim.control.closeTicket(1);
    await harness.sim.control.flushWebhooks();

    expect(receiver.received).toHaveLength(2);
    expect(harness.sim.control.webhookDeliveries()).toEqual([expect.objectContaining({ outcome: 'delivered', attempts: 2, responseStatus: 200 })]);
  });

  it('clears the log', async () => {
    const harness = await withTicket();
    await register(harness, { url: (await startReceiver()).url, events: [{ event: 'ticket.updated' }] });
    harness.sim.control.closeTicket(1);
    await harness.sim.control.flushWebhooks();

    const cleared = await harness.request('DELETE', '/_sandbox/webhook-deliveries');

    expect(cleared.status).toBe(204);
    expect(harness.sim.control.webhookDeliveries()).toEqual([]);
  });

  it.each([
    [{ dropRate: 2 }, 'dropRate: must be a number from 0 to 1, got 2'],
    [{ maxAttempts: 0 }, 'maxAttempts: must be an integer at least 1, got 0'],
    [{ jitter: 1 }, 'jitter: unknown delivery option; known: dropRate, duplicateRate, delayMs, reorderWindow, maxAttempts, retryBackoffMs, timeoutMs, concurrency'],
  ])('refuses the option %j', async (options, message) => {
    h = await Harness.start();

    const answer = await h.request('PATCH', '/_sandbox/webhook-delivery', options);

    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({ error: message });
    expect(() => h!.sim.control.setWebhookDelivery(options as never)).toThrow(message);
  });
});

describe('closing a ticket through the control', () => {
  it.each([
    ['an unknown ticket', '/_sandbox/tickets/77/close', {}, 404, 'tickets has no record with id 77'],
    ['a new_status', '/_sandbox/tickets/1/close', { new_status: 2 }, 400, 'unknown field(s) new_status; known: agent_id, outcome_id, note, note_html, hiddenfromuser'],
  ])('refuses %s', async (_name, path, body, status, message) => {
    const harness = await withTicket();

    const answer = await harness.request('POST', path, body);

    expect(answer.status).toBe(status);
    expect(answer.body).toEqual({ error: message });
  });
});
