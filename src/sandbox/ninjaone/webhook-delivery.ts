/**
 * Delivers webhook posts the way a flaky network would, on purpose and reproducibly: seeded
 * drops, duplicates, delays and reordering; retries with backoff on a non-2xx answer or a network
 * error, then giving up; a log of every delivery; and `flush()` so tests wait for the queue
 * instead of sleeping. NinjaOne's own retry policy is not documented (NOTES §6) — the defaults
 * here are a guess and every knob is settable.
 */

import http, { type ClientRequest } from 'node:http';
import https from 'node:https';
import { performance } from 'node:perf_hooks';
import type { Random } from '../random.js';
import { redactUrl } from './webhook-config.js';

export interface DeliveryOptions {
  /** Share (0..1) of deliveries never sent (logged as "dropped"). */
  dropRate: number;
  /** Share (0..1) of deliveries sent twice (the copy is logged with `duplicate: true`). */
  duplicateRate: number;
  /** Milliseconds between an activity and its post. */
  delayMs: number;
  /** Hold this many deliveries, then send them shuffled (0 or 1: send in order). `flush()` releases a partial window. */
  reorderWindow: number;
  /** Tries per delivery, the first included. */
  maxAttempts: number;
  /** Wait before the first retry; doubles on each further one. */
  retryBackoffMs: number;
  /** Per-attempt timeout. */
  timeoutMs: number;
  /** Posts in flight at once. 1 keeps the receiver's arrival order exactly the queue's order. */
  concurrency: number;
}

export const DEFAULT_DELIVERY_OPTIONS: Readonly<DeliveryOptions> = {
  dropRate: 0,
  duplicateRate: 0,
  delayMs: 0,
  reorderWindow: 0,
  maxAttempts: 4,
  retryBackoffMs: 200,
  timeoutMs: 10_000,
  concurrency: 1,
};

/** One delivery as the log shows it. Never holds header values or URL query values. */
export interface WebhookDelivery {
  /** Order in which deliveries were queued. */
  seq: number;
  activityId: number;
  /** The activity's statusCode (TRIGGERED, RESET, ...), for reading the log. */
  statusCode?: string;
  /** The target, query values hidden. */
  url: string;
  outcome: 'pending' | 'delivered' | 'failed' | 'dropped';
  /** Posts made so far (0 for a dropped delivery). */
  attempts: number;
  /** The receiver's status on the last attempt. */
  responseStatus?: number;
  /** The network error of the last attempt (connection refused, timeout). */
  error?: string;
  /** True for the second copy of a duplicated delivery. */
  duplicate?: boolean;
}

interface Job {
  entry: WebhookDelivery;
  url: string;
  headers: Record<string, string>;
  body: string;
  readyAt: number;
}

export class DeliveryQueue {
  #options: DeliveryOptions;
  readonly #log: WebhookDelivery[] = [];
  #seq = 0;
  #held: Job[] = [];
  readonly #ready: Job[] = [];
  #workers = 0;
  #idle: (() => void)[] = [];
  #closed = false;
  readonly #sleeps = new Map<NodeJS.Timeout, () => void>();
  readonly #inFlight = new Set<ClientRequest>();
  readonly #httpAgent = new http.Agent({ keepAlive: true });
  readonly #httpsAgent = new https.Agent({ keepAlive: true });

  constructor(
    private readonly random: Random,
    options: Partial<DeliveryOptions> = {},
  ) {
    this.#options = { ...DEFAULT_DELIVERY_OPTIONS, ...options };
  }

