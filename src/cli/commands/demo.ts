/**
 * `haloform demo` (what `npm start` runs): the whole product with no account — start the sandbox
 * in-process, validate and plan the demo spec, apply it, plan again to show it is empty — and
 * say what to try next.
 */

import { fileURLToPath } from 'node:url';
import { applyPlan } from '../../apply/executor.js';
import { renderDiagnostic } from '../../diagnostics/render.js';
import { hasChanges } from '../../plan/plan.js';
import { renderPlanText, summaryLine } from '../../render/plan-text.js';
import { startSandbox, type Sandbox } from '../../sandbox/index.js';
import { PACKAGE_ROOT } from '../../version.js';
import { createContext, type CommandContext } from '../context.js';
import { createClients, loadForRun, readAndPlan, specLoaded } from '../planning.js';
import { displayPath, summarise } from './validate.js';

export interface DemoArgs {
  config?: string;
  devices?: number;
}

/** A webhook secret for the demo only: the sandbox's NinjaOne sends it back to the local serve. */
const DEMO_WEBHOOK_SECRET = 'demo-webhook-secret-not-for-production';

export async function demoCommand(args: DemoArgs, outer: CommandContext): Promise<number> {
  const path = displayPath(args.config ?? fileURLToPath(new URL('config/demo.yaml', PACKAGE_ROOT)), outer.io.cwd);
  const { out } = outer;
  const say = (text = '') => outer.io.stdout.write(`${text}\n`);
  const step = (n: number, title: string) => say(`\n${out.bold(out.cyan(`Step ${n}.`))} ${out.bold(title)}\n`);

  say(out.bold('haloform demo') + ' — NinjaOne ↔ HaloPSA as code, against local simulators of both APIs. No accounts needed.');

  step(1, 'Start the sandbox: a NinjaOne and a HaloPSA simulator with a demo MSP');
  let sandbox: Sandbox;
  try {
    sandbox = await startSandbox({ devices: args.devices ?? 200 });
  } catch (e) {
    outer.io.stderr.write(`The sandbox could not start: ${(e as Error).message}\n`);
    return 1;
  }
  try {
    const data = sandbox.data;
    say(`  NinjaOne  ${sandbox.ninjaone.url}  ${data.ninjaone.organizations.length} organisations, ${data.ninjaone.locations.length} locations, ${data.ninjaone.devices.length} devices`);
    say(`  HaloPSA   ${sandbox.halo.url}  ${data.halo.clients.length} clients typed in by hand, ${data.halo.assets.length} assets entered before the agent`);
    say(out.dim('  The demo MSP has the traps real fleets have: placeholder serials, cloned VMs, near-miss client names.'));

    // Every later step runs with the sandbox's addresses and credentials, as a user's shell would.
    const ctx = createContext({ ...outer.io, env: { ...outer.io.env, ...sandbox.env, HALOFORM_WEBHOOK_SECRET: outer.io.env.HALOFORM_WEBHOOK_SECRET ?? DEMO_WEBHOOK_SECRET } }, outer.out.enabled);

    step(2, `Validate the spec: haloform validate -c ${path}`);
    const loaded = loadForRun(path, ctx);
    if (!specLoaded(loaded)) {
      outer.io.stderr.write(`The demo spec ${path} does not validate; see above.\n`);
      return 1;
    }
    say(`${out.green(out.bold('Success!'))} ${path} is valid.`);
    say(summarise(loaded.spec).trimEnd());

    const clients = createClients(loaded.spec, ctx);
    try {
      step(3, `Plan: haloform plan -c ${path}  (reads both APIs, writes nothing)`);
      const sources = new Map([[loaded.source.path, loaded.source]]);
      const first = await readAndPlan(loaded, clients, ctx);
      ctx.io.stdout.write(renderPlanText(first.plan, { paint: out, maxListedCreates: 4, renderDiagnostic: (d) => renderDiagnostic(d, { paint: out, sources }) }));
      if (first.plan.errors.length > 0 || !first.halo) return 1;

      step(4, 'Apply: haloform apply --auto-approve');
      const result = await applyPlan(first.plan, first.halo, clients.halo, clients.ninjaone, {
        batchSize: clients.halo.batchSize,
        webhookSecret: ctx.io.env.HALOFORM_WEBHOOK_SECRET!,
      });
      const { created, adopted, updated, deactivated } = result.counts;
      if (result.failed.length > 0) {
        for (const f of result.failed) say(out.red(`  ✗ ${f.address}: ${f.message}`));
        return 1;
      }
      const writes = sandbox.halo.server.requests().filter((r) => r.method === 'POST' && r.path !== '/auth/token').length;
      say(`${out.green(out.bold('Apply complete!'))} Resources: ${created} created, ${adopted} adopted, ${updated} updated, ${deactivated} deactivated. (${writes} batched POSTs to Halo)`);

      step(5, 'Plan again: the second plan is empty');
      const second = await readAndPlan(loaded, clients, ctx);
      say(hasChanges(second.plan) ? out.red(summaryLine(second.plan)) : `${out.green(out.bold('No changes.'))} Halo matches the spec and NinjaOne.`);
      if (hasChanges(second.plan)) return 1;
    } finally {
      await clients.close();
    }

    say(
      [
        '',
        out.bold('Try next'),
        '  haloform sandbox                          # the same simulators on ports 7101 and 7102, until Ctrl-C',
        `  haloform plan -c ${path}     # in another terminal: what haloform would do`,
        '  haloform init my-spec.yaml                # a starter spec of your own',
        '  haloform --help                           # every command',
        '',
      ].join('\n'),
    );
    return 0;
  } finally {
    await sandbox.stop();
  }
}
