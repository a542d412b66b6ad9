/**
 * `haloform demo` (what `npm start` runs): the whole product with no account — start the sandbox
 * in-process, validate and plan the demo spec, apply it, plan again to show it is empty, then a
 * live alert round trip through serve (ticket opened, then closed on reset) — and say what to
 * try next. Declares its own options too.
 */

import { fileURLToPath } from 'node:url';
import type { Argv } from 'yargs';
import type { LoadedSpec } from '../../config/load.js';
import type { Spec } from '../../config/spec.js';
import { renderDiagnostic } from '../../diagnostics/render.js';
import { hasChanges } from '../../plan/plan.js';
import type { Paint } from '../../render/paint.js';
import { renderPlanText, summaryLine } from '../../render/plan-text.js';
import type { HaloState } from '../../sandbox/halo/index.js';
import { startSandbox, type Sandbox } from '../../sandbox/index.js';
import { startServe, type ServeHandle } from '../../serve/index.js';
import { HALO_WEBHOOK_NAME } from '../../halo/webhooks.js';
import { PACKAGE_ROOT } from '../../version.js';
import { createContext, type CommandContext } from '../context.js';
import { optionalConfigOption, type SelectCommand } from '../options.js';
import { clientsFor, loadForRun, readAndPlan, specLoaded } from '../planning.js';
import { applyRun } from '../../run/apply-run.js';
import { displayPath, summarise } from './validate.js';

export interface DemoArgs {
  config?: string;
  devices?: number;
}

/** Declares `haloform demo` and its options on the parser. */
export function declareDemo(parser: Argv, select: SelectCommand): Argv {
  return parser.command(
    'demo',
    'The guided demo that `npm start` runs, against the built-in sandbox',
    (y) => y.option('config', optionalConfigOption('The demo spec (default: config/demo.yaml of this package)')),
    (a) => select((ctx) => demoCommand(a.config === undefined ? {} : { config: a.config }, ctx)),
  );
}

/** A webhook secret for the demo only: the sandbox's NinjaOne sends it back to the local serve. */
const DEMO_WEBHOOK_SECRET = 'demo-webhook-secret-not-for-production';
const DEMO_HALO_WEBHOOK_SECRET = 'demo-halo-webhook-secret-not-for-production';

export async function demoCommand(args: DemoArgs, outer: CommandContext): Promise<number> {
  const path = displayPath(args.config ?? fileURLToPath(new URL('config/demo.yaml', PACKAGE_ROOT)), outer.io.cwd);
  const { out } = outer;
  const say = (text = '') => outer.io.stdout.write(`${text}\n`);
  const step = (n: number, title: string) => say(`\n${out.bold(out.cyan(`Step ${n}.`))} ${out.bold(title)}\n`);

  say(out.bold('haloform demo') + ' — NinjaOne ↔ HaloPSA as code, against local simulators of both APIs. No accounts needed.');

  step(1, 'Start the sandbox: a NinjaOne and a HaloPSA simulator with a demo MSP');
  let sandbox: Sandbox;
  let serve: ServeHandle | undefined;
  try {
    sandbox = await startSandbox({ devices: args.devices ?? 200 });
  } catch (e) {
    outer.io.stderr.write(`The sandbox could not start: ${(e as Error).message}\n`);
    return 1;
  }
  try {
    const demo: Demo = { say, step, out, sandbox, path };
    introduce(demo);

    // Every later step runs with the sandbox's addresses and credentials, as a user's shell would.
    const secret = outer.io.env.HALOFORM_WEBHOOK_SECRET ?? DEMO_WEBHOOK_SECRET;
    const env = { ...outer.io.env, ...sandbox.env, HALOFORM_WEBHOOK_SECRET: secret, HALOFORM_HALO_WEBHOOK_SECRET: outer.io.env.HALOFORM_HALO_WEBHOOK_SECRET ?? DEMO_HALO_WEBHOOK_SECRET };
    let ctx = createContext({ ...outer.io, env }, outer.out.enabled);

    step(2, `Validate the spec: haloform validate -c ${path}`);
    const first = loadForRun(path, ctx);
    if (!specLoaded(first)) {
      outer.io.stderr.write(`The demo spec ${path} does not validate; see above.\n`);
      return 1;
    }

    // serve listens from the start (on a free port), so apply registers the webhook at its address.
    // Its sync controller runs when a webhook or the demo asks (the spec has sync:).
    serve = await startServe({ spec: first.spec, loaded: first, sync: 'manual', store: 'sqlite::memory:', port: 0, secrets: [secret], poller: 'manual', haloWebhookSecret: env.HALOFORM_HALO_WEBHOOK_SECRET, logSink: () => {} });
    ctx = createContext({ ...outer.io, env: { ...env, HALOFORM_PUBLIC_URL: `${serve.url}/ninjaone/webhook` } }, outer.out.enabled);
    const loaded = loadForRun(path, ctx);
    if (!specLoaded(loaded)) return 1;
    say(`${out.green(out.bold('Success!'))} ${path} is valid.`);
    say(summarise(loaded.spec).trimEnd());

    if (!(await planApplyPlan(demo, loaded, ctx))) return 1;
    if (!(await alertRoundTrip(demo, serve))) return 1;
    if (!(await newDeviceSynced(demo, serve))) return 1;
    if (!(await ticketClosedInHalo(demo, serve))) return 1;
    tryNext(demo);
    return 0;
  } finally {
    await serve?.stop();
    await sandbox.stop();
  }
}

