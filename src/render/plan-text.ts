/**
 * A Plan as text, in Terraform's style: `+` create (green), `~` update/adopt (yellow), `-`
 * deactivate (red), grouped by Halo client, unchanged objects folded into a count, ending with
 * one summary line. Reads the same Plan object the JSON prints. Pure.
 */

import { isWebhookKind } from '../model/address.js';
import { formatPath, type Diagnostic } from '../diagnostics/diagnostic.js';
import { shownAttributes } from './attributes.js';
import { addressName, hasChanges, isRef, type Action, type Change, type Plan, type PlanRmm, type Value } from '../plan/plan.js';
import type { Paint } from './paint.js';
import type { PlanRoute, PlanRouteTicket } from '../model/routing-table.js';
import { displayPlan, quoted } from './safe-text.js';

export interface TextOptions {
  paint: Paint;
  /** Renders a diagnostic (with its spec location); the CLI passes the located renderer. */
  renderDiagnostic?: (d: Diagnostic) => string;
  /** Asset creates listed per client before folding into a count (default 200). */
  maxListedCreates?: number;
}

const VERB: Record<Exclude<Action, 'no-op'>, string> = {
  create: 'will be created',
  adopt: 'will be adopted',
  update: 'will be updated',
  deactivate: 'will be deactivated',
};

export function renderPlanText(unsafe: Plan, options: TextOptions): string {
  // Names are shown as they read, control and bidi characters escaped (what is reviewed is what is applied).
  const plan = displayPlan(unsafe);
  const { paint } = options;
  const out: string[] = [];
  const diag = options.renderDiagnostic ?? ((d: Diagnostic) => plainDiagnostic(d));

  if (plan.errors.length > 0) {
    for (const e of plan.errors) out.push(diag(e), '');
    for (const w of plan.warnings) out.push(diag(w), '');
    out.push(paint.red(paint.bold(`Plan failed: ${plan.errors.length} error${plan.errors.length === 1 ? '' : 's'}. Nothing will be changed.`)));
    return `${out.join('\n')}\n`;
  }

  out.push(
    `Read ${count(plan.read.organizations, `${plan.rmm.name} organisation`)}, ${count(plan.read.locations, 'location')} and ${count(plan.read.devices, 'device')}; ${count(plan.read.haloClients, 'Halo client')} and ${count(plan.read.haloAssets, 'asset')}.`,
    '',
  );
  if (plan.warnings.length > 0) {
    for (const w of plan.warnings) out.push(diag(w), '');
  }

  if (plan.routing) out.push(...routingLines(plan.routing, paint), '');

  if (!hasChanges(plan)) {
    out.push(paint.green(paint.bold('No changes.')) + ` Halo matches the spec and ${plan.rmm.name}.`);
    const webhooks = plan.changes.filter((c) => isWebhookKind(c.kind)).map((c) => (c.kind === 'ninja_webhook' ? `the ${plan.rmm.name} webhook registration` : "Halo's webhook to serve"));
    if (webhooks.length > 0) out.push('', paint.dim(`(apply still sends ${webhooks.join(' and ')}, as on every apply: neither can be read back whole.)`));
    return `${out.join('\n')}\n`;
  }

  out.push('haloform will perform the following actions:', '');
  const global = plan.changes.filter((c) => c.client === undefined && !isWebhookKind(c.kind));
  for (const c of global) if (c.action !== 'no-op') out.push(...block(c, plan.rmm, paint), '');

  const groups = new Map<string, Change[]>();
  for (const c of plan.changes) {
    if (c.client === undefined) continue;
    groups.set(c.client, [...(groups.get(c.client) ?? []), c]);
  }
  for (const [client, changes] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
    const changed = changes.filter((c) => c.action !== 'no-op');
    if (changed.length === 0) continue;
    out.push(heading(client, paint), '');
    for (const c of changes.filter((x) => x.kind !== 'asset' && x.action !== 'no-op')) out.push(...block(c, plan.rmm, paint), '');
    const assets = changes.filter((c) => c.kind === 'asset');
    const creates = assets.filter((c) => c.action === 'create');
    if (creates.length > 0) {
      const max = options.maxListedCreates ?? 200;
      out.push(paint.green(`  + ${creates.length} asset${creates.length === 1 ? '' : 's'} will be created:`));
      for (const c of creates.slice(0, max)) out.push(paint.green(`      + ${c.address} ${c.name}`) + paint.dim(` (${describeCreate(c)})`));
      if (creates.length > max) out.push(paint.dim(`      ... and ${creates.length - max} more (see the JSON plan)`));
      out.push('');
    }
    for (const c of assets.filter((x) => x.action !== 'create' && x.action !== 'no-op')) out.push(...block(c, plan.rmm, paint), '');
    const unchanged = changes.filter((c) => c.action === 'no-op').length;
    if (unchanged > 0) out.push(paint.dim(`  (${unchanged} unchanged object${unchanged === 1 ? '' : 's'} in ${client} hidden)`), '');
  }

  // The webhook belongs to no client: under its own heading, so it is not read as the last client's.
  const webhook = plan.changes.find((c) => c.kind === 'ninja_webhook');
  if (webhook) out.push(heading(`${plan.rmm.name}`, paint), '', ...block(webhook, plan.rmm, paint), '');
  const haloWebhook = plan.changes.find((c) => c.kind === 'halo_webhook');
  if (haloWebhook) out.push(heading('Halo webhook', paint), '', ...block(haloWebhook, plan.rmm, paint), '');

  out.push(paint.bold(summaryLine(plan)));
  return `${out.join('\n')}\n`;
}

