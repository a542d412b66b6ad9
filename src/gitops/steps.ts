/**
 * The two things the workflows do, as code the tests run: `plan-pr` (validate, plan, post the
 * sticky comment, summary and outputs) and `apply-main` (check main has not moved on, plan
 * again, apply, summary). Both run the real `haloform` commands in-process; exit codes map to
 * the check: errors fail it, changes do not.
 */

import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { runCli } from '../cli/cli.js';
import type { Output } from '../cli/io.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { Plan } from '../plan/plan.js';
import { MARKDOWN_MARKER } from '../render/plan-markdown.js';
import { parseApplyOutput, renderApplySummary } from './apply-summary.js';
import { planComment, planNotRunComment, trailer, validateFailedComment } from './comment.js';
import { GitHubApi, GitHubApiError, parseRepository, type RepoRef } from './github-api.js';
import { ensureStickyComment } from './pr-comment.js';
import { annotation, appendOutput, appendSummary, diagnosticAnnotation, group } from './workflow-commands.js';

/** What a step may touch, passed in so tests run it in-process against fakes. */
export interface StepIo {
  stdout: Output;
  stderr: Output;
  /** The job's environment: GITHUB_*, the spec's secrets, HALOFORM_CONFIG. */
  env: Readonly<Record<string, string | undefined>>;
  /** The checkout (GITHUB_WORKSPACE). */
  cwd: string;
  fetch?: typeof fetch;
  /** Waits between GitHub API retries. */
  delay?: (ms: number) => Promise<void>;
}

/** The spec the workflows plan, unless HALOFORM_CONFIG (a repository variable) says otherwise. */
export const DEFAULT_CONFIG = 'config/haloform.yaml';

/** The saved plan, uploaded as the run's artifact. */
export const PLAN_FILE = 'plan.json';

const UNSET_VARIABLES = /^Environment variables? not set$/;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** One step's shared state: settings from the environment, a redacting log, the runner files. */
class Step {
  readonly config: string;
  readonly #secrets: string[];

  constructor(readonly io: StepIo) {
    this.config = io.env.HALOFORM_CONFIG || DEFAULT_CONFIG;
    this.#secrets = secretValues(io.env);
  }

  /** Never a secret in the log, the comment, the summary or an output (STYLE.md, Errors). */
  redact(text: string): string {
    let out = text;
    for (const secret of this.#secrets) out = out.split(secret).join('***');
    return out;
  }

  log(text: string): void {
    this.io.stdout.write(this.redact(text.endsWith('\n') ? text : `${text}\n`));
  }

  fail(message: string): number {
    this.io.stderr.write(`${this.redact(annotation('error', message, { title: 'haloform' }))}\n`);
    return 1;
  }

  summary(markdown: string): void {
    appendSummary(this.io.env.GITHUB_STEP_SUMMARY, this.redact(markdown));
  }

  output(name: string, value: string): void {
    appendOutput(this.io.env.GITHUB_OUTPUT, name, this.redact(value));
  }

  /** A `haloform` command, run as the CLI runs it, its output captured and echoed to the log. */
  async haloform(argv: string[], options: { echo?: boolean } = {}): Promise<Run> {
    let stdout = '';
    let stderr = '';
    const code = await runCli([...argv, '--no-color'], {
      stdout: { write: (s: string) => (stdout += s) },
      stderr: { write: (s: string) => (stderr += s) },
      env: this.io.env,
      cwd: this.io.cwd,
      waitForSignal: () => new Promise<string>(() => {}),
    });
    if (options.echo !== false) this.log(group(`haloform ${argv.join(' ')} (exit ${code})`, `${stdout}${stderr}`));
    return { code, stdout, stderr };
  }

  /** `haloform validate`: its exit code, and its diagnostics (from the JSON form) for annotations and the comment. */
  async validate(): Promise<{ code: number; diagnostics: Diagnostic[] }> {
    const shown = await this.haloform(['validate', '-c', this.config]);
    const json = await this.haloform(['validate', '-c', this.config, '--format', 'json'], { echo: false });
    let diagnostics: Diagnostic[] = [];
    try {
      diagnostics = (JSON.parse(json.stdout) as { diagnostics: Diagnostic[] }).diagnostics;
    } catch {
      // A spec that cannot be read at all: the text output above says why.
    }
    for (const d of diagnostics) if (!UNSET_VARIABLES.test(d.summary)) this.log(diagnosticAnnotation(d));
    return { code: shown.code, diagnostics };
  }

  /** `haloform plan --format markdown --out plan.json --detailed-exitcode`, and the plan it saved. */
  async plan(): Promise<{ code: number; markdown: string; stderr: string; plan?: Plan }> {
    const run = await this.haloform(['plan', '-c', this.config, '--format', 'markdown', '--out', PLAN_FILE, '--detailed-exitcode']);
    const path = resolve(this.io.cwd, PLAN_FILE);
    const plan = run.stdout !== '' && existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Plan) : undefined;
    for (const d of [...(plan?.errors ?? []), ...(plan?.warnings ?? [])]) this.log(diagnosticAnnotation(d));
    return { code: run.code, markdown: run.stdout, stderr: run.stderr, ...(plan ? { plan } : {}) };
  }

