/**
 * serve's heap bound (src/cli/heap-bound.ts): when `haloform serve` runs in a bounded worker, a
 * worker that runs out of heap is started again with twice the bound, signals reach it as
 * messages, and the real command says its bound, stops on SIGTERM and goes at once on kill -9.
 */

import { spawnSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { heapBoundGiven, SERVE_HEAP_MB, serveHeapMb, superviseServe, wantsHeapBound } from '../../src/cli/heap-bound.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { ensureBuilt, MAIN, spawnServe } from '../helpers/serve-child.js';
import { SECRET, specText } from '../serve/fixtures.js';
import { waitFor } from '../serve/fixtures.js';

let dir: string;
beforeAll(() => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'haloform-heap-'));
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('when serve is bounded', () => {
  it('bounds serve by default, leaves a bound node was given alone, and refuses a bad HALOFORM_SERVE_HEAP_MB', () => {
    expect(serveHeapMb({})).toBe(SERVE_HEAP_MB);
    expect(serveHeapMb({ HALOFORM_SERVE_HEAP_MB: ' 1024 ' })).toBe(1024);
    expect(serveHeapMb({ HALOFORM_SERVE_HEAP_MB: 'OFF' })).toBe('off');
    for (const bad of ['abc', '12', '1.5', '-1']) expect(serveHeapMb({ HALOFORM_SERVE_HEAP_MB: bad })).toEqual({ error: expect.stringContaining('HALOFORM_SERVE_HEAP_MB must be a whole number of MiB') });
    expect(heapBoundGiven([], '--max-old-space-size=300')).toBe(true);
    expect(heapBoundGiven(['--max_old_space_size=300'], undefined)).toBe(true);
    expect(heapBoundGiven(['--expose-gc'], '--max-semi-space-size=8')).toBe(false);
    expect(wantsHeapBound(['serve', '-c', 'x.yaml'], {}, [])).toBe(true);
    expect(wantsHeapBound(['serve', '--help'], {}, [])).toBe(false);
    expect(wantsHeapBound(['plan', '-c', 'x.yaml'], {}, [])).toBe(false);
    expect(wantsHeapBound(['serve'], { NODE_OPTIONS: '--max-old-space-size=2048' }, [])).toBe(false);
  });
});

/** A worker script that keeps `liveMb` of objects alive, then records its bound and ends with `code`. */
function allocatingWorker(liveMb: number, code: number): URL {
  const file = join(dir, `alloc-${liveMb}-${code}.mjs`);
  writeFileSync(
    file,
    `import { workerData } from 'node:worker_threads';
import { appendFileSync } from 'node:fs';
const kept = [];
for (let i = 0; i < ${liveMb} * 1300; i++) kept.push(new Array(100).fill(i));
appendFileSync(${JSON.stringify(join(dir, 'bounds.txt'))}, workerData.heapMb + '\\n');
process.exitCode = ${code};
`,
  );
  return pathToFileURL(file);
}