/**
 * The routing table: what each route matches and what its tickets get, first match wins. Not a
 * change (apply writes nothing for it): what serve will do with alerts once the spec is merged.
 */
export function routingLines(routes: readonly PlanRoute[], paint: Paint): string[] {
  const out = [heading('Alert routing (first match wins)', paint), ''];
  routes.forEach((r, i) => {
    const last = i === routes.length - 1;
    out.push(`  ${paint.bold(`${i + 1}. ${last ? r.name : quoted(r.name)}`)}  ${last ? paint.dim(r.match.join(' and ')) : `${paint.dim('when')} ${r.match.join(paint.dim(' and '))}`}`);
    out.push(`       ${r.then === 'suppress' ? paint.yellow('→ no ticket (suppressed, logged)') : `→ ${routeTicketWords(r.then)}`}`);
  });
  return out;
}

/** "ticket type Alerts, priority High (2), team Infrastructure, …" */
export function routeTicketWords(t: PlanRouteTicket): string {
  const parts = [`ticket type ${quoted(t.ticketType)}`, `priority ${t.priority}`];
  if (t.team !== undefined) parts.push(`team ${quoted(t.team)}`);
  if (t.agent !== undefined) parts.push(`agent ${t.agent}`);
  if (t.category !== undefined) parts.push(`category ${quoted(t.category)}`);
  if (t.status !== undefined) parts.push(`status ${quoted(t.status)}`);
  if (t.sla !== undefined) parts.push(`SLA ${quoted(t.sla)}`);
  return parts.join(', ');
}

/** "1 device", "2 devices" */
function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function heading(title: string, paint: Paint): string {
  return paint.bold(`── ${title} ${'─'.repeat(Math.max(3, 60 - title.length))}`);
}

/** "Plan: 3 to create, 1 to adopt, 5 to update, 2 to deactivate." */
export function summaryLine(plan: Pick<Plan, 'summary'>): string {
  const s = plan.summary;
  return `Plan: ${s.create} to create, ${s.adopt} to adopt, ${s.update} to update, ${s.deactivate} to deactivate.`;
}

function block(c: Change, rmm: PlanRmm, paint: Paint): string[] {
  const action = c.action as Exclude<Action, 'no-op'>;
  const colour = action === 'create' ? paint.green : action === 'deactivate' ? paint.red : paint.yellow;
  const symbol = action === 'create' ? '+' : action === 'deactivate' ? '-' : '~';
  const label = c.kind === 'asset' ? `${c.address} (${c.name})` : c.address;
  const verb = isWebhookKind(c.kind) ? 'will be registered' : c.kind === 'asset_field' && action === 'update' ? 'will be added to all asset types' : VERB[action];
  const lines = [paint.bold(`  # ${label} ${verb}`) + (c.reason ? paint.dim(` (${c.reason})`) : '')];
  lines.push(colour(`  ${symbol} ${c.kind} ${quoted(c.name)} {`));
  const shown = shownAttributes(c, rmm);
  for (const [key, after] of Object.entries(shown.after ?? {})) {
    const before = shown.before?.[key];
    if (isFieldMap(after)) {
      const beforeMap = isFieldMap(before) ? before : {};
      for (const [field, value] of Object.entries(after)) {
        lines.push(attribute(`${key}[${quoted(field)}]`, action === 'create' ? undefined : beforeMap[field] ?? null, value, action, paint));
      }
      continue;
    }
    lines.push(attribute(key, action === 'create' ? undefined : before, after, action, paint));
  }
  lines.push(colour('    }'));
  return lines;
}

function attribute(key: string, before: Value | undefined, after: Value, action: Action, paint: Paint): string {
  if (action === 'create' || before === undefined) return paint.green(`      + ${key} = ${show(after)}`);
  const colour = action === 'deactivate' ? paint.red : paint.yellow;
  return colour(`      ~ ${key} = ${show(before)} -> ${show(after)}`);
}

function show(value: Value | undefined): string {
  if (value === undefined || value === null || value === '') return '(none)';
  if (isRef(value)) return quoted(addressName(value.ref).split('/').pop());
  if (Array.isArray(value)) return value.length === 0 ? '(none)' : value.map((u) => (typeof u === 'object' && 'name' in u ? `${quoted(u.name)} (${u.id})` : quoted(String(u)))).join(', ');
  if (typeof value === 'object') return quoted(value);
  return typeof value === 'string' ? quoted(value) : String(value);
}

function isFieldMap(value: unknown): value is Record<string, string> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !isRef(value);
}

function describeCreate(c: Change): string {
  const a = c.kind === 'asset' ? c.after ?? {} : {};
  const parts = [a.asset_type, a.site].filter(isRef).map((r) => addressName(r.ref).split('/').pop()!);
  return parts.join(', ');
}

function plainDiagnostic(d: Diagnostic): string {
  const where = d.address ? ` ${d.address}` : d.path ? ` (${formatPath(d.path)})` : '';
  return `${d.severity === 'error' ? 'Error' : 'Warning'}: ${d.summary}${where}\n\n${d.detail}`;
}
