/**
 * Golden plans (issue 5): each case under test/golden/<case>/ holds a spec, a sandbox seed and the
 * plan a person checked — plan.txt, plan.md and plan.json. The case's sandbox is started on free
 * ports and `haloform plan` runs through the real CLI, the real clients and real HTTP; what varies
 * from run to run (the time, the ports, the spec hash that includes the URLs) is scrubbed before
 * the comparison. The other acceptance lines of the issue live here too: --detailed-exitcode, the
 * size of a 10,000-device PR comment, and that plan never writes.
 */

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Plan } from '../../src/plan/plan.js';
import { MARKDOWN_MARKER } from '../../src/render/plan-markdown.js';
import { generateDemo } from '../../src/sandbox/demo-data.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import type { LoggedRequest } from '../../src/sandbox/sim-server.js';
import { cli, type CliRun } from '../helpers/cli.js';
import type { GoldenCase } from './kit.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');

/** What CI would set: apply needs it for the webhook, and without it every plan carries a warning about it. */
const WEBHOOK_SECRET = 'golden-webhook-secret-0123456789abcdef';

const FORMATS = [
  { format: 'text', file: 'plan.txt' },
  { format: 'markdown', file: 'plan.md' },
  { format: 'json', file: 'plan.json' },
] as const;

const names = readdirSync(here, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(here, d.name, 'seed.ts')))
  .map((d) => d.name)
  .sort();
const cases = await Promise.all(names.map(async (name) => ({ name, golden: ((await import(`./${name}/seed.ts`)) as { default: GoldenCase }).default })));

/** Times, ports, the spec hash (the spec interpolates the sandbox's URLs) and incident ids vary from run to run. */
function scrub(text: string, sandbox: Sandbox): string {
  return text
    .replaceAll(sandbox.ninjaone.url, 'http://ninjaone.sandbox')
    .replaceAll(sandbox.halo.url, 'http://halo.sandbox')
    .replace(/http:\/\/127\.0\.0\.1:\d+/g, 'http://127.0.0.1:<port>')
    .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/g, '<time>')
    .replace(/sha256:[0-9a-f]{64}/g, 'sha256:<spec hash>')
    .replace(/sha256:[0-9a-f]{12}…/g, 'sha256:<spec hash>…')
    // An asset's fingerprint hashes its ninja_url, which holds the sandbox's port.
    .replace(/"fingerprint":"[0-9a-f]{16}"/g, '"fingerprint":"<fingerprint>"')
    // NinjaOne's error bodies carry a fresh incident id each time.
    .replace(/\[incident [A-Z_]+-[0-9a-z]+-\d+-[A-Z]+\]/g, '[incident <id>]');
}

/** Requests that change something: anything but a GET, except the OAuth token requests. */
function writes(requests: readonly LoggedRequest[]): string[] {
  return requests.filter((r) => r.method !== 'GET' && !(r.method === 'POST' && /^\/(ws\/oauth|auth)\/token$/.test(r.path))).map((r) => `${r.method} ${r.path}`);
}

function haloformIn(cwd: string, sandbox: Sandbox, extraEnv: Record<string, string> = {}) {
  const env = { ...sandbox.env, HALOFORM_WEBHOOK_SECRET: WEBHOOK_SECRET, HALOFORM_HALO_WEBHOOK_SECRET: 'golden-halo-webhook-secret-0123456789', ...extraEnv };
  return (argv: string[], options: { tty?: boolean } = {}): Promise<CliRun> => cli(argv, { cwd, env, ...options });
}

describe('golden plans', () => {
  for (const { name, golden } of cases) {
  it(`${name}: ${golden.title}`, { timeout: 30_000 }, async () => {
    const sandbox = await startSandbox({ data: structuredClone(golden.seed), ...(golden.faults ? { faults: golden.faults } : {}) });
    try {
      const haloform = haloformIn(join(here, name), sandbox);
      await golden.prepare?.(sandbox, haloform);
      sandbox.ninjaone.server.clearRequests();
      sandbox.halo.server.clearRequests();

      const runs = await Promise.all(FORMATS.map(({ format }) => haloform(['plan', '-c', 'spec.yaml', '--format', format, '--detailed-exitcode', ...(golden.args ?? [])])));

      for (const [i, { file }] of FORMATS.entries()) {
        const run = runs[i]!;
        await expect(scrub(run.stdout, sandbox)).toMatchFileSnapshot(`${name}/${file}`);
      }
      // --detailed-exitcode: 2 changes, 0 none, 1 errors; nothing on stderr either way, but what the
      // API did as it happened (a retried 500): that line, with what haloform does next, and the last word.
      const told = (stderr: string) => stderr.replace(/^\S+ (answered|did not answer|could not be reached) .*\n/gm, '');
      expect(runs.map((r) => ({ code: r.code, stderr: told(r.stderr) }))).toEqual(FORMATS.map(() => ({ code: golden.exitCode, stderr: '' })));
      if (golden.faults) expect(runs[0]!.stderr).toMatch(/\(attempt 1 of 5\): haloform tries again in [\d.]+ m?s, up to 5 attempts within 5m 00s\. If it keeps failing, the run stops with an error and nothing is changed\.\n/);
      const plan = JSON.parse(runs[2]!.stdout) as Plan;
      expect(plan.formatVersion).toBe(2);
      // Plan reads both APIs (a failed read is still a read) and writes to neither.
      expect(sandbox.ninjaone.server.requests().length).toBeGreaterThan(0);
      expect(sandbox.halo.server.requests().length).toBeGreaterThan(0);
      expect(writes(sandbox.ninjaone.server.requests())).toEqual([]);
      expect(writes(sandbox.halo.server.requests())).toEqual([]);
    } finally {
      await sandbox.stop();
    }
  });
  }
});

