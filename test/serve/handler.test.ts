/**
 * The webhook handler without any HTTP server: a function from request to response, over a real
 * (in-memory SQLite) inbox. What only shows here: the cap on recording unauthenticated requests,
 * the answer when the inbox cannot store, and the include filter decided at the door.
 */

import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/http/index.js';
import { WebhookAuth } from '../../src/serve/auth.js';
import { createHandler, type ServeRequest } from '../../src/serve/handler.js';
import { ServeMetrics } from '../../src/serve/metrics.js';
import { openSqliteStore } from '../../src/store/sqlite-store.js';
import { conditionActivity, loadSpec, SECRET, specText } from './fixtures.js';

const ENV = { NINJAONE_URL: 'http://127.0.0.1:9', NINJAONE_CLIENT_ID: 'n', NINJAONE_CLIENT_SECRET: 'ninja-secret', HALO_URL: 'http://127.0.0.1:9', HALO_CLIENT_ID: 'h', HALO_CLIENT_SECRET: 'halo-secret' };

function setup(alerts?: string) {
  const spec = loadSpec(specText(alerts ? { alerts } : {}), ENV);
  const store = openSqliteStore(':memory:');
  const metrics = new ServeMetrics({ store });
  let woken = 0;
  const now = 1_800_000_000_000;
  const handle = createHandler({
    spec,
    store,
    auth: new WebhookAuth({ secrets: [SECRET] }),
    metrics,
    logger: silentLogger,
    now: () => now,
    onAccepted: () => (woken += 1),
    ready: async () => ({ ok: true, checks: {} }),
  });
  return { handle, store, metrics, woken: () => woken };
}

function request(body: unknown, headers: Record<string, string> = { authorization: `Bearer ${SECRET}` }): ServeRequest {
  return { method: 'POST', url: '/ninjaone/webhook', headers: { 'content-type': 'application/json', ...headers }, body: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)) };
}

describe('webhook handler (no HTTP server)', () => {
  it('accepts, stores and wakes the workers', async () => {
    const { handle, store, woken } = setup();

    const response = await handle(request(conditionActivity(1, 'TRIGGERED', 'a', 7)));

    expect(response).toEqual({ status: 202, headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify({ status: 'accepted', deliveryId: 1 }) });
    expect(await store.getDelivery(1)).toMatchObject({ status: 'pending', headers: { 'content-type': 'application/json', 'haloform-auth': 'bearer' } });
    expect(woken()).toBe(1);
    await store.close();
  });

  it('stores a sample of each sender\'s rejections per reason a minute, counts them all, and keeps the count of the rest', async () => {
    const { handle, store, metrics } = setup();
    const from = (remoteAddress: string, body: unknown, headers?: Record<string, string>) => ({ ...request(body, headers), remoteAddress });

    for (let i = 0; i < 70; i++) expect((await handle(from('203.0.113.9', {}, {}))).status).toBe(401);
    for (let i = 0; i < 25; i++) expect((await handle(from('203.0.113.9', 'not json'))).status).toBe(400);
    // Another sender keeps its own sample: a flood from one address does not crowd it out.
    for (let i = 0; i < 3; i++) expect((await handle(from('198.51.100.4', {}, {}))).status).toBe(401);
    await handle.flush();

    const stored = await store.listDeliveries({ status: 'rejected', limit: 1000 });
    expect(stored.filter((d) => d.reason === 'unauthorized')).toHaveLength(20 + 3);
    expect(stored.filter((d) => d.reason === 'malformed_json')).toHaveLength(20);
    expect(await metrics.value('haloform_webhook_rejected_total', { reason: 'unauthorized' })).toBe(73);
    expect(await store.unstoredRejections()).toEqual({ unauthorized: 50, malformed_json: 5 });
    await store.close();
  });

  it('answers 503 when the inbox cannot store the delivery, so NinjaOne sends it again', async () => {
    const { handle, store } = setup();
    await store.close();

    const response = await handle(request(conditionActivity(1, 'TRIGGERED', 'a', 7)));

    expect(response.status).toBe(503);
    expect(response.headers['retry-after']).toBe('5');
    expect(JSON.parse(response.body)).toEqual({ error: 'Service Unavailable: the delivery could not be stored; send it again', status: 503 });
  });

  it.each([
    ['a severity alerts.include leaves out', conditionActivity(2, 'TRIGGERED', 'b', 7, { severity: 'MINOR' }), 'severity MINOR is not in alerts.include.severities (CRITICAL, MAJOR)'],
    ['a node class alerts.include leaves out', conditionActivity(3, 'TRIGGERED', 'c', 7, { device: { id: 7, nodeClass: 'MAC' } }), 'node class MAC is not in alerts.include.nodeClasses (WINDOWS_SERVER)'],
    ['an activity type alerts.include leaves out', { ...conditionActivity(4, 'TRIGGERED', 'd', 7), activityType: 'ACTIONSET' }, 'activityType ACTIONSET is not in alerts.include.activityTypes (CONDITION)'],
  ])('acknowledges %s as ignored, without work', async (_, activity, reason) => {
    const { handle, store } = setup(`  ticketType: Alert
  include: { activityTypes: [CONDITION], severities: [CRITICAL, MAJOR], nodeClasses: [WINDOWS_SERVER] }`);

    const response = await handle(request(activity));

    expect(JSON.parse(response.body)).toEqual({ status: 'ignored', deliveryId: 1, reason });
    expect(await store.counts()).toMatchObject({ pending: 0 });
    await store.close();
  });

  it('lets a RESET through whatever its severity: the worker decides by the series', async () => {
    const { handle, store } = setup(`  ticketType: Alert
  include: { activityTypes: [CONDITION], severities: [CRITICAL] }`);

    const response = await handle(request(conditionActivity(5, 'RESET', 'e', 7, { severity: 'MINOR' })));

    expect(JSON.parse(response.body)).toMatchObject({ status: 'accepted' });
    await store.close();
  });
});
