/**
 * `haloform sync status` shows what serve's sync controller last did, from the store it shares.
 * `haloform sync`: one converge cycle of the spec's `sync:` section — plan as `plan` does, apply
 * only the change kinds sync.autoApply allows, hold the rest for a reviewed apply — for a
 * schedule in CI (`.github/workflows/sync.yml`) when serve does not run. Exit codes: 0 ok,
 * 1 when the plan has errors or a write failed; with --detailed-exitcode 2 when changes are held.
 * Declares its own options too.
 */

import type { Argv } from 'yargs';
import type { Spec, Sync } from '../../config/spec.js';
import { renderSyncJson, renderSyncMarkdown, renderSyncStatusText, renderSyncText } from '../../render/sync-report.js';
import { SYNC_STATUS_KEY, type SyncStatus } from '../../sync/controller.js';
import { withStore } from '../with-store.js';
import { syncRun } from '../../run/sync-run.js';
import { countDiagnostics, type CommandContext } from '../context.js';
import { CONFIG_OPTION, formatOption, storeOption, type SelectCommand } from '../options.js';
import { clientsFor, loadForRun, specLoaded } from '../planning.js';
import { watchRun } from '../run-watch.js';
import { printStats } from './plan.js';

export interface SyncArgs {
  config: string;
  format: 'text' | 'markdown' | 'json';
  detailedExitcode: boolean;
  stats: boolean;
  verbose: boolean;
}

/** Declares `haloform sync` and its options on the parser. */
export function declareSync(parser: Argv, select: SelectCommand): Argv {
  return parser.command(
    'sync [action]',
    "Converge Halo on the spec once: apply what sync.autoApply allows, hold the rest for a reviewed apply (sync status: what serve's sync did)",
    (y) =>
      y
        .positional('action', { choices: ['status'] as const, describe: "status: serve's last sync cycles, its cache and the held changes, from --store" })
        .option('config', CONFIG_OPTION)
        .option('store', storeOption('With status: the store serve uses'))
        .option('format', formatOption(['text', 'markdown', 'json'], 'text for a terminal, markdown for a CI job summary, json for programs'))
        .option('detailed-exitcode', { type: 'boolean', default: false, describe: 'Exit 0 with nothing held, 1 on error, 2 with changes held' })
        .option('stats', { type: 'boolean', default: false, describe: 'Print API request counts and times to stderr' })
        .option('verbose', { type: 'boolean', default: false, describe: 'Log API retries and waits (JSON lines on stderr)' })
        .example('haloform sync -c config/haloform.yaml', 'One cycle, as a scheduled CI job runs it')
        .example('haloform sync --format markdown >> "$GITHUB_STEP_SUMMARY"', 'Held changes in the job summary')
        .example('haloform sync status --store postgres://haloform@db/haloform', "What serve's sync did last, and what it holds"),
    (a) =>
      select((ctx) =>
        a.action === 'status'
          ? syncStatusCommand({ ...(a.store !== undefined ? { store: a.store } : {}), format: a.format }, ctx)
          : syncCommand({ config: a.config, format: a.format, detailedExitcode: a['detailed-exitcode'], stats: a.stats, verbose: a.verbose }, ctx),
      ),
  );
}

export async function syncCommand(args: SyncArgs, ctx: CommandContext): Promise<number> {
  const loaded = loadForRun(args.config, ctx);
  if (!specLoaded(loaded)) {
    ctx.io.stderr.write(`${ctx.err.red(`${args.config}: ${countDiagnostics(loaded.diagnostics)}.`)} Nothing was read or synced.\n`);
    return 1;
  }
  if (!hasSync(loaded.spec)) {
    ctx.io.stderr.write(
      `${ctx.err.red(ctx.err.bold('Error:'))} ${args.config} has no sync: section, so there is nothing a cycle may apply on its own. Add one (sync: {} takes the defaults: asset changes, and clients and sites where customers.unmapped says create) or run haloform apply.\n`,
    );
    return 1;
  }
  const spec = loaded.spec;
  const clients = clientsFor(spec, ctx, { verbose: args.verbose });
  try {
    const cycle = await syncRun({ ...loaded, spec }, clients, {
      env: ctx.io.env,
      onReading: () => {
        const watch = watchRun(ctx, clients, { heartbeat: true });
        return () => watch.stop();
      },
    });
    if (cycle.plan.errors.length > 0 && args.format === 'text') ctx.printDiagnostics(cycle.plan.errors, [loaded.source]);
    const report = args.format === 'json' ? renderSyncJson(cycle) : args.format === 'markdown' ? renderSyncMarkdown(cycle) : renderSyncText(cycle, ctx.out);
    ctx.io.stdout.write(ctx.secrets.redact(report));
    if (args.stats) printStats(clients, ctx);
    const failed = (cycle.result?.failed.length ?? 0) + (cycle.result?.skipped.length ?? 0);
    if (cycle.refused || failed > 0) return 1;
    return args.detailedExitcode && cycle.held.length > 0 ? 2 : 0;
  } finally {
    await clients.close();
  }
}

/** `haloform sync status`: the status serve's sync controller saved in the store. */
export async function syncStatusCommand(args: { store?: string; format: SyncArgs['format'] }, ctx: CommandContext): Promise<number> {
  if (args.format === 'markdown') {
    ctx.io.stderr.write(`${ctx.err.red(ctx.err.bold('Error:'))} sync status prints text or json (--format text|json).\n`);
    return 1;
  }
  return withStore(args.store, ctx, async (store) => {
    const saved = await store.getMeta(SYNC_STATUS_KEY);
    const status = saved === undefined ? undefined : parseStatus(saved);
    if (saved !== undefined && !status) {
      ctx.io.stderr.write(`${ctx.err.red(ctx.err.bold('Error:'))} the sync status in ${store.description} is not readable; serve writes it again after its next cycle.\n`);
      return 1;
    }
    const text = args.format === 'json' ? `${JSON.stringify(status ?? null)}\n` : status ? renderSyncStatusText(status, store.description, Date.now(), ctx.out) : `No sync status in ${store.description}: no serve with a sync: spec has run a cycle with this store yet.\n`;
    // A cycle's error may quote what an API answered: the secrets this shell knows stay hidden.
    ctx.io.stdout.write(ctx.secrets.redact(text));
    return 0;
  });
}

/** The saved status, or undefined when it is not one (damaged, or written by another version). */
function parseStatus(text: string): (SyncStatus & { workerId?: string }) | undefined {
  try {
    const value = JSON.parse(text) as SyncStatus & { workerId?: string };
    const ok = value !== null && typeof value === 'object' && typeof value.updatedAt === 'number' && Array.isArray(value.held) && typeof value.lastByTrigger === 'object' && value.lastByTrigger !== null;
    return ok ? value : undefined;
  } catch {
    return undefined;
  }
}

function hasSync(spec: Spec): spec is Spec & { sync: Sync } {
  return spec.sync !== undefined;
}
