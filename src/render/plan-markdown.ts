/**
 * A Plan as one pull-request comment: summary table first, warnings loud, then the details of
 * each client folded, and the command to reproduce it. Never over GitHub's 65,536-character
 * limit: details are cut with a note pointing to the JSON artifact. Pure.
 */

import type { PlanRoute } from '../model/routing-table.js';
import { routeTicketWords } from './plan-text.js';
import { isWebhookKind } from '../model/address.js';
import { formatPath, type Diagnostic } from '../diagnostics/diagnostic.js';
import { shownAttributes } from './attributes.js';
import { addressName, hasChanges, isRef, KINDS, type Action, type Change, type Plan, type PlanRmm, type Value } from '../plan/plan.js';
import { summaryLine } from './plan-text.js';
import { displayPlan, quoted } from './safe-text.js';

/** Finds the comment to update in place (issue: one sticky comment per PR). */
export const MARKDOWN_MARKER = '<!-- haloform-plan -->';

/** GitHub refuses comments longer than 65,536 characters; keep a margin. */
export const MARKDOWN_LIMIT = 65_000;

export interface MarkdownOptions {
  /** The command that reproduces the plan, e.g. `haloform plan -c config/haloform.yaml`. */
  command: string;
  /** Where the full JSON plan is, e.g. "the plan.json artifact of this run". */
  artifact?: string;
  /** Location text for a diagnostic ("config/haloform.yaml:41"), when the CLI knows it. */
  locate?: (d: Diagnostic) => string | undefined;
  limit?: number;
}

const ACTIONS: Exclude<Action, 'no-op'>[] = ['create', 'adopt', 'update', 'deactivate'];

export function renderPlanMarkdown(unsafe: Plan, options: MarkdownOptions): string {
  const plan = displayPlan(unsafe);
  const limit = options.limit ?? MARKDOWN_LIMIT;
  const head: string[] = [MARKDOWN_MARKER];
  const failed = plan.errors.length > 0;
  head.push(
    failed
      ? `### ❌ haloform plan failed: ${plan.errors.length} error${plan.errors.length === 1 ? '' : 's'}`
      : hasChanges(plan)
        ? `### haloform plan: ${summaryLine(plan).replace(/^Plan: /, '').replace(/\.$/, '')}`
        : '### ✅ haloform plan: no changes',
    '',
  );

  if (!failed) {
    head.push('| | create | adopt | update | deactivate | unchanged |', '|---|---:|---:|---:|---:|---:|');
    for (const kind of KINDS) {
      const counts = plan.byKind[kind];
      if (!counts || isWebhookKind(kind)) continue;
      head.push(`| ${kind} | ${ACTIONS.map((a) => counts[a] ?? 0).join(' | ')} | ${counts['no-op'] ?? 0} |`);
    }
    const s = plan.summary;
    head.push(`| **total** | **${s.create}** | **${s.adopt}** | **${s.update}** | **${s.deactivate}** | ${s.unchanged} |`, '');
  }

  if (!failed && plan.routing) head.push(routingSection(plan.routing), '');
  head.push(...diagnosticAlerts(plan.errors, 'CAUTION', options.locate));
  head.push(...diagnosticAlerts(plan.warnings, 'WARNING', options.locate));
  if (failed) head.push('Nothing will be changed until the errors are fixed.', '');

  const foot = [
    '',
    `<sub>Reproduce locally: \`${options.command}\` · made ${plan.createdAt} · spec ${plan.specHash.slice(0, 19)}…${options.artifact ? ` · full plan: ${options.artifact}` : ''}</sub>`,
  ];

  // Details: global changes, then one folded section per client.
  const sections: string[] = [];
  if (!failed && hasChanges(plan)) {
    const isGlobal = (c: Change) => c.client === undefined && !isWebhookKind(c.kind);
    const global = plan.changes.filter((c) => isGlobal(c) && c.action !== 'no-op');
    if (global.length > 0) sections.push(section(plan.rmm, 'Settings, asset fields and asset types', global, plan.changes.filter((c) => isGlobal(c) && c.action === 'no-op').length));
    const groups = new Map<string, Change[]>();
    for (const c of plan.changes) if (c.client !== undefined) groups.set(c.client, [...(groups.get(c.client) ?? []), c]);
    for (const [client, changes] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
      const changed = changes.filter((c) => c.action !== 'no-op');
      if (changed.length > 0) sections.push(section(plan.rmm, client, changed, changes.length - changed.length));
    }
    // Not a change the summary counts: NinjaOne cannot report its webhook, so apply re-sends it.
    const webhook = plan.changes.filter((c) => c.kind === 'ninja_webhook');
    if (webhook.length > 0) sections.push(section(plan.rmm, `${plan.rmm.name} webhook`, webhook, 0, 're-sent on every apply'));
    const haloWebhook = plan.changes.filter((c) => c.kind === 'halo_webhook');
    if (haloWebhook.length > 0) sections.push(section(plan.rmm, 'Halo webhook', haloWebhook, 0, 're-sent on every apply'));
  }

  let body = head.join('\n');
  const budget = limit - body.length - foot.join('\n').length - 400;
  let used = 0;
  let shown = 0;
  for (const s of sections) {
    if (used + s.length > budget) break;
    body += `\n${s}`;
    used += s.length + 1;
    shown += 1;
  }
  if (shown < sections.length) {
    body += `\n\n> [!NOTE]\n> ${sections.length - shown} more section${sections.length - shown === 1 ? '' : 's'} did not fit in one comment (GitHub allows 65,536 characters). The complete plan is in ${options.artifact ?? 'the JSON plan (`--format json`)'}.\n`;
  }
  return `${body}${foot.join('\n')}\n`;
}

