/**
 * A world for serve's end-to-end tests: both simulators, with a Halo where the NinjaOne demo MSP
 * is already linked the way `haloform apply` leaves it (clients, sites and assets carrying the
 * NinjaOne ids), plus the cases placement must handle — an asset with a user on its site, an
 * asset whose user sits elsewhere, a device known only by its site or its client, an organisation
 * Halo does not know (the catch-all). A real `serve` on a free port, its webhook registered in
 * the NinjaOne simulator, and helpers that wait on the simulator's delivery queue and serve's
 * `idle()` instead of sleeping.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSpecText } from '../../src/config/load.js';
import type { Spec } from '../../src/config/spec.js';
import type { Diagnostic } from '../../src/diagnostics/diagnostic.js';
import { RateLimiterRegistry, silentLogger, type Logger } from '../../src/http/index.js';
import { NinjaOneClient } from '../../src/rmm/ninjaone/client.js';
import { generateDemo, haloLookups } from '../../src/sandbox/demo-data.js';
import type { TriggerAlertInput } from '../../src/sandbox/ninjaone/index.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import type { HaloAsset, HaloClient, HaloSeed, HaloSite, HaloUser, NinjaSeed, Seed } from '../../src/sandbox/seed.js';
import { startServe, type ServeHandle, type ServeOptions } from '../../src/serve/start.js';

export const SECRET = 'test-webhook-secret-0123456789abcdef';

/** Devices that exercise each way of placing a ticket. */
export interface Cast {
  /** An asset whose user is on the asset's site: that user is the end user. */
  withUser: { deviceId: number; assetId: number; clientId: number; siteId: number; userId: number };
  /** An asset whose only user is on another site: the General User of the asset's site. */
  userElsewhere: { deviceId: number; assetId: number; clientId: number; siteId: number };
  /** An asset without users. */
  plain: { deviceId: number; assetId: number; clientId: number; siteId: number };
  /** No asset; its location is a Halo site. */
  bySite: { deviceId: number; clientId: number; siteId: number };
  /** No asset, location unknown to Halo; its organisation is a Halo client (its main site). */
  byClient: { deviceId: number; clientId: number; siteId: number };
  /** Its organisation is unknown to Halo: the catch-all. */
  unknown: { deviceId: number };
  catchAll: { clientId: number; siteId: number };
  /** Devices linked as assets (for bursts). */
  linked: number[];
}

