/**
 * `haloform apply [plan.json]`: make Halo match the plan. Without a plan file it plans, shows
 * the plan and asks for `yes` (`--auto-approve` for CI); with one, it plans afresh from the
 * spec the plan was made from and the live state, and applies only when the fresh plan is the
 * saved one change for change — what was reviewed is what is applied, guards included; a plan
 * edited by hand, or one Halo or NinjaOne moved past, is refused with its first difference.
 * Exit 1 when anything failed. Declares its own options too.
 */

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import cliProgress from 'cli-progress';
import type { Argv } from 'yargs';
import type { ApplyEvent, ApplyResult } from '../../apply/executor.js';
import { renderDiagnostic } from '../../diagnostics/render.js';
import type { HaloSnapshot } from '../../halo/types.js';
import { hasChanges, PLAN_FORMAT_VERSION, type Kind, type Plan } from '../../plan/plan.js';
import { renderPlanText } from '../../render/plan-text.js';
import { countDiagnostics, type CommandContext } from '../context.js';
import { DEFAULT_CONFIG, formatOption, optionalConfigOption, withPlanningOptions, type SelectCommand } from '../options.js';
import { clientsFor, loadForRun, readAndPlan, specLoaded } from '../planning.js';
import { targetsOf, type Clients } from '../../run/clients.js';
import { applyRun, checkSavedPlan } from '../../run/apply-run.js';
import { haloWebhookSecretMissing, webhookSecretMissing } from '../../run/plan-run.js';
import { HALO_WEBHOOK_SECRET_ENV } from '../../halo/webhooks.js';
import { isWebhookKind } from '../../model/address.js';
import { watchRun, type RunWatch } from '../run-watch.js';
import { printStats } from './plan.js';

export interface ApplyArgs {
  planFile?: string;
  /** -c as given; undefined: the saved plan's spec, else config/haloform.yaml. */
  config?: string;
  autoApprove: boolean;
  format: 'text' | 'json';
  stats: boolean;
  allowMassDeactivate: boolean;
  verbose: boolean;
}

/** Declares `haloform apply [plan]` and its options on the parser. */
export function declareApply(parser: Argv, select: SelectCommand): Argv {
  return parser.command(
    'apply [plan]',
    'Make Halo match the spec: plan, show it, ask for yes — or apply a saved plan exactly',
    (y) =>
      withPlanningOptions(
        y
          .positional('plan', { type: 'string', describe: 'A plan saved with haloform plan --out (applied only if a fresh plan is the same, change for change)' })
          .option('config', optionalConfigOption('The spec file (default: the one the saved plan was made from, else config/haloform.yaml)'))
          .option('auto-approve', { type: 'boolean', default: false, describe: 'Do not ask for yes (CI)' })
          .option('format', formatOption(['text', 'json'], 'json: one JSON line per finished change, then a summary')),
      )
        .example('haloform apply', 'Plan, review, type yes')
        .example('haloform apply plan.json', 'Apply a reviewed plan, refusing it if Halo changed since'),
    (a) =>
      select((ctx) =>
        applyCommand(
          {
            ...(a.plan !== undefined ? { planFile: a.plan } : {}),
            config: a.config,
            autoApprove: a['auto-approve'],
            format: a.format,
            stats: a.stats,
            allowMassDeactivate: a['allow-mass-deactivate'],
            verbose: a.verbose,
          },
          ctx,
        ),
      ),
  );
}

export const CONFIRM_QUESTION = "Do you want to perform these actions? Only 'yes' will be accepted: ";

