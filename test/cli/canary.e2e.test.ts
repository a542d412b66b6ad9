/**
 * The canary test (issue 14): a distinct, recognisable secret in every place a secret can be — the
 * NinjaOne and Halo client secrets, the webhook secret (current and previous) in a header and in
 * the webhook URL's `?token=`, a password in the userinfo of two URLs (Halo's authUrl and the
 * webhook's publicUrl), the PostgreSQL password of the inbox (in --store and in HALOFORM_STORE) —
 * and every output of every command grepped for each of them, as is and in the encodings a
 * secret takes on its way (URL- and form-encoded, JSON-escaped, base64 at any alignment): stdout
 * and stderr of validate, plan, apply, a failing plan, the inbox commands and serve (a child
 * process, with its JSON logs), the plan files, every file in the working folder, serve's
 * /metrics, /readyz and /healthz and its answers, the inbox rows read straight from PostgreSQL,
 * and the tickets serve wrote to Halo. None may appear.
 *
 * The canaries are really used, or the test would prove nothing: the simulators accept only them
 * (their token requests succeed; a wrong one is refused), NinjaOne holds the webhook URL with the
 * userinfo canary, serve accepts deliveries that carry the webhook canaries (header, query,
 * bearer, previous) and turns one into a Halo ticket, and the inbox tables belong to the
 * PostgreSQL role whose password is the canary. The first test checks the grep itself finds each
 * canary in each of its forms.
 *
 * The Halo password sits in `authUrl`, not `url`: a saved plan records `url` (and NinjaOne's) as its
 * targets with the password hidden, so `apply plan.json` would refuse it as stale. The last describe
 * puts a password in `connections.ninjaone.url` and also looks at what haloform writes to Halo.
 */

import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemo } from '../../src/sandbox/demo-data.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { cli, type CliRun } from '../helpers/cli.js';
import { createDatabase, usePostgres } from '../helpers/postgres.js';
import { ensureBuilt, spawnServe, type ServeChild } from '../helpers/serve-child.js';
import { conditionActivity, waitFor } from '../serve/fixtures.js';
import { freePort } from '../helpers/ports.js';

const hex = () => randomBytes(6).toString('hex');

/**
 * One canary per place a secret can be; none is a substring of another. Some hold characters that
 * change under URL-, form- or base64-encoding, so the encoded forms are really different strings.
 */
const CANARY = {
  ninjaoneClientSecret: `canary-ninja-${hex()}/n+n=`,
  haloClientSecret: `canary-halo-${hex()}/h+h=`,
  /** Travels in a header and unencoded in a URL's query: only characters both keep as they are. */
  webhookSecret: `canary-webhook-${hex()}.w~w_`,
  previousWebhookSecret: `canary-previous-webhook-${hex()}`,
  /** The password in the userinfo of alerts.webhook.publicUrl, from a variable not named like a secret. */
  hookUserinfo: `canary-userinfo-hook-${hex()}`,
  /** The password in the userinfo of connections.halo.authUrl, likewise. */
  haloAuthUserinfo: `canary-userinfo-halo-${hex()}`,
  /** The inbox's PostgreSQL password; percent-encoded in the URL (its `/`). */
  pgPassword: `canary-pg-${hex()}/p`,
  /** The Halo secret of the failing run: the configured secret there, so it must not show either. */
  wrongHaloSecret: `canary-wrong-halo-${hex()}`,
  /** What a stranger presents to serve: never echoed or stored. */
  wrongWebhookSecret: `canary-wrong-webhook-${hex()}`,
  /** The password in the userinfo of connections.ninjaone.url (the last describe only). */
  ninjaUserinfo: `canary-userinfo-ninja-${hex()}`,
};
type CanaryName = keyof typeof CANARY;