export function linkedSeed(options: { devices?: number; catchAll?: boolean } = {}): { seed: Seed; cast: Cast } {
  const demo = generateDemo({ seed: 1, devices: options.devices ?? 30 });
  // The tests raise every alert they count; the realistic demo's own active alerts would add tickets.
  demo.ninjaone.alerts = [];
  const ninja: NinjaSeed = demo.ninjaone;
  const clients: HaloClient[] = [];
  const sites: HaloSite[] = [];
  const users: HaloUser[] = [];
  const assets: HaloAsset[] = [];
  const orgs = ninja.organizations;
  const unmappedOrg = orgs[orgs.length - 1]!;
  const devicesAt = (locationId: number) => ninja.devices.filter((d) => d.locationId === locationId);
  // A second location of a mapped organisation, with devices: left out of Halo.
  const unmappedLocation = ninja.locations.find(
    (l) => l.organizationId !== unmappedOrg.id && ninja.locations.filter((x) => x.organizationId === l.organizationId)[0]!.id !== l.id && devicesAt(l.id).length > 0,
  )!;

  let siteId = 100;
  let userId = 500;
  for (const org of orgs) {
    if (org.id === unmappedOrg.id) continue;
    const client: HaloClient = { id: 10 + org.id, name: `${org.name} (Halo)`, toplevel_id: 1, inactive: false, ninjarmmid: org.id };
    clients.push(client);
    for (const loc of ninja.locations.filter((l) => l.organizationId === org.id)) {
      if (loc.id === unmappedLocation.id) continue;
      const site: HaloSite = { id: ++siteId, name: loc.name, client_id: client.id, inactive: false, ninjarmmid: loc.id };
      sites.push(site);
      client.main_site_id ??= site.id;
    }
  }
  const catchAllClient: HaloClient = { id: 99, name: 'Unassigned Devices', toplevel_id: 1, inactive: false };
  const catchAllSite: HaloSite = { id: 199, name: 'Unknown', client_id: 99, inactive: false };
  if (options.catchAll !== false) {
    catchAllClient.main_site_id = catchAllSite.id;
    clients.push(catchAllClient);
    sites.push(catchAllSite);
  }
  const siteOfLocation = new Map(sites.filter((s) => s.ninjarmmid !== undefined).map((s) => [s.ninjarmmid!, s]));

  const mapped = ninja.devices.filter((d) => d.organizationId !== unmappedOrg.id && d.locationId !== unmappedLocation.id);
  const bySiteDevice = mapped[mapped.length - 1]!;
  const byClientDevice = devicesAt(unmappedLocation.id)[0]!;
  const unknownDevice = ninja.devices.find((d) => d.organizationId === unmappedOrg.id)!;
  const linkedDevices = mapped.filter((d) => d.id !== bySiteDevice.id);
  let assetId = 1000;
  for (const d of linkedDevices) {
    const site = siteOfLocation.get(d.locationId)!;
    assets.push({ id: ++assetId, inventory_number: String(d.displayName ?? `device-${d.id}`), client_id: site.client_id, site_id: site.id, assettype_id: 1, inactive: false, fields: [], user_ids: [], ninjarmm_id: d.id });
  }
  // Two assets on sites of clients that have another site, so a user can live elsewhere.
  const withUserAsset = assets[0]!;
  const otherSite = sites.find((s) => s.client_id === withUserAsset.client_id && s.id !== withUserAsset.site_id) ?? sites.find((s) => s.id !== withUserAsset.site_id)!;
  const onSite: HaloUser = { id: ++userId, name: 'Jo Bloggs', firstname: 'Jo', surname: 'Bloggs', emailaddress: 'jo@example.com', login: 'jbloggs', site_id: withUserAsset.site_id, inactive: false };
  const elsewhere: HaloUser = { id: ++userId, name: 'Sam Roe', firstname: 'Sam', surname: 'Roe', emailaddress: 'sam@example.com', login: 'sroe', site_id: otherSite.id, inactive: false };
  users.push(onSite, elsewhere);
  withUserAsset.user_ids = [onSite.id];
  const elsewhereAsset = assets[1]!;
  elsewhereAsset.user_ids = [elsewhere.id];
  const plainAsset = assets[2]!;

  const halo: HaloSeed = {
    apps: [{ clientId: 'sandbox-halo-client', clientSecret: 'sandbox-secret', scopes: ['all'], agentId: 1 }],
    topLevels: [{ id: 1, name: 'Managed Clients' }],
    clients,
    sites,
    users,
    assetGroups: [{ id: 1, name: 'Hardware' }],
    fields: [{ id: 101, name: 'Serial Number', type: 0 }],
    assetTypes: [{ id: 1, name: 'Workstation', assetgroup_id: 1, field_ids: [101] }],
    assets,
    ...haloLookups(),
    control: { allowduplicateinv: true },
  };
  const byClientOrg = clients.find((c) => c.ninjarmmid === byClientDevice.organizationId)!;
  const cast: Cast = {
    withUser: { deviceId: withUserAsset.ninjarmm_id!, assetId: withUserAsset.id, clientId: withUserAsset.client_id, siteId: withUserAsset.site_id, userId: onSite.id },
    userElsewhere: { deviceId: elsewhereAsset.ninjarmm_id!, assetId: elsewhereAsset.id, clientId: elsewhereAsset.client_id, siteId: elsewhereAsset.site_id },
    plain: { deviceId: plainAsset.ninjarmm_id!, assetId: plainAsset.id, clientId: plainAsset.client_id, siteId: plainAsset.site_id },
    bySite: { deviceId: bySiteDevice.id, clientId: siteOfLocation.get(bySiteDevice.locationId)!.client_id, siteId: siteOfLocation.get(bySiteDevice.locationId)!.id },
    byClient: { deviceId: byClientDevice.id, clientId: byClientOrg.id, siteId: byClientOrg.main_site_id! },
    unknown: { deviceId: unknownDevice.id },
    catchAll: { clientId: catchAllClient.id, siteId: catchAllSite.id },
    linked: linkedDevices.map((d) => d.id),
  };
  return { seed: { ninjaone: ninja, halo }, cast };
}

