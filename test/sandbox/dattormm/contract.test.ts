/**
 * The simulator held to Datto RMM's own contract: every answer has exactly the properties of the
 * response schema in Datto's OpenAPI file (build 201), in its order, recursively, each value of
 * the schema's type or null (the spec models no null, the API sends many — NOTES §0) and every
 * `date-time` an epoch-ms number (NOTES §0); and every key of the real response excerpts is there
 * with the same kind of value.
 */

import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateDattoDemo, DATTO_SANDBOX_CREDENTIALS } from '../../../src/sandbox/dattormm/index.js';
import { get, startReceiver, startSim, token } from './helpers.js';
import { buildSeed, deviceUid, OPEN_ALERT, RESOLVED_ALERT, SITE_A } from './seed-builder.js';

type Schema = Record<string, unknown>;
type Json = Record<string, unknown>;

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as unknown;
const spec = fixture('openapi-schemas.json') as { sha256: string; schemas: Record<string, Schema> };

/** Properties an answer may leave out: totalCount of open alerts (observed, NOTES §4). */
const OPTIONAL = new Set(['PaginationData.totalCount']);

/**
 * Problems of `value` against schema `name` (or an inline schema), as readable lines: a missing or
 * extra property, another order, a value of another type. `alertContext` is an open map keyed by
 * `@class` (NOTES §6.3): only its `@class` is checked.
 */
function problems(schema: Schema | string, value: unknown, path = '$', name = typeof schema === 'string' ? schema : ''): string[] {
  const s = typeof schema === 'string' ? spec.schemas[schema]! : schema;
  if (!s) return [`${path}: no schema ${String(schema)}`];
  if (typeof s.$ref === 'string') return problems(s.$ref.split('/').pop()!, value, path);
  if (value === null) return [];
  if (Array.isArray(s.oneOf)) {
    return typeof value === 'object' && typeof (value as Json)['@class'] === 'string' ? [] : [`${path}: an alert context needs "@class"`];
  }
  if (s.type === 'array') {
    if (!Array.isArray(value)) return [`${path}: expected an array`];
    return value.flatMap((item, i) => problems(s.items as Schema, item, `${path}[${i}]`));
  }
  if (s.properties || s.type === 'object') {
    if (typeof value !== 'object' || Array.isArray(value)) return [`${path}: expected an object`];
    const v = value as Json;
    if (!s.properties) {
      return s.additionalProperties && typeof s.additionalProperties === 'object' ? Object.entries(v).flatMap(([k, item]) => problems(s.additionalProperties as Schema, item, `${path}.${k}`)) : [];
    }
    const expected = Object.keys(s.properties as Json).filter((k) => k in v || !OPTIONAL.has(`${name}.${k}`));
    const out: string[] = [];
    for (const key of expected) if (!(key in v)) out.push(`${path}.${key}: missing`);
    for (const key of Object.keys(v)) if (!(key in (s.properties as Json))) out.push(`${path}.${key}: not in the spec`);
    const order = Object.keys(v).filter((k) => k in (s.properties as Json));
    if (out.length === 0 && order.join() !== expected.join()) out.push(`${path}: keys in another order (spec: ${expected.join(', ')})`);
    for (const [key, item] of Object.entries(v)) {
      const property = (s.properties as Record<string, Schema>)[key];
      if (property) out.push(...problems(property, item, `${path}.${key}`));
    }
    return out;
  }
  const kind = s.format === 'date-time' ? 'number' : s.type === 'integer' ? 'integer' : s.type;
  const ok = kind === 'integer' ? Number.isInteger(value) : typeof value === kind;
  return ok ? [] : [`${path}: expected ${kind}${s.format === 'date-time' ? ' (epoch ms)' : ''}, got ${JSON.stringify(value)}`];
}

/** A simulator with every kind of record, an alert raised and webhook actions recorded. */
async function fullAccount() {
  const sim = await startSim();
  const bearer = await token(sim);
  const receiver = await startReceiver();
  sim.control.setWebhook({ url: receiver.url, alertTemplate: { alertUID: '[alert_uid]' } });
  sim.control.triggerAlert({ deviceUid: deviceUid(4), context: { '@class': 'perf_disk_usage_ctx', diskName: 'C:', totalVolume: 476.3, freeSpace: 5.5, unitOfMeasure: 'PERCENT', diskNameDesignation: 'SINGLE_VOLUME' } });
  await sim.control.flushWebhooks();
  return { sim, bearer };
}

