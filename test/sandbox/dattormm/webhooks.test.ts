/**
 * The global alert webhook (reference/dattormm/NOTES.md §8): templates with `[placeholders]`
 * substituted as strings, the resolved template on resolve, a test send with raw placeholders,
 * delivery faults from the shared queue, and the responseActions that record each post.
 */

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { WEBHOOK_PLACEHOLDERS, type DattoRmmSimulator } from '../../../src/sandbox/dattormm/index.js';
import { call, control, get, startReceiver, startSim, token } from './helpers.js';
import { buildSeed, deviceUid, OPEN_ALERT, SITE_A, T0, USER } from './seed-builder.js';

type Json = Record<string, unknown>;

const sample = (name: string) => readFileSync(new URL(`./fixtures/samples/${name}`, import.meta.url), 'utf8');

/** Every placeholder as a key of its own: `{"alert_uid": "[alert_uid]", ...}`. */
const EVERY_PLACEHOLDER = Object.fromEntries(WEBHOOK_PLACEHOLDERS.map((p) => [p, `[${p}]`]));

async function withWebhook(config: Json = {}, options: Parameters<typeof startSim>[1] = {}) {
  const sim = await startSim(buildSeed(), options);
  const receiver = await startReceiver();
  sim.control.setWebhook({ url: receiver.url, alertTemplate: EVERY_PLACEHOLDER, resolvedTemplate: { ...EVERY_PLACEHOLDER, resolved: 'true' }, ...config });
  return { sim, receiver };
}

const actions = async (sim: DattoRmmSimulator, uid: string) => ((await get<Json>(sim, await token(sim), `/api/v2/alert/${uid}`)).responseActions as Json[]).map((a) => a.actionType);

