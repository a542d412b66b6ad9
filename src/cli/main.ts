#!/usr/bin/env node
/** The `haloform` executable. */

import { runCli } from './cli.js';
import { serveHeapMb, superviseServe, wantsHeapBound } from './heap-bound.js';
import { processIo } from './io.js';

const argv = process.argv.slice(2);
// serve runs in a worker thread with a heap bound (src/cli/heap-bound.ts); everything else here.
const heapMb = wantsHeapBound(argv, process.env, process.execArgv) ? serveHeapMb(process.env) : 'off';
if (heapMb === 'off') {
  process.exitCode = await runCli(argv, processIo());
} else if (typeof heapMb === 'number') {
  const log = (line: string) => process.stderr.write(`${line}\n`);
  process.exitCode = await superviseServe({ script: new URL('./serve-worker.js', import.meta.url), argv, heapMb, log });
} else {
  process.stderr.write(`Error: ${heapMb.error}\n`);
  process.exitCode = 1;
}
