/**
 * What a long run says while it runs (issue 14, row 13): why it waits — Halo's request budget,
 * with how many requests are queued and when the next may go — as plain lines every
 * HALOFORM_PROGRESS_SECONDS when stderr is not a terminal; the first timeout as it happens, with
 * what haloform does next; and --stats figures that never exceed the run.
 */

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { cli } from '../helpers/cli.js';
import { demoEnv, ROOT } from '../helpers/sandbox.js';

const sandboxes: Sandbox[] = [];
afterEach(async () => {
  await Promise.all(sandboxes.splice(0).map((s) => s.stop()));
});

/** config/demo.yaml with Halo settings of the test's choosing. */
function spec(haloExtra: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'haloform-progress-'));
  const text = readFileSync(join(ROOT, 'config/demo.yaml'), 'utf8').replace('    tenant: demo\n', `    tenant: demo\n${haloExtra}`);
  if (!text.includes(haloExtra)) throw new Error('could not edit the demo spec');
  writeFileSync(join(dir, 'spec.yaml'), text);
  return join(dir, 'spec.yaml');
}

describe('progress while waiting', () => {
  it("plan says, every interval, that it waits for Halo's budget, how many are queued and when the next goes", async () => {
    const sandbox = await startSandbox();
    sandboxes.push(sandbox);
    const path = spec('    rateLimit: { requests: 5, perSeconds: 1 }\n');

    const run = await cli(['plan', '-c', path, '--stats'], { env: { ...sandbox.env, HALOFORM_PROGRESS_SECONDS: '0.25' } });

    expect(run.code, run.stderr).toBe(0);
    const lines = run.stderr.split('\n').filter((l) => l.startsWith('… '));
    expect(lines.length, run.stderr).toBeGreaterThan(2);
    expect(lines.join('\n')).toMatch(/^… [\d.]+ (ms|s): reading NinjaOne and Halo: \d+ NinjaOne and \d+ Halo requests so far; waiting for Halo's request budget \(5 per 1\.0 s\): \d+ requests? queued, next in [\d.]+ (ms|s)$/m);
    // The wall-clock figure: never more than the run.
    const held = /held requests back for ([\d.]+) (ms|s) of this ([\d.]+) (ms|s) run\./.exec(run.stderr);
    expect(held, run.stderr).not.toBeNull();
    const ms = (n: string, unit: string) => Number(n) * (unit === 's' ? 1000 : 1);
    expect(ms(held![1]!, held![2]!)).toBeGreaterThan(1000);
    expect(ms(held![1]!, held![2]!)).toBeLessThanOrEqual(ms(held![3]!, held![4]!));
    expect(run.stderr).toMatch(/Held\s+Longest hold/);
  }, 30_000);

  it('apply, when stderr is not a terminal, prints how far it got and why it waits', async () => {
    const sandbox = await startSandbox();
    sandboxes.push(sandbox);
    const path = spec('    rateLimit: { requests: 6, perSeconds: 1 }\n');

    const run = await cli(['apply', '-c', path, '--auto-approve'], { env: demoEnv(sandbox, { HALOFORM_PROGRESS_SECONDS: '0.25' }) });

    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/^… [\d.]+ (ms|s): applying: \d+ of \d+ changes written, now \S+; waiting for Halo's request budget \(6 per 1\.0 s\): \d+ requests? queued, next in [\d.]+ (ms|s)$/m);
  }, 30_000);

  it('apply on a terminal shows the wait in its bar, not as lines', async () => {
    const sandbox = await startSandbox();
    sandboxes.push(sandbox);
    // A budget apply's writes (about fifteen POSTs) cannot fit into one window, whatever the reads left of it.
    const path = spec('    rateLimit: { requests: 4, perSeconds: 1 }\n');

    const run = await cli(['apply', '-c', path, '--auto-approve'], { env: demoEnv(sandbox, { HALOFORM_PROGRESS_SECONDS: '0.25' }), tty: true });

    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/Applying \[[^\]]*\] \d+\/\d+ \S* · [\d.]+\/s · waiting for Halo's request budget \(4 per 1\.0 s\): \d+ requests? queued/);
    expect(run.stderr).not.toMatch(/… [\d.]+ (ms|s): applying/); // the bar says it; no lines under it (reading, before the bar, has them)
  }, 30_000);

  it('no lines with HALOFORM_PROGRESS_SECONDS=0, and none on a quick run', async () => {
    const sandbox = await startSandbox();
    sandboxes.push(sandbox);
    const path = spec('    rateLimit: { requests: 5, perSeconds: 1 }\n');

    const quiet = await cli(['plan', '-c', path], { env: { ...sandbox.env, HALOFORM_PROGRESS_SECONDS: '0' } });
    const quick = await cli(['plan', '-c', path.replace(/spec\.yaml$/, 'spec.yaml')], { env: sandbox.env });

    expect(quiet.code).toBe(0);
    expect(quiet.stderr).not.toContain('… ');
    expect(quick.stderr).not.toContain('… '); // ten seconds by default; this plan takes about three
  }, 30_000);
});

describe('the first timeout', () => {
  it('is reported when it happens, with what haloform does next, and the run goes on', async () => {
    const sandbox = await startSandbox({ faults: { halo: [{ route: '/api/Asset', method: 'GET', timeoutRate: 1, count: 2 }] } });
    sandboxes.push(sandbox);
    const path = spec('    rateLimit: false\n    timeoutSeconds: 0.4\n');
    const result = await cli(['plan', '-c', path], { env: sandbox.env });

    expect(result.code, result.stderr).toBe(0);
    const told = result.stderr.split('\n').filter((l) => l.includes('did not answer'));
    // Told once, though it happened twice: the second is counted, not repeated.
    expect(told).toEqual([
      expect.stringMatching(
        /^Halo did not answer GET \/api\/Asset within 400 ms \(attempt 1 of 5\): haloform tries again in [\d.]+ (ms|s), up to 5 attempts within 5m 00s\. If it keeps failing, the run stops with an error and nothing is changed\.$/,
      ),
    ]);
  });

  it('a call given up on says so, and the plan stops with nothing changed', async () => {
    const sandbox = await startSandbox({ faults: { halo: [{ route: '/api/Asset', method: 'GET', timeoutRate: 1 }] } });
    sandboxes.push(sandbox);
    const path = spec('    rateLimit: false\n    timeoutSeconds: 0.2\n');

    const result = await cli(['plan', '-c', path], { env: sandbox.env });

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^Halo did not answer GET \/api\/Asset within 200 ms \(attempt 1 of 5\): haloform tries again/m);
    expect(result.stderr).toMatch(/^Halo did not answer GET \/api\/Asset\?.*\(gave up after 5 attempts\)$/m);
    expect(result.stderr + result.stdout).toContain('Halo could not be read');
  }, 60_000);
});
