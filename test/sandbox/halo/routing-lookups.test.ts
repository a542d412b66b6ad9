/**
 * Alert routing in the Halo simulator: the lists a route names (`/api/Team`, `/api/Agent`,
 * `/api/Category`, `/api/SLA`, `/api/Priority` with `slaid`) served as bare arrays, with the odd
 * rows the default realism adds, and ticket creation that honours and checks the routing fields.
 */

import { afterEach, describe, expect, it } from 'vitest';
import { generateDemo, haloLookups } from '../../../src/sandbox/demo-data.js';
import type { HaloSeed } from '../../../src/sandbox/seed.js';
import { APP, Harness, smallSeed } from './fixtures.js';
import { validateHaloRequest } from './swagger-contract.js';

let h: Harness;
afterEach(async () => h?.stop());

/** The demo's Halo (default realism: the odd rows included), logged into with the fixtures' app. */
function demoHalo(realism: 'clean' | 'real' = 'real'): HaloSeed {
  return { ...generateDemo({ devices: 30, realism }).halo, apps: [APP] };
}

/** smallSeed (client 12, site 33) with the stock routing lists. */
function routedSeed(): HaloSeed {
  const { slas, teams, agents, categories } = haloLookups();
  return { ...smallSeed(), slas, teams, agents, categories };
}

describe('the routing lists', () => {
  it('serves teams as a bare array, the nameless one included', async () => {
    h = await (await Harness.start(demoHalo())).login();

    const answer = await h.get('/api/Team');

    expect(answer.body).toEqual([
      { id: 1, name: 'Service Desk', inactive: false, department_id: 1 },
      { id: 2, name: 'Infrastructure', inactive: false, department_id: 1 },
      { id: 3, name: 'Backup', inactive: false, department_id: 1 },
      { id: 4, name: '1st Line Support', inactive: false, department_id: 1 },
      { id: 5, name: null, inactive: false, department_id: -1 },
    ]);
  });

  it('serves agents as a bare array: the API user, a disabled one, one without a name', async () => {
    h = await (await Harness.start(demoHalo())).login();

    const answer = await h.get('/api/Agent');

    expect(answer.body).toEqual([
      { id: 1, name: 'API User', email: '', isdisabled: false, team: '' },
      { id: 2, name: 'Alex Morgan', email: 'alex.morgan@acme-it.example', isdisabled: false, team: 'Service Desk' },
      { id: 3, name: 'Sam Taylor', email: 'sam.taylor@acme-it.example', isdisabled: false, team: 'Infrastructure' },
      { id: 4, name: 'Jordan Lee', email: 'jordan.lee@acme-it.example', isdisabled: false, team: 'Backup' },
      { id: 5, name: 'Former Tech', email: 'former.tech@acme-it.example', isdisabled: true, team: '1st Line Support' },
      { id: 6, name: '', email: 'helpdesk@acme-it.example', isdisabled: false, team: '' },
    ]);
  });

  it.each([
    ['/api/Category', [[1, 'Hardware>Server'], [2, 'Hardware>Workstation'], [3, 'Backup>Failure'], [4, 'Software>Patching'], [5, 'Network>Connectivity'], [7, 'Hardware>Server']]],
    ['/api/Category?type_id=1', [[1, 'Hardware>Server'], [2, 'Hardware>Workstation'], [3, 'Backup>Failure'], [4, 'Software>Patching'], [5, 'Network>Connectivity'], [7, 'Hardware>Server']]],
    ['/api/Category?type_id=2', [[6, 'Root Cause>Hardware Fault']]],
    ['/api/Category?type_id=3', []],
  ])('serves %s: ticket categories by default, a repeated one included', async (path, expected) => {
    h = await (await Harness.start(demoHalo())).login();

    const answer = await h.get(path);

    expect(Array.isArray(answer.body)).toBe(true);
    expect(answer.body.map((c: { id: number; value: string }) => [c.id, c.value])).toEqual(expected);
  });

  it('serves SLAs as a bare array, the unnamed one included', async () => {
    h = await (await Harness.start(demoHalo())).login();

    const answer = await h.get('/api/SLA');

    expect(answer.body).toEqual([{ id: 1, name: 'Standard SLA' }, { id: 2, name: 'Premium SLA' }, { id: 3, name: '' }]);
  });

  it('serves priorities with their SLA, the id still a string', async () => {
    h = await (await Harness.start(demoHalo())).login();

    const answer = await h.get('/api/Priority');

    expect(answer.body).toEqual([
      { id: '1', priorityid: 1, name: 'Critical', slaid: 1 },
      { id: '2', priorityid: 2, name: 'High', slaid: 1 },
      { id: '3', priorityid: 3, name: 'Medium', slaid: 1 },
      { id: '4', priorityid: 4, name: 'Low', slaid: 1 },
    ]);
  });

  it('leaves the odd rows out of a clean demo', async () => {
    h = await (await Harness.start(demoHalo('clean'))).login();

    const [teams, agents, categories, slas] = await Promise.all([h.get('/api/Team'), h.get('/api/Agent'), h.get('/api/Category'), h.get('/api/SLA')]);

    expect(teams.body.map((t: { name: string }) => t.name)).toEqual(['Service Desk', 'Infrastructure', 'Backup', '1st Line Support']);
    expect(agents.body.map((a: { name: string }) => a.name)).toEqual(['API User', 'Alex Morgan', 'Sam Taylor', 'Jordan Lee', 'Former Tech']);
    expect(categories.body.map((c: { value: string }) => c.value)).toEqual(['Hardware>Server', 'Hardware>Workstation', 'Backup>Failure', 'Software>Patching', 'Network>Connectivity']);
    expect(slas.body.map((s: { name: string }) => s.name)).toEqual(['Standard SLA', 'Premium SLA']);
  });

  it('reads one by id, and answers 404 for an id it does not have', async () => {
    h = await (await Harness.start(routedSeed())).login();

    const team = await h.get('/api/Team/2');
    const missing = await h.get('/api/Agent/99');

    expect(team.body).toEqual({ id: 2, name: 'Infrastructure', inactive: false, department_id: 1 });
    expect(missing.status).toBe(404);
    expect(missing.body.Message).toBe('Agent 99 not found');
  });

  it.each(['/api/Team', '/api/Agent', '/api/Category', '/api/SLA'])('lets read:tickets read %s and refuses a token without it', async (path) => {
    h = await Harness.start(routedSeed());

    await h.login({ clientId: 'reader', clientSecret: 'r' });
    const allowed = await h.get(path);
    await h.login({ clientId: 'customers', clientSecret: 'c' });
    const refused = await h.get(path);

    expect(allowed.status).toBe(200);
    expect(refused.status).toBe(403);
  });

  it('has no POST: the lists are read-only here', async () => {
    h = await (await Harness.start(routedSeed())).login();

    const answer = await h.post('/api/Team', [{ name: 'Night Shift' }]);

    expect(answer.status).toBe(405);
  });
});