/**
 * Diagnostics as GitHub alert blocks (CAUTION for errors, WARNING for warnings), each followed
 * by a blank line. Also used by the CI workflow for the spec's own diagnostics (src/gitops).
 */
export function diagnosticAlerts(list: readonly Diagnostic[], kind: 'CAUTION' | 'WARNING', locate?: (d: Diagnostic) => string | undefined): string[] {
  return list.flatMap((d) => {
    const where = locate?.(d) ?? (d.path ? formatPath(d.path) : undefined);
    const body = `**${escape(d.summary)}**${where ? ` — \`${where}\`` : ''}${d.address ? ` — \`${d.address}\`` : ''}: ${escape(d.detail)}`;
    return [`> [!${kind}]`, ...body.split('\n').map((l) => `> ${l}`), ''];
  });
}

/** The routing table, folded: what each route matches and what its tickets get, first match wins. */
function routingSection(routes: readonly PlanRoute[]): string {
  const lines = [`<details><summary><b>Alert routing</b> — ${routes.length - 1} route${routes.length === 2 ? '' : 's'} and the default, first match wins</summary>`, '', '| # | route | when | then |', '|---:|---|---|---|'];
  routes.forEach((r, i) => lines.push(`| ${i + 1} | ${cell(r.name)} | ${cell(r.match.join(' and '))} | ${r.then === 'suppress' ? 'no ticket (suppressed)' : cell(routeTicketWords(r.then))} |`));
  lines.push('', '</details>');
  return lines.join('\n');
}

/** Text for a table cell: escaped, pipes and line breaks kept out. */
function cell(text: string): string {
  return escape(text).replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ');
}

function section(rmm: PlanRmm, title: string, changes: Change[], unchanged: number, note?: string): string {
  const counts = ACTIONS.map((a) => [a, changes.filter((c) => c.action === a).length] as const).filter(([, n]) => n > 0);
  const what = note ?? `${counts.map(([a, n]) => `${n} to ${a}`).join(', ')}${unchanged > 0 ? `, ${unchanged} unchanged` : ''}`;
  const lines = [`<details><summary><b>${escapeHtml(title)}</b> — ${what}</summary>`, '', '```diff'];
  for (const c of changes) lines.push(...changeLines(c, rmm));
  lines.push('```', '</details>');
  return lines.join('\n');
}

function changeLines(c: Change, rmm: PlanRmm): string[] {
  const symbol = c.action === 'create' ? '+' : c.action === 'deactivate' ? '-' : '!';
  const label = c.kind === 'asset' ? `${c.address} ${c.name}` : c.address;
  const head = `${symbol} ${label} ${c.action === 'adopt' ? 'adopt' : c.action}${c.reason ? ` — ${c.reason}` : ''}`;
  if (c.kind === 'asset' && c.action === 'create') return [head];
  const out = [head];
  const shown = shownAttributes(c, rmm);
  for (const [key, after] of Object.entries(shown.after ?? {})) {
    const before = shown.before?.[key];
    if (typeof after === 'object' && after !== null && !Array.isArray(after) && !isRef(after)) {
      const b = (typeof before === 'object' && before !== null && !Array.isArray(before) && !isRef(before) ? before : {}) as Record<string, string>;
      for (const [field, value] of Object.entries(after)) out.push(`    ${key === 'customfields' ? 'customfields.' : ''}${field}: ${show(b[field])} → ${show(value)}`);
      continue;
    }
    out.push(before === undefined ? `    ${key}: ${show(after)}` : `    ${key}: ${show(before)} → ${show(after)}`);
  }
  return out;
}

function show(value: Value | undefined): string {
  if (value === undefined || value === null || value === '') return '(none)';
  if (isRef(value)) return quoted(addressName(value.ref).split('/').pop());
  if (Array.isArray(value)) return value.map((u) => (typeof u === 'object' && 'name' in u ? `${u.name} (${u.id})` : quoted(String(u)))).join(', ') || '(none)';
  if (typeof value === 'object') return quoted(value);
  return typeof value === 'string' ? quoted(value) : String(value);
}

/**
 * Keeps text literal in markdown with as few escapes as possible (the raw comment stays
 * readable): `<`, `>`, and a backslash before punctuation (`DOMAIN\_user` would lose it).
 * GitHub ignores `_` inside words, and a backslash before a letter is already literal.
 */
function escape(text: string): string {
  return text.replace(/\\(?=[!-/:-@[-`{-~])/g, '\\\\').replace(/[<>]/g, '\\$&');
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