describe('answers have exactly the properties of the OpenAPI schemas', () => {
  const reads: [string, string][] = [
    ['/api/v2/account', 'Account'],
    ['/api/v2/account/sites', 'SitesPage'],
    [`/api/v2/site/${SITE_A}`, 'Site'],
    [`/api/v2/site/${SITE_A}/devices`, 'DevicesPage'],
    ['/api/v2/account/devices', 'DevicesPage'],
    [`/api/v2/device/${deviceUid(0)}`, 'Device'],
    ['/api/v2/device/id/5000', 'Device'],
    [`/api/v2/audit/device/${deviceUid(0)}`, 'DeviceAudit'],
    [`/api/v2/audit/device/${deviceUid(4)}`, 'DeviceAudit'],
    [`/api/v2/audit/printer/${deviceUid(1)}`, 'PrinterAudit'],
    [`/api/v2/audit/esxihost/${deviceUid(2)}`, 'ESXiHostAudit'],
    ['/api/v2/account/alerts/open', 'AlertsPage'],
    ['/api/v2/account/alerts/resolved', 'AlertsPage'],
    [`/api/v2/site/${SITE_A}/alerts/open`, 'AlertsPage'],
    [`/api/v2/device/${deviceUid(0)}/alerts/resolved`, 'AlertsPage'],
    [`/api/v2/alert/${OPEN_ALERT}`, 'Alert'],
    [`/api/v2/alert/${RESOLVED_ALERT}`, 'Alert'],
    ['/api/v2/system/request_rate', 'RateStatusResponse'],
    ['/api/v2/system/pagination', 'PaginationConfiguration'],
    ['/api/v2/system/status', 'StatusResponse'],
  ];

  it.each(reads)('%s → %s', async (path, schema) => {
    const { sim, bearer } = await fullAccount();

    const body = await get(sim, bearer, path);

    expect(problems(schema, body)).toEqual([]);
  });

  it('a raised alert with its WEBHOOK_EXECUTED action', async () => {
    const { sim, bearer } = await fullAccount();

    const page = await get<{ alerts: Json[] }>(sim, bearer, `/api/v2/device/${deviceUid(4)}/alerts/open`);

    expect(page.alerts).toHaveLength(1);
    expect((page.alerts[0]!.responseActions as Json[]).map((a) => a.actionType)).toEqual(['WEBHOOK_EXECUTED']);
    expect(problems('AlertsPage', page)).toEqual([]);
  });

  it('a created and an updated site', async () => {
    const { sim, bearer } = await fullAccount();
    const created = await fetch(`${sim.url}/api/v2/site`, { method: 'PUT', headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'New Customer', proxySettings: { host: 'p', port: 8080, type: 'http' } }) });
    const site = (await created.json()) as Json;
    const updated = await fetch(`${sim.url}/api/v2/site/${site.uid as string}`, { method: 'POST', headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Renamed Customer' }) });

    expect(problems('Site', site)).toEqual([]);
    expect(problems('Site', await updated.json())).toEqual([]);
  });

  it('every site, device, audit and alert of the realistic demo', async () => {
    const demo = generateDattoDemo({ devices: 200 });
    const sim = await startSim(demo);
    const bearer = await token(sim, DATTO_SANDBOX_CREDENTIALS);

    const sites = await get<Json>(sim, bearer, '/api/v2/account/sites');
    const devices = await get<{ devices: Json[] }>(sim, bearer, '/api/v2/account/devices');
    const open = await get<Json>(sim, bearer, '/api/v2/account/alerts/open');
    const resolved = await get<Json>(sim, bearer, '/api/v2/account/alerts/resolved');
    const audits: string[] = [];
    for (const device of devices.devices) {
      const kind = { device: 'device', esxihost: 'esxihost', printer: 'printer' }[device.deviceClass as string];
      if (!kind) continue;
      audits.push(...problems(kind === 'device' ? 'DeviceAudit' : kind === 'esxihost' ? 'ESXiHostAudit' : 'PrinterAudit', await get(sim, bearer, `/api/v2/audit/${kind}/${device.uid as string}`), device.uid as string));
    }

    expect(problems('SitesPage', sites)).toEqual([]);
    expect(problems('DevicesPage', devices)).toEqual([]);
    expect(problems('AlertsPage', open)).toEqual([]);
    expect(problems('AlertsPage', resolved)).toEqual([]);
    expect(audits).toEqual([]);
  });

  it('renders all 300 UDF keys, or 30 with udfCount: 30', async () => {
    const sim = await startSim();
    const old = await startSim(buildSeed(), { udfCount: 30 });

    const device = await get<{ udf: Json }>(sim, await token(sim), `/api/v2/device/${deviceUid(0)}`);
    const oldDevice = await get<{ udf: Json }>(old, await token(old), `/api/v2/device/${deviceUid(0)}`);

    expect(Object.keys(device.udf)).toEqual(Object.keys((spec.schemas.Udf!.properties as Json)));
    expect(Object.keys(device.udf)).toHaveLength(300);
    expect(device.udf).toMatchObject({ udf1: 'A-0001', udf2: null, udf5: 'five', udf300: 'last' });
    expect(Object.keys(oldDevice.udf)).toHaveLength(30);
  });
});