describe('raising an alert', () => {
  it('posts the alert template with every placeholder replaced by the alert\'s values, as strings', async () => {
    const { sim, receiver } = await withWebhook({ headers: [{ name: 'X-Shared-Secret', value: 'hook-secret' }] });

    const alert = sim.control.triggerAlert({ deviceUid: deviceUid(4), priority: 'Critical', context: { '@class': 'srvc_status_ctx', serviceName: 'Spooler', status: 'STOPPED' } });
    await sim.control.flushWebhooks();

    expect(receiver.received).toHaveLength(1);
    const post = receiver.received[0]!;
    expect(post.method).toBe('POST');
    expect(post.path).toBe('/datto-hook');
    expect(post.headers['x-shared-secret']).toBe('hook-secret');
    expect(post.headers['content-type']).toBe('application/json');
    expect(JSON.parse(post.text)).toEqual({
      alert_uid: alert.alertUid,
      alert_message: 'Service Spooler is STOPPED',
      alert_message_en: 'Service Spooler is STOPPED',
      alert_type: 'Service Monitor',
      alert_category: 'Service',
      alert_priority: 'Critical',
      platform: 'merlot',
      sitename: 'Contoso Ltd',
      site_name: 'Contoso Ltd',
      site_id: '110',
      site_uid: SITE_A,
      device_id: '5012',
      device_uid: deviceUid(4),
      device_hostname: 'HOST-004',
      device_ip: '10.0.0.14',
      device_os: 'Microsoft Windows Server 2022 Standard',
      device_description: 'Device 4',
      last_user: 'CONTOSO\\user',
      timestamp: String(T0 / 1000),
    });
  });

  it('adds the alert to the open alerts and records WEBHOOK_EXECUTED once the post is answered', async () => {
    const { sim } = await withWebhook();
    const bearer = await token(sim);

    const alert = sim.control.triggerAlert({ deviceUid: deviceUid(5), message: 'Custom text', alertType: 'Custom Type', category: 'Custom' });
    await sim.control.flushWebhooks();
    const open = await get<{ alerts: Json[] }>(sim, bearer, `/api/v2/device/${deviceUid(5)}/alerts/open`);

    expect(open.alerts.map((a) => a.alertUid)).toEqual([alert.alertUid]);
    expect(open.alerts[0]!.responseActions).toEqual([
      { actionTime: T0, actionType: 'WEBHOOK_EXECUTED', description: 'Webhook executed (HTTP 200)', actionReference: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/datto-hook$/), actionReferenceInt: null },
    ]);
  });

  it('records WEBHOOK_EXECUTION_ERROR when the receiver keeps failing', async () => {
    const sim = await startSim(buildSeed(), { webhookDelivery: { maxAttempts: 2, retryBackoffMs: 0 } });
    const receiver = await startReceiver(() => 500);
    sim.control.setWebhook({ url: receiver.url, alertTemplate: '{"id": "[alert_uid]"}' });

    const alert = sim.control.triggerAlert({ deviceUid: deviceUid(0) });
    await sim.control.flushWebhooks();

    expect(receiver.received).toHaveLength(2);
    expect(await actions(sim, alert.alertUid)).toEqual(['WEBHOOK_EXECUTION_ERROR']);
    expect(sim.control.webhookDeliveries()).toMatchObject([{ alertUid: alert.alertUid, kind: 'alert', outcome: 'failed', attempts: 2, responseStatus: 500 }]);
  });

  it('escapes quotes, backslashes and newlines so the template stays JSON; escapeValues: false pastes them raw', async () => {
    const context = { '@class': 'eventlog_ctx', logName: 'Application', type: 'Error', code: '1000', description: 'Faulting "OUTLOOK.EXE"\r\nC:\\Windows' };
    const escaped = await withWebhook({ alertTemplate: '{"msg": "[alert_message]"}' });
    const raw = await withWebhook({ alertTemplate: '{"msg": "[alert_message]"}', escapeValues: false });

    for (const { sim } of [escaped, raw]) {
      sim.control.triggerAlert({ deviceUid: deviceUid(0), context });
      await sim.control.flushWebhooks();
    }

    expect(JSON.parse(escaped.receiver.received[0]!.text)).toEqual({ msg: 'Application event 1000 (Error): Faulting "OUTLOOK.EXE"\r\nC:\\Windows' });
    expect(() => JSON.parse(raw.receiver.received[0]!.text)).toThrow();
  });

  it('fills the real templates users configure (Aegis, lwhitelock, Slack) and leaves unknown placeholders as written', async () => {
    const templates = ['alert-template.aegis-dattormm-alert-halopsa.json', 'alert-template.lwhitelock-dattormm-alert-halopsa.json', 'alert-template.netlify-faunadb-find_string-12051127975.json', 'alert-template.slack-attachments.srvprivate-webhooks-proxy.json'];
    const bodies: Json[] = [];
    for (const name of templates) {
      const { sim, receiver } = await withWebhook({ alertTemplate: sample(name), resolvedTemplate: null });
      sim.control.triggerAlert({ deviceUid: deviceUid(0), alertUid: 'a1b2c3d4-0000-4000-8000-000000000001' });
      await sim.control.flushWebhooks();
      bodies.push(JSON.parse(receiver.received[0]!.text) as Json);
    }
    const { sim, receiver } = await withWebhook({ alertTemplate: '{"a": "[alertuid]", "b": "[not_a_placeholder]", "c": "[device_hostname]"}' });
    sim.control.triggerAlert({ deviceUid: deviceUid(0) });
    await sim.control.flushWebhooks();

    expect(bodies[0]).toMatchObject({ alertUID: 'a1b2c3d4-0000-4000-8000-000000000001', dattoSiteDetails: 'Contoso Ltd', platform: 'merlot', resolvedAlert: 'false', showDeviceDetails: true });
    expect(bodies[1]).toMatchObject({ alertUID: 'a1b2c3d4-0000-4000-8000-000000000001', alertMessage: 'BSODView Command has Failed: exit code 1' });
    expect(bodies[2]).toEqual({ hostname: 'HOST-000', deviceId: '5000', siteId: '110', siteName: 'Contoso Ltd', priority: 'moderate', msg: 'BSODView Command has Failed: exit code 1', category: 'Component' });
    expect(JSON.stringify(bodies[3])).toContain('"title_link":"https://merlot.rmm.datto.com/alert/a1b2c3d4-0000-4000-8000-000000000001"');
    expect(JSON.stringify(bodies[3])).not.toMatch(/\[[a-z_]+\]/);
    expect(JSON.parse(receiver.received[0]!.text)).toEqual({ a: '[alertuid]', b: '[not_a_placeholder]', c: 'HOST-000' });
  });

  it('sends nothing when no webhook is registered', async () => {
    const sim = await startSim();

    const alert = sim.control.triggerAlert({ deviceUid: deviceUid(0) });
    await sim.control.flushWebhooks();

    expect(sim.control.webhookDeliveries()).toEqual([]);
    expect(await actions(sim, alert.alertUid)).toEqual([]);
  });
});