/** What the demo's steps share. */
interface Demo {
  say(text?: string): void;
  step(n: number, title: string): void;
  out: Paint;
  sandbox: Sandbox;
  path: string;
}

/** What the sandbox holds, and the traps in it. */
function introduce({ say, out, sandbox }: Demo): void {
  const data = sandbox.data;
  say(`  NinjaOne  ${sandbox.ninjaone.url}  ${data.ninjaone.organizations.length} organisations, ${data.ninjaone.locations.length} locations, ${data.ninjaone.devices.length} devices`);
  say(`  HaloPSA   ${sandbox.halo.url}  ${data.halo.clients.length} clients typed in by hand, ${data.halo.assets.length} assets entered before the agent`);
  say(out.dim('  The demo MSP has the traps real fleets have: placeholder serials, cloned VMs, near-miss client names,'));
  say(out.dim('  VMs whose serial reads "None", stock assets with no client, a site without a name, text dates.'));

}

/** Steps 3 to 5: plan, apply, and a second plan that is empty. False when a step failed. */
async function planApplyPlan({ say, step, out, sandbox, path }: Demo, loaded: LoadedSpec & { spec: Spec }, ctx: CommandContext): Promise<boolean> {
  const clients = clientsFor(loaded.spec, ctx);
  try {
    step(3, `Plan: haloform plan -c ${path}  (reads both APIs, writes nothing)`);
    const sources = new Map([[loaded.source.path, loaded.source]]);
    const first = await readAndPlan(loaded, clients, ctx);
    ctx.io.stdout.write(renderPlanText(first.plan, { paint: out, maxListedCreates: 4, renderDiagnostic: (d) => renderDiagnostic(d, { paint: out, sources }) }));
    if (first.plan.errors.length > 0 || !first.halo) return false;

    step(4, 'Apply: haloform apply --auto-approve');
    const result = await applyRun(first.plan, first.halo, clients, { webhookSecret: ctx.io.env.HALOFORM_WEBHOOK_SECRET!, haloWebhookSecret: ctx.io.env.HALOFORM_HALO_WEBHOOK_SECRET! });
    const { created, adopted, updated, deactivated } = result.counts;
    if (result.failed.length > 0) {
      for (const f of result.failed) say(out.red(`  ✗ ${f.address}: ${f.message}`));
      return false;
    }
    const writes = sandbox.halo.server.requests().filter((r) => r.method === 'POST' && r.path !== '/auth/token').length;
    say(`${out.green(out.bold('Apply complete!'))} Resources: ${created} created, ${adopted} adopted, ${updated} updated, ${deactivated} deactivated. (${writes} batched POSTs to Halo)`);

    step(5, 'Plan again: the second plan is empty');
    const second = await readAndPlan(loaded, clients, ctx);
    say(hasChanges(second.plan) ? out.red(summaryLine(second.plan)) : `${out.green(out.bold('No changes.'))} Halo matches the spec and NinjaOne.`);
    if (hasChanges(second.plan)) return false;
    return true;
  } finally {
    await clients.close();
  }
}