/** The spec serve runs with in tests; `extra` replaces lines of the alerts section. */
export function specText(options: { alerts?: string; catchAll?: boolean; webhookHeader?: string } = {}): string {
  return `version: 1
connections:
  ninjaone:
    url: \${NINJAONE_URL}
    clientId: \${NINJAONE_CLIENT_ID}
    clientSecret: \${NINJAONE_CLIENT_SECRET}
  halo:
    url: \${HALO_URL}
    tenant: demo
    clientId: \${HALO_CLIENT_ID}
    clientSecret: \${HALO_CLIENT_SECRET}
    rateLimit: false
    timeoutSeconds: 5
customers:
${options.catchAll === false ? '  unmapped: create' : '  catchAll: { client: Unassigned Devices, site: Unknown }'}
alerts:
${
  options.alerts ??
  `  ticketType: Alert
  priority: { CRITICAL: 1, MAJOR: 2, MODERATE: 3, MINOR: 4, NONE: 4 }
  onReset: close
  closeOnlyUntouched: true
  include: { activityTypes: [CONDITION] }
  poll: { everyMinutes: 10 }`
}
${options.webhookHeader ? `  webhook: { publicUrl: "http://127.0.0.1:1/ninjaone/webhook", header: ${options.webhookHeader} }` : ''}
`;
}

/** The `alerts:` section specText writes by default, with `extra` (indented YAML lines) after it. */
export function alertsWith(extra: string): string {
  return `  ticketType: Alert
  onReset: close
  include: { activityTypes: [CONDITION] }
  poll: { everyMinutes: 10 }
${extra}`;
}

/** Errors a spec text has, with stand-in connections (nothing is called). */
export function specErrors(text: string): Diagnostic[] {
  const env = { NINJAONE_URL: 'https://eu.ninjarmm.com', NINJAONE_CLIENT_ID: 'a', NINJAONE_CLIENT_SECRET: 'b', HALO_URL: 'https://halo.example', HALO_CLIENT_ID: 'c', HALO_CLIENT_SECRET: 'd' };
  return loadSpecText('spec.yaml', text, env, { missingEnv: 'error' }).diagnostics.filter((d) => d.severity === 'error');
}

export function loadSpec(text: string, env: Record<string, string>): Spec {
  const loaded = loadSpecText('serve-test.yaml', text, env, { missingEnv: 'error' });
  if (!loaded.spec) throw new Error(`test spec does not load:\n${loaded.diagnostics.map((d) => `${d.summary}: ${d.detail}`).join('\n')}`);
  return loaded.spec;
}

/**
 * Fast retries for tests: the same code paths as production, waits of milliseconds instead of
 * seconds (the ≥ 30 s after a 429 becomes 20 ms here and in the HTTP layer).
 */
export function fastServeOptions(): Partial<ServeOptions> {
  return {
    workers: { concurrency: 4, leaseMs: 10_000, pollIntervalMs: 50, retry: { baseMs: 5, maxMs: 50, rateLimitMinMs: 20, maxAttempts: 60 } },
    halo: { backoff: { baseDelayMs: 5, maxDelayMs: 20, minRateLimitWaitMs: 20 }, maxAttempts: 2, timeoutMs: 2_000, limiters: new RateLimiterRegistry() },
    ninjaone: { backoff: { baseDelayMs: 5, maxDelayMs: 20, minRateLimitWaitMs: 20 }, maxAttempts: 2 },
    poller: 'manual',
    directoryRefreshMs: 0,
  };
}

export interface World {
  sandbox: Sandbox;
  serve: ServeHandle;
  spec: Spec;
  cast: Cast;
  storeUrl: string;
  dir: string;
  env: Record<string, string>;
  /** Raises an alert in NinjaOne (TRIGGERED goes to serve). */
  trigger(input: TriggerAlertInput): string;
  /** The alert fires again: another TRIGGERED of the same series (NinjaOne keeps the alert active). */
  fireAgain(uid: string): void;
  /** Every queued webhook delivered, then every accepted delivery processed. */
  settle(): Promise<void>;
  state(): ReturnType<Sandbox['halo']['control']['state']>;
  ticketsOf(seriesUid: string): ReturnType<Sandbox['halo']['control']['state']>['tickets'];
  notesOf(ticketId: number): string[];
  /** Starts serve again (after `serve.stop()`), on the same or a new store. */
  restart(options?: { storeUrl?: string }): Promise<ServeHandle>;
  close(): Promise<void>;
}

