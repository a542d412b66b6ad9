/**
 * The command line: parses arguments with yargs, runs one command, maps the outcome to an exit
 * code (0 ok, 1 errors; warnings alone exit 0). Runs in-process with an injected Io, so tests
 * drive it exactly as a user does.
 */

import yargs from 'yargs';
import { VERSION } from '../version.js';
import { applyCommand } from './commands/apply.js';
import { demoCommand } from './commands/demo.js';
import { planCommand } from './commands/plan.js';
import { sandboxCommand } from './commands/sandbox.js';
import { inboxListCommand, inboxPruneCommand, inboxReplayCommand, inboxShowCommand, INBOX_STATUSES } from './commands/inbox.js';
import { initCommand } from './commands/init.js';
import { schemaCommand } from './commands/schema.js';
import { DEFAULT_RETAIN_DAYS, serveCommand } from './commands/serve.js';
import { validateCommand } from './commands/validate.js';
import { createContext, type CommandContext } from './context.js';
import type { Io } from './io.js';

type Selected = { run: (ctx: CommandContext) => number | Promise<number> };

const DEFAULT_CONFIG = 'config/haloform.yaml';

export async function runCli(argv: readonly string[], io: Io): Promise<number> {
  let selected: Selected | undefined;
  const configOption = {
    alias: 'c',
    type: 'string',
    default: DEFAULT_CONFIG,
    describe: 'The spec file',
    requiresArg: true,
  } as const;

  const parser = yargs([...argv])
    .scriptName('haloform')
    .usage('haloform <command> [options]\n\nNinjaOne ↔ HaloPSA as code: plan and apply the Halo side of NinjaOne from a YAML spec in Git.')
    .command(
      'validate',
      'Check a spec: YAML, schema, environment variables and cross-field rules (no API calls)',
      (y) =>
        y
          .option('config', configOption)
          .option('format', { choices: ['text', 'json'] as const, default: 'text' as const, describe: 'Output format' })
          .example('haloform validate -c config/haloform.yaml', 'Check the spec, print problems with their line and column'),
      (a) => {
        selected = { run: (ctx) => validateCommand({ config: a.config, format: a.format }, ctx) };
      },
    )
    .command(
      'plan',
      'Show what apply would change in Halo (reads both APIs, writes nothing)',
      (y) =>
        y
          .option('config', configOption)
          .option('format', { choices: ['text', 'markdown', 'json'] as const, default: 'text' as const, describe: 'text for a terminal, markdown for a PR comment, json for programs' })
          .option('out', { type: 'string', requiresArg: true, describe: 'Also save the plan as JSON, for haloform apply <file>' })
          .option('detailed-exitcode', { type: 'boolean', default: false, describe: 'Exit 0 with no changes, 1 on error, 2 with changes' })
          .option('stats', { type: 'boolean', default: false, describe: 'Print API request counts and times to stderr' })
          .option('allow-mass-deactivate', { type: 'boolean', default: false, describe: 'Allow deactivating more than 10% of managed assets' })
          .option('verbose', { type: 'boolean', default: false, describe: 'Log API retries and waits (JSON lines on stderr)' })
          .example('haloform plan -c config/haloform.yaml --out plan.json', 'Plan and save it for apply')
          .example('haloform plan --format markdown --detailed-exitcode', 'What CI posts on a pull request'),
      (a) => {
        selected = {
          run: (ctx) =>
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
        };
      },
    )
    .command(
      'apply [plan]',
      'Make Halo match the spec: plan, show it, ask for yes — or apply a saved plan exactly',
      (y) =>
        y
          .positional('plan', { type: 'string', describe: 'A plan saved with haloform plan --out (applied only if a fresh plan is the same, change for change)' })
          .option('config', { ...configOption, default: undefined, describe: 'The spec file (default: the one the saved plan was made from, else config/haloform.yaml)' })
          .option('auto-approve', { type: 'boolean', default: false, describe: 'Do not ask for yes (CI)' })
          .option('format', { choices: ['text', 'json'] as const, default: 'text' as const, describe: 'json: one JSON line per finished change, then a summary' })
          .option('stats', { type: 'boolean', default: false, describe: 'Print API request counts and times to stderr' })
          .option('allow-mass-deactivate', { type: 'boolean', default: false, describe: 'Allow deactivating more than 10% of managed assets' })
          .option('verbose', { type: 'boolean', default: false, describe: 'Log API retries and waits (JSON lines on stderr)' })
          .example('haloform apply', 'Plan, review, type yes')
          .example('haloform apply plan.json', 'Apply a reviewed plan, refusing it if Halo changed since'),
      (a) => {
        selected = {
          run: (ctx) =>
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
        };
      },
    )
    .command(
      'sandbox',
      'Run local NinjaOne and HaloPSA simulators with a demo MSP, until Ctrl-C',
      (y) =>
        y
          .option('ninjaone-port', { type: 'number', default: 7101, describe: 'Port of the NinjaOne simulator (0: a free one)' })
          .option('halo-port', { type: 'number', default: 7102, describe: 'Port of the HaloPSA simulator (0: a free one)' })
          .option('host', { type: 'string', default: '127.0.0.1', describe: 'Address to listen on' })
          .option('seed', { type: 'number', default: 1, describe: 'Demo data seed: the same seed gives the same MSP' })
          .option('devices', { type: 'number', default: 200, describe: 'Number of NinjaOne devices' })
          .option('realism', { choices: ['real', 'clean'] as const, default: 'real' as const, describe: 'real: the odd rows real tenants send (incomplete Halo rows, placeholder serials, ...); clean: tidy data only' })
          .option('latency-ms', { type: 'number', default: 0, describe: 'Latency added to every request' })
          .option('halo-rate-limit', { type: 'string', default: '300/300', describe: "Halo's request budget: <requests>/<seconds>, or off" })
          .option('print-env', { type: 'boolean', default: false, describe: 'Print the URLs and credentials as shell exports' }),
      (a) => {
        selected = {
          run: (ctx) =>
            sandboxCommand(
              {
                ninjaonePort: a['ninjaone-port'],
                haloPort: a['halo-port'],
                host: a.host,
                seed: a.seed,
                devices: a.devices,
                realism: a.realism,
                latencyMs: a['latency-ms'],
                haloRateLimit: a['halo-rate-limit'],
                printEnv: a['print-env'],
              },
              ctx,
              { wait: () => ctx.io.waitForSignal() },
            ),
        };
      },
    )
    .command(
      'serve',
      'Receive NinjaOne alert webhooks and keep Halo tickets in step, until SIGTERM or Ctrl-C',
      (y) =>
        y
          .option('config', configOption)
          .option('host', { type: 'string', default: '0.0.0.0', describe: 'Address to listen on: 0.0.0.0 every interface (the default, for a load balancer or NinjaOne to reach), 127.0.0.1 this machine only' })
          .option('port', { type: 'number', default: 8080, describe: 'Port to listen on (0: a free one)' })
          .option('store', { type: 'string', requiresArg: true, describe: 'The inbox: sqlite:<file> or postgres://... (default: HALOFORM_STORE, else sqlite:haloform.db)' })
          .option('lease-seconds', {
            type: 'number',
            default: 60,
            describe: 'How long a worker holds a delivery without renewing it; after a crash another replica takes it over once this runs out',
          })
          .option('retain-days', {
            type: 'number',
            default: DEFAULT_RETAIN_DAYS,
            describe: 'Prune finished deliveries older than this many days from the inbox, once an hour on one replica (dead ones are kept); 0 keeps everything',
          })
          .option('create-store', { type: 'boolean', default: false, describe: 'Let a new SQLite inbox be created in a folder that does not exist yet (else that is an error: a typo must not start an empty inbox)' })
          .option('rejected-sample', { type: 'number', default: 20, describe: 'Rejected requests stored in the inbox per minute per sender and reason; the rest are only counted' })
          .option('insecure-no-auth', { type: 'boolean', default: false, describe: 'Accept webhooks without HALOFORM_WEBHOOK_SECRET (trusted networks only)' })
          .option('log-level', { choices: ['debug', 'info', 'warn', 'error'] as const, default: 'info' as const, describe: 'JSON log lines on stderr from this level up' })
          .example('HALOFORM_WEBHOOK_SECRET=... haloform serve -c config/haloform.yaml', 'Listen on 0.0.0.0:8080 with the inbox in ./haloform.db'),
      (a) => {
        selected = {
          run: (ctx) =>
            serveCommand(
              {
                config: a.config,
                host: a.host,
                port: a.port,
                ...(a.store !== undefined ? { store: a.store } : {}),
                leaseSeconds: a['lease-seconds'],
                retainDays: a['retain-days'],
                createStore: a['create-store'],
                rejectedSample: a['rejected-sample'],
                insecureNoAuth: a['insecure-no-auth'],
                logLevel: a['log-level'],
              },
              ctx,
            ),
        };
      },
    )
    .command('inbox', "Search, replay and prune serve's inbound webhook log", (y) =>
      y
        .command(
          'list',
          'List deliveries, newest first',
          (z) =>
            z
              .option('status', { choices: INBOX_STATUSES, describe: 'Only deliveries with this status' })
              .option('since', { type: 'string', requiresArg: true, describe: 'Received since: 30m, 2h, 7d or a date' })
              .option('limit', { type: 'number', default: 50, describe: 'At most this many' })
              .option('store', { type: 'string', requiresArg: true, describe: 'The inbox serve uses (default: HALOFORM_STORE, else sqlite:haloform.db)' })
              .option('format', { choices: ['text', 'json'] as const, default: 'text' as const, describe: 'json: one delivery per line' })
              .example('haloform inbox list --status dead', 'What serve gave up on')
              .example('haloform inbox list --status rejected --since 1h', 'Requests refused in the last hour'),
          (a) => {
            selected = {
              run: (ctx) =>
                inboxListCommand(
                  {
                    ...(a.store !== undefined ? { store: a.store } : {}),
                    ...(a.status !== undefined ? { status: a.status } : {}),
                    ...(a.since !== undefined ? { since: a.since } : {}),
                    limit: a.limit,
                    format: a.format,
                  },
                  ctx,
                ),
            };
          },
        )
        .command(
          'show <id>',
          'One delivery: the request, its processing history and its Halo ticket',
          (z) =>
            z
              .positional('id', { type: 'number', demandOption: true, describe: 'The delivery id (from inbox list)' })
              .option('config', { ...configOption, default: undefined, describe: 'The spec, to read the ticket from Halo (default: config/haloform.yaml when it exists)' })
              .option('store', { type: 'string', requiresArg: true, describe: 'The inbox serve uses (default: HALOFORM_STORE, else sqlite:haloform.db)' })
              .option('format', { choices: ['text', 'json'] as const, default: 'text' as const, describe: 'Output format' }),
          (a) => {
            selected = {
              run: (ctx) =>
                inboxShowCommand(
                  { ...(a.store !== undefined ? { store: a.store } : {}), id: a.id, ...(a.config !== undefined ? { config: a.config } : {}), format: a.format },
                  ctx,
                ),
            };
          },
        )
        .command(
          'replay [id]',
          'Process a delivery again (a dead one once its cause is fixed), or every dead one',
          (z) =>
            z
              .positional('id', { type: 'number', describe: 'The delivery id' })
              .option('dead', { type: 'boolean', default: false, describe: 'Replay every dead delivery' })
              .option('store', { type: 'string', requiresArg: true, describe: 'The inbox serve uses (default: HALOFORM_STORE, else sqlite:haloform.db)' })
              .example('haloform inbox replay --dead', 'After fixing what made them fail'),
          (a) => {
            selected = {
              run: (ctx) => inboxReplayCommand({ ...(a.store !== undefined ? { store: a.store } : {}), ...(a.id !== undefined ? { id: a.id } : {}), dead: a.dead }, ctx),
            };
          },
        )
        .command(
          'prune',
          'Remove finished deliveries older than a duration, with their history and the state of alerts long over',
          (z) =>
            z
              .option('older-than', { type: 'string', requiresArg: true, demandOption: true, describe: 'Received longer ago than this: 30d, 4w or 36h (at least a day)' })
              .option('include-dead', { type: 'boolean', default: false, describe: 'Remove dead deliveries that old too (they are kept otherwise, for inbox replay)' })
              .option('dry-run', { type: 'boolean', default: false, describe: 'Only count what would be removed' })
              .option('store', { type: 'string', requiresArg: true, describe: 'The inbox serve uses (default: HALOFORM_STORE, else sqlite:haloform.db)' })
              .example('haloform inbox prune --older-than 30d --dry-run', 'What a prune would remove')
              .example('haloform inbox prune --older-than 90d --include-dead', 'Everything finished before 90 days ago, dead deliveries too'),
          (a) => {
            selected = {
              run: (ctx) =>
                inboxPruneCommand(
                  { ...(a.store !== undefined ? { store: a.store } : {}), olderThan: a['older-than'], includeDead: a['include-dead'], dryRun: a['dry-run'] },
                  ctx,
                ),
            };
          },
        )
        .demandCommand(1, 'Say what to do: haloform inbox list, show <id>, replay <id>|--dead or prune --older-than <age>.'),
    )
    .command(
      'init [path]',
      'Write a commented starter spec that validates',
      (y) =>
        y
          .positional('path', { type: 'string', default: DEFAULT_CONFIG, describe: 'Where to write it' })
          .option('force', { type: 'boolean', default: false, describe: 'Overwrite an existing file' }),
      (a) => {
        selected = { run: (ctx) => initCommand({ path: a.path, force: a.force }, ctx) };
      },
    )
    .command(
      'schema',
      "Print the spec's JSON Schema (for editors and other tools)",
      (y) => y,
      () => {
        selected = { run: (ctx) => schemaCommand(ctx) };
      },
    )
    .command(
      'demo',
      'The guided demo that `npm start` runs, against the built-in sandbox',
      (y) => y.option('config', { ...configOption, default: undefined, describe: 'The demo spec (default: config/demo.yaml of this package)' }),
      (a) => {
        selected = { run: (ctx) => demoCommand(a.config === undefined ? {} : { config: a.config }, ctx) };
      },
    )
    .option('color', { type: 'boolean', describe: 'Colour the output (--no-color, or NO_COLOR=1, turns it off)' })
    .demandCommand(1, 'No command given: haloform <command> [options].')
    .recommendCommands()
    .strict()
    .showHelpOnFail(false)
    .version(VERSION)
    .alias('help', 'h')
    .alias('version', 'v')
    .wrap(Math.min(110, process.stdout.columns ?? 100))
    .exitProcess(false);

  let parseError: Error | undefined;
  let output = '';
  let colorFlag: boolean | undefined;
  await new Promise<void>((done) => {
    parser.parse([...argv], {}, (err, parsed, text) => {
      parseError = err ?? undefined;
      output = text ?? '';
      colorFlag = (parsed as { color?: boolean } | undefined)?.color;
      done();
    });
  });

  const ctx = createContext(io, colorFlag);
  if (parseError) {
    const hint = /Did you mean [^?]+\?/.exec(output)?.[0] ?? singleDashHint(argv);
    const message = tidyUnknown(parseError.message).replace(/\n\s*/g, ' ').replace(/([^.?!])$/, '$1.');
    ctx.io.stderr.write(
      `${ctx.err.red(ctx.err.bold('Error:'))} ${message}${hint ? ` ${hint}` : ''}\n\nRun haloform --help to see the commands and their options.\n`,
    );
    return 1;
  }
  if (!selected) {
    // --help or --version: yargs rendered it.
    if (output) ctx.io.stdout.write(`${output.trimEnd()}\n`);
    return 0;
  }
  try {
    return await selected.run(ctx);
  } catch (e) {
    const fsError = describeFileError(e);
    if (fsError) {
      ctx.io.stderr.write(`${ctx.err.red(ctx.err.bold('Error:'))} ${fsError}\n`);
      return 1;
    }
    const err = e as Error;
    ctx.io.stderr.write(
      `${ctx.err.red(ctx.err.bold('Error:'))} haloform stopped unexpectedly: ${err.message}\nThis is a bug in haloform; please report it with the command you ran.${io.env.HALOFORM_DEBUG ? `\n${err.stack ?? ''}` : ' (Set HALOFORM_DEBUG=1 to see where it happened.)'}\n`,
    );
    return 1;
  }
}