describe('a ticket routed on create', () => {
  const ticket = { summary: 'Backup failed on SRV-001', tickettype_id: 21, client_id: 12, site_id: 33, usertype: 1 };

  it("sends only Faults' own fields (swagger-2025-03)", () => {
    const routed = [{ ...ticket, status_id: 2, sla_id: 2, agent_id: 3, team: 'Infrastructure', category_1: 'Backup>Failure', categoryid_1: 3 }];

    expect(validateHaloRequest('POST', '/api/Tickets', routed)).toEqual([]);
  });

  it('keeps the status, SLA, agent, team and category it is given, and shows them on reads', async () => {
    h = await (await Harness.start(routedSeed())).login();

    const created = await h.post('/api/Tickets', [{ ...ticket, status_id: 2, sla_id: 2, agent_id: 3, team: 'infrastructure', category_1: 'Backup>Failure', categoryid_1: 3 }]);
    const read = await h.get(`/api/Tickets/${created.body.id}`);

    expect(created.status).toBe(201);
    expect(read.body).toMatchObject({
      status_id: 2, status_name: 'In Progress', sla_id: 2, sla_name: 'Premium SLA', agent_id: 3, agent_name: 'Sam Taylor',
      team: 'Infrastructure', category_1: 'Backup>Failure', categoryid_1: 3,
    });
  });

  it('is unrouted without them: no SLA (-1), no agent, no team, no category, the type\'s initial status', async () => {
    h = await (await Harness.start(routedSeed())).login();

    const created = await h.post('/api/Tickets', [ticket]);

    expect(created.body).toMatchObject({ status_id: 1, sla_id: -1 });
    expect(created.body).not.toHaveProperty('agent_id');
    expect(created.body).not.toHaveProperty('team');
    expect(created.body).not.toHaveProperty('category_1');
  });

  it('takes agent 0 and -1 as unassigned, and a disabled agent as given', async () => {
    h = await (await Harness.start(routedSeed())).login();

    const unassigned = await h.post('/api/Tickets', [{ ...ticket, agent_id: 0 }, { ...ticket, agent_id: -1 }]);
    const former = await h.post('/api/Tickets', [{ ...ticket, agent_id: 5 }]);

    expect(unassigned.body.map((t: Record<string, unknown>) => t.agent_id)).toEqual([undefined, undefined]);
    expect(former.body).toMatchObject({ agent_id: 5, agent_name: 'Former Tech' });
  });

  it('keeps category_1 as given, and fills it from categoryid_1 when only the id is sent', async () => {
    h = await (await Harness.start(routedSeed())).login();

    const byText = await h.post('/api/Tickets', [{ ...ticket, category_1: 'Printers>Toner' }]);
    const byId = await h.post('/api/Tickets', [{ ...ticket, categoryid_1: 1 }]);

    expect(byText.body).toMatchObject({ category_1: 'Printers>Toner' });
    expect(byText.body).not.toHaveProperty('categoryid_1');
    expect(byId.body).toMatchObject({ category_1: 'Hardware>Server', categoryid_1: 1 });
  });

  it('clears the routing on update with -1, 0 and ""', async () => {
    h = await (await Harness.start(routedSeed())).login();
    const created = await h.post('/api/Tickets', [{ ...ticket, sla_id: 1, agent_id: 2, team: 'Service Desk', categoryid_1: 2 }]);

    const cleared = await h.post('/api/Tickets', [{ id: created.body.id, sla_id: -1, agent_id: 0, team: '', categoryid_1: 0 }]);

    expect(cleared.body).toMatchObject({ sla_id: -1, category_1: 'Hardware>Workstation' });
    expect(cleared.body).not.toHaveProperty('agent_id');
    expect(cleared.body).not.toHaveProperty('team');
    expect(cleared.body).not.toHaveProperty('categoryid_1');
  });

  it.each([
    ['an unknown status', { status_id: 7 }, "Status 7 does not exist. Path '[0].status_id'."],
    ['an unknown SLA', { sla_id: 9 }, "SLA 9 does not exist. Path '[0].sla_id'."],
    ['an unknown agent', { agent_id: 42 }, "Agent 42 does not exist. Path '[0].agent_id'."],
    ['an unknown team', { team: 'Night Shift' }, 'Team "Night Shift" does not exist. Path \'[0].team\'.'],
    ['an unknown category id', { categoryid_1: 77 }, "Category 77 does not exist. Path '[0].categoryid_1'."],
  ])('refuses %s with 400 naming it, and creates nothing', async (_name, routing, message) => {
    h = await (await Harness.start(routedSeed())).login();

    const answer = await h.post('/api/Tickets', [{ ...ticket, ...routing }]);
    const listed = await h.get('/api/Tickets');

    expect(answer.status).toBe(400);
    expect(answer.body.Message).toBe(message);
    expect(listed.body.tickets).toEqual([]);
  });

  it('refuses a team on a Halo without the list (a seed that gives no teams)', async () => {
    h = await (await Harness.start()).login();

    const answer = await h.post('/api/Tickets', [{ ...ticket, team: 'Service Desk' }]);

    expect(answer.status).toBe(400);
    expect(answer.body.Message).toBe('Team "Service Desk" does not exist. Path \'[0].team\'.');
  });

  it('lets the control API put routing on a ticket, checking the references', async () => {
    h = await (await Harness.start(routedSeed())).login();
    const created = await h.post('/api/Tickets', [ticket]);

    const patched = await h.request('PATCH', `/_sandbox/tickets/${created.body.id}`, { sla_id: 2, categoryid_1: 4 });
    const bad = await h.request('PATCH', `/_sandbox/tickets/${created.body.id}`, { sla_id: 5 });

    expect(patched.status).toBe(200);
    expect((await h.get(`/api/Tickets/${created.body.id}`)).body).toMatchObject({ sla_id: 2, sla_name: 'Premium SLA', categoryid_1: 4 });
    expect(bad.body).toEqual({ error: 'tickets.sla_id refers to slas 5, which does not exist' });
  });
});
