/**
 * The API clients of one run (plan, apply, the demo): the RMM (NinjaOne, as the spec's
 * connections name it) and Halo sharing one redactor (each hides the other's tokens) and one
 * accounting, and their setbacks as they happen.
 */

import { environmentSecrets } from '../config/secret-values.js';
import type { Spec } from '../config/spec.js';
import { HaloApiClient } from '../halo/client.js';
import { Accounting, createJsonLogger, Redactor, silentLogger, type HttpSetback, type Logger } from '../http/index.js';
import type { PlanTargets } from '../plan/plan.js';
import type { RmmSource } from '../rmm/provider.js';
import { NinjaOneClient } from '../rmm/ninjaone/client.js';
import { NINJAONE } from '../rmm/ninjaone/provider.js';
import { ninjaOneSource } from '../rmm/ninjaone/source.js';

/** The two API clients of one run, sharing one redactor (each hides the other's tokens) and one accounting. */
export interface Clients {
  /** The RMM, through the provider interface (src/rmm/provider.ts). */
  rmm: RmmSource;
  halo: HaloApiClient;
  accounting: Accounting;
  redactor: Redactor;
  logger: Logger;
  /** When the clients were made: the run's start, for --stats. */
  startedAt: number;
  /** Listens to both clients' setbacks (timeouts, 429s, retries) as they happen; returns a function that stops listening. */
  onSetback(listener: (setback: HttpSetback) => void): () => void;
  close(): Promise<void>;
}

export interface ClientOptions {
  /** The environment: its secret-named variables are hidden from every log and error. */
  env: Readonly<Record<string, string | undefined>>;
  /** With `verbose`, each request is logged as a JSON line here. */
  log?: (line: string) => void;
  verbose?: boolean;
}

/** The addresses a plan made with `clients` records as its targets: Halo's, and the RMM's under its key. */
export function targetsOf(clients: Pick<Clients, 'rmm'>, spec: Spec): PlanTargets {
  return { [clients.rmm.provider.key]: clients.rmm.target, halo: spec.connections.halo.url };
}

export function createClients(spec: Spec, options: ClientOptions): Clients {
  const redactor = new Redactor([spec.connections.ninjaone.clientSecret, spec.connections.halo.clientSecret, ...environmentSecrets(options.env)]);
  const webhookSecret = options.env.HALOFORM_WEBHOOK_SECRET;
  if (webhookSecret) redactor.addSecret(webhookSecret);
  const accounting = new Accounting();
  const log = options.log;
  const logger = options.verbose && log ? createJsonLogger({ redactor, sink: log, level: 'info' }) : silentLogger;
  const listeners = new Set<(setback: HttpSetback) => void>();
  const onSetback = (setback: HttpSetback) => {
    for (const listener of listeners) listener(setback);
  };
  const shared = { redactor, accounting, logger, onSetback };
  const rmm = ninjaOneSource(new NinjaOneClient(spec.connections.ninjaone, shared), spec.connections.ninjaone.baseUrl);
  const halo = new HaloApiClient(spec.connections.halo, NINJAONE.halo, shared);
  return {
    rmm,
    halo,
    accounting,
    redactor,
    logger,
    startedAt: Date.now(),
    onSetback: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: async () => {
      await Promise.all([rmm.close(), halo.close()]);
    },
  };
}
