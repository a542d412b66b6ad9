/**
 * Delivers a simulator's webhook posts the way a flaky network would, on purpose and
 * reproducibly: seeded drops, duplicates, delays and reordering; retries with backoff on a non-2xx
 * answer or a network error, then giving up; a log of every delivery; and `flush()` so tests wait
 * for the queue instead of sleeping. Both simulators use it (NinjaOne's activities, Halo's ticket
 * events); neither vendor documents its retry policy (reference/ninjaone/NOTES.md §6; nothing for
 * Halo) — the defaults here are a guess and every knob is settable.
 */

import http, { type ClientRequest } from 'node:http';
import https from 'node:https';
import { performance } from 'node:perf_hooks';
import type { Random } from './random.js';

export interface DeliveryOptions {
  /** Share (0..1) of deliveries never sent (logged as "dropped"). */
  dropRate: number;
  /** Share (0..1) of deliveries sent twice (the copy is logged with `duplicate: true`). */
  duplicateRate: number;
  /** Milliseconds between the event (an activity, a ticket change) and its post. */
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

/**
 * One delivery as the log shows it: `seq`, then what the simulator says the post is about
 * (`Subject`: NinjaOne's activity id and statusCode, Halo's event), then how it went. Never holds
 * header values or URL query values.
 */
export type WebhookDelivery<Subject extends object> = { seq: number } & Subject & DeliveryOutcome;

/** How one delivery went. */
export interface DeliveryOutcome {
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

interface Job<Subject extends object> {
  entry: WebhookDelivery<Subject>;
  url: string;
  headers: Record<string, string>;
  body: string;
  readyAt: number;
}

/** The delivery queue of one simulator; `Subject` is what its log says each post is about. */
export class DeliveryQueue<Subject extends object> {
  #options: DeliveryOptions;
  readonly #log: WebhookDelivery<Subject>[] = [];
  #seq = 0;
  #held: Job<Subject>[] = [];
  readonly #ready: Job<Subject>[] = [];
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

  /** Changes some knobs; the rest stay. Callers validate values first (checkDeliveryOptions). */
  setOptions(options: Partial<DeliveryOptions>): DeliveryOptions {
    this.#options = { ...this.#options, ...options };
    if (this.#options.reorderWindow <= 1 && this.#held.length > 0) this.#release();
    this.#pump();
    return this.options();
  }

  log(): readonly WebhookDelivery<Subject>[] {
    return this.#log;
  }

  clearLog(): void {
    this.#log.length = 0;
  }

  /** Queues one post of `body` to `url`; `subject` goes into its log entries as given. */
  enqueue(target: { url: string; headers: readonly { name: string; value: string }[] }, subject: Subject, body: string): void {
    const base = { ...subject, url: redactUrl(target.url) };
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
      const entry: WebhookDelivery<Subject> = { seq: ++this.#seq, ...base, outcome: 'pending', attempts: 0 };
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

  async #deliver(job: Job<Subject>): Promise<void> {
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

  #post(job: Job<Subject>): Promise<{ status: number } | { error: string }> {
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

/** A URL with query values hidden (channels often carry a `?token=` secret — reference/ninjaone/NOTES.md §6B). */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    for (const key of [...u.searchParams.keys()]) u.searchParams.set(key, '(sensitive)');
    return u.toString().replace(/%28sensitive%29/g, '(sensitive)');
  } catch {
    return url;
  }
}

const DELIVERY_KEYS: Record<keyof DeliveryOptions, { min: number; max?: number; integer: boolean }> = {
  dropRate: { min: 0, max: 1, integer: false },
  duplicateRate: { min: 0, max: 1, integer: false },
  delayMs: { min: 0, integer: false },
  reorderWindow: { min: 0, integer: true },
  maxAttempts: { min: 1, integer: true },
  retryBackoffMs: { min: 0, integer: false },
  timeoutMs: { min: 1, integer: false },
  concurrency: { min: 1, integer: true },
};

/**
 * Checks the knobs of a `setOptions` call: the options, or the first bad key with a message that
 * starts with it (`dropRate: must be a number from 0 to 1, got 2`). Each simulator turns the
 * problem into its own control error.
 */
export function checkDeliveryOptions(body: Record<string, unknown>): { options: Partial<DeliveryOptions> } | { error: string; field: string } {
  const options: Partial<DeliveryOptions> = {};
  for (const [key, value] of Object.entries(body)) {
    const rule = DELIVERY_KEYS[key as keyof DeliveryOptions];
    if (!rule) return { error: `${key}: unknown delivery option; known: ${Object.keys(DELIVERY_KEYS).join(', ')}`, field: key };
    const ok = typeof value === 'number' && Number.isFinite(value) && value >= rule.min && (rule.max === undefined || value <= rule.max) && (!rule.integer || Number.isInteger(value));
    if (!ok) {
      const range = rule.max === undefined ? `at least ${rule.min}` : `from ${rule.min} to ${rule.max}`;
      return { error: `${key}: must be ${rule.integer ? 'an integer' : 'a number'} ${range}, got ${JSON.stringify(value)}`, field: key };
    }
    options[key as keyof DeliveryOptions] = value;
  }
  return { options };
}
