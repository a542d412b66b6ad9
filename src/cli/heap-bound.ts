/**
 * serve's heap bound. On a machine with memory to spare V8 lets a heap grow to about four times
 * what is live before it collects (its growing factor follows the heap limit, 4 GiB by default
 * here), so serve at 50,000 devices peaked over 1 GB with under 200 MB live. With a bound of
 * 768 MiB V8 collects at about one and a half times the live set instead, and the same serve
 * peaks under 500 MB. Node takes a heap bound only when a heap is made, so `haloform serve` runs
 * in a worker thread made with it (`resourceLimits`): one process still — a signal reaches it
 * once, kill -9 takes all of it — whose main thread only passes signals on and waits.
 *
 * Should serve ever run out of heap (a tenant bigger than the bound allows), the worker stops and
 * a new one starts with twice the bound (up to three quarters of the machine's memory), and
 * stderr says so: the inbox is durable, so nothing received is lost.
 *
 * `HALOFORM_SERVE_HEAP_MB` sets the first bound (`off`: serve runs on the main thread with
 * Node's own limit); a bound in NODE_OPTIONS or node's own arguments is left alone.
 */

import { totalmem } from 'node:os';
import { Worker } from 'node:worker_threads';

export const SERVE_HEAP_MB = 768;
export const SERVE_HEAP_ENV = 'HALOFORM_SERVE_HEAP_MB';

/** What the worker is told: the signals that reach the process. */
export type WorkerSignal = 'SIGTERM' | 'SIGINT' | 'SIGHUP';

/** What the worker is started with. */
export interface ServeWorkerData {
  argv: string[];
  heapMb: number;
}

/** Whether node already runs with a heap bound (its own arguments or NODE_OPTIONS). */
export function heapBoundGiven(execArgv: readonly string[], nodeOptions: string | undefined): boolean {
  return [...execArgv, ...(nodeOptions ?? '').split(/\s+/)].some((a) => /^--max[-_]old[-_]space[-_]size(=|$)/.test(a));
}

/** The first bound in MiB from the environment, `off`, or what is wrong with the value. */
export function serveHeapMb(env: Readonly<Record<string, string | undefined>>): number | 'off' | { error: string } {
  const raw = env[SERVE_HEAP_ENV]?.trim();
  if (raw === undefined || raw === '') return SERVE_HEAP_MB;
  if (raw.toLowerCase() === 'off') return 'off';
  const mb = Number(raw);
  if (!Number.isInteger(mb) || mb < 64) return { error: `${SERVE_HEAP_ENV} must be a whole number of MiB, 64 or more, or off (got ${JSON.stringify(raw)}).` };
  return mb;
}

/** Whether `haloform <argv>` is a serve that runs under a bound unless HALOFORM_SERVE_HEAP_MB is off. */
export function wantsHeapBound(argv: readonly string[], env: Readonly<Record<string, string | undefined>>, execArgv: readonly string[]): boolean {
  if (argv[0] !== 'serve' || argv.some((a) => a === '--help' || a === '-h')) return false;
  return !heapBoundGiven(execArgv, env.NODE_OPTIONS);
}

export interface SuperviseOptions {
  /** The worker's script (src/cli/serve-worker.ts; tests pass their own). */
  script: URL;
  argv: readonly string[];
  heapMb: number;
  /** The largest bound a restart may ask for (default: three quarters of the machine's memory). */
  maxHeapMb?: number;
  /** Where the supervisor's own lines go (stderr). */
  log: (line: string) => void;
  /** Tests: the process whose signals are passed on (default: this one). */
  signals?: Pick<NodeJS.Process, 'on' | 'off'>;
}

/** Runs serve in a bounded worker until it ends; resolves with the exit code this process should have. */
export async function superviseServe(options: SuperviseOptions): Promise<number> {
  const maxHeapMb = options.maxHeapMb ?? Math.floor((totalmem() / 2 ** 20) * 0.75);
  const signals = options.signals ?? process;
  let heapMb = options.heapMb;
  let worker: Worker | undefined;
  const pass = (signal: WorkerSignal) => () => worker?.postMessage({ signal });
  const handlers = (['SIGTERM', 'SIGINT', 'SIGHUP'] as const).map((s) => [s, pass(s)] as const);
  for (const [s, h] of handlers) signals.on(s, h);
  try {
    for (;;) {
      const data: ServeWorkerData = { argv: [...options.argv], heapMb };
      worker = new Worker(options.script, { workerData: data, resourceLimits: { maxOldGenerationSizeMb: heapMb } });
      const ended = await new Promise<{ code: number } | { error: Error }>((resolve) => {
        worker!.once('error', (error) => resolve({ error }));
        worker!.once('exit', (code) => resolve({ code }));
      });
      if ('code' in ended) return ended.code;
      if ((ended.error as NodeJS.ErrnoException).code !== 'ERR_WORKER_OUT_OF_MEMORY') {
        options.log(`haloform serve stopped on an error: ${ended.error.stack ?? ended.error.message}`);
        return 1;
      }
      if (heapMb * 2 > maxHeapMb) {
        options.log(`haloform serve ran out of its ${heapMb} MiB heap, and twice that is more than this machine allows (${maxHeapMb} MiB); it stopped. Give it more memory, or set ${SERVE_HEAP_ENV}.`);
        return 1;
      }
      heapMb *= 2;
      options.log(`haloform serve ran out of heap and is starting again with ${heapMb} MiB (set ${SERVE_HEAP_ENV}=${heapMb} to start there); the inbox kept everything it had received.`);
    }
  } finally {
    for (const [s, h] of handlers) signals.off(s, h);
  }
}
