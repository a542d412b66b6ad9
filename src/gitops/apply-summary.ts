/**
 * The apply run's summary page: the result first (what was written, what failed and why, what
 * to do), then the plan that was applied, folded. Reads the JSON lines `haloform apply
 * --format json` prints. Pure.
 */

import type { ApplyEvent } from '../apply/executor.js';
import { fenced } from './comment.js';

/** The last line `apply --format json` prints. */
export interface ApplyTotals {
  ok: boolean;
  created: number;
  adopted: number;
  updated: number;
  deactivated: number;
  failed: number;
  skipped: number;
}

export interface ApplyOutput {
  events: ApplyEvent[];
  /** Absent when apply stopped before writing (a stale plan, a missing secret). */
  totals?: ApplyTotals;
}

/** Parses apply's JSON lines; lines that are not apply's JSON are ignored. */
export function parseApplyOutput(stdout: string): ApplyOutput {
  const events: ApplyEvent[] = [];
  let totals: ApplyTotals | undefined;
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      continue;
    }
    const record = parsed as { type?: unknown } & Record<string, unknown>;
    if (record.type === 'change' && typeof record.address === 'string' && typeof record.status === 'string') {
      const { type: _type, ...event } = record;
      events.push(event as unknown as ApplyEvent);
    } else if (record.type === 'summary' && typeof record.ok === 'boolean') {
      const { type: _type, ...rest } = record;
      totals = rest as unknown as ApplyTotals;
    }
  }
  return { events, ...(totals ? { totals } : {}) };
}

export interface ApplySummaryInput {
  config: string;
  output: ApplyOutput;
  /** What apply printed on stderr (why it stopped, when it did). */
  stderr: string;
  /** The plan's markdown, shown folded under the result. */
  planMarkdown: string;
  trailer: string;
}

const SHOWN_FAILURES = 50;

export function renderApplySummary(input: ApplySummaryInput): string {
  const { totals, events } = input.output;
  const failed = events.filter((e) => e.status === 'failed');
  const skipped = events.filter((e) => e.status === 'skipped');
  const lines: string[] = [];
  if (!totals) {
    lines.push('### ❌ haloform apply stopped before writing anything', '', ...fenced(input.stderr.trim() || 'haloform printed nothing.'), '');
  } else {
    const resources = `${totals.created} created, ${totals.adopted} adopted, ${totals.updated} updated, ${totals.deactivated} deactivated`;
    const nothing = totals.created + totals.adopted + totals.updated + totals.deactivated === 0;
    lines.push(
      !totals.ok
        ? `### ❌ haloform apply: ${totals.failed} failed, ${totals.skipped} skipped — ${resources}`
        : nothing
          ? '### ✅ haloform apply: nothing to change, Halo already matches the spec'
          : `### ✅ haloform apply complete: ${resources}`,
      '',
    );
    if (!totals.ok) {
      lines.push('| | change | why |', '|---|---|---|');
      for (const e of [...failed, ...skipped].slice(0, SHOWN_FAILURES)) {
        lines.push(`| ${e.status === 'failed' ? '✗ failed' : '– skipped'} | \`${e.address}\` ${cell(e.name)} (${e.action}) | ${cell(e.message ?? '')} |`);
      }
      const more = failed.length + skipped.length - SHOWN_FAILURES;
      if (more > 0) lines.push(`| | … and ${more} more | |`);
      lines.push(
        '',
        'Everything else was written. Fix the cause, then **re-run this workflow**: apply plans again from what Halo holds now, so it picks up where this run stopped without duplicates.',
        '',
      );
    }
  }
  lines.push('<details><summary>The plan this run applied</summary>', '', input.planMarkdown.trim(), '', '</details>', '', input.trailer, '');
  return lines.join('\n');
}

/** Text safe inside one table cell. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}
