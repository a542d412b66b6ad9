/**
 * What a long plan or apply says while it runs, so nobody stares at a frozen bar or a silent CI
 * log: why it is waiting (Halo's request budget: how many requests are queued and when the next
 * may go), the first timeout, 429 or server error of each kind as it happens with what haloform
 * does next, and — when stderr is not a terminal, or for plan, which has no bar — a plain line
 * every `HALOFORM_PROGRESS_SECONDS` (default 10) with the elapsed time and the requests so far.
 */

import { formatMs, type HttpSetback } from '../http/index.js';
import type { RateLimiter } from '../http/rate-limiter.js';
import type { CommandContext } from './context.js';
import type { Clients } from '../run/clients.js';

export type Phase = 'reading' | 'applying';

export interface RunWatch {
  /** Reading both APIs, or writing the plan. */
  phase(phase: Phase): void;
  /** For apply's plain lines: "120 of 400 changes written". */
  setDone(text: string): void;
  /** "waiting for Halo's request budget: …", or undefined when nothing waits (for the bar). */
  waiting(): string | undefined;
  stop(): void;
}

export interface WatchOptions {
  /** Print a line every interval (no bar on screen). */
  heartbeat: boolean;
  /** Write a setback line; default stderr. A bar passes its own so it is not drawn over. */
  write?: (line: string) => void;
}

const DEFAULT_INTERVAL_S = 10;

/** Seconds between plain progress lines: HALOFORM_PROGRESS_SECONDS, default 10; 0 turns them off. */
export function progressInterval(env: Readonly<Record<string, string | undefined>>): number {
  const raw = env.HALOFORM_PROGRESS_SECONDS?.trim();
  if (!raw) return DEFAULT_INTERVAL_S * 1000;
  const value = Number(raw);
  return Number.isFinite(value) && value >= 0 ? value * 1000 : DEFAULT_INTERVAL_S * 1000;
}

export function watchRun(ctx: CommandContext, clients: Clients, options: WatchOptions): RunWatch {
  const write = options.write ?? ((line: string) => ctx.io.stderr.write(`${line}\n`));
  const limiter = clients.halo.http.limiter;
  let phase: Phase = 'reading';
  let done = '';
  const told = new Set<string>();
  const counts = new Map<string, number>();

  const stopListening = clients.onSetback((setback) => {
    const kind = `${setback.api} ${kindOf(setback)}`;
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
    // The first of each kind is told at once; a call given up on always is.
    if (told.has(kind) && setback.retryInMs !== undefined) return;
    told.add(kind);
    write(describeSetback(setback, phase));
  });

  const interval = progressInterval(ctx.io.env);
  const timer =
    options.heartbeat && interval > 0
      ? setInterval(() => {
          const elapsed = formatMs(Date.now() - clients.startedAt);
          const parts = [phase === 'reading' ? `reading NinjaOne and Halo: ${requestsSoFar(clients)}` : `applying: ${done || 'starting'}`];
          const waits = waitingText(limiter);
          if (waits) parts.push(waits);
          const setbacks = [...counts].map(([kind, n]) => `${n} ${kind}${n === 1 ? '' : 's'}`);
          if (setbacks.length > 0) parts.push(`so far ${setbacks.join(', ')}`);
          write(`… ${elapsed}: ${parts.join('; ')}`);
        }, interval)
      : undefined;
  timer?.unref?.();

  return {
    phase: (next) => {
      phase = next;
    },
    setDone: (text) => {
      done = text;
    },
    waiting: () => waitingText(limiter),
    stop: () => {
      if (timer) clearInterval(timer);
      stopListening();
    },
  };
}

/** "waiting for Halo's request budget (300 per 5 min): 42 requests queued, next in 18 s". */
export function waitingText(limiter: RateLimiter | undefined): string | undefined {
  if (!limiter) return undefined;
  const status = limiter.status();
  if (status.queued === 0) return undefined;
  const budget = `Halo's request budget (${status.limit.requests} per ${formatMs(status.limit.perSeconds * 1000)})`;
  const queued = `${status.queued} request${status.queued === 1 ? '' : 's'} queued`;
  if (status.nextFreeInMs === undefined) return `waiting for ${budget}: ${queued} behind ${status.inFlight} in flight`;
  if (status.nextFreeInMs <= 0) return undefined;
  return `waiting for ${budget}: ${queued}, next in ${formatMs(Math.ceil(status.nextFreeInMs / 100) * 100)}`;
}

function kindOf(setback: HttpSetback): string {
  if (setback.code === 'timeout') return 'timeout';
  if (setback.code === 'rate_limited') return '429';
  if (setback.code === 'connection') return 'connection failure';
  return setback.status !== undefined ? `${setback.status} answer` : setback.code;
}

/** What happened, and what haloform does next. */
export function describeSetback(setback: HttpSetback, phase: Phase): string {
  const what =
    setback.code === 'timeout'
      ? `${setback.api} did not answer ${setback.label} within ${formatMs(setback.timeoutMs)}`
      : setback.code === 'rate_limited'
        ? `${setback.api} answered 429 (too many requests) to ${setback.label}: its request budget is spent, perhaps by another tool or integration`
        : setback.code === 'connection'
          ? `${setback.api} could not be reached for ${setback.label}`
          : `${setback.api} answered ${setback.status ?? setback.code} to ${setback.label}`;
  const attempt = `attempt ${setback.attempt} of ${setback.maxAttempts}`;
  const consequence =
    phase === 'reading'
      ? 'if it keeps failing, the run stops with an error and nothing is changed'
      : 'if it keeps failing, that change is reported as not written and the others go on; running apply again picks up where this one stopped';
  if (setback.retryInMs === undefined) {
    return setback.message;
  }
  const next =
    setback.code === 'rate_limited'
      ? `haloform holds every ${setback.api} request for ${formatMs(setback.retryInMs)}, then tries again`
      : `haloform tries again in ${formatMs(setback.retryInMs)}, up to ${setback.maxAttempts} attempts within ${formatMs(setback.deadlineMs)}`;
  return `${what} (${attempt}): ${next}. ${capitalise(consequence)}.`;
}

function requestsSoFar(clients: Clients): string {
  let ninja = 0;
  let halo = 0;
  for (const row of clients.accounting.snapshot()) {
    if (/ \/(api|auth)\//.test(row.label)) halo += row.requests;
    else ninja += row.requests;
  }
  return `${ninja} NinjaOne and ${halo} Halo requests so far`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
