/** `haloform validate`: check a spec without touching either API; its options, and the check. */

import { relative, resolve } from 'node:path';
import type { Argv } from 'yargs';
import { formatPath, hasErrors, type Diagnostic } from '../../diagnostics/diagnostic.js';
import { loadSpecFile } from '../../config/load.js';
import type { Spec } from '../../config/spec.js';
import { countDiagnostics, type CommandContext } from '../context.js';
import { CONFIG_OPTION, formatOption, type SelectCommand } from '../options.js';

export interface ValidateArgs {
  config: string;
  format: 'text' | 'json';
}

/** Declares `haloform validate` and its options on the parser. */
export function declareValidate(parser: Argv, select: SelectCommand): Argv {
  return parser.command(
    'validate',
    'Check a spec: YAML, schema, environment variables and cross-field rules (no API calls)',
    (y) =>
      y
        .option('config', CONFIG_OPTION)
        .option('format', formatOption(['text', 'json']))
        .example('haloform validate -c config/haloform.yaml', 'Check the spec, print problems with their line and column'),
    (a) => select((ctx) => validateCommand({ config: a.config, format: a.format }, ctx)),
  );
}

export function validateCommand(args: ValidateArgs, ctx: CommandContext): number {
  const file = displayPath(args.config, ctx.io.cwd);
  // Like terraform validate, this checks the spec, not the environment: a variable that is not
  // set here is a warning, so specs validate on laptops and in fork PRs without secrets.
  const loaded = loadSpecFile(file, ctx.io.env, ctx.io.cwd, { missingEnv: 'warning' });
  for (const secret of loaded.secrets) ctx.secrets.addSecret(secret);
  const diagnostics = groupUnsetVariables(loaded.diagnostics);
  const valid = !hasErrors(diagnostics);

  if (args.format === 'json') {
    ctx.io.stdout.write(
      `${JSON.stringify({ formatVersion: 1, file, valid, diagnostics: diagnostics.map(({ subject: _subject, ...d }) => d) }, null, 2)}\n`,
    );
    return valid ? 0 : 1;
  }

  ctx.printDiagnostics(diagnostics, [loaded.source]);
  if (!valid) {
    ctx.io.stderr.write(`${ctx.err.red(`${file}: ${countDiagnostics(diagnostics)}.`)} Nothing was changed.\n`);
    return 1;
  }
  const warnings = diagnostics.length > 0 ? ` (${countDiagnostics(diagnostics)})` : '';
  ctx.io.stdout.write(`${ctx.out.green(ctx.out.bold('Success!'))} ${file} is valid${warnings}.\n${summarise(loaded.spec!)}`);
  return 0;
}

/** Several unset variables read better as one warning listing them than as one warning each. */
function groupUnsetVariables(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const unset = diagnostics.filter((d) => d.summary === 'Environment variable not set');
  if (unset.length < 2) return [...diagnostics];
  const lines = unset.map((d) => {
    const name = /^(\S+) is not set/.exec(d.detail)?.[1] ?? '?';
    return `  ${name.padEnd(28)} line ${d.range?.start.line ?? '?'}, ${d.path ? formatPath(d.path) : ''}`;
  });
  const grouped: Diagnostic = {
    severity: 'warning',
    summary: 'Environment variables not set',
    detail: `The spec reads ${unset.length} variables that are not set here, so plan, apply and serve would stop:\n${lines.join('\n')}\nSet them in the environment (a CI secret in GitHub Actions), or give defaults in the spec: \${NAME:-value}.`,
    ...(unset[0]!.file ? { file: unset[0]!.file } : {}),
  };
  const first = diagnostics.indexOf(unset[0]!);
  const rest = diagnostics.filter((d) => !unset.includes(d));
  return [...rest.slice(0, first), grouped, ...rest.slice(first)];
}

/** One line per section, so a reader sees what the spec covers. */
export function summarise(spec: Spec): string {
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : /s$/.test(word) ? 'es' : 's'}`;
  const lines = [
    `  NinjaOne ${spec.connections.ninjaone.baseUrl} → Halo ${spec.connections.halo.url}`,
    `  customers: ${plural(spec.customers.map.length, 'organisation mapping')}, unmapped organisations: ${spec.customers.unmapped}`,
    `  asset types: ${plural(spec.assetTypes.map.length, 'node class')} mapped, others: ${spec.assetTypes.unmapped}`,
    `  assets: ${plural(spec.assets.fields.length, 'field mapping')}, matched by ${spec.assets.match.join(' then ')}, removed devices: ${spec.assets.removed}`,
    spec.alerts
      ? `  alerts: ticket type "${spec.alerts.ticketType}", on reset: ${spec.alerts.onReset}, ticket closed in Halo: ${spec.alerts.onTicketClosed === 'resetAlert' ? `reset the alert${spec.alerts.haloWebhook ? ' (Halo webhook)' : ' (poller)'}` : 'nothing'}${spec.alerts.reopenWithinMinutes > 0 ? `, reopen within ${spec.alerts.reopenWithinMinutes} min` : ''}${spec.alerts.maintenanceWindows.length > 0 ? `, ${spec.alerts.maintenanceWindows.length} maintenance window${spec.alerts.maintenanceWindows.length === 1 ? '' : 's'}` : ''}${spec.alerts.routes.length > 0 ? `, ${plural(spec.alerts.routes.length, 'route')}` : ''}${spec.alerts.stormThreshold ? `, storms of ${spec.alerts.stormThreshold.alerts} in ${spec.alerts.stormThreshold.withinMinutes} min rolled up` : ''}${spec.alerts.webhook ? `, webhook ${spec.alerts.webhook.publicUrl}` : ''}`
      : '  alerts: not configured (serve will not start)',
    spec.sync
      ? `  sync: applies ${spec.sync.autoApply.join(', ') || 'nothing'} on its own${spec.sync.autoApplyGiven ? '' : ' (the defaults)'}; holds the rest for apply`
      : '  sync: off (only apply changes Halo)',
  ];
  return `${lines.join('\n')}\n`;
}

export function displayPath(path: string, cwd: string): string {
  const rel = relative(cwd, resolve(cwd, path));
  if (rel === '') return '.';
  return rel.startsWith('..') ? resolve(cwd, path) : rel;
}