describe('resolving an alert', () => {
  it('posts the resolved template when the API resolves it, [timestamp] the resolution time', async () => {
    const { sim, receiver } = await withWebhook({}, { webhookTimestampFormat: 'iso' });
    const bearer = await token(sim);

    await call(sim, bearer, `/api/v2/alert/${OPEN_ALERT}/resolve`, { method: 'POST' });
    await sim.control.flushWebhooks();

    expect(receiver.json()).toEqual([expect.objectContaining({ alert_uid: OPEN_ALERT, resolved: 'true', alert_priority: 'High', timestamp: new Date(T0).toISOString() })]);
    expect(sim.control.webhookDeliveries()).toMatchObject([{ alertUid: OPEN_ALERT, kind: 'resolved', outcome: 'delivered' }]);
    expect(await actions(sim, OPEN_ALERT)).toEqual(['WEBHOOK_EXECUTED']);
    expect(await get(sim, bearer, `/api/v2/alert/${OPEN_ALERT}`)).toMatchObject({ resolved: true, resolvedBy: USER.username });
  });

  it('posts both templates for an alert raised and resolved through the control API', async () => {
    const { sim, receiver } = await withWebhook({}, { webhookTimestampFormat: 'epoch-ms' });

    const alert = sim.control.triggerAlert({ deviceUid: deviceUid(6) });
    const resolved = sim.control.resolveAlert(alert.alertUid, { resolvedBy: 'tech@msp' });
    await sim.control.flushWebhooks();

    expect(resolved).toMatchObject({ resolved: true, resolvedBy: 'tech@msp', resolvedOn: T0 });
    expect(receiver.json().map((b) => [b.alert_uid, b.resolved ?? 'false', b.timestamp])).toEqual([
      [alert.alertUid, 'false', String(T0)],
      [alert.alertUid, 'true', String(T0)],
    ]);
    expect(await actions(sim, alert.alertUid)).toEqual(['WEBHOOK_EXECUTED', 'WEBHOOK_EXECUTED']);
  });

  it('posts nothing on resolve without a resolved template', async () => {
    const { sim, receiver } = await withWebhook({ resolvedTemplate: null });

    sim.control.resolveAlert(OPEN_ALERT);
    await sim.control.flushWebhooks();

    expect(receiver.received).toEqual([]);
  });
});

describe('the test send', () => {
  it('posts the template with its placeholders unsubstituted, for no alert', async () => {
    const { sim, receiver } = await withWebhook({ alertTemplate: sample('alert-template.netlify-faunadb-find_string-12051127975.json') });

    sim.control.testWebhook();
    sim.control.testWebhook('resolved');
    await sim.control.flushWebhooks();

    expect(receiver.received[0]!.text).toBe(sample('alert-template.netlify-faunadb-find_string-12051127975.json'));
    expect(receiver.json()[0]!.siteId).toBe('[site_id]');
    expect(receiver.json()[1]).toMatchObject({ alert_uid: '[alert_uid]', resolved: 'true' });
    expect(sim.control.webhookDeliveries().map((d) => [d.kind, d.alertUid])).toEqual([['test', null], ['test', null]]);
  });

  it('is refused without a webhook, over HTTP too', async () => {
    const sim = await startSim();

    const response = await control(sim, 'POST', '/_sandbox/webhook/test', {});

    expect(response).toEqual({ status: 409, body: { error: 'no webhook is registered' } });
  });
});

