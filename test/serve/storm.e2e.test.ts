/**
 * Storm roll-up end to end (alerts.stormThreshold, issue 17): 40 devices of one organisation
 * losing the same condition at once make one parent ticket listing all 40 — the firings before
 * the threshold keep their own tickets and are named on it, later ones are notes — and the parent
 * closes with the storm's last reset, not before. Another organisation's alert of the same
 * condition is not part of the storm.
 */

import { afterEach, describe, expect, it } from 'vitest';
import { fire, leave, parentCreated } from '../../src/serve/storm.js';
import { alertsWith, specText, startWorld, type World } from './fixtures.js';

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const CLOSED = 9;

describe('storm roll-up', () => {
  it('rolls 40 devices of one organisation into one parent ticket listing them all, closed with the last reset', { timeout: 60_000 }, async () => {
    world = await startWorld({ spec: specText({ alerts: alertsWith('  stormThreshold: { alerts: 10, withinMinutes: 5 }') }), seed: { devices: 400 } });
    const devices = world.sandbox.ninjaone.control.state().devices.filter((d) => world!.cast.linked.includes(d.id));
    const byOrg = new Map<number, typeof devices>();
    for (const d of devices) byOrg.set(d.organizationId, [...(byOrg.get(d.organizationId) ?? []), d]);
    const [orgId, inOrg] = [...byOrg].sort((a, b) => b[1].length - a[1].length)[0]!;
    expect(inOrg.length).toBeGreaterThanOrEqual(40);
    const storm = inOrg.slice(0, 40);
    const outsider = devices.find((d) => d.organizationId !== orgId)!;

    const uids = storm.map((d) => world!.trigger({ deviceId: d.id }));
    const other = world.trigger({ deviceId: outsider.id });
    await world.settle();

    const tickets = world.state().tickets;
    const parents = tickets.filter((t) => String(t.ninja_alert_id ?? '').startsWith('storm:'));
    expect(parents).toHaveLength(1);
    const parent = parents[0]!;
    const own = uids.flatMap((u) => world!.ticketsOf(u));
    expect(own).toHaveLength(9); // the firings before the threshold
    expect(world.ticketsOf(other)).toHaveLength(1);
    expect(parent.summary).toMatch(/^Alert storm: .+ on 10 devices/);

    // Every device of the storm is named on the parent: in its details, or in a note.
    const text = [parent.details_html ?? '', ...world.notesOf(parent.id)].join('\n');
    const named = storm.filter((d) => text.includes(`NinjaOne device ${d.id})`));
    expect(named.map((d) => d.id).sort()).toEqual(storm.map((d) => d.id).sort());
    // Those that had opened their own ticket when the storm began are named with it (one still opening may be named without).
    expect(own.filter((t) => parent.details_html?.includes(`its own ticket ${t.id},`)).length).toBeGreaterThanOrEqual(8);

    // Members reset one by one: the parent stays open until the last.
    const members = uids.filter((u) => world!.ticketsOf(u).length === 0);
    expect(members).toHaveLength(31);
    for (const uid of members.slice(0, -1)) world.sandbox.ninjaone.control.resetAlert(uid);
    await world.settle();
    expect(world.state().tickets.find((t) => t.id === parent.id)?.status_id).not.toBe(CLOSED);
    expect(world.notesOf(parent.id).some((n) => n.includes('1 of the 31 devices on this ticket still alerting'))).toBe(true);
    world.sandbox.ninjaone.control.resetAlert(members.at(-1)!);
    await world.settle();
    expect(world.state().tickets.find((t) => t.id === parent.id)?.status_id).toBe(CLOSED);

    // The storm is over: the same condition later starts counting again (its own ticket).
    const after = world.trigger({ deviceId: storm[0]!.id });
    await world.settle();
    expect(world.ticketsOf(after)).toHaveLength(1);
  });
});

describe('storm roll-up and the poller', () => {
  it("resets the storm's devices whose RESET webhooks were lost, and so closes the parent", { timeout: 60_000 }, async () => {
    world = await startWorld({ spec: specText({ alerts: alertsWith('  stormThreshold: { alerts: 3, withinMinutes: 5 }') }), seed: { devices: 120 } });
    const devices = world.sandbox.ninjaone.control.state().devices.filter((d) => world!.cast.linked.includes(d.id));
    const orgId = devices[0]!.organizationId;
    const storm = devices.filter((d) => d.organizationId === orgId).slice(0, 6);
    const uids = storm.map((d) => world!.trigger({ deviceId: d.id }));
    await world.settle();
    const parent = world.state().tickets.find((t) => String(t.ninja_alert_id ?? '').startsWith('storm:'))!;
    expect(parent).toBeDefined();

    // Every alert resets in NinjaOne, but no RESET webhook arrives.
    world.sandbox.ninjaone.control.setWebhookDelivery({ dropRate: 1 });
    for (const uid of uids) world.sandbox.ninjaone.control.resetAlert(uid);
    await world.settle();
    expect(world.state().tickets.find((t) => t.id === parent.id)?.status_id).not.toBe(CLOSED);

    const poll = await world.serve.poll();
    expect(poll.closed).toBeGreaterThanOrEqual(4); // the parent's members, and the tickets of their own
    await world.serve.idle();
    expect(world.state().tickets.find((t) => t.id === parent.id)?.status_id).toBe(CLOSED);
    // The poller never took the parent for an alert of its own: no series "storm:…" in the store.
    expect(await world.serve.store.getSeries(String(parent.ninja_alert_id))).toBeUndefined();
  });
});

describe('storm state', () => {
  const threshold = { alerts: 3, withinMinutes: 5, per: 'organisation+condition' as const };
  const at = { key: 'storm:1:c', condition: 'c' };
  const firing = (n: number, when: number) => ({ series: `s${n}`, deviceId: n, device: `D${n}`, at: when });

  it('counts within the window only, and leads at the threshold; a second firing waits on the lead', () => {
    let raw: string | undefined;
    const step = (n: number, when: number) => {
      const r = fire(raw, at, firing(n, when), threshold, when);
      raw = JSON.stringify(r.next);
      return r.role.role;
    };
    expect(step(1, 0)).toBe('single');
    // Six minutes later the first has left the window.
    expect(step(2, 360_000)).toBe('single');
    expect(step(3, 361_000)).toBe('single');
    expect(step(4, 362_000)).toBe('lead');
    expect(step(5, 363_000)).toBe('wait');
    expect(step(4, 364_000)).toBe('lead'); // the lead's retry leads again
    raw = JSON.stringify(parentCreated(raw, 's4', 77));
    expect(fire(raw, at, firing(5, 365_000), threshold, 365_000).role).toEqual({ role: 'join', parentTicketId: 77, members: 2, devices: 3 });
  });

  it('ends with the last member: leaving before that keeps the storm', () => {
    let raw: string | undefined = JSON.stringify({ key: at.key, condition: 'c', firings: [{ ...firing(1, 0), joined: true, active: true }, { ...firing(2, 0), joined: true, active: true }, { ...firing(3, 0), ticketId: 5 }], parentTicketId: 9 });
    const first = leave(raw, 's1');
    expect(first).toMatchObject({ active: 1, members: 2, wasMember: true, device: 'D1' });
    raw = JSON.stringify(first.next);
    expect(leave(raw, 's3')).toMatchObject({ wasMember: false, active: 1 });
    const last = leave(raw, 's2');
    expect(last).toMatchObject({ active: 0, wasMember: true });
    expect(last.next).toBeUndefined();
  });
});
