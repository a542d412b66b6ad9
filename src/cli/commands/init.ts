/** `haloform init [path]`: write a commented starter spec that validates; its options, and the writing. */

import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Argv } from 'yargs';
import { SCHEMA_URL } from '../../config/schema.js';
import { STARTER_VARIABLES, starterSpec } from '../../config/starter.js';
import type { CommandContext } from '../context.js';
import { DEFAULT_CONFIG, type SelectCommand } from '../options.js';
import { displayPath } from './validate.js';

export interface InitArgs {
  path: string;
  force: boolean;
}

/** Declares `haloform init [path]` and its options on the parser. */
export function declareInit(parser: Argv, select: SelectCommand): Argv {
  return parser.command(
    'init [path]',
    'Write a commented starter spec that validates',
    (y) =>
      y
        .positional('path', { type: 'string', default: DEFAULT_CONFIG, describe: 'Where to write it' })
        .option('force', { type: 'boolean', default: false, describe: 'Overwrite an existing file' }),
    (a) => select((ctx) => initCommand({ path: a.path, force: a.force }, ctx)),
  );
}

export function initCommand(args: InitArgs, ctx: CommandContext): number {
  const target = resolve(ctx.io.cwd, args.path);
  const shown = displayPath(args.path, ctx.io.cwd);
  if (existsSync(target) && !args.force) {
    ctx.io.stderr.write(`${ctx.err.red(ctx.err.bold('Error:'))} ${shown} already exists; haloform init does not overwrite it. Pick another path, or add --force to replace it.\n`);
    return 1;
  }
  // Point the editor at the schema haloform itself ships, relative to the new file.
  let schemaPath = relative(dirname(target), fileURLToPath(SCHEMA_URL)).split('\\').join('/');
  if (!schemaPath.startsWith('.')) schemaPath = `./${schemaPath}`;
  makeFolders(dirname(target));
  // `wx` unless --force: a file that appeared since the check is not overwritten either.
  writeFileSync(target, starterSpec(schemaPath), { flag: args.force ? 'w' : 'wx' });

  const missing = STARTER_VARIABLES.filter((v) => !ctx.io.env[v]);
  ctx.io.stdout.write(
    [
      `${ctx.out.green('Wrote')} ${shown}.`,
      '',
      'Next:',
      '  1. Set your NinjaOne region and Halo address in it (connections).',
      missing.length > 0 ? `  2. Export the secrets it reads: ${missing.join(' ')}` : '  2. The secrets it reads are set in this environment.',
      `  3. haloform validate -c ${shown}`,
      '',
    ].join('\n'),
  );
  return 0;
}

/**
 * Creates the folders missing above a new file, one level at a time from the nearest one that
 * exists. Not `mkdirSync(…, { recursive: true })`: under /proc that spins forever instead of
 * failing (Node 20), and a user's wrong path must end in a clear error.
 */
function makeFolders(folder: string): void {
  const missing: string[] = [];
  let at = folder;
  while (!existsSync(at)) {
    missing.unshift(at);
    const up = dirname(at);
    if (up === at) break;
    at = up;
  }
  // The nearest existing ancestor must be a folder; mkdir below reports ENOTDIR otherwise anyway.
  if (missing.length > 0 && existsSync(at) && !statSync(at).isDirectory()) {
    mkdirSync(missing[0]!); // throws ENOTDIR (or EEXIST), which the CLI reports with the path
  }
  for (const level of missing) mkdirSync(level);
}