/** The strings a value can turn into in an output: as is, URL- and form-encoded, JSON-escaped, base64 (and base64url) at each alignment. */
function forms(value: string): [string, string][] {
  const out = new Map<string, string>();
  const add = (name: string, form: string) => {
    if (form.length >= 12 && !out.has(form)) out.set(form, name);
  };
  add('as is', value);
  add('URL-encoded', encodeURIComponent(value));
  add('form-encoded', new URLSearchParams({ v: value }).toString().slice(2));
  add('JSON-escaped', JSON.stringify(value).slice(1, -1));
  add('URL-encoded twice', encodeURIComponent(encodeURIComponent(value)));
  const bytes = Buffer.from(value, 'utf8');
  for (let k = 0; k < 3; k++) {
    // The characters of base64 that depend on the value's bytes alone, when it starts k bytes into a 3-byte group.
    const encoded = Buffer.concat([Buffer.alloc(k), bytes]).toString('base64');
    const start = k === 0 ? 0 : 4;
    const end = Math.floor((k + bytes.length) / 3) * 4;
    const middle = encoded.slice(start, end);
    add(`base64 (offset ${k})`, middle);
    add(`base64url (offset ${k})`, middle.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return [...out].map(([form, name]) => [name, form]);
}

const FORMS = (Object.entries(CANARY) as [CanaryName, string][]).flatMap(([canary, value]) => forms(value).map(([how, form]) => ({ canary, how, form })));

/** Every canary found in `text`, as "<where>: <canary> (<form>) in …context…". */
function leaksIn(where: string, text: string): string[] {
  const found: string[] = [];
  for (const { canary, how, form } of FORMS) {
    let at = text.indexOf(form);
    while (at !== -1) {
      const context = text.slice(Math.max(0, at - 60), at + form.length + 30).replace(/\s+/g, ' ');
      found.push(`${where}: ${canary} (${how}) in …${context}…`);
      at = text.indexOf(form, at + form.length);
    }
  }
  return found;
}

/** The outputs looked at so far, by name: each is grepped for every canary. */
const outputs = new Map<string, string>();
function collect(name: string, text: string): void {
  let key = name;
  for (let i = 2; outputs.has(key); i++) key = `${name} #${i}`;
  outputs.set(key, text);
}
function collectRun(name: string, run: CliRun): CliRun {
  collect(`${name} — stdout`, run.stdout);
  collect(`${name} — stderr`, run.stderr);
  return run;
}
function leaksSoFar(names?: (name: string) => boolean): string[] {
  return [...outputs].filter(([name]) => !names || names(name)).flatMap(([name, text]) => leaksIn(name, text));
}

/** The demo's spec (config/demo.yaml) with every secret-bearing place filled from the environment. */
const SPEC = `version: 1
connections:
  ninjaone:
    url: \${NINJAONE_URL}
    clientId: \${NINJAONE_CLIENT_ID}
    clientSecret: \${NINJAONE_CLIENT_SECRET}
  halo:
    url: \${HALO_URL}
    authUrl: "http://haloform:\${HALO_AUTH_USERINFO}@127.0.0.1:\${HALO_PORT}/auth"
    tenant: demo
    clientId: \${HALO_CLIENT_ID}
    clientSecret: \${HALO_CLIENT_SECRET}
    rateLimit: false
    timeoutSeconds: 10
customers:
  topLevel: Managed Clients
  unmapped: create
  map:
    - organisation: Contoso Ltd
      client: Contoso
      sites:
        Head Office: HQ
    - organisation: Northwind Traders
      unmappedLocations: main-site
  catchAll: { client: Unassigned Devices, site: Unknown }
assetTypes:
  map:
    WINDOWS_WORKSTATION: Workstation
    MAC: Workstation
    LINUX_WORKSTATION: Workstation
    WINDOWS_SERVER: Server
    LINUX_SERVER: Server
    NMS_SWITCH: Network Device
    NMS_ROUTER: Network Device
    NMS_FIREWALL: Network Device
  unmapped: create
assets:
  match: [ninjaId, serialNumber]
  serialField: Serial Number
  fields:
    - { to: inventory_number, from: deviceName }
    - { to: Serial Number,    from: serial }
    - { to: Model,            from: system.model }
    - { to: Operating System, from: os.name }
    - { to: warranty_end,     from: customFields.warrantyEnd }
    - { to: Support Tier,     from: customFields.supportTier, inherit: true }
    - { to: Managed Services, from: customFields.managedServices }
    - { to: Purchase Date,    from: customFields.purchaseDate }
    - { to: customfields.CFcontractTier, from: organization.customFields.contractTier }
  addMissingFieldsToTypes: true
  user: { from: lastLoggedInUser }
  removed: deactivate
alerts:
  ticketType: Alert
  onReset: close
  closeOnlyUntouched: true
  include: { activityTypes: [CONDITION] }
  poll: { everyMinutes: 10 }
  webhook:
    publicUrl: "http://ninjaone:\${HOOK_USERINFO}@127.0.0.1:\${SERVE_PORT}/ninjaone/webhook?token=\${HALOFORM_WEBHOOK_SECRET}"
    header: X-Haloform-Secret
`;

const ROLE = `haloform_canary_${hex()}`;
let database: { url: string; name: string; drop(): Promise<void> };
let superuserUrl: string;
/** The inbox as serve and the inbox commands name it: the canary role, its password percent-encoded. */
let storeUrl: string;

usePostgres({
  setup: async (url) => {
    superuserUrl = url;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      await admin.query(`CREATE ROLE ${ROLE} LOGIN PASSWORD '${CANARY.pgPassword}'`);
    } finally {
      await admin.end();
    }
    database = await createDatabase(url, 'haloform_canary');
    const inDb = new pg.Client({ connectionString: database.url });
    await inDb.connect();
    try {
      await inDb.query(`ALTER DATABASE ${database.name} OWNER TO ${ROLE}`);
      await inDb.query(`GRANT ALL ON SCHEMA public TO ${ROLE}`);
    } finally {
      await inDb.end();
    }
    const u = new URL(database.url);
    storeUrl = `postgres://${ROLE}:${encodeURIComponent(CANARY.pgPassword)}@${u.host}${u.pathname}`;
  },
  teardown: async () => {
    await database?.drop();
    const admin = new pg.Client({ connectionString: superuserUrl });
    await admin.connect();
    try {
      await admin.query(`DROP ROLE IF EXISTS ${ROLE}`);
    } finally {
      await admin.end();
    }
  },
});

let sandbox: Sandbox;
let dir: string;
let servePort: number;
/** Every variable a command may read, each secret a canary; HALOFORM_STORE names the inbox too. */
let env: Record<string, string>;
/** The same without HALOFORM_STORE: the inbox only in --store, where nothing but the URL's shape says it is a password. */
let envWithoutStore: Record<string, string>;
const run = async (name: string, argv: string[], options: { env?: Record<string, string>; answer?: string } = {}) =>
  collectRun(name, await cli(argv, { cwd: dir, env: options.env ?? env, ...(options.answer !== undefined ? { answer: options.answer } : {}) }));

beforeAll(async () => {
  ensureBuilt();
  const data = generateDemo({ seed: 1, devices: 30 });
  data.ninjaone.apps = [{ clientId: 'canary-test-ninjaone-client', clientSecret: CANARY.ninjaoneClientSecret, scopes: ['monitoring', 'management', 'control'] }];
  data.halo.apps = [{ clientId: 'canary-test-halo-client', clientSecret: CANARY.haloClientSecret, scopes: ['all'], agentId: 1 }];
  sandbox = await startSandbox({ data });
  dir = mkdtempSync(join(tmpdir(), 'haloform-canary-'));
  writeFileSync(join(dir, 'spec.yaml'), SPEC);
  servePort = await freePort();
  envWithoutStore = {
    ...sandbox.env,
    HALO_PORT: String(sandbox.halo.server.port),
    HALO_AUTH_USERINFO: CANARY.haloAuthUserinfo,
    HOOK_USERINFO: CANARY.hookUserinfo,
    SERVE_PORT: String(servePort),
    HALOFORM_WEBHOOK_SECRET: CANARY.webhookSecret,
    HALOFORM_WEBHOOK_SECRET_PREVIOUS: CANARY.previousWebhookSecret,
  };
  env = { ...envWithoutStore, HALOFORM_STORE: storeUrl };
}, 120_000);

afterAll(async () => {
  await sandbox?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('canary: no secret appears in any output', () => {
  it('the grep finds every canary as is and encoded (so a leak would fail this test)', () => {
    for (const [name, value] of Object.entries(CANARY)) {
      const basic = `Authorization: Basic ${Buffer.from(`some-user:${value}`).toString('base64')}`;
      for (const text of [`x ${value} y`, `?token=${encodeURIComponent(value)}`, JSON.stringify({ v: value }), basic, `"${Buffer.from(`ab${value}`).toString('base64url')}"`]) {
        expect(leaksIn('self-check', text), `${name} in ${text}`).not.toEqual([]);
      }
    }
  });

  it('the simulators know only the canary secrets', () => {
    expect(env.NINJAONE_CLIENT_SECRET).toBe(CANARY.ninjaoneClientSecret);
    expect(env.HALO_CLIENT_SECRET).toBe(CANARY.haloClientSecret);
    expect(sandbox.ninjaone.clientSecret).toBe(CANARY.ninjaoneClientSecret);
    expect(sandbox.halo.clientSecret).toBe(CANARY.haloClientSecret);
  });

  it('validate, plan (text, markdown, JSON, saved, --stats --verbose) and apply (saved plan, text, JSON, declined) show none', async () => {
    const validate = await run('validate', ['validate', '-c', 'spec.yaml']);
    await run('validate --format json', ['validate', '-c', 'spec.yaml', '--format', 'json']);
    const plan = await run('plan', ['plan', '-c', 'spec.yaml']);
    await run('plan --format markdown', ['plan', '-c', 'spec.yaml', '--format', 'markdown']);
    await run('plan --format json --out plan.json', ['plan', '-c', 'spec.yaml', '--format', 'json', '--out', 'plan.json']);
    await run('plan --format markdown --out plan-md.json', ['plan', '-c', 'spec.yaml', '--format', 'markdown', '--out', 'plan-md.json']);
    await run('plan --stats --verbose --detailed-exitcode --out plan-text.json', ['plan', '-c', 'spec.yaml', '--stats', '--verbose', '--detailed-exitcode', '--out', 'plan-text.json']);
    const applySaved = await run('apply plan.json', ['apply', 'plan.json', '--stats', '--verbose']);

    // Something for each further apply to write: a device NinjaOne gained since.
    const org = sandbox.data.ninjaone.organizations[0]!.id;
    sandbox.ninjaone.control.addDevice({ organizationId: org, nodeClass: 'WINDOWS_WORKSTATION', displayName: 'CANARY-PC1', system: { serialNumber: 'SN-CANARY-1' } });
    const applyText = await run('apply --auto-approve', ['apply', '-c', 'spec.yaml', '--auto-approve', '--stats', '--verbose']);
    sandbox.ninjaone.control.addDevice({ organizationId: org, nodeClass: 'WINDOWS_WORKSTATION', displayName: 'CANARY-PC2', system: { serialNumber: 'SN-CANARY-2' } });
    const applyJson = await run('apply --auto-approve --format json', ['apply', '-c', 'spec.yaml', '--auto-approve', '--format', 'json']);
    sandbox.ninjaone.control.addDevice({ organizationId: org, nodeClass: 'WINDOWS_WORKSTATION', displayName: 'CANARY-PC3', system: { serialNumber: 'SN-CANARY-3' } });
    const declined = await run('apply (answered no)', ['apply', '-c', 'spec.yaml'], { answer: 'no' });
    for (const file of ['plan.json', 'plan-md.json', 'plan-text.json']) collect(`the plan file ${file}`, readFileSync(join(dir, file), 'utf8'));

    expect(validate.code, validate.stderr).toBe(0);
    expect(plan.code, plan.stderr).toBe(0);
    expect(applySaved.code, applySaved.stderr).toBe(0);
    expect(applyText.code, applyText.stderr).toBe(0);
    expect(applyJson.code, applyJson.stderr).toBe(0);
    expect(declined.stderr).toMatch(/yes/);
    // The secrets would have been there: their places are shown hidden.
    expect(plan.stdout).toContain(`url = "http://ninjaone:[redacted]@127.0.0.1:${servePort}/ninjaone/webhook?token=[redacted]"`);
    // The canaries opened the simulators: tokens were issued for them.
    const tokenStatuses = (s: { server: { requests(): readonly { path: string; status: unknown }[] } }, path: string) => s.server.requests().filter((r) => r.path === path).map((r) => r.status);
    expect(tokenStatuses(sandbox.ninjaone, '/ws/oauth/token')).toContain(200);
    expect(tokenStatuses(sandbox.halo, '/auth/token')).toContain(200);
    // NinjaOne holds the webhook as haloform registered it: the userinfo canary in its URL (the simulator hides the query and the header).
    expect(sandbox.ninjaone.control.webhooks().map((w) => w.url)).toEqual([`http://ninjaone:${CANARY.hookUserinfo}@127.0.0.1:${servePort}/ninjaone/webhook?token=(sensitive)`]);

    expect(leaksSoFar()).toEqual([]);
  }, 60_000);

  it('a failing run (a wrong Halo secret, a plain-text password, an inbox that does not answer) shows none of them either', async () => {
    const haloRefused = await run('plan with a wrong Halo secret', ['plan', '-c', 'spec.yaml', '--verbose'], { env: { ...env, HALO_CLIENT_SECRET: CANARY.wrongHaloSecret } });
    const applyRefused = await run('apply with a wrong Halo secret', ['apply', '-c', 'spec.yaml', '--auto-approve', '--format', 'json'], { env: { ...env, HALO_CLIENT_SECRET: CANARY.wrongHaloSecret } });
    writeFileSync(join(dir, 'plain.yaml'), SPEC.replace('${HALO_AUTH_USERINFO}', CANARY.haloAuthUserinfo));
    const plainText = await run('validate a spec with a password in plain text', ['validate', '-c', 'plain.yaml']);
    const plainTextJson = await run('validate --format json, a password in plain text', ['validate', '-c', 'plain.yaml', '--format', 'json']);
    // Retried failures of each kind (a 500 from each API, a connection reset): haloform says what happens as it happens.
    sandbox.halo.server.faults.add({ route: '/api/Asset', method: 'GET', errorRate: 1, count: 1 });
    sandbox.halo.server.faults.add({ route: '/api/Client', method: 'GET', dropRate: 1, count: 1 });
    sandbox.ninjaone.server.faults.add({ route: '/v2/organizations', method: 'GET', errorRate: 1, count: 1 });
    const retried = await run('plan through retried failures', ['plan', '-c', 'spec.yaml', '--verbose', '--stats']);
    const deadPort = await freePort();
    const noInbox = await run('inbox list, PostgreSQL not answering', ['inbox', 'list', '--store', storeUrl.replace(/@[^/]+\//, `@127.0.0.1:${deadPort}/`)], { env: envWithoutStore });
    const noInboxEnv = await run('inbox list, HALOFORM_STORE not answering', ['inbox', 'list'], { env: { ...envWithoutStore, HALOFORM_STORE: storeUrl.replace(/@[^/]+\//, `@127.0.0.1:${deadPort}/`) } });

    expect(retried.code, retried.stderr).toBe(0);
    expect(retried.stderr).toMatch(/500/);
    expect(haloRefused.code).toBe(1);
    expect(haloRefused.stdout + haloRefused.stderr).toMatch(/401|client secret|refused/i);
    expect(applyRefused.code).toBe(1);
    expect(plainText.code).toBe(1);
    expect(plainText.stderr).toContain('Secret written in the spec');
    expect(plainTextJson.code).toBe(1);
    expect(noInbox.code).toBe(1);
    expect(noInboxEnv.code).toBe(1);
    // The wrong secret was refused by the simulator, so the right one is what opened it before.
    expect(sandbox.halo.server.requests().filter((r) => r.path === '/auth/token').map((r) => r.status)).toContain(401);

    expect(leaksSoFar()).toEqual([]);
  }, 60_000);

  describe('serve, against the PostgreSQL inbox', () => {
    let serve: ServeChild;
    let serveStdout = '';
    let base: string;
    let seriesUid: string;
    const responses: string[] = [];
    const post = async (name: string, path: string, body: string, headers: Record<string, string>) => {
      const response = await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
      const text = await response.text();
      collect(`serve's answer to ${name}`, `${response.status} ${JSON.stringify([...response.headers])} ${text}`);
      responses.push(`${name}: ${response.status}`);
      return response.status;
    };

    afterAll(async () => {
      if (serve && serve.process.exitCode === null) {
        serve.process.kill('SIGKILL');
        await serve.exited;
      }
    });

    it('receives webhooks with the secret in a header, in the URL, as a bearer and the previous one, rejects a wrong one, and opens a ticket', async () => {
      const device = sandbox.data.ninjaone.devices[0]!;
      // The first ticket attempt fails, so an error is logged and kept in the inbox's history.
      sandbox.halo.server.faults.add({ route: '/api/Tickets', method: 'POST', errorRate: 1, count: 1 });
      serve = spawnServe(['-c', 'spec.yaml', '--host', '127.0.0.1', '--port', String(servePort), '--store', storeUrl, '--log-level', 'debug'], envWithoutStore, dir);
      serve.process.stdout!.on('data', (chunk: Buffer) => (serveStdout += chunk.toString()));
      base = await serve.url;

      // NinjaOne delivers to the registered URL: ?token=, the X-Haloform-Secret header, and the userinfo as Basic auth.
      seriesUid = sandbox.ninjaone.control.triggerAlert({ deviceId: device.id, severity: 'MAJOR' }).alert.uid;
      await sandbox.ninjaone.control.flushWebhooks();
      let next = 7_700_000;
      const activity = (series: string) => JSON.stringify(conditionActivity(++next, 'TRIGGERED', series, device.id));
      const statuses = {
        bearer: await post('Authorization: Bearer <secret>', '/ninjaone/webhook', activity('canary-series-bearer'), { authorization: `Bearer ${CANARY.webhookSecret}` }),
        header: await post('X-Haloform-Secret: <secret>', '/ninjaone/webhook', activity('canary-series-header'), { 'x-haloform-secret': CANARY.webhookSecret }),
        query: await post('?token=<secret>', `/ninjaone/webhook?token=${encodeURIComponent(CANARY.webhookSecret)}`, activity('canary-series-query'), {}),
        otherPath: await post('/api/notifyninjaalerts?token=<secret>', `/api/notifyninjaalerts?token=${encodeURIComponent(CANARY.webhookSecret)}&note=${encodeURIComponent(CANARY.previousWebhookSecret)}`, activity('canary-series-path'), {}),
        previous: await post('X-Haloform-Secret: <previous secret>', '/ninjaone/webhook', activity('canary-series-previous'), { 'x-haloform-secret': CANARY.previousWebhookSecret }),
        wrongBearer: await post('Authorization: Bearer <wrong secret>', '/ninjaone/webhook', activity('canary-series-wrong'), { authorization: `Bearer ${CANARY.wrongWebhookSecret}` }),
        wrongQuery: await post('?token=<wrong secret>', `/ninjaone/webhook?token=${CANARY.wrongWebhookSecret}`, activity('canary-series-wrong'), {}),
        badJson: await post('?token=<secret> with a body that is not JSON', `/ninjaone/webhook?token=${CANARY.webhookSecret}`, '{"id": 1, oops', { 'x-haloform-secret': CANARY.webhookSecret }),
        notActivity: await post('a header secret with a body that is no activity', '/ninjaone/webhook', JSON.stringify({ hello: 'world' }), { authorization: `Bearer ${CANARY.webhookSecret}` }),
      };
      const tickets = await waitFor(
        'the ticket of the NinjaOne alert',
        () => {
          const found = sandbox.halo.control.state().tickets.filter((t) => t.ninja_alert_id === seriesUid);
          return found.length > 0 && found;
        },
        20_000,
      );
      await waitFor('the hand-posted alerts processed', () => ['canary-series-bearer', 'canary-series-query', 'canary-series-previous'].every((s) => sandbox.halo.control.state().tickets.some((t) => t.ninja_alert_id === s)), 20_000);

      const [metrics, ready, health] = await Promise.all(['/metrics', '/readyz', '/healthz'].map(async (path) => {
        const response = await fetch(`${base}${path}`);
        return `${response.status} ${await response.text()}`;
      }));
      collect('GET /metrics', metrics!);
      collect('GET /readyz', ready!);
      collect('GET /healthz', health!);

      expect(statuses).toEqual({ bearer: 202, header: 202, query: 202, otherPath: 202, previous: 202, wrongBearer: 401, wrongQuery: 401, badJson: 400, notActivity: 422 });
      expect(sandbox.ninjaone.control.webhookDeliveries().map((d) => [d.outcome, d.responseStatus])).toContainEqual(['delivered', 202]);
      expect(tickets).toHaveLength(1);
      expect(ready).toMatch(/^200 /);
      expect(metrics).toMatch(/haloform_/);
      expect(leaksSoFar((name) => name.startsWith('serve') || name.startsWith('GET'))).toEqual([]);
    }, 60_000);

    it('the inbox commands (list, show, replay, prune) show none, with the inbox in --store or in HALOFORM_STORE', async () => {
      const listed = await run('inbox list --store', ['inbox', 'list', '--store', storeUrl, '--limit', '200'], { env: envWithoutStore });
      await run('inbox list (HALOFORM_STORE)', ['inbox', 'list', '--limit', '200']);
      await run('inbox list --status rejected', ['inbox', 'list', '--status', 'rejected', '--store', storeUrl], { env: envWithoutStore });
      const json = await run('inbox list --format json', ['inbox', 'list', '--format', 'json', '--limit', '200', '--store', storeUrl], { env: envWithoutStore });
      const deliveries = json.stdout.trim().split('\n').map((line) => JSON.parse(line) as { id: number; status: string; headers: Record<string, string> });
      for (const d of deliveries) {
        await run(`inbox show ${d.id}`, ['inbox', 'show', String(d.id), '-c', 'spec.yaml', '--store', storeUrl], { env: envWithoutStore });
        await run(`inbox show ${d.id} --format json`, ['inbox', 'show', String(d.id), '-c', 'spec.yaml', '--format', 'json']);
      }
      const accepted = deliveries.find((d) => d.status === 'done')!;
      const replay = await run('inbox replay', ['inbox', 'replay', String(accepted.id), '--store', storeUrl], { env: envWithoutStore });
      await run('inbox prune --dry-run', ['inbox', 'prune', '--older-than', '1d', '--dry-run']);

      expect(listed.code, listed.stderr).toBe(0);
      expect(replay.code, replay.stderr).toBe(0);
      // Every way of presenting the secret reached the inbox, and so did the rejections.
      expect(new Set(deliveries.map((d) => d.headers['haloform-auth']).filter(Boolean))).toEqual(new Set(['bearer', 'header', 'query']));
      expect(deliveries.filter((d) => d.status === 'rejected')).toHaveLength(4);
      expect(leaksSoFar((name) => name.startsWith('inbox'))).toEqual([]);
    }, 60_000);

    it("serve's own stdout and stderr (its JSON logs) show none, and it stops cleanly", async () => {
      serve.process.kill('SIGTERM');
      const code = await serve.exited;
      collect('serve — stdout', serveStdout);
      collect('serve — stderr (logs)', serve.stderr.join('\n'));

      expect(code).toBe(0);
      expect(serveStdout).toContain('haloform serve is listening');
      expect(serve.stderr.some((line) => line.includes('"level":"error"') || line.includes('"level":"warn"'))).toBe(true);
      expect(leaksSoFar((name) => name.startsWith('serve —'))).toEqual([]);
    }, 30_000);
  });

  it('the inbox rows in PostgreSQL, the tickets serve wrote to Halo and every file in the working folder hold none', async () => {
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    try {
      const tables = (
        await admin.query<{ schema: string; name: string; owner: string }>(
          `SELECT schemaname AS schema, tablename AS name, tableowner AS owner FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2`,
        )
      ).rows;
      for (const t of tables) {
        const rows = await admin.query<{ row: string }>(`SELECT row_to_json(t)::text AS row FROM "${t.schema}"."${t.name}" t`);
        collect(`PostgreSQL ${t.schema}.${t.name}`, rows.rows.map((r) => r.row).join('\n'));
      }
      // serve and the inbox commands connected as the role whose password is the canary: its tables are that role's.
      expect(tables.map((t) => t.name)).toContain('haloform_deliveries');
      expect(new Set(tables.map((t) => t.owner))).toEqual(new Set([ROLE]));
      expect(outputs.get('PostgreSQL public.haloform_deliveries')).toMatch(/"status":"rejected"/);
    } finally {
      await admin.end();
    }

    const halo = sandbox.halo.control.state();
    collect("Halo's tickets", JSON.stringify(halo.tickets));
    collect("Halo's ticket actions (notes)", JSON.stringify(halo.actions));
    collect('everything else Halo holds', JSON.stringify(halo));

    const walk = (folder: string): string[] => readdirSync(folder).flatMap((entry) => (statSync(join(folder, entry)).isDirectory() ? walk(join(folder, entry)) : [join(folder, entry)]));
    const files = walk(dir);
    for (const file of files) if (!/\/(spec|plain)\.yaml$/.test(file)) collect(`the file ${file.slice(dir.length + 1)}`, readFileSync(file, 'latin1'));
    expect(files.map((f) => f.slice(dir.length + 1)).sort()).toEqual(expect.arrayContaining(['plan.json', 'plan-md.json', 'plan-text.json']));

    expect(leaksSoFar()).toEqual([]);
    // Every output was looked at: a summary a failure can be read against.
    expect(outputs.size).toBeGreaterThan(50);
  }, 30_000);
});

/**
 * connections.ninjaone.url may carry a password too (`http://user:${VAR}@host`, as any URL in the
 * spec). Every output of plan, apply and serve hides it — and nothing haloform writes to Halo may
 * hold it either: Halo's records are read by every technician (and its asset links shown to
 * users), so a password there is as exposed as on a terminal.
 */
describe('canary: a password in the NinjaOne URL', () => {
  let ninjaDir: string;
  let ninjaEnv: Record<string, string>;

  beforeAll(() => {
    ninjaDir = mkdtempSync(join(tmpdir(), 'haloform-canary-ninja-'));
    const spec = SPEC.replace('url: ${NINJAONE_URL}', 'url: "http://haloform:${NINJA_USERINFO}@127.0.0.1:${NINJA_PORT}"').replace(/\n  webhook:\n.*\n.*\n/, '\n');
    writeFileSync(join(ninjaDir, 'spec.yaml'), spec);
    ninjaEnv = { ...env, NINJA_USERINFO: CANARY.ninjaUserinfo, NINJA_PORT: String(sandbox.ninjaone.server.port) };
  });
  afterAll(() => {
    if (ninjaDir) rmSync(ninjaDir, { recursive: true, force: true });
  });

  it("is in no output of plan, apply and serve, nor in the asset links and alert tickets they write to Halo", async () => {
    const runHere = async (name: string, argv: string[], signal?: Promise<string>) =>
      collectRun(`NinjaOne URL: ${name}`, await cli(argv, { cwd: ninjaDir, env: ninjaEnv, ...(signal ? { signal } : {}) }));
    const plan = await runHere('plan', ['plan', '-c', 'spec.yaml', '--format', 'markdown', '--out', 'plan.json']);
    const apply = await runHere('apply --auto-approve', ['apply', '-c', 'spec.yaml', '--auto-approve', '--verbose']);
    // serve's poller finds an alert at once and opens its ticket (with the device's NinjaOne link).
    const device = sandbox.data.ninjaone.devices[1]!;
    const uid = sandbox.ninjaone.control.triggerAlert({ deviceId: device.id, severity: 'CRITICAL' }).alert.uid;
    let stop!: (signal: string) => void;
    const stopped = new Promise<string>((resolve) => (stop = resolve));
    const served = runHere('serve', ['serve', '-c', 'spec.yaml', '--host', '127.0.0.1', '--port', '0', '--store', 'sqlite:inbox.db', '--log-level', 'debug'], stopped);
    const ticket = await waitFor('the ticket of the polled alert', () => sandbox.halo.control.state().tickets.find((t) => t.ninja_alert_id === uid), 20_000).finally(() => stop('SIGTERM'));
    const serve = await served;
    collect('NinjaOne URL: the plan file', readFileSync(join(ninjaDir, 'plan.json'), 'utf8'));

    expect(plan.code, plan.stderr).toBe(0);
    expect(apply.code, apply.stderr).toBe(0);
    expect(serve.code, serve.stderr).toBe(0);
    expect(ticket).toBeDefined();
    expect(plan.stdout).not.toContain('haloform:');
    expect(leaksSoFar((name) => name.startsWith('NinjaOne URL:'))).toEqual([]);

    const halo = sandbox.halo.control.state();
    // The links apply writes carry the address without its userinfo (so the check below is not vacuous).
    expect(halo.assets.some((a) => /"http:\/\/127\.0\.0\.1:\d+\/#\/deviceDashboard\/\d+\/overview"/.test(JSON.stringify(a)))).toBe(true);
    const inHalo = [
      ...halo.assets.flatMap((a) => leaksIn(`Halo asset ${a.id} (written by apply)`, JSON.stringify(a))),
      ...halo.tickets.flatMap((t) => leaksIn(`Halo ticket ${t.id} (written by serve)`, JSON.stringify(t))),
    ];
    // One line per kind is enough to read: the first asset and the first ticket that hold it, and how many do.
    const assets = inHalo.filter((l) => l.startsWith('Halo asset'));
    const tickets = inHalo.filter((l) => l.startsWith('Halo ticket'));
    expect([...assets.slice(0, 1), ...tickets.slice(0, 1), `${assets.length} asset and ${tickets.length} ticket findings`]).toEqual(['0 asset and 0 ticket findings']);
  }, 60_000);
});
