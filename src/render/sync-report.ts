/**
 * A sync cycle for people: what it applied, what it held and why (grouped by reason, so 400
 * devices waiting on one held client read as one line), what failed — as terminal text, as
 * markdown for a CI job summary, and as one JSON object for programs.
 */

import type { HeldChange } from '../sync/policy.js';
import type { SyncCycle } from '../run/sync-run.js';
import type { SyncStatus } from '../sync/controller.js';
import type { Paint } from './paint.js';
import { escapeControls } from './safe-text.js';

/** Held changes listed per reason before the rest are counted. */
const LISTED = 10;

export function syncCounts(cycle: SyncCycle): { created: number; adopted: number; updated: number; deactivated: number; held: number; failed: number; skipped: number } {
  const counts = cycle.result?.counts ?? { created: 0, adopted: 0, updated: 0, deactivated: 0 };
  return { ...counts, held: cycle.held.length, failed: cycle.result?.failed.length ?? 0, skipped: cycle.result?.skipped.length ?? 0 };
}

export function renderSyncText(cycle: SyncCycle, paint: Paint): string {
  const c = syncCounts(cycle);
  const lines: string[] = [];
  if (cycle.refused) lines.push(paint.red(paint.bold('Sync applied nothing:')) + ` ${escapeControls(cycle.refused)}.`);
  else lines.push(`${paint.bold('Sync cycle:')} ${c.created} created, ${c.adopted} adopted, ${c.updated} updated, ${c.deactivated} deactivated; ${c.held} held for a reviewed apply.`);
  for (const e of cycle.result?.failed ?? []) lines.push(paint.red(`  ✗ ${escapeControls(e.address)} (${escapeControls(e.name)}): ${escapeControls(e.message ?? 'failed')}`));
  for (const e of cycle.result?.skipped ?? []) lines.push(paint.yellow(`  - ${escapeControls(e.address)} (${escapeControls(e.name)}): ${escapeControls(e.message ?? 'skipped')}`));
  if (cycle.held.length > 0 && !cycle.refused) {
    lines.push('', paint.yellow('Held (run haloform plan to review them, haloform apply to make them):'));
    for (const [reason, changes] of byReason(cycle.held)) {
      lines.push(`  ${escapeControls(reason)}:`);
      for (const h of changes.slice(0, LISTED)) lines.push(`    ${h.action} ${escapeControls(h.address)}`);
      if (changes.length > LISTED) lines.push(paint.dim(`    ... and ${changes.length - LISTED} more`));
    }
  }
  return `${lines.join('\n')}\n`;
}

/** For a CI job summary: the counts, then the held changes as a table per reason. */
export function renderSyncMarkdown(cycle: SyncCycle): string {
  const c = syncCounts(cycle);
  const out = ['### haloform sync', ''];
  if (cycle.refused) out.push(`**Nothing was applied:** ${md(cycle.refused)}.`, '');
  else out.push(`${c.created} created, ${c.adopted} adopted, ${c.updated} updated, ${c.deactivated} deactivated; **${c.held} held** for a reviewed apply.`, '');
  if (c.failed + c.skipped > 0) {
    out.push(`**${c.failed} failed, ${c.skipped} skipped:**`, '');
    for (const e of [...(cycle.result?.failed ?? []), ...(cycle.result?.skipped ?? [])]) out.push(`- \`${md(e.address)}\`: ${md(e.message ?? e.status)}`);
    out.push('');
  }
  if (!cycle.refused) {
    for (const [reason, changes] of byReason(cycle.held)) {
      out.push(`<details><summary>${changes.length} held: ${md(reason)}</summary>`, '', '| Action | Address |', '| --- | --- |');
      for (const h of changes.slice(0, 200)) out.push(`| ${h.action} | \`${md(h.address)}\` |`);
      if (changes.length > 200) out.push(`| | ... and ${changes.length - 200} more |`);
      out.push('', '</details>', '');
    }
  }
  return `${out.join('\n')}\n`;
}

