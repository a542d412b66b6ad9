/**
 * `haloform alerts route --activity file.json`: which route of alerts.routes an activity would
 * take, and why — each route weighed in order with every criterion's verdict, so a pull request
 * that changes the routes can be tested against a real alert's body. Reads no API: what the file
 * does not say about the device (serve reads it from NinjaOne) is reported as unknown.
 */

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import { hasErrors } from '../../diagnostics/diagnostic.js';
import { loadSpecFile } from '../../config/load.js';
import { routeTicket } from '../../model/routing-table.js';
import { routeTicketWords } from '../../render/plan-text.js';
import { includeDecision, readActivity, type Activity } from '../../rmm/ninjaone/activity.js';
import { factsOf, routeAlert, routeName, type RouteFacts } from '../../serve/routing.js';
import type { CommandContext } from '../context.js';
import { CONFIG_OPTION, formatOption, type SelectCommand } from '../options.js';

export interface AlertsRouteArgs {
  config: string;
  activity: string;
  format: 'text' | 'json';
}

/** Declares `haloform alerts` and its subcommand on the parser. */
export function declareAlerts(parser: Argv, select: SelectCommand): Argv {
  return parser.command('alerts', 'Test alert routing (alerts.routes) without serve', (y) =>
    y
      .command(
        'route',
        'Which route an activity takes, and why (no API calls)',
        (r) =>
          r
            .option('activity', { type: 'string', requiresArg: true, demandOption: 'Give --activity FILE: a NinjaOne activity (a webhook body) as JSON.', describe: 'A NinjaOne activity as JSON (a webhook body; "device" in it is used as the webhook sends it)' })
            .option('config', CONFIG_OPTION)
            .option('format', formatOption(['text', 'json']))
            .example('haloform alerts route --activity test/alerts/disk-full.json', 'Where this alert would go with the spec in config/haloform.yaml'),
        (a) => select((ctx) => alertsRouteCommand({ config: a.config, activity: a.activity, format: a.format }, ctx)),
      )
      .demandCommand(1, 'Say what to do: haloform alerts route --activity FILE.'),
  );
}

export function alertsRouteCommand(args: AlertsRouteArgs, ctx: CommandContext): number {
  const loaded = loadSpecFile(args.config, ctx.io.env, ctx.io.cwd, { missingEnv: 'warning' });
  for (const secret of loaded.secrets) ctx.secrets.addSecret(secret);
  if (hasErrors(loaded.diagnostics) || !loaded.spec) {
    ctx.printDiagnostics(loaded.diagnostics.filter((d) => d.severity === 'error'), [loaded.source]);
    return fail(ctx, `${args.config} has errors (above): fix them, then ask again.`);
  }
  const alerts = loaded.spec.alerts;
  if (!alerts) return fail(ctx, `${args.config} has no alerts section, so no alert becomes a ticket. Add alerts (ticketType at least), and routes to route them.`);

  const activity = readActivityFile(args.activity, ctx);
  if (typeof activity === 'number') return activity;
  const facts = factsOf(activity);
  const decision = routeAlert(alerts, facts);
  const include = includeDecision({ ...activity, statusCode: 'TRIGGERED' }, alerts.include, facts.nodeClass);
  const ticket = decision.route?.suppress ? undefined : routeTicket(alerts, decision.route);

  if (args.format === 'json') {
    const out = {
      route: routeName(decision),
      ...(decision.route ? { index: decision.route.index } : {}),
      suppress: decision.route?.suppress ?? false,
      included: include.include !== false,
      ...(include.include === false ? { excludedBecause: include.reason } : {}),
      ...(ticket ? { ticket } : {}),
      trace: decision.trace.map((t) => ({ route: t.route.name, matched: t.matched, reasons: t.reasons })),
      facts,
    };
    ctx.io.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    return 0;
  }

  const o = ctx.out;
  const lines = [`${describeActivity(activity, facts)}`, ''];
  if (alerts.routes.length === 0) lines.push(o.dim('alerts.routes is empty: every alert takes the default route.'), '');
  decision.trace.forEach((t) => {
    lines.push(`  ${t.route.index + 1}. ${o.bold(`"${t.route.name}"`)}  ${t.matched ? o.green('taken') : o.dim('not taken')}`);
    for (const r of t.reasons) lines.push(`       ${r.ok ? o.green('✓') : o.red('✗')} ${r.why}`);
  });
  if (!decision.route && alerts.routes.length > 0) lines.push(`  ${o.dim('No route matched.')}`);
  if (decision.trace.some((t) => t.unknown)) {
    lines.push('', o.yellow("Some facts about the device are unknown: the file's \"device\" does not say them. serve reads the device from NinjaOne before routing; add them to the file's device (organizationId, nodeClass, nodeRoleId, tags) to test that case."));
  }
  lines.push('');
  if (include.include === false) lines.push(o.yellow(`alerts.include leaves this activity out (${include.reason}): it opens no ticket, whatever the route.`));
  if (decision.route?.suppress) lines.push(`→ route ${o.bold(`"${decision.route.name}"`)}: ${o.yellow('no ticket (suppressed, logged as suppressed)')}`);
  else lines.push(`→ ${decision.route ? `route ${o.bold(`"${decision.route.name}"`)}` : o.bold('the default route')}: ${routeTicketWords(ticket!)}`);
  lines.push(o.dim('Names are as the spec writes them; haloform plan checks them against Halo.'));
  ctx.io.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

/** The activity in `file`, or the exit code after saying what is wrong with it. */
function readActivityFile(file: string, ctx: CommandContext): Activity | number {
  let text: string;
  try {
    text = readFileSync(resolve(ctx.io.cwd, file), 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return fail(ctx, code === 'ENOENT' ? `--activity ${file}: no such file.` : `--activity ${file} cannot be read (${code ?? (e as Error).message}).`);
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (e) {
    return fail(ctx, `--activity ${file} is not JSON (${(e as Error).message}). Give a NinjaOne activity as NinjaOne sends it to the webhook.`);
  }
  const check = readActivity(body);
  if (!check.ok) return fail(ctx, `--activity ${file} is not a NinjaOne activity: ${check.path} ${check.problem}.`);
  return check.activity;
}

function describeActivity(a: Activity, f: RouteFacts): string {
  const device = [
    f.organizationName !== undefined || f.organizationId !== undefined ? `organisation ${f.organizationName !== undefined ? `"${f.organizationName}"` : ''}${f.organizationId !== undefined ? `${f.organizationName !== undefined ? ' ' : ''}(id ${f.organizationId})` : ''}` : 'organisation unknown',
    `class ${f.nodeClass ?? 'unknown'}`,
    ...(f.roleId !== undefined ? [`role ${f.roleId}`] : []),
    ...(f.tags !== undefined ? [`tags ${f.tags.length ? f.tags.join(', ') : 'none'}`] : []),
  ].join(', ');
  const condition = f.conditionNames[0] !== undefined ? `, condition "${f.conditionNames[0]}"` : '';
  return `Activity${a.id !== undefined ? ` ${a.id}` : ''}: ${a.activityType} ${a.statusCode}, severity ${f.severity}, NinjaOne priority ${f.priority}${condition}; device ${a.deviceId ?? 'unknown'} (${device}).`;
}

function fail(ctx: CommandContext, text: string): number {
  ctx.io.stderr.write(`${ctx.err.red(ctx.err.bold('Error:'))} ${text}\n`);
  return 1;
}
