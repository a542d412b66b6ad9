/**
 * `haloform plan`: read NinjaOne and Halo (read-only), show what apply would change — as text,
 * as a pull-request comment (markdown) or as JSON — and optionally save it for apply.
 * Exit codes: 0 ok, 1 error; with --detailed-exitcode 0 no changes, 1 error, 2 changes.
 */

import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { renderDiagnostic } from '../../diagnostics/render.js';
import type { SourceFile } from '../../diagnostics/source.js';
import { renderStatsTable } from '../../http/index.js';
import { hasChanges, type Plan } from '../../plan/plan.js';
import { renderPlanMarkdown } from '../../render/plan-markdown.js';
import { renderPlanText } from '../../render/plan-text.js';
import type { CommandContext } from '../context.js';
import { createClients, loadForRun, readAndPlan, specLoaded, type Clients } from '../planning.js';

export interface PlanArgs {
  config: string;
  format: 'text' | 'markdown' | 'json';
  out?: string;
  detailedExitcode: boolean;
  stats: boolean;
  allowMassDeactivate: boolean;
  verbose: boolean;
}

export async function planCommand(args: PlanArgs, ctx: CommandContext): Promise<number> {
  const loaded = loadForRun(args.config, ctx);
  if (!specLoaded(loaded)) {
    ctx.io.stderr.write(`${ctx.err.red(`${args.config}: the spec has errors.`)} Nothing was read or planned; run haloform validate -c ${args.config} for details.\n`);
    return 1;
  }
  const clients = createClients(loaded.spec, ctx, { verbose: args.verbose });
  try {
    const { plan } = await readAndPlan(loaded, clients, ctx, { allowMassDeactivate: args.allowMassDeactivate });
    if (args.out) writeFileSync(resolve(ctx.io.cwd, args.out), `${JSON.stringify(plan, null, 2)}\n`);
    printPlan(plan, args, ctx, loaded.source);
    if (args.stats) printStats(clients, ctx);
    if (plan.errors.length > 0) return 1;
    if (args.out && args.format === 'text') ctx.io.stderr.write(`\nSaved the plan to ${args.out}. Apply exactly this plan with: haloform apply ${args.out}\n`);
    return args.detailedExitcode && hasChanges(plan) ? 2 : 0;
  } finally {
    await clients.close();
  }
}

export function printPlan(plan: Plan, args: Pick<PlanArgs, 'format' | 'config' | 'out'>, ctx: CommandContext, source: SourceFile): void {
  const sources = new Map([[source.path, source]]);
  switch (args.format) {
    case 'json':
      ctx.io.stdout.write(`${JSON.stringify(plan, null, 2)}\n`);
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
  ctx.io.stderr.write(`\n${renderStatsTable(clients.accounting.snapshot(), 'API requests')}\n`);
}