/** Steps 6 and 7: an alert becomes a ticket through serve, and its reset closes it. False when no ticket came. */
async function alertRoundTrip({ say, step, out, sandbox }: Demo, serve: ServeHandle): Promise<boolean> {
  step(6, 'An alert becomes a ticket: haloform serve receives NinjaOne\'s webhook');
  say(`  haloform serve has been listening at ${serve.url}/ninjaone/webhook; apply registered it in NinjaOne.`);
  const halo = sandbox.halo.control;
  const device = pickDevice(sandbox);
  if (!device) return false;
  const { alert } = sandbox.ninjaone.control.triggerAlert({
    deviceId: device.id,
    severity: 'MAJOR',
    sourceType: 'CONDITION_AGENT_DISK_FREE_SPACE',
    message: 'Disk C: free space is below 10% (7.2 GB of 476 GB)',
  });
  await sandbox.ninjaone.control.flushWebhooks();
  await serve.idle();
  const opened = halo.state().tickets.find((t) => t.ninja_alert_id === alert.uid);
  if (!opened) {
    say(out.red(`  No ticket appeared for alert ${alert.uid}; haloform inbox list would show why.`));
    return false;
  }
  say(`  NinjaOne: ${device.displayName} (device ${device.id}) — ${alert.message}`);
  say(ticketLines(halo.state(), opened.id).join('\n'));

  step(7, 'The alert resets: the ticket gets a note and closes itself');
  sandbox.ninjaone.control.resetAlert(alert.uid);
  await sandbox.ninjaone.control.flushWebhooks();
  await serve.idle();
  say(ticketLines(halo.state(), opened.id).join('\n'));

  return true;
}

/** A device joins NinjaOne; its lifecycle webhook runs serve's sync cycle, and the asset exists without an apply. */
async function newDeviceSynced({ say, step, out, sandbox }: Demo, serve: ServeHandle): Promise<boolean> {
  step(8, 'A new laptop joins NinjaOne: serve\'s sync puts it in Halo, no apply needed');
  await serve.sync(); // fills its cache with a full read, as serve does when it starts
  const model = sandbox.data.ninjaone.devices.find((d) => d.id === pickDevice(sandbox)?.id);
  if (!model) return false;
  const started = Date.now();
  const added = sandbox.ninjaone.control.addDevice({ organizationId: model.organizationId, locationId: model.locationId, nodeClass: 'WINDOWS_WORKSTATION', displayName: 'NEW-LAPTOP-01' });
  await sandbox.ninjaone.control.flushWebhooks();
  for (let waited = 0; serve.lastSyncCycle()?.trigger !== 'webhook' && waited < 30_000; waited += 50) await new Promise((r) => setTimeout(r, 50));
  const cycle = serve.lastSyncCycle();
  const state = sandbox.halo.control.state();
  const asset = state.assets.find((a) => a.ninjarmm_id === added.id);
  if (!asset || cycle?.trigger !== 'webhook') {
    say(out.red(`  No asset appeared for device ${added.id}; haloform sync status would show why.`));
    return false;
  }
  const name = <T extends { id: number; name?: string }>(rows: T[], key: number | undefined) => rows.find((r) => r.id === key)?.name ?? '(none)';
  say(`  NinjaOne: NEW-LAPTOP-01 (device ${added.id}) enrolled; NinjaOne sent NODE_CREATED to serve's webhook.`);
  say(`  Halo asset #${asset.id} "${asset.inventory_number}": client ${name(state.clients, asset.client_id)} · site ${name(state.sites, asset.site_id)} · type ${name(state.assetTypes, asset.assettype_id)}`);
  say(`    made by serve's sync cycle ${((Date.now() - started) / 1000).toFixed(1)} s after the device joined (${cycle.applied.created} created, ${cycle.held.length} held for a reviewed apply)`);
  return true;
}