  github(): { api: GitHubApi; repo: RepoRef } | string {
    const repo = parseRepository(this.io.env.GITHUB_REPOSITORY);
    if (!repo) return 'GITHUB_REPOSITORY is not set (owner/name); run this from a GitHub Actions workflow.';
    const token = this.io.env.GITHUB_TOKEN;
    if (!token) return 'GITHUB_TOKEN is not set; the workflow step needs env: GITHUB_TOKEN: ${{ github.token }}.';
    const api = new GitHubApi({
      baseUrl: this.io.env.GITHUB_API_URL || 'https://api.github.com',
      token,
      ...(this.io.fetch ? { fetch: this.io.fetch } : {}),
      ...(this.io.delay ? { delay: this.io.delay } : {}),
    });
    return { api, repo };
  }

  runUrl(): string | undefined {
    const { GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_RUN_ID } = this.io.env;
    return GITHUB_REPOSITORY && GITHUB_RUN_ID ? `${GITHUB_SERVER_URL || 'https://github.com'}/${GITHUB_REPOSITORY}/actions/runs/${GITHUB_RUN_ID}` : undefined;
  }
}

/**
 * plan.yml's step: validate, plan, post or update the one sticky comment, write the summary.
 * Exit 0 with or without changes; 1 when the spec or the plan has errors, or the comment could not be posted.
 */
export async function planPr(io: StepIo): Promise<number> {
  const step = new Step(io);
  const github = step.github();
  if (typeof github === 'string') return step.fail(github);
  const pr = readPullRequest(io.env.GITHUB_EVENT_PATH);
  if (typeof pr === 'string') return step.fail(pr);
  const commit = pr.headSha ?? io.env.GITHUB_SHA;
  const footer = trailer({ ...optional('commit', commit), ...optional('runUrl', step.runUrl()) }, { sticky: true });

  const validated = await step.validate();
  let body: string;
  let code: number;
  let changes = false;
  if (validated.code !== 0) {
    body = validateFailedComment(step.config, validated.diagnostics, footer);
    code = 1;
  } else {
    const planned = await step.plan();
    const specWarnings = validated.diagnostics.filter((d) => d.severity === 'warning' && !UNSET_VARIABLES.test(d.summary));
    body =
      planned.markdown.trim() === ''
        ? planNotRunComment(step.config, planned.stderr, footer)
        : planComment(planned.markdown, specWarnings, footer, planned.plan?.warnings ?? []);
    code = planned.code === 2 ? 0 : planned.code;
    changes = planned.code === 2;
  }
  body = step.redact(body);
  step.summary(body);
  step.output('exitcode', String(code));
  step.output('changes', String(changes));

  try {
    const posted = await ensureStickyComment(github.api, { repo: github.repo, issue: pr.number, marker: MARKDOWN_MARKER, body });
    step.output('comment-url', posted.comment.url ?? '');
    step.log(`The plan comment on pull request #${pr.number}: ${posted.action}${posted.comment.url ? ` (${posted.comment.url})` : ''}.`);
  } catch (e) {
    if (!(e instanceof GitHubApiError)) throw e;
    return step.fail(`The plan could not be posted on pull request #${pr.number}: ${e.message} The plan is in this run's summary.`);
  }
  if (code !== 0) step.log(annotation('error', `haloform found errors in ${step.config}: see the comment on pull request #${pr.number}.`, { title: 'haloform plan' }));
  return code;
}

