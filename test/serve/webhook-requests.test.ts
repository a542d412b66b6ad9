/**
 * What the webhook endpoint answers, over real HTTP: every bad request class with its own status
 * and message, recorded in the inbox as rejected (and listed by `haloform inbox list --status
 * rejected`) without any secret; the ways a secret may be presented; health, readiness, metrics;
 * and the start-up refusals.
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/http/index.js';
import { startServe } from '../../src/serve/start.js';
import { cli } from '../helpers/cli.js';
import { conditionActivity, fastServeOptions, loadSpec, post, SECRET, specText, startWorld, type World } from './fixtures.js';

const PREVIOUS = 'previous-webhook-secret-fedcba9876543210';

describe('webhook requests', () => {
  let world: World;
  let device: number;
  let nextId = 800_000;
  const activity = (extra: Record<string, unknown> = {}) => JSON.stringify(conditionActivity(++nextId, 'TRIGGERED', `series-${nextId}`, device, extra));

  beforeAll(async () => {
    world = await startWorld({ spec: specText({ webhookHeader: 'X-Haloform-Token' }), serve: { secrets: [SECRET, PREVIOUS] } });
    device = world.cast.plain.deviceId;
  });
  afterAll(async () => world.close());

  it.each([
    ['no secret', { secret: null }, 401, 'Unauthorized: no webhook secret; send it as Authorization: Bearer <secret>, in the header alerts.webhook.header names, or as ?token=<secret>'],
    ['a wrong bearer secret', { secret: 'not-the-secret-at-all-0000' }, 401, 'Unauthorized: the webhook secret does not match'],
    ['a secret without "Bearer"', { secret: null, headers: { authorization: SECRET } }, 401, 'Unauthorized: the webhook secret does not match'],
    ['a wrong token in the query', { secret: null, path: '/ninjaone/webhook?token=wrong-token-wrong-token' }, 401, 'Unauthorized: the webhook secret does not match'],
  ] as const)('refuses %s with 401', async (_, options, status, message) => {
    const response = await post(world.serve.url, activity(), options as Parameters<typeof post>[2]);

    expect(response).toEqual({ status, body: { error: message, status } });
  });

  it.each([
    ['Authorization: Bearer', {}],
    ['the previous secret (rotation)', { secret: PREVIOUS }],
    ['the header the spec names', { secret: null, headers: { 'x-haloform-token': SECRET } }],
    ['?token= in the URL', { secret: null, path: `/ninjaone/webhook?token=${SECRET}` }],
    ['the Halo-compatible path', { path: '/api/notifyninjaalerts' }],
  ] as const)('accepts a delivery authenticated by %s', async (_, options) => {
    const response = await post(world.serve.url, activity(), options as Parameters<typeof post>[2]);

    expect(response).toEqual({ status: 202, body: { status: 'accepted', deliveryId: expect.any(Number) } });
  });

  it('refuses a body over 1 MiB with 413', async () => {
    const big = JSON.stringify({ ...conditionActivity(++nextId, 'TRIGGERED', 's-big', device), padding: 'x'.repeat(1024 * 1024) });

    const response = await post(world.serve.url, big);

    expect(response).toEqual({ status: 413, body: { error: `Payload Too Large: the body is ${Buffer.byteLength(big)} bytes; the limit is 1048576 bytes`, status: 413 } });
  });

  it('refuses a body that is not declared JSON with 415', async () => {
    const response = await post(world.serve.url, activity(), { headers: { 'content-type': 'text/plain' } });

    expect(response).toEqual({ status: 415, body: { error: 'Unsupported Media Type: send the activity as application/json (got text/plain)', status: 415 } });
  });

  it('refuses a body that does not parse with 400', async () => {
    const response = await post(world.serve.url, '{"id": 1, "activityType": ');

    expect(response.status).toBe(400);
    expect(response.body.error).toMatch(/^Bad Request: the body is not valid JSON: /);
  });

  it.each([
    ['an array', '[]', '$', '$ must be one NinjaOne activity, got an array'],
    ['a text id', JSON.stringify({ id: 'abc', activityType: 'CONDITION', statusCode: 'TRIGGERED' }), '$.id', '$.id must be an integer, got "abc"'],
    ['no activityType', JSON.stringify({ id: 5, statusCode: 'TRIGGERED' }), '$.activityType', '$.activityType is required'],
    ['a numeric statusCode', JSON.stringify({ id: 5, activityType: 'CONDITION', statusCode: 3 }), '$.statusCode', '$.statusCode must be a string, got 3'],
    ['a TRIGGERED without a device', JSON.stringify({ id: 5, activityType: 'CONDITION', statusCode: 'TRIGGERED', seriesUid: 'x' }), '$.deviceId', '$.deviceId is required for a TRIGGERED activity (the device the alert is on)'],
    ['a RESET without a series', JSON.stringify({ id: 5, activityType: 'CONDITION', statusCode: 'RESET', deviceId: 7 }), '$.seriesUid', '$.seriesUid is required for a RESET activity (or sourceConfigUid): it ties TRIGGERED to its RESET'],
    ['a device that is not an object', JSON.stringify({ id: 5, activityType: 'CONDITION', statusCode: 'TRIGGERED', seriesUid: 'x', deviceId: 7, device: 'PC-1' }), '$.device', '$.device must be an object, got "PC-1"'],
    ['a bad device id', JSON.stringify({ id: 5, activityType: 'CONDITION', statusCode: 'TRIGGERED', seriesUid: 'x', deviceId: 7, device: { organizationId: 1.5 } }), '$.device.organizationId', '$.device.organizationId must be an integer, got 1.5'],
  ])('refuses %s with 422 and the JSON path', async (_, body, path, problem) => {
    const response = await post(world.serve.url, body);

    expect(response).toEqual({ status: 422, body: { error: `Unprocessable Content: not a NinjaOne activity: ${problem}`, status: 422, path } });
  });

  it('answers 405 for another method and 404 elsewhere', async () => {
    const get = await fetch(`${world.serve.url}/ninjaone/webhook`);
    const nowhere = await fetch(`${world.serve.url}/webhook`, { method: 'POST' });

    expect([get.status, get.headers.get('allow')]).toEqual([405, 'POST']);
    expect(nowhere.status).toBe(404);
  });

  it('lists every rejected class with its status in haloform inbox list --status rejected, and stores no secret', async () => {
    const storeUrl = world.storeUrl;

    const run = await cli(['inbox', 'list', '--status', 'rejected', '--store', storeUrl, '--limit', '100']);
    const json = await cli(['inbox', 'list', '--status', 'rejected', '--store', storeUrl, '--limit', '100', '--format', 'json']);

    expect(run.code).toBe(0);
    expect(run.stdout.split('\n')[0]).toMatch(/^ID +RECEIVED +STATUS +HTTP +ACTIVITY +EVENT +DEVICE +TICKET +DETAIL$/);
    const rows = json.stdout.trim().split('\n').map((l) => JSON.parse(l) as { httpStatus: number; reason: string; message: string; status: string });
    expect(new Set(rows.map((r) => `${r.httpStatus} ${r.reason}`))).toEqual(
      new Set(['401 unauthorized', '413 too_large', '415 unsupported_media_type', '400 malformed_json', '422 not_an_activity']),
    );
    expect(rows.every((r) => r.status === 'rejected')).toBe(true);
    expect(run.stdout).toContain('Unauthorized: the webhook secret does not match');
    expect(run.stdout).toContain('Unprocessable Content: not a NinjaOne activity: $.id must be an integer');
    const db = new Database(storeUrl.slice('sqlite:'.length), { readonly: true });
    const everything = JSON.stringify(db.prepare('SELECT * FROM deliveries').all()) + JSON.stringify(db.prepare('SELECT * FROM history').all());
    db.close();
    expect(everything).not.toContain(SECRET);
    expect(everything).not.toContain(PREVIOUS);
    expect(everything).not.toMatch(/token=(?!<secret>)/);
    expect(await world.serve.metrics.value('haloform_webhook_rejected_total', { reason: 'unauthorized' })).toBe(4);
  });

  it('answers /healthz, /readyz and /metrics', async () => {
    const health = await fetch(`${world.serve.url}/healthz`);
    const ready = await fetch(`${world.serve.url}/readyz`);
    const metrics = await fetch(`${world.serve.url}/metrics`);

    expect([health.status, await health.json()]).toEqual([200, { status: 'ok' }]);
    expect([ready.status, await ready.json()]).toEqual([200, { status: 'ready', checks: { store: 'ok', halo: 'ok' } }]);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await metrics.text();
    for (const name of [
      'haloform_webhook_received_total',
      'haloform_webhook_duplicates_total',
      'haloform_webhook_rejected_total{reason="too_large"} 1',
      'haloform_deliveries_processed_total',
      'haloform_deliveries_dead_lettered_total',
      'haloform_queue_depth',
      'haloform_alert_ticket_latency_seconds_bucket',
      'haloform_halo_rate_limited_total',
      'haloform_poller_recovered_total{kind="opened"}',
    ]) {
      expect(text).toContain(name);
    }
  });
});

describe('serve start-up', () => {
  const env = { NINJAONE_URL: 'http://127.0.0.1:9', NINJAONE_CLIENT_ID: 'n', NINJAONE_CLIENT_SECRET: 'ninja-secret', HALO_URL: 'http://127.0.0.1:9', HALO_CLIENT_ID: 'h', HALO_CLIENT_SECRET: 'halo-secret' };
  const spec = () => loadSpec(specText(), env);

  it('refuses to start without a secret', async () => {
    await expect(startServe({ spec: spec(), store: 'sqlite::memory:', port: 0, logger: silentLogger })).rejects.toThrow(
      'HALOFORM_WEBHOOK_SECRET is not set. serve accepts only webhooks that carry this secret (the one haloform apply registers with NinjaOne); set it to a long random value, e.g. export HALOFORM_WEBHOOK_SECRET=$(openssl rand -hex 32), or pass --insecure-no-auth on a trusted network.',
    );
  });

  it('refuses a short secret', async () => {
    await expect(startServe({ spec: spec(), store: 'sqlite::memory:', port: 0, secrets: ['hunter2'], logger: silentLogger })).rejects.toThrow(
      'HALOFORM_WEBHOOK_SECRET is 7 characters long; use at least 16 random characters (e.g. openssl rand -hex 32).',
    );
  });

  it('starts without a secret only with --insecure-no-auth, and is not ready while Halo cannot issue a token', async () => {
    const serve = await startServe({ spec: spec(), store: 'sqlite::memory:', port: 0, insecureNoAuth: true, logger: silentLogger, ...fastServeOptions() });
    try {
      const accepted = await post(serve.url, JSON.stringify(conditionActivity(1, 'TRIGGERED', 's', 7)), { secret: null });
      const ready = await fetch(`${serve.url}/readyz`);

      expect(accepted.status).toBe(202);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({ status: 'not ready', checks: { store: 'ok', halo: expect.stringMatching(/Could not complete POST \/auth\/token/) } });
    } finally {
      await serve.stop({ graceMs: 100 });
    }
  });

  it('refuses a second serve on the same SQLite inbox while the first runs', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'haloform-owner-'));
    const store = `sqlite:${join(dir, 'inbox.db')}`;
    const first = await startServe({ spec: spec(), store, port: 0, insecureNoAuth: true, logger: silentLogger, ...fastServeOptions() });
    try {
      await expect(startServe({ spec: spec(), store, port: 0, insecureNoAuth: true, logger: silentLogger, ...fastServeOptions() })).rejects.toThrow(
        /^Another haloform serve \(process \d+ on .+\) is using sqlite:.*inbox\.db\. A SQLite inbox serves one process/,
      );
    } finally {
      await first.stop({ graceMs: 100 });
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('leaves the inbox free after a start that failed (the port was taken)', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'haloform-port-'));
    const store = `sqlite:${join(dir, 'inbox.db')}`;
    const blocker = await startServe({ spec: spec(), store: 'sqlite::memory:', port: 0, insecureNoAuth: true, logger: silentLogger, ...fastServeOptions() });
    try {
      await expect(startServe({ spec: spec(), store, port: blocker.port, insecureNoAuth: true, logger: silentLogger, ...fastServeOptions() })).rejects.toThrow(/EADDRINUSE/);
      const serve = await startServe({ spec: spec(), store, port: 0, insecureNoAuth: true, logger: silentLogger, ...fastServeOptions() });
      await serve.stop({ graceMs: 100 });
    } finally {
      await blocker.stop({ graceMs: 100 });
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('logs one JSON line per event with the delivery id, and never the secret', async () => {
    const lines: string[] = [];
    const serve = await startServe({ spec: spec(), store: 'sqlite::memory:', port: 0, secrets: [SECRET], logSink: (l) => lines.push(l), ...fastServeOptions() });
    try {
      await post(serve.url, JSON.stringify(conditionActivity(1, 'TRIGGERED', 's', 7)));
      await post(serve.url, '{}', { secret: 'wrong-secret-wrong-secret' });
      await post(serve.url, '{}', { secret: null, path: `/ninjaone/webhook?token=${SECRET}x` });
    } finally {
      await serve.stop({ graceMs: 100 });
    }

    const events = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events.find((e) => e.msg === 'webhook accepted')).toMatchObject({ level: 'info', component: 'serve', deliveryId: expect.any(Number), activityId: 1, seriesKey: 's' });
    expect(events.filter((e) => e.msg === 'webhook rejected').map((e) => [e.status, typeof e.deliveryId])).toEqual([
      [401, 'number'],
      [401, 'number'],
    ]);
    expect(lines.join('\n')).not.toContain(SECRET);
    expect(events.at(-1)).toMatchObject({ msg: 'stopped' });
  });
});

describe('sample payloads', () => {
  it('the real TRIGGERED sample is a valid activity', async () => {
    const { readActivity } = await import('../../src/rmm/ninjaone/activity.js');
    const sample = JSON.parse(readFileSync(new URL('../sandbox/ninjaone/fixtures/samples/condition-triggered.vmware-host-memory.country-consulting.json', import.meta.url), 'utf8')) as unknown;

    const check = readActivity(sample);

    expect(check).toMatchObject({ ok: true, activity: { id: 177210, deviceId: 7, seriesUid: 'e6b0b0bd-5753-445d-9e4a-71c08983cbd5', statusCode: 'TRIGGERED', device: { nodeClass: 'VMWARE_VM_HOST', organizationName: 'Country Consulting', locationName: 'Main Office' } } });
  });
});
