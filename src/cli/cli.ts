/**
 * The command line: wires the commands (each declares its own options in src/cli/commands/, the
 * shared ones come from options.ts) into one yargs parser with the global options, runs the one
 * chosen, and maps the outcome to an exit code (0 ok, 1 errors; warnings alone exit 0). Runs
 * in-process with an injected Io, so tests drive it exactly as a user does.
 */

import yargs, { type Argv } from 'yargs';
import { VERSION } from '../version.js';
import { declareAlerts } from './commands/alerts.js';
import { declareApply } from './commands/apply.js';
import { declareDemo } from './commands/demo.js';
import { declareInbox } from './commands/inbox.js';
import { declareInit } from './commands/init.js';
import { declarePlan } from './commands/plan.js';
import { declareSandbox } from './commands/sandbox.js';
import { declareSchema } from './commands/schema.js';
import { declareServe } from './commands/serve.js';
import { declareSync } from './commands/sync.js';
import { declareValidate } from './commands/validate.js';
import { createContext, type CommandContext } from './context.js';
import type { Io } from './io.js';
import type { DeclareCommand, RunCommand, SelectCommand } from './options.js';

/** Every command, in the order --help lists them; each module declares its own options. */
const COMMANDS: readonly DeclareCommand[] = [declareValidate, declarePlan, declareApply, declareSync, declareSandbox, declareServe, declareInbox, declareAlerts, declareInit, declareSchema, declareDemo];

export async function runCli(argv: readonly string[], io: Io): Promise<number> {
  let selected: RunCommand | undefined;
  const parser = buildParser(argv, (run) => {
    selected = run;
  });

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
    reportParseError(parseError, output, argv, ctx);
    return 1;
  }
  if (!selected) {
    // --help or --version: yargs rendered it.
    if (output) ctx.io.stdout.write(`${output.trimEnd()}\n`);
    return 0;
  }
  try {
    return await selected(ctx);
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

/**
 * The parser: every command, then what holds for all of them — --color, --help/-h, --version/-v,
 * strict flags with "did you mean" for commands, and errors handed back to runCli instead of
 * printed or exiting. `select` receives the command yargs picked.
 */
function buildParser(argv: readonly string[], select: SelectCommand): Argv {
  const parser = yargs([...argv])
    .scriptName('haloform')
    .usage('haloform <command> [options]\n\nNinjaOne ↔ HaloPSA as code: plan and apply the Halo side of NinjaOne from a YAML spec in Git.');
  return COMMANDS.reduce((p, declare) => declare(p, select), parser)
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
}

/** A parse error as one line, with yargs' "did you mean" or a hint for `-out`, and where to look. */
function reportParseError(error: Error, output: string, argv: readonly string[], ctx: CommandContext): void {
  const hint = /Did you mean [^?]+\?/.exec(output)?.[0] ?? singleDashHint(argv);
  const message = tidyUnknown(error.message).replace(/\n\s*/g, ' ').replace(/([^.?!])$/, '$1.');
  ctx.io.stderr.write(
    `${ctx.err.red(ctx.err.bold('Error:'))} ${message}${hint ? ` ${hint}` : ''}\n\nRun haloform --help to see the commands and their options.\n`,
  );
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