describe('superviseServe', () => {
  it('starts a worker that ran out of heap again with twice the bound, and says so', async () => {
    const lines: string[] = [];
    const code = await superviseServe({ script: allocatingWorker(150, 7), argv: ['serve'], heapMb: 64, maxHeapMb: 4096, log: (l) => lines.push(l) });
    expect(code).toBe(7);
    const bounds = readFileSync(join(dir, 'bounds.txt'), 'utf8').trim().split('\n').map(Number);
    // Only the worker that had room wrote its bound: 64 and 128 MiB ran out (150 MB live).
    expect(bounds).toEqual([256]);
    expect(lines).toEqual([expect.stringContaining('ran out of heap and is starting again with 128 MiB'), expect.stringContaining('ran out of heap and is starting again with 256 MiB')]);
    expect(lines[0]).toContain('HALOFORM_SERVE_HEAP_MB=128');
  }, 60_000);

  it('stops with 1 when twice the bound is more than the machine allows', async () => {
    const lines: string[] = [];
    const code = await superviseServe({ script: allocatingWorker(150, 0), argv: ['serve'], heapMb: 64, maxHeapMb: 100, log: (l) => lines.push(l) });
    expect(code).toBe(1);
    expect(lines).toEqual([expect.stringMatching(/ran out of its 64 MiB heap, and twice that is more than this machine allows \(100 MiB\); it stopped/)]);
  }, 60_000);

  it('passes SIGHUP and SIGTERM on to the worker as messages', async () => {
    const log = join(dir, 'signals.txt');
    const file = join(dir, 'signals.mjs');
    writeFileSync(
      file,
      `import { parentPort } from 'node:worker_threads';
import { appendFileSync } from 'node:fs';
parentPort.on('message', (m) => {
  appendFileSync(${JSON.stringify(log)}, m.signal + '\\n');
  if (m.signal === 'SIGTERM') { process.exitCode = 3; parentPort.close(); }
});
appendFileSync(${JSON.stringify(log)}, 'ready\\n');
`,
    );
    const signals = new EventEmitter();
    const running = superviseServe({ script: pathToFileURL(file), argv: ['serve'], heapMb: 64, log: () => undefined, signals: signals as unknown as NodeJS.Process });
    await waitFor('the worker to start', () => existsSync(log));
    signals.emit('SIGHUP');
    await waitFor('the SIGHUP to arrive', () => readFileSync(log, 'utf8').includes('SIGHUP'));
    signals.emit('SIGTERM');
    expect(await running).toBe(3);
    expect(readFileSync(log, 'utf8')).toBe('ready\nSIGHUP\nSIGTERM\n');
    expect(signals.listenerCount('SIGTERM') + signals.listenerCount('SIGHUP') + signals.listenerCount('SIGINT')).toBe(0);
  }, 30_000);
});

describe('haloform serve', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox();
    writeFileSync(join(dir, 'spec.yaml'), specText());
  });
  afterAll(async () => sandbox?.stop());
  const env = () => ({ ...(process.env as Record<string, string>), ...sandbox.env, HALOFORM_WEBHOOK_SECRET: SECRET, NO_COLOR: '1' });
  const args = ['-c', 'spec.yaml', '--host', '127.0.0.1', '--port', '0', '--store', 'sqlite::memory:'];

  it('says its bound, reloads on SIGHUP and stops on SIGTERM, all through the main thread', async () => {
    const serve = spawnServe(args, env(), dir);
    let out = '';
    serve.process.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    const url = await serve.url;
    await waitFor('the rest of the banner', () => out.includes('Stop with Ctrl-C'));
    expect(out).toContain(`memory    heap bound ${SERVE_HEAP_MB} MiB, doubled should serve ever run out (HALOFORM_SERVE_HEAP_MB)`);
    serve.process.kill('SIGHUP');
    await waitFor('the reload', () => serve.stderr.some((l) => l.startsWith('SIGHUP: reloaded spec.yaml')));
    serve.process.kill('SIGTERM');
    expect(await serve.exited).toBe(0);
    expect(serve.stderr).toContain('SIGTERM: stopping haloform serve.');
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  }, 60_000);

  it('is gone at once on kill -9: one process, not a child left running', async () => {
    const serve = spawnServe(args, env(), dir);
    const url = await serve.url;
    serve.process.kill('SIGKILL');
    await serve.exited;
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  }, 60_000);

  it('runs on the main thread with HALOFORM_SERVE_HEAP_MB=off, and refuses a bad value before starting', async () => {
    const serve = spawnServe(args, { ...env(), HALOFORM_SERVE_HEAP_MB: 'off' }, dir);
    let out = '';
    serve.process.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    await serve.url;
    await waitFor('the rest of the banner', () => out.includes('Stop with Ctrl-C'));
    expect(out).not.toContain('heap bound');
    serve.process.kill('SIGTERM');
    expect(await serve.exited, serve.stderr.join('\n')).toBe(0);

    const bad = spawnSync(process.execPath, [MAIN, 'serve', ...args], { cwd: dir, env: { ...env(), HALOFORM_SERVE_HEAP_MB: 'lots' }, encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('HALOFORM_SERVE_HEAP_MB must be a whole number of MiB, 64 or more, or off (got "lots").');
  }, 60_000);
});
