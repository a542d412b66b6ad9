import { afterEach, describe, expect, it } from 'vitest';
import { APP, Harness } from './fixtures.js';

let h: Harness;
afterEach(async () => h?.stop());

const alertTicket = {
  summary: 'Disk C: low on LAPTOP-001',
  details_html: '<p>5% free</p>',
  tickettype_id: 21,
  client_id: 12,
  site_id: 33,
  usertype: 1,
  priority_id: 2,
  assets: [{ id: 1001 }],
  ninja_alert_id: 'series-uid-1',
  third_party_id_string: 'haloform:series-uid-1',
  source: -9,
};

describe('tickets', () => {
  it("creates a ticket: 201, dateoccurred, the type's initial status, the site's General User", async () => {
    h = await (await Harness.start()).login();

    const answer = await h.post('/api/Tickets', [alertTicket]);

    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({
      id: 1, summary: alertTicket.summary, dateoccurred: '2024-05-01T09:30:12.357', status_id: 1, status_name: 'New', tickettype_id: 21,
      client_id: 12, client_name: 'Contoso', site_id: 33, user_id: 46, user_name: 'General User', priority_id: 2, source: -9,
      hasbeenclosed: false, ninja_alert_id: 'series-uid-1', third_party_id_string: 'haloform:series-uid-1', sla_id: -1,
      assets: [{ id: 1001, inventory_number: 'LAPTOP-001' }],
    });
    expect(answer.body.dateclosed).toBeUndefined();
  });

  it('defaults the status to New (1) and the priority to the type\'s default', async () => {
    h = await (await Harness.start()).login();

    const typed = await h.post('/api/Tickets', [{ summary: 'typed', tickettype_id: 21, client_id: 12 }]);
    const untyped = await h.post('/api/Tickets', [{ summary: 'untyped', tickettype_id: 22, site_id: 33, user_id: 44 }]);

    expect(typed.body).toMatchObject({ status_id: 1, priority_id: 3, site_id: 33, user_id: 46 });
    expect(untyped.body).toMatchObject({ status_id: 1, client_id: 12, user_id: 44, user_name: 'Jo Bloggs' });
  });

  it('closes with status 9: dateclosed and hasbeenclosed are set', async () => {
    h = await (await Harness.start()).login();
    const created = await h.post('/api/Tickets', [alertTicket]);
    h.clock += 60_000;

    const closed = await h.post('/api/Tickets', [{ id: created.body.id, status_id: 9 }]);

    expect(closed.status).toBe(201);
    expect(closed.body).toMatchObject({ status_id: 9, status_name: 'Closed', hasbeenclosed: true, dateclosed: '2024-05-01T09:31:12.357', summary: alertTicket.summary });
  });

  it.each([
    ['ninja_alert_id=series-uid-1', [1]],
    ['third_party_id_string=haloform:series-uid-1', [1]],
    ['ninja_alert_id=other', []],
    ['open_only=true', [1, 2]],
    ['closed_only=true', [3]],
    ['status_id=9', [3]],
    ['requesttype_id=22', [2]],
    ['asset_id=1001', [1]],
    ['client_id=13', [3]],
    ['site_id=33', [1, 2]],
    ['search=disk', [1]],
    ['search=3', [3]],
    ['tickettype_id=22', [1, 2, 3]],
  ])('lists with %s', async (query, expected) => {
    h = await (await Harness.start()).login();
    await h.post('/api/Tickets', [alertTicket, { summary: 'Printer', tickettype_id: 22, client_id: 12 }, { summary: 'Old', client_id: 13, status_id: 9 }]);

    const answer = await h.get(`/api/Tickets?${query}`);

    expect(answer.body.tickets.map((t: { id: number }) => t.id)).toEqual(expected);
  });

  it('ignores the alert filters with ticketAlertFilters: false, as a real tenant would', async () => {
    h = await (await Harness.start(undefined, { ticketAlertFilters: false })).login();
    await h.post('/api/Tickets', [alertTicket, { summary: 'Printer', client_id: 12 }]);

    const answer = await h.get('/api/Tickets?ninja_alert_id=series-uid-1');

    expect(answer.body.record_count).toBe(2);
  });
});

