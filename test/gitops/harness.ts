/**
 * A workflow job, locally: a checkout with the demo spec at config/haloform.yaml, the sandbox
 * (with secrets of its own, so a leak is findable), a fake GitHub, and the files and variables
 * the Actions runner gives a step. Runs the same entry the workflows call.
 */

import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runGitops } from '../../src/gitops/run.js';
import { generateDemo } from '../../src/sandbox/demo-data.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { startFakeGitHub, type FakeGitHub } from './fake-github.js';

export const ROOT = new URL('../../', import.meta.url).pathname;

export interface Job {
  sandbox: Sandbox;
  github: FakeGitHub;
  /** The checkout: config/haloform.yaml is the demo spec. */
  dir: string;
  /** The job's environment, as the workflow's `env:` and the runner set it. */
  env: Record<string, string>;
  /** Every secret value the job holds. */
  secrets: string[];
  run(step: 'plan-pr' | 'apply-main' | 'sync', env?: Record<string, string>): Promise<StepRun>;
  summary(): string;
  outputs(): string;
  stop(): Promise<void>;
}

export interface StepRun {
  code: number;
  stdout: string;
  stderr: string;
}

const secret = (label: string) => `${label}-${randomBytes(16).toString('hex')}`;

export async function startJob(options: { devices?: number; pr?: number } = {}): Promise<Job> {
  const data = generateDemo({ seed: 1, devices: options.devices ?? 30 });
  data.ninjaone.apps[0]!.clientSecret = secret('ninja-secret');
  data.halo.apps[0]!.clientSecret = secret('halo-secret');
  const sandbox = await startSandbox({ data });
  const github = await startFakeGitHub();
  const dir = mkdtempSync(join(tmpdir(), 'haloform-gitops-'));
  mkdirSync(join(dir, 'config'));
  copyFileSync(join(ROOT, 'config/demo.yaml'), join(dir, 'config/haloform.yaml'));
  const pr = options.pr ?? 12;
  writeFileSync(join(dir, 'event.json'), JSON.stringify({ action: 'synchronize', number: pr, pull_request: { number: pr, head: { sha: 'f00dfeed'.repeat(5) } } }));
  const webhookSecret = secret('webhook-secret');
  const env: Record<string, string> = {
    ...sandbox.env,
    HALOFORM_WEBHOOK_SECRET: webhookSecret,
    HALOFORM_HALO_WEBHOOK_SECRET: secret('halo-webhook-secret'),
    GITHUB_TOKEN: github.token,
    GITHUB_REPOSITORY: github.repository,
    GITHUB_API_URL: github.url,
    GITHUB_SERVER_URL: 'https://github.example',
    GITHUB_RUN_ID: '4242',
    GITHUB_EVENT_PATH: join(dir, 'event.json'),
    GITHUB_SHA: 'c0ffee00'.repeat(5),
    GITHUB_REF_NAME: 'main',
    GITHUB_STEP_SUMMARY: join(dir, 'summary.md'),
    GITHUB_OUTPUT: join(dir, 'output.txt'),
  };
  const read = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8') : '');
  return {
    sandbox,
    github,
    dir,
    env,
    secrets: [sandbox.ninjaone.clientSecret, sandbox.halo.clientSecret, webhookSecret, github.token],
    async run(step, extra = {}) {
      let stdout = '';
      let stderr = '';
      const code = await runGitops([step], {
        stdout: { write: (s: string) => (stdout += s) },
        stderr: { write: (s: string) => (stderr += s) },
        env: { ...env, ...extra },
        cwd: dir,
        delay: async () => {},
      });
      return { code, stdout, stderr };
    },
    summary: () => read(env.GITHUB_STEP_SUMMARY!),
    outputs: () => read(env.GITHUB_OUTPUT!),
    async stop() {
      await Promise.all([sandbox.stop(), github.stop()]);
    },
  };
}
