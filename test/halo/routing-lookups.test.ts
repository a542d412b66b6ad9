/**
 * readRoutingLookups (src/halo/routing-lookups.ts): the lists alert routing names, read from the
 * Halo simulator (only those asked for), from a Halo that answers envelopes, and from rows a real
 * tenant sends — odd rows are left out and reported, never thrown.
 */

import { afterEach, describe, expect, it } from 'vitest';
import { Secret } from '../../src/config/secret.js';
import { HaloApiClient } from '../../src/halo/client.js';
import { readRoutingLookups } from '../../src/halo/routing-lookups.js';
import type { ReadProblem } from '../../src/http/rows.js';
import { NINJAONE } from '../../src/rmm/ninjaone/provider.js';
import { generateDemo, haloLookups } from '../../src/sandbox/demo-data.js';
import { startHaloSimulator, type HaloSimulator } from '../../src/sandbox/halo/index.js';
import type { HaloSeed } from '../../src/sandbox/seed.js';
import { CLIENT_ID, CLIENT_SECRET, fakeClock, startToyApi, type ToyApi } from '../http/helpers.js';
import { APP, smallSeed } from '../sandbox/halo/fixtures.js';

const ALL = { teams: true, agents: true, categories: true, slas: true, priorities: true, statuses: true };

let sim: HaloSimulator | undefined;
let toy: ToyApi | undefined;
let halo: HaloApiClient | undefined;
afterEach(async () => {
  await halo?.close();
  await sim?.stop();
  await toy?.close();
  sim = toy = halo = undefined;
});

function clientOf(url: string, app: { clientId: string; clientSecret: string } = APP, scope = 'all', tenant?: string): HaloApiClient {
  return new HaloApiClient(
    { url, authUrl: `${url}/auth`, ...(tenant ? { tenant } : {}), clientId: app.clientId, clientSecret: new Secret(app.clientSecret, '${HALO_CLIENT_SECRET}'), scope, batchSize: 50, timeoutSeconds: 5 },
    NINJAONE.halo,
    { maxAttempts: 1 },
  );
}

async function simulated(seed: HaloSeed, app?: { clientId: string; clientSecret: string }, scope?: string): Promise<HaloApiClient> {
  sim = await startHaloSimulator(seed, { now: () => Date.UTC(2026, 0, 1) });
  halo = clientOf(sim.url, app, scope, 'demo');
  return halo;
}

/** A Halo answering `bodies[path]` to `GET path`, behind the toy API's OAuth. */
async function answering(bodies: Record<string, unknown>): Promise<HaloApiClient> {
  toy = await startToyApi({
    clock: fakeClock(),
    routes: (router, api) => {
      for (const [path, body] of Object.entries(bodies)) router.on('GET', path, (req) => (api.authorised(req) ? { status: 200, body } : { status: 401, body: {} }));
    },
  });
  halo = new HaloApiClient(
    { url: toy.url, authUrl: `${toy.url}/auth`, clientId: CLIENT_ID, clientSecret: new Secret(CLIENT_SECRET, '${HALO_CLIENT_SECRET}'), scope: 'all', batchSize: 50, timeoutSeconds: 5 },
    NINJAONE.halo,
    { maxAttempts: 1 },
  );
  return halo;
}

/** A problem as the test compares it: the row, the field, what was wrong, whether the row was left out. */
const brief = (p: ReadProblem) => `${p.label} ${p.row}.${p.field} ${p.problem}${p.dropped ? ' (left out)' : ''}`;

