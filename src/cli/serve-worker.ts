/**
 * `haloform serve` in its heap-bounded worker (src/cli/heap-bound.ts): the command as on the main
 * thread, but with the signals the main thread passes on as messages, since only it gets them.
 */

import { parentPort, workerData } from 'node:worker_threads';
import { runCli } from './cli.js';
import type { ServeWorkerData, WorkerSignal } from './heap-bound.js';
import { processIo } from './io.js';

const data = workerData as ServeWorkerData;
const port = parentPort!;
const hangups = new Set<() => void>();
const stops: ((signal: string) => void)[] = [];
port.on('message', (message: { signal?: WorkerSignal }) => {
  if (message.signal === 'SIGHUP') for (const listener of hangups) listener();
  else if (message.signal) stops.splice(0).forEach((stop) => stop(message.signal!));
});

process.exitCode = await runCli(data.argv, {
  ...processIo(),
  heapBoundMb: data.heapMb,
  waitForSignal: () => new Promise((resolve) => stops.push(resolve)),
  onHangup: (listener) => {
    hangups.add(listener);
    return () => hangups.delete(listener);
  },
});
port.close();