describe('answers match the real response excerpts', () => {
  const sample = (name: string) => fixture(`samples/${name}`) as Json;
  /** Every key of the excerpt in ours with a value of the same kind (null matches anything: the excerpts are abridged). */
  function missing(excerpt: unknown, ours: unknown, path = '$', allow: readonly string[] = []): string[] {
    if (allow.includes(path) || excerpt === null || ours === null) return [];
    const kind = (v: unknown) => (Array.isArray(v) ? 'array' : typeof v);
    if (kind(excerpt) !== kind(ours)) return [`${path}: the excerpt has ${kind(excerpt)}, ours ${kind(ours)}`];
    if (kind(excerpt) !== 'object') return [];
    return Object.entries(excerpt as Json).flatMap(([k, v]) => (k in (ours as Json) ? missing(v, (ours as Json)[k], `${path}.${k}`, allow) : [`${path}.${k}: not in ours`]));
  }

  it('site, device, alert and the sites envelope', async () => {
    const { sim, bearer } = await fullAccount();

    const site = await get(sim, bearer, `/api/v2/site/${SITE_A}`);
    const device = await get(sim, bearer, `/api/v2/device/${deviceUid(0)}`);
    const alert = await get(sim, bearer, `/api/v2/alert/${OPEN_ALERT}`);
    const envelope = await get(sim, bearer, '/api/v2/account/sites?max=2');

    expect(missing(sample('site.juict-reference-excerpt.json'), site)).toEqual([]);
    // lastSeen is an ISO string in this one excerpt; epoch ms everywhere else (NOTES §0: the simulator emits numbers).
    expect(missing(sample('device.juict-reference-excerpt.json'), device, '$', ['$.lastSeen'])).toEqual([]);
    expect(missing(sample('alert.comp_script_ctx.juict-reference-excerpt.json'), alert, '$', ['$.alertContext'])).toEqual([]);
    expect(missing(sample('pagination-envelope.account-sites.juict-reference-excerpt.json'), envelope)).toEqual([]);
    expect(await get(sim, bearer, '/api/v2/system/pagination')).toEqual(sample('system-pagination.juict-reference.json'));
  });

  it('raises an alert shaped like the captured comp_script_ctx one by default', async () => {
    const { sim, bearer } = await fullAccount();
    const raised = sim.control.triggerAlert({ deviceUid: deviceUid(5) });

    const alert = await get<Json>(sim, bearer, `/api/v2/alert/${raised.alertUid}`);
    const excerpt = sample('alert.comp_script_ctx.juict-reference-excerpt.json');

    expect(missing(excerpt, alert, '$', ['$.alertSourceInfo.deviceUid', '$.alertSourceInfo.siteUid'])).toEqual([]);
    expect(alert).toMatchObject({ priority: 'Moderate', resolved: false, muted: false, ticketNumber: null, autoresolveMins: 1, alertMonitorInfo: { sendsEmails: false, createsTicket: false } });
    expect((alert.alertContext as Json)['@class']).toBe('comp_script_ctx');
  });
});

describe('fixtures', () => {
  const reference = process.env.HALOFORM_REFERENCE_DIR ?? new URL('../../../../shared/reference', import.meta.url).pathname;
  const file = `${reference}/dattormm/datto-rmm-openapi.build201.json`;

  it.skipIf(!existsSync(file))('openapi-schemas.json holds the verbatim schemas of datto-rmm-openapi.build201.json', () => {
    const text = readFileSync(file, 'utf8');
    const full = JSON.parse(text) as { components: { schemas: Record<string, Schema> } };

    expect(spec.sha256).toBe(createHash('sha256').update(text).digest('hex'));
    for (const [name, schema] of Object.entries(spec.schemas)) expect(schema).toEqual(full.components.schemas[name]);
  });

  it.skipIf(!existsSync(file))('the samples are byte-identical to the reference samples', () => {
    const names = ['site.juict-reference-excerpt.json', 'device.juict-reference-excerpt.json', 'alert.comp_script_ctx.juict-reference-excerpt.json', 'pagination-envelope.account-sites.juict-reference-excerpt.json', 'system-pagination.juict-reference.json'];
    const hooks = ['alert-template.aegis-dattormm-alert-halopsa.json', 'alert-template.lwhitelock-dattormm-alert-halopsa.json', 'alert-template.netlify-faunadb-find_string-12051127975.json', 'alert-template.slack-attachments.srvprivate-webhooks-proxy.json'];
    const read = (path: string) => readFileSync(path, 'utf8');

    for (const name of names) expect(read(new URL(`./fixtures/samples/${name}`, import.meta.url).pathname)).toBe(read(`${reference}/dattormm/api-samples/${name}`));
    for (const name of hooks) expect(read(new URL(`./fixtures/samples/${name}`, import.meta.url).pathname)).toBe(read(`${reference}/dattormm/webhook-samples/${name}`));
  });
});