describe('readRoutingLookups against the simulator', () => {
  it("reads the demo's lists, leaving out and reporting the rows without a name", async () => {
    const client = await simulated({ ...generateDemo({ devices: 30 }).halo, apps: [APP] });
    const problems: ReadProblem[] = [];

    const lists = await readRoutingLookups(client, ALL, (p) => problems.push(p));

    expect(lists).toEqual({
      teams: [{ id: 1, name: 'Service Desk' }, { id: 2, name: 'Infrastructure' }, { id: 3, name: 'Backup' }, { id: 4, name: '1st Line Support' }],
      agents: [
        { id: 1, name: 'API User', disabled: false },
        { id: 2, name: 'Alex Morgan', disabled: false },
        { id: 3, name: 'Sam Taylor', disabled: false },
        { id: 4, name: 'Jordan Lee', disabled: false },
        { id: 5, name: 'Former Tech', disabled: true },
      ],
      categories: [
        { id: 1, name: 'Hardware>Server' },
        { id: 2, name: 'Hardware>Workstation' },
        { id: 3, name: 'Backup>Failure' },
        { id: 4, name: 'Software>Patching' },
        { id: 5, name: 'Network>Connectivity' },
        { id: 7, name: 'Hardware>Server' },
      ],
      slas: [{ id: 1, name: 'Standard SLA' }, { id: 2, name: 'Premium SLA' }],
      priorities: [{ id: 1, name: 'Critical', slaId: 1 }, { id: 2, name: 'High', slaId: 1 }, { id: 3, name: 'Medium', slaId: 1 }, { id: 4, name: 'Low', slaId: 1 }],
      statuses: haloLookups().statuses.map(({ id, name }) => ({ id, name })),
    });
    expect(problems.map(brief).sort()).toEqual([
      'GET /api/Agent agent 6.name is empty (left out)',
      'GET /api/SLA SLA 3.name is empty (left out)',
      'GET /api/Team team 5.name is null (left out)',
    ]);
    expect(problems.find((p) => p.noun === 'team')!.effect).toBe('left out: alerts.routes names teams by name, and this one has none; give it a name in Halo');
  });

  it('reads only the lists asked for, one request each, the others empty', async () => {
    const client = await simulated({ ...generateDemo({ devices: 30 }).halo, apps: [APP] });

    const lists = await readRoutingLookups(client, { teams: true, priorities: true, agents: false });

    const api = sim!.server.requests().filter((r) => r.path.startsWith('/api/'));
    expect(api.map((r) => r.path).sort()).toEqual(['/api/Priority', '/api/Team']);
    expect(lists.teams).toHaveLength(4);
    expect(lists.priorities).toHaveLength(4);
    expect({ ...lists, teams: [], priorities: [] }).toEqual({ teams: [], agents: [], categories: [], slas: [], priorities: [], statuses: [] });
  });

  it('asks for ticket categories (type_id=1) and for disabled agents too', async () => {
    const client = await simulated({ ...generateDemo({ devices: 30 }).halo, apps: [APP] });

    const lists = await readRoutingLookups(client, { categories: true, agents: true });

    const queries = Object.fromEntries(sim!.server.requests().filter((r) => r.path.startsWith('/api/')).map((r) => [r.path, r.query]));
    expect(queries).toEqual({ '/api/Category': expect.stringContaining('type_id=1'), '/api/Agent': expect.stringContaining('includedisabled=true') });
    expect(lists.categories.map((c) => c.name)).not.toContain('Root Cause>Hardware Fault');
  });

  it('reads nothing when nothing is asked', async () => {
    const client = await simulated({ ...smallSeed(), apps: [APP] });

    const lists = await readRoutingLookups(client, {});

    expect(sim!.server.requests().filter((r) => r.path.startsWith('/api/'))).toEqual([]);
    expect(Object.values(lists).every((list) => list.length === 0)).toBe(true);
  });

  it('reads a priority whose priorityid is missing by its numeric id, and leaves out one whose id is a GUID', async () => {
    const client = await simulated({ ...smallSeed(), ...haloLookups(), apps: [APP] });
    sim!.control.overlays.add({ list: 'Priority', id: 2, field: 'priorityid', op: { drop: true } });
    sim!.control.overlays.add({ list: 'Priority', id: 3, field: 'priorityid', op: { drop: true } });
    sim!.control.overlays.add({ list: 'Priority', id: 3, field: 'id', op: { value: '6f1c8a2e-3b7d-4e59-9a41-0c2d5e7f8a9b' } });
    const problems: ReadProblem[] = [];

    const { priorities } = await readRoutingLookups(client, { priorities: true }, (p) => problems.push(p));

    expect(priorities.map((p) => p.id)).toEqual([1, 2, 4]);
    expect(problems.map(brief)).toEqual(['GET /api/Priority priorities[2].id is "6f1c8a2e-3b7d-4e59-9a41-0c2d5e7f8a9b", not a whole number (left out)']);
  });

  it("reports to the client's sink when given none", async () => {
    const client = await simulated({ ...generateDemo({ devices: 30 }).halo, apps: [APP] });
    const problems: ReadProblem[] = [];
    client.onReadProblem = (p) => problems.push(p);

    await readRoutingLookups(client, { slas: true });

    expect(problems.map(brief)).toEqual(['GET /api/SLA SLA 3.name is empty (left out)']);
  });

  it('says which permission is missing when Halo answers 403', async () => {
    const client = await simulated({ ...smallSeed(), ...haloLookups() }, { clientId: 'customers', clientSecret: 'c' }, 'edit:customers');

    const read = readRoutingLookups(client, { teams: true });

    await expect(read).rejects.toThrow(/^Halo answered 403 Forbidden to GET \/api\/Team: .* — Halo refused to list its teams: give the API application the read:tickets scope \(or all\) and check that the agent it logs in as may see teams$/);
  });
});

