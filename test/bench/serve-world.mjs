/**
 * The world serve's benchmarks run in: both simulators, with a Halo where every NinjaOne device
 * of the demo MSP is already linked the way `haloform apply` leaves it (a client per organisation,
 * a site per location, an asset per device, all carrying the NinjaOne ids), the spec serve runs
 * with, and the webhook registered in the NinjaOne simulator. Like test/serve/fixtures.ts, in
 * plain JavaScript over dist/.
 */

import { createServer } from 'node:http';
import { loadSpecText } from '../../dist/config/load.js';
import { NinjaOneClient } from '../../dist/rmm/ninjaone/client.js';
import { generateDemo, haloLookups } from '../../dist/sandbox/demo-data.js';
import { startSandbox } from '../../dist/sandbox/index.js';

export const SECRET = 'bench-webhook-secret-0123456789abcdef';

/** NinjaOne's demo MSP with `devices` devices, and a Halo in which all of it is linked. */
export function linkedSeed(devices) {
  const ninja = generateDemo({ seed: 1, devices }).ninjaone;
  const clients = [];
  const sites = [];
  const assets = [];
  let siteId = 100;
  for (const org of ninja.organizations) {
    const client = { id: 10 + org.id, name: `${org.name} (Halo)`, toplevel_id: 1, inactive: false, ninjarmmid: org.id };
    clients.push(client);
    for (const loc of ninja.locations.filter((l) => l.organizationId === org.id)) {
      const site = { id: ++siteId, name: loc.name, client_id: client.id, inactive: false, ninjarmmid: loc.id };
      sites.push(site);
      client.main_site_id ??= site.id;
    }
  }
  clients.push({ id: 9, name: 'Unassigned Devices', toplevel_id: 1, inactive: false, main_site_id: 99 });
  sites.push({ id: 99, name: 'Unknown', client_id: 9, inactive: false });
  const siteOf = new Map(sites.filter((s) => s.ninjarmmid !== undefined).map((s) => [s.ninjarmmid, s]));
  let assetId = 100_000;
  for (const d of ninja.devices) {
    const site = siteOf.get(d.locationId);
    assets.push({
      id: ++assetId,
      inventory_number: String(d.displayName ?? `device-${d.id}`),
      client_id: site.client_id,
      site_id: site.id,
      assettype_id: 1,
      inactive: false,
      fields: [],
      user_ids: [],
      ninjarmm_id: d.id,
    });
  }
  const halo = {
    apps: [{ clientId: 'sandbox-halo-client', clientSecret: 'sandbox-secret', scopes: ['all'], agentId: 1 }],
    topLevels: [{ id: 1, name: 'Managed Clients' }],
    clients,
    sites,
    users: [],
    assetGroups: [{ id: 1, name: 'Hardware' }],
    fields: [{ id: 101, name: 'Serial Number', type: 0 }],
    assetTypes: [{ id: 1, name: 'Workstation', assetgroup_id: 1, field_ids: [101] }],
    assets,
    ...haloLookups(),
    control: { allowduplicateinv: true },
  };
  return { ninjaone: ninja, halo };
}

/** The spec serve runs with: Halo's budget as given (`false` = none), CONDITION alerts, close on reset. */
export function serveSpecText({ rateLimit = false } = {}) {
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
    rateLimit: ${rateLimit ? `{ requests: ${rateLimit.requests}, perSeconds: ${rateLimit.perSeconds} }` : 'false'}
customers:
  catchAll: { client: Unassigned Devices, site: Unknown }
alerts:
  ticketType: Alert
  priority: { CRITICAL: 1, MAJOR: 2, MODERATE: 3, MINOR: 4, NONE: 4 }
  onReset: close
  closeOnlyUntouched: true
  include: { activityTypes: [CONDITION] }
  poll: { everyMinutes: 10 }
`;
}

export function loadSpec(text, env) {
  const loaded = loadSpecText('bench-serve.yaml', text, env, { missingEnv: 'error' });
  if (!loaded.spec) throw new Error(`bench spec does not load:\n${loaded.diagnostics.map((d) => `${d.summary}: ${d.detail}`).join('\n')}`);
  return loaded.spec;
}

/** Both simulators on the linked seed. `haloLatencyMs` delays every Halo answer; `haloRateLimit` is Halo's budget. */
export async function startLinkedSandbox({ devices, haloLatencyMs = 0, haloRateLimit = null }) {
  return startSandbox({ data: linkedSeed(devices), haloRateLimit, faults: haloLatencyMs > 0 ? { halo: [{ latencyMs: haloLatencyMs }] } : {} });
}

/** Registers `webhookUrl` in the NinjaOne simulator, as `haloform apply` does. */
export async function registerWebhook(sandbox, webhookUrl) {
  const spec = loadSpec(serveSpecText(), sandbox.env);
  const ninja = new NinjaOneClient(spec.connections.ninjaone, { maxAttempts: 1 });
  try {
    await ninja.registerWebhook({ url: webhookUrl, header: 'Authorization', secret: SECRET });
  } finally {
    await ninja.close();
  }
}

/**
 * One TRIGGERED webhook body exactly as the NinjaOne simulator posts it (device expanded), caught
 * by a throwaway receiver: the load generator's template.
 */
export async function captureWebhookBody(sandbox) {
  const bodies = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      bodies.push(body);
      res.writeHead(204).end();
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    await registerWebhook(sandbox, `http://127.0.0.1:${server.address().port}/capture`);
    const device = sandbox.data.ninjaone.devices[0];
    const { alert } = sandbox.ninjaone.control.triggerAlert({
      deviceId: device.id,
      severity: 'MAJOR',
      priority: 'HIGH',
      message: 'CPU utilisation is greater than 90% for 5 minutes',
      code: 'agent_cond_cpu',
      params: { threshold: 90, unit: '%' },
    });
    await sandbox.ninjaone.control.flushWebhooks();
    sandbox.ninjaone.control.resetAlert(alert.uid);
    await sandbox.ninjaone.control.flushWebhooks();
    sandbox.ninjaone.control.clearWebhookDeliveries();
    const template = JSON.parse(bodies[0]);
    if (template.statusCode !== 'TRIGGERED' || !template.device) throw new Error(`unexpected captured webhook: ${bodies[0]}`);
    return template;
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}
