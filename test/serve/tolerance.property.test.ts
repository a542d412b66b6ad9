/**
 * One odd row never stops serve (issue 13): with one field of one row of any list serve reads —
 * Halo's ticket types, statuses, outcomes, clients, sites, linked assets and tickets, NinjaOne's
 * device and alerts — dropped or null, an alert still ends as a ticket, or as a dead letter that
 * says why; nothing stays stuck, nothing is created twice, and serve keeps answering.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HaloApiClient } from '../../src/halo/client.js';
import { NinjaOneClient } from '../../src/rmm/ninjaone/client.js';
import type { OverlayOp } from '../../src/sandbox/overlays.js';
import { startWorld, type World } from './fixtures.js';
import { NINJAONE } from '../../src/rmm/ninjaone/provider.js';

let world: World;
beforeAll(async () => {
  world = await startWorld();
}, 60_000);
afterAll(async () => {
  await world?.close();
});

interface Case {
  api: 'halo' | 'ninjaone';
  list: string;
  id: number | string;
  fields: string[];
}

const MUTATIONS: { name: string; op: OverlayOp }[] = [
  { name: 'dropped', op: { drop: true } },
  { name: 'null', op: { value: null } },
];

describe('serve with one odd row in any list it reads', () => {
  it('turns every alert into a ticket or a dead letter that says why; never stuck, never twice', { timeout: 300_000 }, async () => {
    const { withUser } = world.cast;
    const halo = new HaloApiClient(world.spec.connections.halo, NINJAONE.halo, { maxAttempts: 1 });
    const ninja = new NinjaOneClient(world.spec.connections.ninjaone, { maxAttempts: 1 });
    const keys = async (path: string, key: string, pick: (r: Record<string, unknown>) => boolean, query = {}) =>
      Object.keys((await halo.list(path, key, query)).map((r) => r.r).find(pick) ?? {});
    const cases: Case[] = [
      { api: 'halo', list: 'TicketType', id: 21, fields: await keys('/api/TicketType', 'tickettypes', (r) => r.name === 'Alert') },
      { api: 'halo', list: 'Status', id: 9, fields: ['id', 'name'] },
      { api: 'halo', list: 'Outcome', id: 7, fields: ['id', 'outcome'] },
      { api: 'halo', list: 'Client', id: withUser.clientId, fields: await keys('/api/Client', 'clients', (r) => Number(r.id) === withUser.clientId) },
      { api: 'halo', list: 'Site', id: withUser.siteId, fields: await keys('/api/Site', 'sites', (r) => Number(r.id) === withUser.siteId) },
      { api: 'halo', list: 'Asset', id: withUser.assetId, fields: await keys('/api/Asset', 'assets', (r) => Number(r.id) === withUser.assetId, { integration_type: 'ninjarmm' }) },
      { api: 'ninjaone', list: 'devices', id: withUser.deviceId, fields: Object.keys(((await ninja.http.request({ method: 'GET', path: `/v2/device/${withUser.deviceId}`, label: 'GET' })).body ?? {}) as object) },
    ];
    await Promise.all([halo.close(), ninja.close()]);

    const failures: string[] = [];
    let runs = 0;
    for (const c of cases) {
      for (const field of c.fields) {
        for (const mutation of MUTATIONS) {
          const overlays = c.api === 'halo' ? world.sandbox.halo.control.overlays : world.sandbox.ninjaone.control.overlays;
          overlays.add({ list: c.list, id: c.id, field, op: mutation.op });
          // Tickets too, where serve reads its own: every ticket row with the same field changed.
          if (c.list === 'Client') world.sandbox.halo.control.overlays.add({ list: 'Tickets', id: '*', field: field === 'id' ? 'client_id' : field, op: mutation.op });
          const where = `${c.list} ${c.id}.${field} ${mutation.name}`;
          try {
            const uid = world.trigger({ deviceId: withUser.deviceId, severity: 'MAJOR', message: `odd row ${where}` });
            await world.settle();
            world.sandbox.ninjaone.control.resetAlert(uid);
            await world.settle();
            runs += 1;
            const deliveries = (await world.serve.store.listDeliveries({ limit: 10 })).filter((d) => d.seriesKey === uid);
            const stuck = deliveries.filter((d) => d.status === 'pending');
            if (stuck.length > 0) failures.push(`${where}: ${stuck.length} deliveries left ${stuck[0]!.status}`);
            const dead = deliveries.filter((d) => d.status === 'dead');
            const tickets = world.ticketsOf(uid);
            if (tickets.length > 1) failures.push(`${where}: ${tickets.length} tickets for one alert`);
            if (tickets.length === 0 && dead.length === 0) failures.push(`${where}: no ticket and no dead letter`);
            for (const d of dead) {
              const why = d.reason ?? d.lastError ?? d.message;
              if (!why || /undefined|TypeError|Cannot read/.test(why)) failures.push(`${where}: dead without a reason: ${why ?? '(none)'}`);
            }
            const health = await fetch(`${world.serve.url}/healthz`);
            if (health.status !== 200) failures.push(`${where}: /healthz answered ${health.status}`);
          } finally {
            world.sandbox.halo.control.overlays.clear();
            world.sandbox.ninjaone.control.overlays.clear();
          }
        }
      }
    }
    expect(failures).toEqual([]);
    expect(runs).toBeGreaterThan(40);
  });
});