describe('actions', () => {
  it('adds a note by the app\'s agent and lists it under the ticket', async () => {
    h = await (await Harness.start()).login();
    const ticket = await h.post('/api/Tickets', [alertTicket]);

    const action = await h.post('/api/Actions', [{ ticket_id: ticket.body.id, outcome_id: 7, note_html: '<p>seen</p>', hiddenfromuser: true }]);
    const list = await h.get(`/api/Actions?ticket_id=${ticket.body.id}`);

    expect(action.status).toBe(201);
    expect(action.body).toMatchObject({ id: 1, ticket_id: 1, outcome_id: 7, outcome: 'Internal Note', who_agentid: APP.agentId, hiddenfromuser: true, note_html: '<p>seen</p>' });
    expect(list.body).toEqual({ record_count: 1, actions: [action.body] });
  });

  it('requires an outcome', async () => {
    h = await (await Harness.start()).login();
    await h.post('/api/Tickets', [alertTicket]);

    const answer = await h.post('/api/Actions', [{ ticket_id: 1, note: 'no outcome' }]);

    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({ ClassName: 'System.Exception', Message: 'An Outcome must be entered for this Action' });
  });

  it('closes the ticket through new_status', async () => {
    h = await (await Harness.start()).login();
    await h.post('/api/Tickets', [alertTicket]);

    await h.post('/api/Actions', [{ ticket_id: 1, outcome_id: 1, note: 'Alert reset', new_status: 9 }]);
    const ticket = await h.get('/api/Tickets/1');

    expect(ticket.body).toMatchObject({ status_id: 9, hasbeenclosed: true });
  });

  it('refuses an action on an unknown ticket', async () => {
    h = await (await Harness.start()).login();

    const answer = await h.post('/api/Actions', [{ ticket_id: 77, outcome_id: 1 }]);

    expect(answer.status).toBe(400);
    expect(answer.body.Message).toBe("Ticket 77 does not exist. Path '[0].ticket_id'.");
  });
});

describe('technician action (control API)', () => {
  it('adds an action by another agent that a client can tell apart, and can move the ticket', async () => {
    h = await (await Harness.start()).login();
    await h.post('/api/Tickets', [alertTicket]);

    const touched = await h.request('POST', '/_sandbox/tickets/1/technician-action', { note: 'Looking into it', new_status: 2 });
    const actions = await h.get('/api/Actions?ticket_id=1');
    const ticket = await h.get('/api/Tickets/1');

    expect(touched.status).toBe(201);
    expect(touched.body).toMatchObject({ ticket_id: 1, who_agentid: 9, outcome_id: 1, note: 'Looking into it', new_status: 2 });
    expect(actions.body.actions.map((a: { who_agentid: number }) => a.who_agentid)).toEqual([9]);
    expect(ticket.body.status_id).toBe(2);
  });

  it.each([
    ['/_sandbox/tickets/99/technician-action', {}, 404, 'tickets has no record with id 99'],
    ['/_sandbox/tickets/1/technician-action', { new_status: 'closed' }, 400, 'new_status must be an integer, got "closed"'],
    ['/_sandbox/tickets/1/technician-action', { status: 9 }, 400, 'unknown field(s) status; known: agent_id, outcome_id, note, note_html, hiddenfromuser, new_status'],
    ['/_sandbox/tickets/1/technician-action', { new_status: 5 }, 400, 'new_status 5 does not exist'],
  ])('POST %s %j → %i', async (path, body, status, error) => {
    h = await (await Harness.start()).login();
    await h.post('/api/Tickets', [alertTicket]);

    const answer = await h.request('POST', path, body);

    expect(answer.status).toBe(status);
    expect(answer.body).toEqual({ error });
  });
});
