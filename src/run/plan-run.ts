/**
 * A plan run: read both APIs (what the spec needs of the RMM, through its provider; Halo's lists), compute the
 * Desired state and make the Plan. Read failures become plan errors, never deactivations. Called
 * by `plan`, `apply` and the demo; knows nothing of the terminal.
 */

import { HALO_WEBHOOK_SECRET_ENV } from '../halo/webhooks.js';
import type { LoadedSpec } from '../config/load.js';
import type { Spec } from '../config/spec.js';
import { error, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { HaloSnapshot } from '../halo/types.js';
import { ApiError } from '../http/index.js';
import type { ReadProblem } from '../http/rows.js';
import { routingListsNeeded } from '../halo/route-targets.js';
import { readRoutingLookups } from '../halo/routing-lookups.js';
import { desiredState } from '../model/desired-state.js';
import type { RmmSnapshot } from '../rmm/snapshot.js';
import { makePlan } from '../plan/make-plan.js';
import { PLAN_FORMAT_VERSION, summarise, type Plan } from '../plan/plan.js';
import { targetsOf, type Clients } from './clients.js';

export interface PlanRun {
  loaded: LoadedSpec;
  plan: Plan;
  /** The Halo state the plan was made from (apply needs it for full nested arrays). */
  halo?: HaloSnapshot;
  rmm?: RmmSnapshot;
}

export interface PlanOptions {
  /** The environment (HALOFORM_WEBHOOK_SECRET is checked). */
  env: Readonly<Record<string, string | undefined>>;
  allowMassDeactivate?: boolean;
  now?: Date;
  /** Called as the reads begin; what it returns is called when they end (the CLI's progress lines). */
  onReading?: () => () => void;
}

/** Reads both APIs and plans. Read failures become plan errors (never a deactivation). */
export async function planRun(loaded: LoadedSpec & { spec: Spec }, clients: Clients, options: PlanOptions): Promise<PlanRun> {
  const spec = loaded.spec;
  const provider = clients.rmm.provider;
  const meta = planMeta(loaded, clients, options.now);
  const readingDone = options.onReading?.();
  const [ninjaRead, haloRead] = await Promise.allSettled([clients.rmm.read(spec), readHalo(clients, spec)]).finally(() => readingDone?.());
  const readErrors: Diagnostic[] = [];
  if (ninjaRead.status === 'rejected') readErrors.push(readFailure(provider.name, ninjaRead.reason));
  if (haloRead.status === 'rejected') readErrors.push(readFailure('Halo', haloRead.reason));
  if (readErrors.length > 0 || ninjaRead.status !== 'fulfilled' || haloRead.status !== 'fulfilled') {
    return { loaded, plan: failedPlan(readErrors, meta) };
  }
  const plan = planFrom(loaded, ninjaRead.value, haloRead.value, meta, options);
  return { loaded, plan, halo: haloRead.value, rmm: ninjaRead.value };
}

/** Halo's snapshot, with the lists alerts.routes names when it routes alerts (read beside it, only those it names). */
async function readHalo(clients: Clients, spec: Spec): Promise<HaloSnapshot> {
  const need = routingListsNeeded(spec.alerts);
  const routes = (spec.alerts?.routes.length ?? 0) > 0;
  const problems: ReadProblem[] = [];
  const [snapshot, routing] = await Promise.all([
    clients.halo.readSnapshot({ customFields: readsCustomFields(spec) }),
    routes ? readRoutingLookups(clients.halo, need, (p) => problems.push(p)) : Promise.resolve(undefined),
  ]);
  if (!routing) return snapshot;
  return { ...snapshot, routing, problems: [...snapshot.problems, ...problems] };
}

/** Whether a plan of `spec` reads Halo's asset custom fields (a mapping writes one). */
export function readsCustomFields(spec: Spec): boolean {
  return spec.assets.fields.some((f) => f.target === 'customfield');
}

/** What every plan made with `clients` records besides its changes: the spec, when, the RMM and the targets. */
export function planMeta(loaded: LoadedSpec & { spec: Spec }, clients: Pick<Clients, 'rmm'> & { halo: unknown }, now?: Date): Omit<Plan, 'formatVersion' | 'errors' | 'warnings' | 'changes' | 'summary' | 'byKind' | 'read'> {
  const provider = clients.rmm.provider;
  return {
    specHash: loaded.hash!,
    spec: loaded.source.path,
    createdAt: (now ?? new Date()).toISOString(),
    rmm: { name: provider.name, halo: { client: provider.halo.client, site: provider.halo.site, asset: provider.halo.asset } },
    targets: targetsOf(clients, loaded.spec),
  };
}

/** The plan from both reads (pure): the desired state, the changes, and the spec's own warnings with the plan's. */
export function planFrom(loaded: LoadedSpec & { spec: Spec }, rmm: RmmSnapshot, halo: HaloSnapshot, meta: ReturnType<typeof planMeta>, options: Pick<PlanOptions, 'env' | 'allowMassDeactivate'>): Plan {
  const spec = loaded.spec;
  const desired = desiredState(spec, rmm, halo, { allowMassDeactivate: options.allowMassDeactivate ?? false });
  if (spec.alerts?.webhook && !options.env.HALOFORM_WEBHOOK_SECRET) {
    // Only apply needs it, and apply refuses before writing anything; the plan itself is fine.
    desired.warnings.push(webhookSecretMissing('warning'));
  }
  if (desired.haloWebhook && !options.env[HALO_WEBHOOK_SECRET_ENV]) desired.warnings.push(haloWebhookSecretMissing('warning'));
  const plan = makePlan(desired, halo, {
    ...meta,
    read: {
      organizations: rmm.organizations.length,
      locations: rmm.locations.length,
      devices: rmm.devices.length,
      haloClients: halo.clients.length,
      haloAssets: halo.assets.length,
    },
  });
  plan.errors = loaded.source.attach(plan.errors);
  // The spec's own warnings (a misspelt node class, a webhook over HTTP) belong in the plan too,
  // so the JSON and the PR comment carry them, not only the terminal.
  plan.warnings = [...loaded.diagnostics.filter((d) => d.severity === 'warning'), ...loaded.source.attach(plan.warnings)];
  return plan;
}

export function webhookSecretMissing(severity: 'error' | 'warning'): Diagnostic {
  return {
    severity,
    summary: 'Webhook secret not set',
    detail: `alerts.webhook makes apply register a NinjaOne webhook that carries HALOFORM_WEBHOOK_SECRET, but the variable is not set here${severity === 'warning' ? ', so apply would refuse to run' : ''}. Set it to a long random value, the same one \`haloform serve\` checks, e.g. export HALOFORM_WEBHOOK_SECRET=$(openssl rand -hex 32).`,
    path: ['alerts', 'webhook'],
  };
}

export function haloWebhookSecretMissing(severity: 'error' | 'warning'): Diagnostic {
  return {
    severity,
    summary: 'Halo webhook secret not set',
    detail: `alerts.haloWebhook makes apply register Halo's webhook to serve with HALOFORM_HALO_WEBHOOK_SECRET as its password, but the variable is not set here${severity === 'warning' ? ', so apply would refuse to run' : ''}. Set it to a long random value, the same one \`haloform serve\` checks, e.g. export HALOFORM_HALO_WEBHOOK_SECRET=$(openssl rand -hex 32).`,
    path: ['alerts', 'haloWebhook'],
  };
}

function readFailure(api: string, reason: unknown): Diagnostic {
  if (reason instanceof ApiError) {
    return error(`${api} could not be read`, `${reason.message.replace(/([^.!?])$/, '$1.')} Nothing was planned, and nothing will be deactivated on a failed read.`);
  }
  // Anything else is a bug: let the top-level handler report it.
  throw reason;
}

export function failedPlan(errors: Diagnostic[], meta: Omit<Plan, 'formatVersion' | 'errors' | 'warnings' | 'changes' | 'summary' | 'byKind' | 'read'>): Plan {
  const { summary, byKind } = summarise([]);
  return {
    formatVersion: PLAN_FORMAT_VERSION,
    ...meta,
    errors,
    warnings: [],
    changes: [],
    summary,
    byKind,
    read: { organizations: 0, locations: 0, devices: 0, haloClients: 0, haloAssets: 0 },
  };
}