export function renderSyncJson(cycle: SyncCycle): string {
  return `${JSON.stringify({
    ok: !cycle.refused && (cycle.result?.failed.length ?? 0) === 0 && (cycle.result?.skipped.length ?? 0) === 0,
    ...syncCounts(cycle),
    ...(cycle.refused ? { refused: cycle.refused } : {}),
    heldChanges: cycle.held,
    events: cycle.result?.events ?? [],
  })}\n`;
}

const TRIGGERS = ['start', 'timer', 'webhook', 'backstop', 'manual'] as const;

/** `haloform sync status`: the cache, the last cycle of each trigger, and the held changes. */
export function renderSyncStatusText(status: SyncStatus & { workerId?: string }, store: string, now: number, paint: Paint): string {
  const lines = [`${paint.bold('Sync status')} in ${escapeControls(store)}, saved ${ago(now, status.updatedAt)}${status.workerId ? ` by ${escapeControls(status.workerId)}` : ''}:`];
  const cache = status.cache;
  lines.push(
    cache
      ? `  cache     ${cache.assets} assets, ${cache.clients} clients, ${cache.sites} sites; Halo read whole ${ago(now, cache.filledAt)}${cache.fromStore ? ' (taken from the store when this serve took over sync)' : ''}`
      : '  cache     empty (the next cycle reads Halo whole, or takes the cache the last leader kept in the store)',
  );
  lines.push('  last cycles:');
  for (const trigger of TRIGGERS) {
    const c = status.lastByTrigger[trigger];
    if (!c) {
      lines.push(paint.dim(`    ${trigger.padEnd(9)} never`));
      continue;
    }
    const what = c.skipped
      ? `skipped (${c.skipped === 'not-leader' ? 'another replica leads sync' : 'the spec has no sync:'})`
      : c.error
        ? paint.red(`stopped: ${escapeControls(c.error)}`)
        : `${c.applied.created} created, ${c.applied.adopted} adopted, ${c.applied.updated} updated, ${c.applied.deactivated} deactivated; ${c.held} held${c.failed > 0 ? paint.red(`; ${c.failed} failed`) : ''}${c.refused ? paint.red(`; applied nothing: ${escapeControls(c.refused)}`) : ''}`;
    lines.push(`    ${trigger.padEnd(9)} ${ago(now, c.startedAt)}, ${(c.durationMs / 1000).toFixed(1)} s, ${c.haloRequests} Halo request${c.haloRequests === 1 ? '' : 's'}${c.resynced ? ' (read Halo whole)' : ''}: ${what}`);
  }
  if (status.heldTotal === 0) lines.push('  held      nothing');
  else {
    lines.push(paint.yellow(`  held      ${status.heldTotal} change${status.heldTotal === 1 ? '' : 's'} wait for a reviewed apply:`));
    for (const [reason, changes] of byReason(status.held)) {
      lines.push(`    ${escapeControls(reason)}:`);
      for (const h of changes.slice(0, LISTED)) lines.push(`      ${h.action} ${escapeControls(h.address)}`);
      if (changes.length > LISTED) lines.push(paint.dim(`      ... and ${changes.length - LISTED} more`));
    }
    if (status.held.length < status.heldTotal) lines.push(paint.dim(`    (${status.heldTotal - status.held.length} more not kept in the status)`));
  }
  return `${lines.join('\n')}\n`;
}

/** "3m 20s ago", or the time when it is in the future (a clock difference between machines). */
function ago(now: number, at: number): string {
  const s = Math.round((now - at) / 1000);
  if (s < 0) return new Date(at).toISOString();
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m ago`;
  return `${Math.floor(s / 86_400)}d ago (${new Date(at).toISOString()})`;
}

function byReason(held: readonly HeldChange[]): Map<string, HeldChange[]> {
  const out = new Map<string, HeldChange[]>();
  for (const h of held) out.set(h.reason, [...(out.get(h.reason) ?? []), h]);
  return out;
}

/** Text for a markdown table cell or line: controls escaped, pipes and backticks made harmless. */
function md(text: string): string {
  return escapeControls(text).replace(/\|/g, '\\|').replace(/`/g, "'").replace(/</g, '&lt;');
}
