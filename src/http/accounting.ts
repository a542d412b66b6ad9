/**
 * Accounting per endpoint label (`GET /api/Asset`): requests on the wire, retries, 429s, errors,
 * time, bytes and rate-limiter waits. The CLI prints it for `--stats`; benchmarks and tests
 * compare it with the simulators' request logs.
 */

/** Counters for one label. Times are in milliseconds. */
export interface LabelStats {
  label: string;
  /** Logical calls (`request()` invocations). */
  calls: number;
  /**
   * HTTP attempts, retries and the token-refresh repeat included: what the server sees, plus any
   * attempt that could not connect at all. Calls cancelled before sending are not counted.
   */
  requests: number;
  /** Attempts that were a retry after a failure (back-off retries, not the 401 refresh). */
  retries: number;
  /** Answers with status 429. */
  rateLimited: number;
  /** Calls that ended in an ApiError. */
  errors: number;
  /** Time on the wire, summed over attempts: send to end of body (no back-off, no limiter wait). */
  totalMs: number;
  /** The slowest single attempt. */
  maxMs: number;
  /** Time slept between attempts. */
  backoffMs: number;
  /** Requests the rate limiter held back before sending. */
  limiterWaits: number;
  /** The longest such wait. (Not a sum: waits overlap, and a sum over a busy run exceeds the run.) */
  maxLimiterWaitMs: number;
  /** Response body bytes received. */
  bytesReceived: number;
}

export class Accounting {
  readonly #labels = new Map<string, LabelStats>();

  #get(label: string): LabelStats {
    let stats = this.#labels.get(label);
    if (!stats) {
      stats = { label, calls: 0, requests: 0, retries: 0, rateLimited: 0, errors: 0, totalMs: 0, maxMs: 0, backoffMs: 0, limiterWaits: 0, maxLimiterWaitMs: 0, bytesReceived: 0 };
      this.#labels.set(label, stats);
    }
    return stats;
  }

  call(label: string): void {
    this.#get(label).calls += 1;
  }

  /** One attempt ended (answered or not). */
  attempt(label: string, durationMs: number, bytes: number, status?: number): void {
    const s = this.#get(label);
    s.requests += 1;
    s.totalMs += durationMs;
    s.maxMs = Math.max(s.maxMs, durationMs);
    s.bytesReceived += bytes;
    if (status === 429) s.rateLimited += 1;
  }

  retry(label: string, backoffMs: number): void {
    const s = this.#get(label);
    s.retries += 1;
    s.backoffMs += backoffMs;
  }

  limiterWait(label: string, ms: number): void {
    const s = this.#get(label);
    s.limiterWaits += 1;
    s.maxLimiterWaitMs = Math.max(s.maxLimiterWaitMs, ms);
  }

  error(label: string): void {
    this.#get(label).errors += 1;
  }

  /** A copy of every label's counters, busiest first. */
  snapshot(): LabelStats[] {
    return [...this.#labels.values()].map((s) => ({ ...s })).sort((a, b) => b.requests - a.requests || a.label.localeCompare(b.label));
  }

  /** The sum over labels. */
  total(): LabelStats {
    return sumStats(this.snapshot());
  }

  reset(): void {
    this.#labels.clear();
  }
}

export function sumStats(rows: readonly LabelStats[], label = 'Total'): LabelStats {
  const t: LabelStats = { label, calls: 0, requests: 0, retries: 0, rateLimited: 0, errors: 0, totalMs: 0, maxMs: 0, backoffMs: 0, limiterWaits: 0, maxLimiterWaitMs: 0, bytesReceived: 0 };
  for (const s of rows) {
    t.calls += s.calls;
    t.requests += s.requests;
    t.retries += s.retries;
    t.rateLimited += s.rateLimited;
    t.errors += s.errors;
    t.totalMs += s.totalMs;
    t.maxMs = Math.max(t.maxMs, s.maxMs);
    t.backoffMs += s.backoffMs;
    t.limiterWaits += s.limiterWaits;
    t.maxLimiterWaitMs = Math.max(t.maxLimiterWaitMs, s.maxLimiterWaitMs);
    t.bytesReceived += s.bytesReceived;
  }
  return t;
}

/**
 * A plain-text table for `--stats` (no colour; the CLI paints if it wants to). One row per label
 * and a total row; `title` goes above it, e.g. "Halo". "Held" counts requests the rate limiter
 * made wait, "Longest hold" the longest of those waits; how long the budget held the whole run
 * back is the limiter's (wall-clock) figure, which the CLI prints under the table.
 */
export function renderStatsTable(rows: readonly LabelStats[], title?: string): string {
  const header = ['Endpoint', 'Requests', 'Retries', '429s', 'Errors', 'Received', 'Time', 'Avg', 'Max', 'Held', 'Longest hold'];
  const line = (s: LabelStats) => [
    s.label,
    String(s.requests),
    String(s.retries),
    String(s.rateLimited),
    String(s.errors),
    formatBytes(s.bytesReceived),
    formatMs(s.totalMs),
    s.requests > 0 ? formatMs(s.totalMs / s.requests) : '-',
    formatMs(s.maxMs),
    String(s.limiterWaits),
    s.limiterWaits > 0 ? formatMs(s.maxLimiterWaitMs) : '-',
  ];
  const body = rows.map(line);
  const table = [header, ...body, line(sumStats(rows))];
  const widths = header.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
  const format = (r: string[]) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ').trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  const out = [format(header), rule, ...body.map(format), rule, format(table[table.length - 1]!)];
  return `${title ? `${title}\n` : ''}${out.join('\n')}\n`;
}

/** 950 ms, 1.2 s, 3m 05s. */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
}

/** 512 B, 1.5 KB, 12.3 MB. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