describe('delivery faults', () => {
  it('drops posts with dropRate 1: nothing arrives and the alert records no action', async () => {
    const { sim, receiver } = await withWebhook({}, { webhookDelivery: { dropRate: 1 } });

    const alert = sim.control.triggerAlert({ deviceUid: deviceUid(0) });
    await sim.control.flushWebhooks();

    expect(receiver.received).toEqual([]);
    expect(sim.control.webhookDeliveries()).toMatchObject([{ alertUid: alert.alertUid, outcome: 'dropped', attempts: 0 }]);
    expect(await actions(sim, alert.alertUid)).toEqual([]);
  });

  it('duplicates posts with duplicateRate 1: two identical posts, two actions', async () => {
    const { sim, receiver } = await withWebhook();
    sim.control.setWebhookDelivery({ duplicateRate: 1 });

    const alert = sim.control.triggerAlert({ deviceUid: deviceUid(0) });
    await sim.control.flushWebhooks();

    expect(receiver.received).toHaveLength(2);
    expect(receiver.received[1]!.text).toBe(receiver.received[0]!.text);
    expect(sim.control.webhookDeliveries().map((d) => d.duplicate ?? false)).toEqual([false, true]);
    expect(await actions(sim, alert.alertUid)).toEqual(['WEBHOOK_EXECUTED', 'WEBHOOK_EXECUTED']);
  });

  it('reorders a window of posts with reorderWindow, the same way for the same seed', async () => {
    const order = async () => {
      const { sim, receiver } = await withWebhook({ alertTemplate: '{"d": "[device_hostname]"}' }, { seed: 7, webhookDelivery: { reorderWindow: 4 } });
      for (const i of [0, 4, 5, 6]) sim.control.triggerAlert({ deviceUid: deviceUid(i) });
      await sim.control.flushWebhooks();
      return receiver.json().map((b) => b.d);
    };

    const first = await order();

    expect([...first].sort()).toEqual(['HOST-000', 'HOST-004', 'HOST-005', 'HOST-006']);
    expect(await order()).toEqual(first);
  });
});

describe('registering the webhook over /_sandbox/webhook', () => {
  it('takes templates as text or objects and shows it with header values and URL query values hidden', async () => {
    const sim = await startSim();

    const set = await control(sim, 'PUT', '/_sandbox/webhook', { url: 'https://psa.example/hook?code=secret', alertTemplate: '{"a": "[alert_uid]"}', headers: [{ name: 'Authorization', value: 'Bearer s3cret' }] });
    const shown = await control(sim, 'GET', '/_sandbox/webhook');
    const removed = await control(sim, 'DELETE', '/_sandbox/webhook');

    expect(set.status).toBe(200);
    expect(shown.body).toEqual({ url: 'https://psa.example/hook?code=(sensitive)', alertTemplate: '{"a": "[alert_uid]"}', resolvedTemplate: null, headers: [{ name: 'Authorization', value: '(sensitive)' }], escapeValues: true, contentType: 'application/json' });
    expect(JSON.stringify(sim.control.state())).not.toContain('s3cret');
    expect(removed.status).toBe(204);
    expect(sim.control.webhook()).toBeNull();
  });

  it.each([
    [{ alertTemplate: '{}' }, 'url: required, the address Datto posts alerts to'],
    [{ url: 'ftp://x', alertTemplate: '{}' }, 'url: must be http or https, got ftp:'],
    [{ url: 'https://x' }, 'alertTemplate: required, the JSON text (or an object) posted when an alert is raised'],
    [{ url: 'https://x', alertTemplate: '{}', headers: [{ name: 'bad header', value: 'v' }] }, 'headers[0]: must be {"name": "<header name>", "value": "<string>"}'],
    [{ url: 'https://x', alertTemplate: '{}', secret: 'x' }, 'secret: unknown webhook key; known: url, alertTemplate, resolvedTemplate, headers, escapeValues, contentType'],
  ])('refuses %j', async (body, error) => {
    const sim = await startSim();

    const response = await control(sim, 'PUT', '/_sandbox/webhook', body);

    expect(response.status).toBe(400);
    expect((response.body as Json).error).toBe(error);
  });
});