describe('readRoutingLookups against a Halo answering envelopes', () => {
  it('reads the array under its key, ids as 21.0 or "21" included', async () => {
    const client = await answering({
      '/api/Team': { record_count: 2, teams: [{ id: 1, name: 'Service Desk' }, { id: '2', name: 'Backup' }] },
      '/api/Agent': { record_count: 1, agents: [{ id: 2.0, name: 'Alex Morgan', isdisabled: 'true' }] },
      '/api/Category': { record_count: 1, categories: [{ id: 1, value: 'Hardware>Server', type_id: 1 }] },
      '/api/SLA': { record_count: 1, slas: [{ id: 1, name: 'Standard SLA' }] },
      '/api/Priority': { record_count: 2, priorities: [{ id: 'a1', priorityid: 1, name: 'Critical', slaid: 1 }, { id: 'b2', priorityid: '2', name: 'High', slaid: -1 }] },
      // An envelope under a key of its own: the first array in it.
      '/api/Status': { record_count: 1, tstatus: [{ id: 1, name: 'New' }] },
    });
    const problems: ReadProblem[] = [];

    const lists = await readRoutingLookups(client, ALL, (p) => problems.push(p));

    expect(lists).toEqual({
      teams: [{ id: 1, name: 'Service Desk' }, { id: 2, name: 'Backup' }],
      agents: [{ id: 2, name: 'Alex Morgan', disabled: true }],
      categories: [{ id: 1, name: 'Hardware>Server' }],
      slas: [{ id: 1, name: 'Standard SLA' }],
      priorities: [{ id: 1, name: 'Critical', slaId: 1 }, { id: 2, name: 'High' }],
      statuses: [{ id: 1, name: 'New' }],
    });
    expect(problems).toEqual([]);
  });

  it('reports an envelope that counts more rows than it holds', async () => {
    const client = await answering({ '/api/Agent': { record_count: 250, agents: [{ id: 1, name: 'API User' }] } });
    const problems: ReadProblem[] = [];

    const { agents } = await readRoutingLookups(client, { agents: true }, (p) => problems.push(p));

    expect(agents).toEqual([{ id: 1, name: 'API User', disabled: false }]);
    expect(problems).toEqual([
      { api: 'Halo', label: 'GET /api/Agent', noun: 'agent', row: 'agents', field: 'record_count', problem: 'is 250, but the answer held 1', effect: 'the agents it did not send cannot be named by alerts.routes', dropped: false },
    ]);
  });

  it('throws for a body that is no list at all: a bad response, not an empty list', async () => {
    const client = await answering({ '/api/Team': 'maintenance mode' });

    await expect(readRoutingLookups(client, { teams: true })).rejects.toThrow(/GET \/api\/Team/);
  });
});

describe('readRoutingLookups with odd rows', () => {
  it('leaves out and reports rows without an id or a name, keeps the rest, and never throws', async () => {
    const client = await answering({
      '/api/Team': [{ id: 1, name: 'Service Desk' }, { name: 'No Id' }, { id: 3 }, { id: 4, name: '   ' }, 'Backup', null, { id: -1, name: 'None' }],
      '/api/Agent': [{ id: 2, name: 'Alex Morgan' }, { id: 'x', name: 'Bad Id' }, { id: 3, name: 42, isdisabled: 1 }],
      '/api/Category': [{ id: 1, category_name: 'Hardware>Server' }, { id: 2, name: 'Backup>Failure' }, { id: 3, value: null }, { id: 4, value: 'Software>Patching', category_name: 'Other' }],
      '/api/SLA': [{ id: 1, name: '' }, { id: 2, name: 'Premium SLA' }],
      '/api/Priority': [{ priorityid: 1, name: 'Critical', slaid: 0 }, { id: 'guid', name: 'High' }, { priorityid: 3 }],
      '/api/Status': [{ id: 1.5, name: 'New' }, { id: 9, name: 'Closed' }],
    });
    const problems: ReadProblem[] = [];

    const lists = await readRoutingLookups(client, ALL, (p) => problems.push(p));

    expect(lists).toEqual({
      teams: [{ id: 1, name: 'Service Desk' }],
      agents: [{ id: 2, name: 'Alex Morgan', disabled: false }, { id: 3, name: '42', disabled: true }],
      categories: [{ id: 1, name: 'Hardware>Server' }, { id: 2, name: 'Backup>Failure' }, { id: 4, name: 'Software>Patching' }],
      slas: [{ id: 2, name: 'Premium SLA' }],
      priorities: [{ id: 1, name: 'Critical' }],
      statuses: [{ id: 9, name: 'Closed' }],
    });
    expect(problems.map(brief).sort()).toEqual([
      'GET /api/Agent agents[1].id is "x", not a whole number (left out)',
      'GET /api/Category category 3.value is missing (and so are category_name and name) (left out)',
      'GET /api/Priority priorities[1].id is "guid", not a whole number (left out)',
      'GET /api/Priority priority 3.name is missing (left out)',
      'GET /api/SLA SLA 1.name is empty (left out)',
      'GET /api/Status statuses[0].id is 1.5, not a whole number (left out)',
      'GET /api/Team team 3.name is missing (left out)',
      'GET /api/Team team 4.name is empty (left out)',
      'GET /api/Team teams[1].id is missing (left out)',
      'GET /api/Team teams[4]. is "Backup", not an object (left out)',
      'GET /api/Team teams[5]. is null, not an object (left out)',
      'GET /api/Team teams[6].id is -1 (none) (left out)',
    ]);
  });
});