  options(): DeliveryOptions {
    return { ...this.#options };
  }

  /** Changes some knobs; the rest stay. Callers validate values first (see control-input.ts). */
  setOptions(options: Partial<DeliveryOptions>): DeliveryOptions {
    this.#options = { ...this.#options, ...options };
    if (this.#options.reorderWindow <= 1 && this.#held.length > 0) this.#release();
    this.#pump();
    return this.options();
  }

  log(): readonly WebhookDelivery[] {
    return this.#log;
  }

  clearLog(): void {
    this.#log.length = 0;
  }

  /** Queues one post of `body` to `url`. */
  enqueue(target: { url: string; headers: readonly { name: string; value: string }[] }, activity: { id: number; statusCode?: string }, body: string): void {
    const base = { activityId: activity.id, ...(activity.statusCode === undefined ? {} : { statusCode: activity.statusCode }), url: redactUrl(target.url) };
    if (this.#closed) {
      this.#log.push({ seq: ++this.#seq, ...base, outcome: 'failed', attempts: 0, error: 'simulator stopped' });
      return;
    }
    // Both dice are always rolled, so changing one rate does not shift the other's sequence.
    const drop = this.random.chance(this.#options.dropRate);
    const duplicate = this.random.chance(this.#options.duplicateRate);
    if (drop) {
      this.#log.push({ seq: ++this.#seq, ...base, outcome: 'dropped', attempts: 0 });
      return;
    }
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    for (const h of target.headers) if (h.name.toLowerCase() !== 'content-length') headers[h.name] = h.value;
    const readyAt = performance.now() + this.#options.delayMs;
    for (let copy = 0; copy < (duplicate ? 2 : 1); copy++) {
      const entry: WebhookDelivery = { seq: ++this.#seq, ...base, outcome: 'pending', attempts: 0 };
      if (copy === 1) entry.duplicate = true;
      this.#log.push(entry);
      this.#held.push({ entry, url: target.url, headers, body, readyAt });
    }
    if (this.#held.length >= Math.max(1, this.#options.reorderWindow)) this.#release();
  }

  /** Resolves when nothing is held, queued or in flight (a partial reorder window is released). */
  async flush(): Promise<void> {
    for (;;) {
      this.#release();
      if (this.#closed || (this.#workers === 0 && this.#ready.length === 0 && this.#held.length === 0)) return;
      await new Promise<void>((resolve) => this.#idle.push(resolve));
    }
  }

  /** Stops delivering: pending posts are aborted and logged as failed. */
  close(): void {
    this.#closed = true;
    for (const job of [...this.#held.splice(0), ...this.#ready.splice(0)]) {
      job.entry.outcome = 'failed';
      job.entry.error = 'simulator stopped';
    }
    for (const [timer, wake] of this.#sleeps) {
      clearTimeout(timer);
      wake();
    }
    this.#sleeps.clear();
    for (const request of this.#inFlight) request.destroy(new Error('simulator stopped'));
    this.#httpAgent.destroy();
    this.#httpsAgent.destroy();
    this.#wakeIdle();
  }

  #release(): void {
    if (this.#held.length === 0) return;
    const batch = this.#held;
    this.#held = [];
    if (this.#options.reorderWindow > 1) shuffle(batch, this.random);
    this.#ready.push(...batch);
    this.#pump();
  }

  #pump(): void {
    while (!this.#closed && this.#workers < Math.max(1, this.#options.concurrency) && this.#ready.length > 0) {
      this.#workers += 1;
      void this.#work();
    }
  }

  async #work(): Promise<void> {
    try {
      for (;;) {
        const job = this.#ready.shift();
        if (!job || this.#closed) break;
        await this.#sleep(job.readyAt - performance.now());
        await this.#deliver(job);
      }
    } finally {
      this.#workers -= 1;
      if (this.#workers === 0 && this.#ready.length === 0) this.#wakeIdle();
    }
  }

  async #deliver(job: Job): Promise<void> {
    const { entry } = job;
    for (;;) {
      if (this.#closed) {
        entry.outcome = 'failed';
        entry.error = 'simulator stopped';
        return;
      }
      entry.attempts += 1;
      const result = await this.#post(job);
      if ('status' in result) {
        entry.responseStatus = result.status;
        delete entry.error;
        if (result.status >= 200 && result.status < 300) {
          entry.outcome = 'delivered';
          return;
        }
      } else {
        entry.error = result.error;
        delete entry.responseStatus;
      }
      if (entry.attempts >= this.#options.maxAttempts) {
        entry.outcome = 'failed';
        return;
      }
      await this.#sleep(this.#options.retryBackoffMs * 2 ** (entry.attempts - 1));
    }
  }

  #post(job: Job): Promise<{ status: number } | { error: string }> {
    return new Promise((resolve) => {
      let target: URL;
      try {
        target = new URL(job.url);
      } catch {
        resolve({ error: 'invalid URL' });
        return;
      }
      const secure = target.protocol === 'https:';
      const body = Buffer.from(job.body);
      const request = (secure ? https : http).request(target, {
        method: 'POST',
        headers: { ...job.headers, 'content-length': String(body.length) },
        agent: secure ? this.#httpsAgent : this.#httpAgent,
        timeout: this.#options.timeoutMs,
      });
      this.#inFlight.add(request);
      const done = (result: { status: number } | { error: string }) => {
        this.#inFlight.delete(request);
        resolve(result);
      };
      request.on('timeout', () => request.destroy(new Error(`no answer within ${this.#options.timeoutMs} ms`)));
      request.on('error', (e: NodeJS.ErrnoException) => done({ error: e.code ?? e.message }));
      request.on('response', (response) => {
        response.resume();
        response.on('end', () => done({ status: response.statusCode ?? 0 }));
        response.on('error', (e: NodeJS.ErrnoException) => done({ error: e.code ?? e.message }));
      });
      request.end(body);
    });
  }

  #sleep(ms: number): Promise<void> {
    if (ms <= 0 || this.#closed) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#sleeps.delete(timer);
        resolve();
      }, ms);
      this.#sleeps.set(timer, resolve);
    });
  }

  #wakeIdle(): void {
    const waiters = this.#idle;
    this.#idle = [];
    for (const wake of waiters) wake();
  }
}

/** Fisher–Yates with the seeded generator: the same seed gives the same order. */
function shuffle<T>(items: T[], random: Random): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random.next() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
}