/** What the file system refused, as a person fixes it (ENOENT, EACCES, ...); undefined for anything else. */
export function describeFileError(e: unknown): string | undefined {
  const err = e as NodeJS.ErrnoException;
  if (!(e instanceof Error) || typeof err.code !== 'string' || !(err.code in FILE_ERRORS)) return undefined;
  const [what, hint] = err.syscall === 'mkdir' && err.code === 'EEXIST' ? ['a file of that name is in the way', 'Choose another path.'] : FILE_ERRORS[err.code]!;
  const verb = { open: 'open', write: 'write', read: 'read', mkdir: 'create the folder', access: 'write to', rename: 'rename', unlink: 'remove', stat: 'find' }[err.syscall ?? ''] ?? 'use';
  return `cannot ${verb} ${err.path ?? 'a file'}: ${what} (${err.code}). ${hint}`;
}

const FILE_ERRORS: Readonly<Record<string, readonly [string, string]>> = {
  ENOENT: ['no such file or directory', 'Check the path: the file, or the folder it goes in, must exist.'],
  EEXIST: ['it already exists', 'Choose another path, or remove what is there.'],
  EACCES: ['permission denied', 'Check its permissions, or choose a path you can write to.'],
  EPERM: ['the operation is not permitted there', 'Check its permissions, or choose another path.'],
  ENOTDIR: ['a part of the path is a file, not a folder', 'Check the path.'],
  EISDIR: ['it is a folder', 'Give a file name, not a folder.'],
  ENOSPC: ['no space is left on the device', 'Free some space, or choose another disk.'],
  EROFS: ['the file system is read-only', 'Choose a path on a writable disk.'],
  EMFILE: ['too many files are open', 'Close other programs, or raise the limit (ulimit -n).'],
  ENAMETOOLONG: ['the name is too long', 'Choose a shorter path.'],
};

/** yargs lists an unknown flag twice, as written and camel-cased (`bogus-flag, bogusFlag`): keep the first. */
function tidyUnknown(message: string): string {
  const m = /^(Unknown arguments?): (.*)$/s.exec(message);
  if (!m) return message;
  const names = m[2]!.split(/,\s*/).map((n) => n.trim());
  const camel = (n: string) => n.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
  const kept = names.filter((n) => !names.some((o) => o !== n && o.includes('-') && camel(o) === n));
  return `${kept.length === 1 ? 'Unknown argument' : 'Unknown arguments'}: ${kept.join(', ')}`;
}

/** `-out plan.json` is read as -o -u -t: suggest the long option meant. */
function singleDashHint(argv: readonly string[]): string | undefined {
  const word = argv.find((a) => /^-[a-z][a-z-]+$/i.test(a));
  return word ? `Long options take two dashes: did you mean -${word}?` : undefined;
}
