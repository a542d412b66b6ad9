/**
 * `haloform serve` as a real child process (`node dist/cli/main.js serve`), for the tests that
 * kill it: the URL it prints once listening, its JSON log lines, and its exit.
 */

import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT } from './sandbox.js';

export const MAIN = join(ROOT, 'dist/cli/main.js');

/** `npm test` builds dist before the tests; a local run builds it when a source is newer than its output. */
export function ensureBuilt(): void {
  const stale = (dir: string): boolean =>
    readdirSync(dir, { withFileTypes: true }).some((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return stale(path);
      if (!entry.name.endsWith('.ts')) return false;
      const out = join(ROOT, 'dist', relative(join(ROOT, 'src'), path)).replace(/\.ts$/, '.js');
      return !existsSync(out) || statSync(out).mtimeMs < statSync(path).mtimeMs;
    });
  if (stale(join(ROOT, 'src'))) execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.json')], { cwd: ROOT, stdio: 'pipe' });
}

export interface ServeChild {
  process: ChildProcess;
  /** Where it listens, once it says so; rejects when it exits first. */
  url: Promise<string>;
  /** Its stderr (JSON log lines), line by line, as they come. */
  stderr: string[];
  exited: Promise<number | null>;
}

export function spawnServe(args: string[], env: Record<string, string>, cwd: string): ServeChild {
  const child = spawn(process.execPath, [MAIN, 'serve', ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const stderr: string[] = [];
  let out = '';
  let partial = '';
  const url = new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /from this machine: (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.on('exit', (code) => reject(new Error(`serve exited with ${code} before listening:\n${stderr.join('\n')}`)));
  });
  url.catch(() => undefined);
  child.stderr!.on('data', (chunk: Buffer) => {
    partial += chunk.toString();
    const lines = partial.split('\n');
    partial = lines.pop()!;
    stderr.push(...lines);
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { process: child, url, stderr, exited };
}