/**
 * apply.yml's step: refuse to apply a commit whose spec main has since replaced, plan again
 * (main may have moved since the pull request's plan), apply exactly that plan, summarise.
 * Exit 0 when everything was written (or there was nothing to do), 1 otherwise. Re-running is
 * safe: the next plan starts from what Halo holds.
 */
export async function applyMain(io: StepIo): Promise<number> {
  const step = new Step(io);
  const github = step.github();
  if (typeof github === 'string') return step.fail(github);
  const sha = io.env.GITHUB_SHA;
  const branch = io.env.GITHUB_REF_NAME;
  if (!sha || !branch) return step.fail('GITHUB_SHA and GITHUB_REF_NAME are not set; run this from a GitHub Actions workflow.');
  const footer = trailer({ commit: sha, ...optional('runUrl', step.runUrl()) }, { sticky: false });

  let current: Currency;
  try {
    current = await specIsCurrent(github.api, github.repo, sha, branch, step.config);
  } catch (e) {
    if (!(e instanceof GitHubApiError)) throw e;
    return step.fail(`Could not check that ${branch} still holds this commit's spec: ${e.message} Nothing was applied.`);
  }
  if (current.verdict !== 'current') {
    const why =
      current.verdict === 'superseded'
        ? `${branch} has moved on to ${current.head.slice(0, 7)}, which changes the spec (${current.files.slice(0, 5).join(', ')}); the apply run of that commit applies it. Nothing was applied here, so an old spec never overwrites a newer one.`
        : `${branch} (${current.head.slice(0, 7)}) no longer contains this commit (history was rewritten). Nothing was applied.`;
    step.summary(`### ⏭️ haloform apply skipped\n\n${why}\n\n${footer}\n`);
    step.output('result', 'skipped');
    if (current.verdict === 'superseded') {
      step.log(annotation('notice', why, { title: 'haloform apply skipped' }));
      return 0;
    }
    return step.fail(why);
  }

  const validated = await step.validate();
  if (validated.code !== 0) {
    step.summary(validateFailedComment(step.config, validated.diagnostics, footer).replace(`${MARKDOWN_MARKER}\n`, ''));
    step.output('result', 'invalid');
    return step.fail(`${step.config} does not validate; nothing was applied. See the run summary.`);
  }
  const planned = await step.plan();
  if (planned.code === 1 || !planned.plan) {
    step.summary(
      (planned.markdown.trim() === '' ? planNotRunComment(step.config, planned.stderr, footer) : `${planned.markdown.trim()}\n\n${footer}\n`).replace(`${MARKDOWN_MARKER}\n`, ''),
    );
    step.output('result', 'plan-failed');
    return step.fail('The plan has errors; nothing was applied. See the run summary.');
  }

  const applied = await step.haloform(['apply', PLAN_FILE, '-c', step.config, '--auto-approve', '--format', 'json']);
  const output = parseApplyOutput(applied.stdout);
  const problems = output.events.filter((e) => e.status !== 'done');
  for (const e of problems) step.log(annotation('error', `${e.address} (${e.name}): ${e.message ?? e.status}`, { title: `haloform apply: ${e.action} ${e.status}` }));
  step.summary(renderApplySummary({ config: step.config, output, stderr: applied.stderr, planMarkdown: planned.markdown.replace(`${MARKDOWN_MARKER}\n`, ''), trailer: footer }));
  const ok = applied.code === 0 && output.totals?.ok === true;
  step.output('result', ok ? 'applied' : 'failed');
  step.output('exitcode', String(ok ? 0 : 1));
  if (!ok) {
    return step.fail(
      output.totals
        ? `haloform apply: ${output.totals.failed} failed and ${output.totals.skipped} skipped; everything else was written. Fix the cause and re-run this workflow.`
        : `haloform apply stopped before writing: ${applied.stderr.trim().split('\n')[0] ?? ''}`,
    );
  }
  return 0;
}