export async function applyCommand(args: ApplyArgs, ctx: CommandContext): Promise<number> {
  const fail = (text: string) => {
    ctx.io.stderr.write(`${ctx.err.red(ctx.err.bold('Error:'))} ${text}\n`);
    return 1;
  };
  let saved: Plan | undefined;
  if (args.planFile) {
    const read = readPlanFile(resolve(ctx.io.cwd, args.planFile));
    if (typeof read === 'string') return fail(`${args.planFile}: ${read}`);
    saved = read;
  }

  // A saved plan names the spec it was made from; -c overrides it (and the spec hash must still match).
  const config = args.config ?? saved?.spec ?? DEFAULT_CONFIG;
  const loaded = loadForRun(config, ctx);
  if (!specLoaded(loaded)) {
    ctx.io.stderr.write(`${ctx.err.red(`${config}: ${countDiagnostics(loaded.diagnostics)}.`)} Nothing was read or applied.\n`);
    return 1;
  }
  const spec = loaded.spec;
  const sources = new Map([[loaded.source.path, loaded.source]]);
  const showPlan = (plan: Plan) =>
    ctx.io[args.format === 'json' ? 'stderr' : 'stdout'].write(renderPlanText(plan, { paint: ctx.out, renderDiagnostic: (d) => renderDiagnostic(d, { paint: ctx.out, sources }) }));

  const clients = clientsFor(spec, ctx, { verbose: args.verbose });
  try {
    let plan: Plan;
    let live: HaloSnapshot;
    if (saved) {
      const check = await checkSavedPlan(saved, loaded, {
        file: args.planFile!,
        config,
        mask: (text) => ctx.secrets.redact(text),
        targets: targetsOf(clients, spec),
        plan: () => readAndPlan(loaded, clients, ctx, { allowMassDeactivate: args.allowMassDeactivate }),
      });
      if (!check.ok) {
        if (check.errors) ctx.printDiagnostics(check.errors, [loaded.source]);
        return fail(check.reason);
      }
      plan = check.plan;
      live = check.live;
    } else {
      const run = await readAndPlan(loaded, clients, ctx, { allowMassDeactivate: args.allowMassDeactivate });
      plan = run.plan;
      showPlan(plan);
      if (plan.errors.length > 0 || !run.halo) return 1;
      live = run.halo;
      if (!hasChanges(plan) && !plan.changes.some((c) => isWebhookKind(c.kind))) return 0;
      if (hasChanges(plan) && !args.autoApprove) {
        if (!ctx.io.prompt) {
          return fail(
            'apply needs a yes, and there is no terminal to ask on. Review the plan above and run haloform apply --auto-approve, or save a plan and apply exactly that: haloform plan --out plan.json, then haloform apply plan.json.',
          );
        }
        ctx.io.stderr.write('\n');
        const answer = (await ctx.io.prompt(CONFIRM_QUESTION)).trim();
        if (answer !== 'yes') {
          ctx.io.stderr.write('\nApply cancelled. Nothing was changed.\n');
          return 1;
        }
      }
    }

    const webhookSecret = ctx.io.env.HALOFORM_WEBHOOK_SECRET;
    if (plan.changes.some((c) => c.kind === 'ninja_webhook') && !webhookSecret) {
      ctx.printDiagnostics(loaded.source.attach([webhookSecretMissing('error')]), [loaded.source]);
      return fail('nothing was applied.');
    }
    const haloWebhookSecret = ctx.io.env[HALO_WEBHOOK_SECRET_ENV];
    if (plan.changes.some((c) => c.kind === 'halo_webhook') && !haloWebhookSecret) {
      ctx.printDiagnostics(loaded.source.attach([haloWebhookSecretMissing('error')]), [loaded.source]);
      return fail('nothing was applied.');
    }

    const result = await runApply(plan, live, clients, ctx, args, webhookSecret, haloWebhookSecret);
    if (args.stats) printStats(clients, ctx);
    return result.failed.length > 0 || result.skipped.length > 0 ? 1 : 0;
  } finally {
    await clients.close();
  }
}

async function runApply(plan: Plan, live: HaloSnapshot, clients: Clients, ctx: CommandContext, args: ApplyArgs, webhookSecret: string | undefined, haloWebhookSecret: string | undefined): Promise<ApplyResult> {
  const bar = args.format === 'text' && ctx.io.stderr.isTTY === true;
  let progress: Progress | undefined;
  const watch = watchRun(ctx, clients, { heartbeat: !bar, write: (line) => (progress ? progress.say(line) : ctx.io.stderr.write(`${line}\n`)) });
  watch.phase('applying');
  progress = createProgress(plan, ctx, args.format, watch);
  let result: ApplyResult;
  try {
    result = await applyRun(plan, live, clients, {
      ...(webhookSecret ? { webhookSecret } : {}),
      ...(haloWebhookSecret ? { haloWebhookSecret } : {}),
      onKind: (kind, total) => progress?.kind(kind, total),
      onEvent: (event) => progress?.event(event),
    });
  } finally {
    progress.stop();
    watch.stop();
  }
  const { created, adopted, updated, deactivated } = result.counts;
  const resources = `Resources: ${created} created, ${adopted} adopted, ${updated} updated, ${deactivated} deactivated.`;
  if (args.format === 'json') {
    ctx.io.stdout.write(`${JSON.stringify({ type: 'summary', ok: result.failed.length === 0 && result.skipped.length === 0, ...result.counts, failed: result.failed.length, skipped: result.skipped.length })}\n`);
    return result;
  }
  const { out } = ctx;
  if (result.failed.length === 0 && result.skipped.length === 0) {
    ctx.io.stdout.write(`\n${out.green(out.bold('Apply complete!'))} ${resources}\n`);
    return result;
  }
  const lines = [
    '',
    out.red(out.bold(`Apply finished with ${result.failed.length} failed and ${result.skipped.length} skipped change${result.failed.length + result.skipped.length === 1 ? '' : 's'}.`)) + ` ${resources}`,
    '',
    ...result.failed.map((e) => out.red(`  ✗ ${e.address} (${e.name}): ${e.message ?? 'failed'}`)),
    ...result.skipped.slice(0, 50).map((e) => out.yellow(`  - ${e.address} (${e.name}): ${e.message ?? 'skipped'}`)),
    ...(result.skipped.length > 50 ? [out.yellow(`  ... and ${result.skipped.length - 50} more skipped`)] : []),
    '',
    'Everything else was written. Fix the cause and run haloform apply again: it picks up where this run stopped, without duplicates.',
    '',
  ];
  ctx.io.stdout.write(lines.join('\n'));
  return result;
}

