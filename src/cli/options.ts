/**
 * What the command modules share when they declare themselves to yargs: the options several
 * commands take (-c/--config, --store, --format), written once, and the way a command hands
 * cli.ts the run yargs picked.
 */

import type { Argv } from 'yargs';
import { DEFAULT_STORE_URL } from '../store/open-store.js';
import type { CommandContext } from './context.js';

/** One parsed command, ready to run with its context; resolves to the exit code. */
export type RunCommand = (ctx: CommandContext) => number | Promise<number>;

/** Called by a command's yargs handler with its run, once yargs has chosen that command. */
export type SelectCommand = (run: RunCommand) => void;

/**
 * A command module's declaration: adds its command (options, examples, handler) to the parser
 * and returns it. The handler only calls `select`: cli.ts runs the command after parsing, so a
 * parse error never half-runs one.
 */
export type DeclareCommand = (parser: Argv, select: SelectCommand) => Argv;

/** The spec used when -c is not given (and, for apply, no saved plan names one). */
export const DEFAULT_CONFIG = 'config/haloform.yaml';

/** -c/--config: the spec file, config/haloform.yaml unless given. */
export const CONFIG_OPTION = {
  alias: 'c',
  type: 'string',
  default: DEFAULT_CONFIG,
  describe: 'The spec file',
  requiresArg: true,
} as const;

/** -c/--config for a command that finds its spec another way when -c is not given; `describe` says how. */
export function optionalConfigOption(describe: string) {
  return { ...CONFIG_OPTION, default: undefined, describe } as const;
}

/** --store: the inbox's URL. `what` says whose inbox; the fallback is the same for every command. */
export function storeOption(what: string) {
  return { type: 'string', requiresArg: true, describe: `${what} (default: HALOFORM_STORE, else ${DEFAULT_STORE_URL})` } as const;
}

/** --format: how the result is printed, text unless asked; `choices` lists the others the command offers. */
export function formatOption<const C extends readonly ['text', ...string[]]>(choices: C, describe = 'Output format') {
  return { choices, default: 'text', describe } as const;
}

/** --stats, --allow-mass-deactivate and --verbose: what plan and apply both take for the plan they make. */
export function withPlanningOptions<T>(y: Argv<T>) {
  return y
    .option('stats', { type: 'boolean', default: false, describe: 'Print API request counts and times to stderr' })
    .option('allow-mass-deactivate', { type: 'boolean', default: false, describe: 'Allow deactivating more than 10% of managed assets' })
    .option('verbose', { type: 'boolean', default: false, describe: 'Log API retries and waits (JSON lines on stderr)' });
}