/** A technician closes an alert's ticket in Halo; Halo's webhook tells serve, and serve resets the alert in NinjaOne. */
async function ticketClosedInHalo({ say, step, out, sandbox }: Demo, serve: ServeHandle): Promise<boolean> {
  step(9, 'A technician closes an alert\'s ticket in Halo: serve resets the alert in NinjaOne');
  const registered = sandbox.halo.control.webhooks().find((w) => w.name === HALO_WEBHOOK_NAME);
  if (!registered) {
    say(out.red("  apply did not register Halo's webhook to serve; the demo spec has alerts.haloWebhook: true."));
    return false;
  }
  say(`  apply registered Halo's webhook to ${String(registered.url)} (alerts.haloWebhook; Basic auth, HALOFORM_HALO_WEBHOOK_SECRET).`);
  const device = pickDevice(sandbox);
  if (!device) return false;
  const { alert } = sandbox.ninjaone.control.triggerAlert({ deviceId: device.id, severity: 'MODERATE', sourceType: 'CONDITION_AGENT_CPU', message: 'CPU above 95% for 15 minutes' });
  await sandbox.ninjaone.control.flushWebhooks();
  await serve.idle();
  await sandbox.halo.control.flushWebhooks();
  const ticket = sandbox.halo.control.state().tickets.find((t) => t.ninja_alert_id === alert.uid);
  if (!ticket) {
    say(out.red(`  No ticket appeared for alert ${alert.uid}; haloform inbox list would show why.`));
    return false;
  }
  say(`  NinjaOne: ${device.displayName} — ${alert.message}; Halo ticket #${ticket.id} opened.`);
  const started = Date.now();
  sandbox.halo.control.closeTicket(ticket.id, { note: 'Killed the runaway process; CPU back to normal.' });
  await sandbox.halo.control.flushWebhooks();
  await serve.idle();
  await sandbox.ninjaone.control.flushWebhooks();
  await serve.idle();
  const stillActive = sandbox.ninjaone.control.state().alerts.some((a) => a.uid === alert.uid);
  if (stillActive) {
    say(out.red(`  The alert ${alert.uid} is still active in NinjaOne; haloform inbox list would show why.`));
    return false;
  }
  say(`  A technician closed ticket #${ticket.id} with a note; Halo told serve, and serve reset the alert in NinjaOne (POST /v2/alert/{uid}/reset) ${Date.now() - started} ms later.`);
  say(ticketLines(sandbox.halo.control.state(), ticket.id).join('\n'));
  say(`  NinjaOne's RESET that followed left the ticket as the technician closed it. Without the webhook, serve's poller finds it within alerts.poll.everyMinutes.`);
  return true;
}

function tryNext({ say, out, path }: Demo): void {
  say(
    [
      '',
      out.bold('Try next') + " (npx runs this checkout's haloform):",
      ...aligned([
        ['npx haloform sandbox', 'the same simulators on ports 7101 and 7102, until Ctrl-C'],
        [`npx haloform plan -c ${path}`, 'in another terminal: what haloform would do'],
        [`npx haloform serve -c ${path} --store sqlite:demo.db`, 'the alert receiver (and sync), against the sandbox'],
        [`npx haloform sync -c ${path}`, 'one sync cycle: what changed in NinjaOne, into Halo'],
        ['npx haloform init my-spec.yaml', 'a starter spec of your own'],
        ['npx haloform --help', 'every command'],
      ]),
      '',
    ].join('\n'),
  );
}

/** Commands with their comments lined up. */
function aligned(rows: [string, string][]): string[] {
  const width = Math.max(...rows.map(([cmd]) => cmd.length));
  return rows.map(([cmd, note]) => `  ${cmd.padEnd(width)}   # ${note}`);
}

/** A Contoso workstation whose asset has a user, so the ticket shows every link. */
function pickDevice(sandbox: Sandbox): { id: number; displayName: string } | undefined {
  const state = sandbox.halo.control.state();
  const withUser = state.assets.find((a) => (a.ninjarmm_id ?? 0) > 0 && a.user_ids.length > 0) ?? state.assets.find((a) => (a.ninjarmm_id ?? 0) > 0);
  const device = sandbox.data.ninjaone.devices.find((d) => d.id === withUser?.ninjarmm_id);
  return device ? { id: device.id, displayName: String(device.displayName ?? `device ${device.id}`) } : undefined;
}

/** The ticket as a technician would see it in Halo. */
function ticketLines(state: HaloState, id: number): string[] {
  const t = state.tickets.find((x) => x.id === id)!;
  const name = <T extends { id: number; name?: string }>(rows: T[], key: number | undefined) => rows.find((r) => r.id === key)?.name ?? '(none)';
  const asset = state.assets.find((a) => t.asset_ids.includes(a.id));
  const notes = state.actions.filter((a) => a.ticket_id === id);
  return [
    `  Halo ticket #${t.id}: "${t.summary}"`,
    `    type ${name(state.ticketTypes, t.tickettype_id)} · priority ${name(state.priorities, t.priority_id)} · status ${name(state.statuses, t.status_id)}`,
    `    client ${name(state.clients, t.client_id)} · site ${name(state.sites, t.site_id)} · asset ${asset?.inventory_number ?? '(none)'} · end user ${name(state.users, t.user_id)}`,
    ...(t.team || t.category_1 ? [`    team ${t.team || '(none)'} · category ${t.category_1 || '(none)'}${t.agent_id ? ` · agent ${name(state.agents ?? [], t.agent_id)}` : ''} (alerts.routes)`] : []),
    ...notes.map((n) => `    note: ${(n.note ?? n.note_html ?? '').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 110)}`),
  ];
}