interface Progress {
  kind(kind: Kind, total: number): void;
  event(event: ApplyEvent): void;
  /** A line that must not be drawn over (a timeout, a 429). */
  say(line: string): void;
  stop(): void;
}

/**
 * A bar on a terminal (done/total, kind, rate, and why it waits: Halo's budget); plain lines
 * otherwise (a line per kind, failures as they happen, and the watch's line every 10 s); JSON
 * lines with --format json.
 */
function createProgress(plan: Plan, ctx: CommandContext, format: 'text' | 'json', watch: RunWatch): Progress {
  const total = plan.changes.filter((c) => c.action !== 'no-op').length;
  const say = (line: string) => ctx.io.stderr.write(`${line}\n`);
  if (format === 'json') {
    return { kind: () => {}, event: (e) => ctx.io.stdout.write(`${JSON.stringify({ type: 'change', ...e })}\n`), say, stop: () => {} };
  }
  if (ctx.io.stderr.isTTY && total > 0) {
    const bar = new cliProgress.SingleBar(
      { format: 'Applying [{bar}] {value}/{total} {kind} · {rate}/s{failed}{wait}', barsize: 30, stream: ctx.io.stderr as NodeJS.WritableStream, hideCursor: true, clearOnComplete: false },
      cliProgress.Presets.shades_classic,
    );
    const started = Date.now();
    let done = 0;
    let failed = 0;
    let current = '';
    const payload = () => {
      const waiting = watch.waiting();
      return {
        kind: current,
        rate: (done / Math.max(0.001, (Date.now() - started) / 1000)).toFixed(1),
        failed: failed > 0 ? ` · ${failed} not written` : '',
        wait: waiting ? ` · ${waiting}` : '',
      };
    };
    bar.start(total, 0, payload());
    // The bar must not look frozen while nothing is written: the wait text is refreshed each second.
    const tick = setInterval(() => bar.update(payload()), 1000);
    tick.unref?.();
    return {
      kind: (kind, n) => {
        if (n > 0) current = kind;
      },
      event: (e) => {
        done += 1;
        if (e.status !== 'done') failed += 1;
        bar.update(done, payload());
      },
      say: (line) => {
        // Clear the bar's line, say it, and let the bar redraw below.
        ctx.io.stderr.write(`\r\x1b[K${line}\n`);
        bar.update(payload());
      },
      stop: () => {
        clearInterval(tick);
        bar.stop();
      },
    };
  }
  // Plain lines: one per kind when it finishes, failures as they happen, the watch's line every 10 s.
  let current: { kind: Kind; total: number; done: number } | undefined;
  let written = 0;
  const flush = () => {
    if (current && current.total > 0) say(`${current.kind}: ${current.done}/${current.total} written`);
  };
  return {
    kind: (kind, n) => {
      flush();
      current = { kind, total: n, done: 0 };
      watch.setDone(`${written} of ${total} changes written, now ${kind}`);
    },
    event: (e) => {
      if (e.status === 'done') {
        written += 1;
        if (current) current.done += 1;
      } else say(`${e.status}: ${e.address}: ${e.message ?? ''}`);
      watch.setDone(`${written} of ${total} changes written${current ? `, now ${current.kind}` : ''}`);
    },
    say,
    stop: () => flush(),
  };
}

/** A saved plan, or why it cannot be one. */
function readPlanFile(path: string): Plan | string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file. Make one with haloform plan --out <file>.' : (e as Error).message;
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return 'not a JSON plan (haloform plan --out <file> writes one).';
  }
  const plan = data as Partial<Plan>;
  if (!plan || typeof plan !== 'object' || plan.formatVersion === undefined) return 'not a haloform plan: it has no formatVersion.';
  const version: unknown = plan.formatVersion;
  if (version === 1) return 'a plan made by an earlier haloform (format version 1). Make it again with this one: haloform plan --out <file>.';
  if (version !== PLAN_FORMAT_VERSION) return `a plan of format version ${String(version)}, which this haloform cannot apply (it reads version ${PLAN_FORMAT_VERSION}).`;
  if (!Array.isArray(plan.changes) || typeof plan.specHash !== 'string' || !plan.targets || !plan.summary) return 'a damaged plan: changes, specHash, targets or summary is missing.';
  if (!Array.isArray(plan.errors) || !Array.isArray(plan.warnings)) return 'a damaged plan: errors and warnings must be lists.';
  if (typeof plan.targets !== 'object' || typeof plan.targets.halo !== 'string' || Object.keys(plan.targets).length !== 2 || Object.values(plan.targets).some((t) => typeof t !== 'string'))
    return 'a damaged plan: targets must name the Halo and the RMM addresses.';
  const odd = plan.changes.findIndex((c: unknown) => c === null || typeof c !== 'object' || Array.isArray(c) || typeof (c as { address?: unknown }).address !== 'string');
  if (odd !== -1) return `a damaged plan: changes[${odd}] is not a change with an address.`;
  return plan as Plan;
}
