/**
 * `haloform plan`: read NinjaOne and Halo (read-only), show what apply would change — as text,
 * as a pull-request comment (markdown) or as JSON — and optionally save it for apply.
 * Exit codes: 0 ok, 1 error; with --detailed-exitcode 0 no changes, 1 error, 2 changes.
 * Declares its own options too.
 */

import { accessSync, constants, createWriteStream, existsSync, openSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Argv } from 'yargs';
import { renderDiagnostic } from '../../diagnostics/render.js';
import type { SourceFile } from '../../diagnostics/source.js';
import { formatMs, renderStatsTable } from '../../http/index.js';
import { hasChanges, type Plan } from '../../plan/plan.js';
import { planJsonChunks } from '../../render/plan-json.js';
import { renderPlanMarkdown } from '../../render/plan-markdown.js';
import { renderPlanText } from '../../render/plan-text.js';
import { countDiagnostics, type CommandContext } from '../context.js';
import type { Output } from '../io.js';
import { CONFIG_OPTION, formatOption, withPlanningOptions, type SelectCommand } from '../options.js';
import { clientsFor, loadForRun, readAndPlan, specLoaded } from '../planning.js';
import type { Clients } from '../../run/clients.js';

export interface PlanArgs {
  config: string;
  format: 'text' | 'markdown' | 'json';
  out?: string;
  detailedExitcode: boolean;
  stats: boolean;
  allowMassDeactivate: boolean;
  verbose: boolean;
}

/** Declares `haloform plan` and its options on the parser. */
export function declarePlan(parser: Argv, select: SelectCommand): Argv {
  return parser.command(
    'plan',
    'Show what apply would change in Halo (reads both APIs, writes nothing)',
    (y) =>
      withPlanningOptions(
        y
          .option('config', CONFIG_OPTION)
          .option('format', formatOption(['text', 'markdown', 'json'], 'text for a terminal, markdown for a PR comment, json for programs'))
          .option('out', { type: 'string', requiresArg: true, describe: 'Also save the plan as JSON, for haloform apply <file>' })
          .option('detailed-exitcode', { type: 'boolean', default: false, describe: 'Exit 0 with no changes, 1 on error, 2 with changes' }),
      )
        .example('haloform plan -c config/haloform.yaml --out plan.json', 'Plan and save it for apply')
        .example('haloform plan --format markdown --detailed-exitcode', 'What CI posts on a pull request'),
    (a) =>
      select((ctx) =>
        planCommand(
          {
            config: a.config,
            format: a.format,
            ...(a.out !== undefined ? { out: a.out } : {}),
            detailedExitcode: a['detailed-exitcode'],
            stats: a.stats,
            allowMassDeactivate: a['allow-mass-deactivate'],
            verbose: a.verbose,
          },
          ctx,
        ),
      ),
  );
}

export async function planCommand(args: PlanArgs, ctx: CommandContext): Promise<number> {
  const loaded = loadForRun(args.config, ctx);
  if (!specLoaded(loaded)) {
    ctx.io.stderr.write(`${ctx.err.red(`${args.config}: ${countDiagnostics(loaded.diagnostics)}.`)} Nothing was read or planned.\n`);
    return 1;
  }
  // A path that cannot be written fails now, not after minutes of reading.
  if (args.out) checkOutPath(resolve(ctx.io.cwd, args.out));
  const clients = clientsFor(loaded.spec, ctx, { verbose: args.verbose });
  try {
    const { plan } = await readAndPlan(loaded, clients, ctx, { allowMassDeactivate: args.allowMassDeactivate });
    if (args.out) await writePlanFile(resolve(ctx.io.cwd, args.out), plan, (text) => ctx.secrets.redact(text));
    await printPlan(plan, args, ctx, loaded.source);
    if (args.stats) printStats(clients, ctx);
    if (plan.errors.length > 0) return 1;
    if (args.out && args.format === 'text') ctx.io.stderr.write(`\nSaved the plan to ${args.out}. Apply exactly this plan with: haloform apply ${args.out}\n`);
    return args.detailedExitcode && hasChanges(plan) ? 2 : 0;
  } finally {
    await clients.close();
  }
}

/** Throws the file-system error (ENOENT, EACCES, ENOTDIR, EISDIR) that writing `path` would meet; the CLI reports it with the path. */
export function checkOutPath(path: string): void {
  const folder = dirname(path);
  accessSync(folder, constants.W_OK);
  if (!statSync(folder).isDirectory()) throw Object.assign(new Error(`ENOTDIR: ${path}`), { code: 'ENOTDIR', syscall: 'open', path });
  if (existsSync(path) && statSync(path).isDirectory()) {
    throw Object.assign(new Error(`EISDIR: ${path}`), { code: 'EISDIR', syscall: 'open', path });
  }
}

/** Saves a plan for `haloform apply <file>`, piece by piece, with every secret hidden (`mask`). */
export async function writePlanFile(path: string, plan: Plan, mask: (text: string) => string): Promise<void> {
  // Opened here, so a path that cannot be written fails as an error the command reports, not as a stream event.
  const file = createWriteStream('', { fd: openSync(path, 'w') });
  await writeAll(file, masked(planJsonChunks(plan), mask));
  await new Promise<void>((done, fail) => file.end((e?: Error | null) => (e ? fail(e) : done())));
}

function* masked(chunks: Iterable<string>, mask: (text: string) => string): Iterable<string> {
  for (const chunk of chunks) yield mask(chunk);
}

/** Writes chunks, waiting whenever the stream asks (a pipe to a slow reader must not fill memory). */
async function writeAll(stream: Output, chunks: Iterable<string>): Promise<void> {
  for (const chunk of chunks) {
    if (stream.write(chunk) === false && 'once' in stream) {
      await new Promise<void>((done) => (stream as NodeJS.WritableStream).once('drain', () => done()));
    }
  }
}

export async function printPlan(plan: Plan, args: Pick<PlanArgs, 'format' | 'config' | 'out'>, ctx: CommandContext, source: SourceFile): Promise<void> {
  const sources = new Map([[source.path, source]]);
  switch (args.format) {
    case 'json':
      await writeAll(ctx.io.stdout, planJsonChunks(plan));
      return;
    case 'markdown':
      ctx.io.stdout.write(
        renderPlanMarkdown(plan, {
          command: `haloform plan -c ${args.config}`,
          ...(args.out ? { artifact: `the ${args.out} artifact of this run` } : {}),
          locate: (d) => (d.file && d.range ? `${d.file}:${d.range.start.line}` : undefined),
        }),
      );
      return;
    case 'text':
      ctx.io.stdout.write(renderPlanText(plan, { paint: ctx.out, renderDiagnostic: (d) => renderDiagnostic(d, { paint: ctx.out, sources }) }));
  }
}

export function printStats(clients: Clients, ctx: CommandContext): void {
  const lines = [`\n${renderStatsTable(clients.accounting.snapshot(), 'API requests')}`];
  const run = Date.now() - clients.startedAt;
  const limiter = clients.halo.http.limiter;
  if (limiter) {
    // Wall-clock, not a sum over requests: overlapping waits count once, so it never exceeds the run.
    const { limit, blockedMs } = limiter.status();
    lines.push(`Halo's request budget (${limit.requests} per ${formatMs(limit.perSeconds * 1000)}) held requests back for ${formatMs(blockedMs)} of this ${formatMs(run)} run.`);
  } else {
    lines.push(`Halo requests were not paced (connections.halo.rateLimit: false); this run took ${formatMs(run)}.`);
  }
  ctx.io.stderr.write(`${lines.join('\n')}\n\n`);
}