describe('haloform plan -c config/demo.yaml against the demo sandbox', () => {
  it('names, in every warning, the device or object it is about, and says what to do', { timeout: 30_000 }, async () => {
    const sandbox = await startSandbox();
    try {
      // As a person runs it: the sandbox's URLs and credentials, no webhook secrets.
      const run = await cli(['plan', '-c', 'config/demo.yaml', '--format', 'json'], { cwd: root, env: sandbox.env });

      expect(run).toMatchObject({ code: 0, stderr: '' });
      const plan = JSON.parse(run.stdout) as Plan;
      expect(plan.errors).toEqual([]);
      expect(plan.warnings.map((w) => w.summary)).toEqual([
        'Unmapped locations',
        'Similar Halo client exists',
        'Similar Halo client exists',
        'Unmapped node classes',
        'Placeholder serials not used for matching',
        'Asset users not found in Halo',
        'Clients without Halo users',
        'Values not written',
        'Devices without a usable serial',
        'Halo SLA left out',
        'Halo team left out',
        'Incomplete Halo assets',
        'Incomplete Halo site',
        'Incomplete Halo user',
        'Webhook secret not set',
        'Halo webhook secret not set',
      ]);
      for (const w of plan.warnings) {
        // What it is about: a quoted name ("CONT-PC097", "Contoso Ltd/Warehouse"), a variable, or the id of a row Halo sent without a name.
        expect(w.detail, w.summary).toMatch(/"[^"]+"|HALOFORM_[A-Z_]+|\b(team|SLA|agent|category) \d+\b/);
        // What to do: a sentence that starts with a verb, or "if …, <verb>".
        expect(w.detail, w.summary).toMatch(/(^|[.;] )(If [^,]+, )?(Map|map|Add|add|Set|Rename|Merge|Deactivate|deactivate|Check|Turn|Reactivate|Clear|Create|Change|Correct|give|Put)\b/);
      }
      expect(writes(sandbox.ninjaone.server.requests())).toEqual([]);
      expect(writes(sandbox.halo.server.requests())).toEqual([]);
    } finally {
      await sandbox.stop();
    }
  });

  it('--detailed-exitcode: 2 with changes, 0 with none (after apply), 1 on error', { timeout: 60_000 }, async () => {
    const sandbox = await startSandbox({ devices: 60 });
    try {
      const haloform = haloformIn(root, sandbox);
      const plan = ['plan', '-c', 'config/demo.yaml', '--detailed-exitcode'];

      const before = await haloform(plan);
      const plain = await haloform(['plan', '-c', 'config/demo.yaml']);
      const apply = await haloform(['apply', '-c', 'config/demo.yaml', '--auto-approve']);
      const after = await haloform(plan);
      const wrongSecret = await haloformIn(root, sandbox, { NINJAONE_CLIENT_SECRET: 'not-the-secret' })(plan);

      expect(before.code, before.stderr).toBe(2);
      expect(plain.code, 'without --detailed-exitcode, changes exit 0').toBe(0);
      expect(apply.code, apply.stdout + apply.stderr).toBe(0);
      expect(after.code, after.stdout).toBe(0);
      expect(after.stdout).toContain('No changes. Halo matches the spec and NinjaOne.');
      expect(wrongSecret.code).toBe(1);
      expect(wrongSecret.stdout).toContain('Error: NinjaOne could not be read');
      expect(wrongSecret.stdout).not.toContain('not-the-secret');
    } finally {
      await sandbox.stop();
    }
  });

  it('keeps the PR comment of a 10,000-device first import under 65,536 characters', { timeout: 60_000 }, async () => {
    const sandbox = await startSandbox({ data: generateDemo({ devices: 10_000 }) });
    try {
      const run = await haloformIn(root, sandbox)(['plan', '-c', 'config/demo.yaml', '--format', 'markdown', '--detailed-exitcode']);

      expect(run.code, run.stderr).toBe(2);
      expect(run.stdout.length).toBeLessThan(65_536);
      expect(run.stdout.startsWith(`${MARKDOWN_MARKER}\n### haloform plan: `)).toBe(true);
      // The summary comes first and whole; what does not fit is cut with a pointer to the JSON.
      expect(run.stdout).toMatch(/\| asset \| \d{4,} \| \d+ \| 0 \| 0 \| 0 \|/);
      expect(run.stdout).toContain('did not fit in one comment');
      expect(writes(sandbox.ninjaone.server.requests())).toEqual([]);
      expect(writes(sandbox.halo.server.requests())).toEqual([]);
    } finally {
      await sandbox.stop();
    }
  });
});

describe('plan text on a terminal', () => {
  it('is the golden text in colour: + green, ~ yellow, - red', { timeout: 30_000 }, async () => {
    const golden = cases.find((c) => c.name === 'first-import')!.golden;
    const sandbox = await startSandbox({ data: structuredClone(golden.seed) });
    try {
      const run = await haloformIn(join(here, 'first-import'), sandbox)(['plan', '-c', 'spec.yaml'], { tty: true });

      const lines = run.stdout.split('\n');
      expect(lines.find((l) => l.includes('+ asset_type "NMS Switch" {'))).toMatch(/^\u001b\[32m/);
      expect(lines.find((l) => l.includes('~ ninja_webhook'))).toMatch(/^\u001b\[33m/);
      // Colour is all that differs from the golden file.
      expect(scrub(stripAnsi(run.stdout), sandbox)).toBe(readFileSync(join(here, 'first-import', 'plan.txt'), 'utf8'));
    } finally {
      await sandbox.stop();
    }
  });
});

function stripAnsi(text: string): string {
  return text.replace(/\u001b\[[0-9;]*m/g, '');
}