export async function startWorld(
  options: {
    spec?: string;
    serve?: Partial<ServeOptions>;
    seed?: { devices?: number; catchAll?: boolean };
    storeUrl?: string;
    register?: boolean;
    logger?: Logger;
    /** Like a real tenant, ignore the `ninja_alert_id` list filter Halo's swagger does not have. */
    realTicketFilters?: boolean;
  } = {},
): Promise<World> {
  const { seed, cast } = linkedSeed(options.seed ?? {});
  const sandbox = await startSandbox({ data: seed, ...(options.realTicketFilters ? { halo: { ticketAlertFilters: false } } : {}) });
  const dir = mkdtempSync(join(tmpdir(), 'haloform-serve-'));
  const env = { ...sandbox.env };
  const spec = loadSpec(options.spec ?? specText(), env);
  let storeUrl = options.storeUrl ?? `sqlite:${join(dir, 'inbox.db')}`;
  const begin = async () => {
    const started = await startServe({ spec, store: storeUrl, port: 0, secrets: [SECRET], logger: options.logger ?? silentLogger, ...fastServeOptions(), ...options.serve });
    // Started for good: a new store has adopted Halo's open tickets and the workers run.
    await started.idle();
    return started;
  };
  let serve = await begin();
  const register = async (url: string) => {
    const ninja = new NinjaOneClient(spec.connections.ninjaone, { maxAttempts: 1 });
    await ninja.registerWebhook({ url: `${url}/ninjaone/webhook`, header: 'Authorization', secret: SECRET });
    await ninja.close();
  };
  if (options.register !== false) await register(serve.url);
  const world: World = {
    sandbox,
    get serve() {
      return serve;
    },
    spec,
    cast,
    get storeUrl() {
      return storeUrl;
    },
    dir,
    env,
    trigger: (input) => sandbox.ninjaone.control.triggerAlert(input).alert.uid,
    fireAgain: (uid) => {
      const first = sandbox.ninjaone.control.state().activities.find((a) => a.seriesUid === uid && a.statusCode === 'TRIGGERED');
      if (!first) throw new Error(`no TRIGGERED activity of ${uid} to repeat`);
      const { id: _id, activityTime: _time, ...again } = first;
      sandbox.ninjaone.control.fireActivity(again);
    },
    settle: async () => {
      await sandbox.ninjaone.control.flushWebhooks();
      await serve.idle();
    },
    state: () => sandbox.halo.control.state(),
    ticketsOf: (uid) => sandbox.halo.control.state().tickets.filter((t) => t.ninja_alert_id === uid),
    notesOf: (ticketId) =>
      sandbox.halo.control
        .state()
        .actions.filter((a) => a.ticket_id === ticketId)
        .map((a) => a.note_html ?? a.note ?? ''),
    restart: async (restartOptions = {}) => {
      if (restartOptions.storeUrl) storeUrl = restartOptions.storeUrl;
      serve = await begin();
      if (options.register !== false) await register(serve.url);
      return serve;
    },
    close: async () => {
      await serve.stop({ graceMs: 1_000 }).catch(() => undefined);
      await sandbox.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return world;
}

/** POSTs a body to serve's webhook. */
export async function post(
  url: string,
  body: string | Buffer,
  options: { headers?: Record<string, string>; path?: string; secret?: string | null } = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...options.headers };
  if (options.secret !== null) headers.authorization ??= `Bearer ${options.secret ?? SECRET}`;
  const response = await fetch(`${url}${options.path ?? '/ninjaone/webhook'}`, { method: 'POST', headers, body });
  const text = await response.text();
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    parsed = { text };
  }
  return { status: response.status, body: parsed };
}

/** A condition activity like NinjaOne's, for posting by hand. */
export function conditionActivity(id: number, statusCode: 'TRIGGERED' | 'RESET', seriesUid: string, deviceId: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    activityTime: 1_782_358_120 + id / 1000,
    deviceId,
    severity: 'MAJOR',
    priority: 'HIGH',
    seriesUid,
    activityType: 'CONDITION',
    statusCode,
    status: statusCode === 'TRIGGERED' ? 'Triggered' : 'Reset',
    sourceConfigUid: 'aa294b7a-0000-4000-8000-000000000001',
    sourceName: '',
    subject: '',
    message: 'CPU utilisation is greater than 90% for 5 minutes',
    type: 'Condition',
    data: { message: { code: 'agent_cond_cpu', params: { threshold: 90, unit: '%' } } },
    ...extra,
  };
}

/** Waits for a condition another process (or the event loop) makes true; fails after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}


