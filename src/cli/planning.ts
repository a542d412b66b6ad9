/**
 * The CLI's side of a run: loading the spec for a command that calls the APIs (its errors
 * printed), the clients with --verbose logs on stderr, and a plan run with progress lines while
 * it reads (src/run/ does the work).
 */

import { loadSpecFile, type LoadedSpec } from '../config/load.js';
import type { Spec } from '../config/spec.js';
import { hasErrors } from '../diagnostics/diagnostic.js';
import { createClients, type Clients } from '../run/clients.js';
import { planRun, type PlanRun } from '../run/plan-run.js';
import type { CommandContext } from './context.js';
import { watchRun } from './run-watch.js';

/** The run's API clients; --verbose logs each request on stderr. */
export function clientsFor(spec: Spec, ctx: CommandContext, options: { verbose?: boolean } = {}): Clients {
  return createClients(spec, { env: ctx.io.env, log: (line) => ctx.io.stderr.write(`${line}\n`), ...(options.verbose !== undefined ? { verbose: options.verbose } : {}) });
}

/** A plan run that says why it waits while it reads (reads can take minutes against a big tenant or a spent budget). */
export function readAndPlan(loaded: LoadedSpec & { spec: Spec }, clients: Clients, ctx: CommandContext, options: { allowMassDeactivate?: boolean } = {}): Promise<PlanRun> {
  return planRun(loaded, clients, {
    env: ctx.io.env,
    ...options,
    onReading: () => {
      const watch = watchRun(ctx, clients, { heartbeat: true });
      return () => watch.stop();
    },
  });
}

/** Loads the spec for a command that calls the APIs: an unset variable is an error here. */
export function loadForRun(config: string, ctx: CommandContext): LoadedSpec {
  const loaded = loadSpecFile(config, ctx.io.env, ctx.io.cwd, { missingEnv: 'error' });
  for (const secret of loaded.secrets) ctx.secrets.addSecret(secret);
  // Errors stop here; warnings travel with the plan and are printed with it.
  if (hasErrors(loaded.diagnostics)) ctx.printDiagnostics(loaded.diagnostics, [loaded.source]);
  return loaded;
}

export function specLoaded(loaded: LoadedSpec): loaded is LoadedSpec & { spec: Spec } {
  return loaded.spec !== undefined && !hasErrors(loaded.diagnostics);
}