type Currency = { verdict: 'current' } | { verdict: 'superseded'; head: string; files: string[] } | { verdict: 'rewritten'; head: string };

/**
 * Whether the branch still holds this commit's spec. GitHub re-runs a failed run at its own
 * commit; re-running an old apply after a newer spec was merged would put the old one back.
 */
export async function specIsCurrent(api: GitHubApi, repo: RepoRef, sha: string, branch: string, config: string): Promise<Currency> {
  const compared = await api.request<{ status?: unknown; files?: { filename?: unknown }[]; commits?: { sha?: unknown }[] }>(
    'GET',
    `repos/${repo.owner}/${repo.repo}/compare/${sha}...${encodeURIComponent(branch)}`,
  );
  const head = (compared.commits ?? []).map((c) => c.sha).filter((s): s is string => typeof s === 'string').at(-1) ?? sha;
  if (compared.status === 'identical') return { verdict: 'current' };
  if (compared.status !== 'ahead') return { verdict: 'rewritten', head };
  const files = (compared.files ?? []).map((f) => f.filename).filter((f): f is string => typeof f === 'string');
  // GitHub lists at most 300 files: a longer list may hide the spec, so it counts as changed.
  const touched = files.length >= 300 ? files : files.filter((f) => f === config || f.startsWith('config/') || f.startsWith('schema/'));
  return touched.length > 0 ? { verdict: 'superseded', head, files: touched } : { verdict: 'current' };
}

/** The pull request's number and head commit, from the event payload GitHub writes for the job. */
export function readPullRequest(eventPath: string | undefined): { number: number; headSha?: string } | string {
  if (!eventPath) return 'GITHUB_EVENT_PATH is not set; plan-pr runs in a workflow triggered by pull_request.';
  let event: { number?: unknown; pull_request?: { number?: unknown; head?: { sha?: unknown } } };
  try {
    event = JSON.parse(readFileSync(eventPath, 'utf8')) as typeof event;
  } catch (e) {
    return `The event payload ${eventPath} could not be read: ${(e as Error).message}`;
  }
  const number = event.pull_request?.number ?? event.number;
  if (typeof number !== 'number') return 'This run was not triggered by a pull request (the event has no pull_request.number); plan-pr comments on pull requests only.';
  const headSha = event.pull_request?.head?.sha;
  return typeof headSha === 'string' ? { number, headSha } : { number };
}

/** Values of the job's secret-looking variables (GITHUB_TOKEN, *_SECRET, *_PASSWORD, …), longest first. */
export function secretValues(env: Readonly<Record<string, string | undefined>>): string[] {
  const values = Object.entries(env)
    .filter(([name, value]) => value !== undefined && value.length >= 8 && /SECRET|TOKEN|PASSWORD|PRIVATE|API_KEY|CREDENTIAL/i.test(name))
    .map(([, value]) => value!);
  return [...new Set(values)].sort((a, b) => b.length - a.length);
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, string>);
}

/**
 * sync.yml's step: one converge cycle (`haloform sync`), its report in the run summary. Changes
 * held for a reviewed apply are a notice, not a failure; a plan with errors or a failed write
 * fails the run.
 */
export async function syncScheduled(io: StepIo): Promise<number> {
  const step = new Step(io);
  const run = await step.haloform(['sync', '-c', step.config, '--format', 'markdown', '--detailed-exitcode']);
  const firstLine = run.stderr.trim().split('\n').find((l) => l.trim() !== '') ?? `exit ${run.code}`;
  step.summary(run.stdout.trim() === '' ? `### haloform sync\n\nThe cycle did not run: ${firstLine}\n` : run.stdout);
  step.output('result', run.code === 0 ? 'converged' : run.code === 2 ? 'held' : 'failed');
  if (run.code === 2) {
    step.log(annotation('notice', 'Changes are held for a reviewed apply; the run summary lists them.', { title: 'haloform sync' }));
    return 0;
  }
  return run.code === 0 ? 0 : step.fail(`haloform sync did not finish: ${firstLine} See the run summary.`);
}
