/**
 * The workflows' steps, run locally as the workflows run them (`plan-pr`, `apply-main`) against
 * the sandbox over HTTP and a fake GitHub: the comment, plan.json, the run summary, the outputs,
 * the exit codes — and that no secret turns up in any of them.
 */

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runGitops } from '../../src/gitops/run.js';
import type { Plan } from '../../src/plan/plan.js';
import { MARKDOWN_MARKER } from '../../src/render/plan-markdown.js';
import { cli } from '../helpers/cli.js';
import { writes } from '../helpers/sandbox.js';
import { startJob, type Job } from './harness.js';

const jobs: Job[] = [];
afterEach(async () => {
  await Promise.all(jobs.splice(0).map((j) => j.stop()));
});

async function job(options: Parameters<typeof startJob>[0] = {}): Promise<Job> {
  const j = await startJob(options);
  jobs.push(j);
  return j;
}

const SPEC = 'config/haloform.yaml';

function editSpec(j: Job, edit: (text: string) => string): void {
  const path = join(j.dir, SPEC);
  writeFileSync(path, edit(readFileSync(path, 'utf8')));
}

/** The 1-based line of the spec that holds the text (the demo spec changes; its line numbers are not fixed). */
function lineOf(j: Job, text: string): number {
  const line = readFileSync(join(j.dir, SPEC), 'utf8').split('\n').findIndex((l) => l.includes(text));
  if (line === -1) throw new Error(`${text} is not in the spec`);
  return line + 1;
}

function comments(j: Job, pr = 12): string[] {
  return (j.github.comments.get(pr) ?? []).map((c) => c.body);
}

describe('plan-pr', () => {
  it('posts the plan as one comment, saves plan.json, and edits the same comment on the next push', async () => {
    const j = await job();
    j.github.seed(12, 'Please review the new mapping');

    const first = await j.run('plan-pr');
    const firstComment = comments(j)[1]!;
    const plan = JSON.parse(readFileSync(join(j.dir, 'plan.json'), 'utf8')) as Plan;
    // The next push maps Fabrikam to the client Halo already has.
    editSpec(j, (t) => t.replace('      unmappedLocations: main-site\n', '      unmappedLocations: main-site\n    - organisation: Fabrikam Inc\n      client: "Fabrikam, Inc."\n'));
    const second = await j.run('plan-pr');

    expect(first.stderr).toBe('');
    expect([first.code, second.code]).toEqual([0, 0]);
    expect(plan.formatVersion).toBe(2);
    expect(firstComment.startsWith(`${MARKDOWN_MARKER}\n### haloform plan: ${plan.summary.create} to create, ${plan.summary.adopt} to adopt`)).toBe(true);
    expect(firstComment).toContain('**Similar Halo client exists** — `client["Fabrikam Inc"]`');
    expect(firstComment).toContain('<sub>Reproduce locally: `haloform plan -c config/haloform.yaml`');
    expect(firstComment).toContain('full plan: the plan.json artifact of this run');
    expect(firstComment).toContain('<sub>Planned at f00dfee · [workflow run](https://github.example/acme/msp-config/actions/runs/4242) (artifact plan.json) · this comment is updated in place on every push</sub>');
    // Still two comments: the reviewer's and haloform's, edited in place.
    const after = comments(j);
    expect(after).toHaveLength(2);
    expect(after[0]).toBe('Please review the new mapping');
    expect(after[1]).not.toBe(firstComment);
    expect(after[1]).not.toContain('Similar Halo client exists** — `client["Fabrikam Inc"]`');
    expect(after[1]).toContain('! client["Fabrikam, Inc."] adopt');
    expect(first.stdout).toContain('The plan comment on pull request #12: created (https://github.example/acme/msp-config/pull/12#issuecomment-');
    expect(second.stdout).toContain('The plan comment on pull request #12: updated');
    expect(j.github.requests.filter((r) => !r.startsWith('GET'))).toEqual([
      'POST /repos/acme/msp-config/issues/12/comments',
      `PATCH /repos/acme/msp-config/issues/comments/${j.github.comments.get(12)![1]!.id}`,
    ]);
    expect(j.github.unexpected).toEqual([]);
    // Planning wrote nothing anywhere.
    expect(writes(j.sandbox)).toEqual([]);
  });

  it('puts the comment in the run summary and sets the outputs', async () => {
    const j = await job();

    await j.run('plan-pr');

    expect(j.summary()).toBe(comments(j)[0]);
    expect(j.outputs()).toBe(`exitcode=0\nchanges=true\ncomment-url=${j.github.comments.get(12)![0]!.html_url}\n`);
  });

  it('shows the spec warnings that validate finds among the plan warnings, marked on their lines', async () => {
    const j = await job();
    editSpec(j, (t) => t.replace('    NMS_ROUTER: Network Device\n', '    NMS_RUOTER: Network Device\n'));

    const run = await j.run('plan-pr');

    const comment = comments(j)[0]!;
    const line = lineOf(j, 'NMS_RUOTER');
    expect(run.code).toBe(0);
    const unknown = comment.indexOf(`> **Unknown node class** — \`config/haloform.yaml:${line}\`: NMS_RUOTER is not a NinjaOne node class haloform knows. Did you mean "NMS_ROUTER"?`);
    expect(unknown).toBeGreaterThan(comment.indexOf('| **total** |'));
    expect(unknown).toBeLessThan(comment.indexOf('**Unmapped locations**'));
    expect(run.stdout).toContain(`::warning file=config/haloform.yaml,line=${line},col=5,title=Unknown node class::NMS_RUOTER is not a NinjaOne node class`);
  });

  it('fails the check on a spec that does not validate, with the error in the comment and on its line', async () => {
    const j = await job();
    editSpec(j, (t) => t.replace('  ticketType: Alert', '  ticketTyp: Alert'));

    const run = await j.run('plan-pr');

    const line = lineOf(j, 'ticketTyp:');
    expect(run.code).toBe(1);
    const [comment] = comments(j);
    expect(comment).toContain(`${MARKDOWN_MARKER}\n### ❌ haloform validate: config/haloform.yaml has 1 error\n\nNothing was planned.`);
    expect(comment).toContain(`> [!CAUTION]\n> **Unknown key** — \`config/haloform.yaml:${line}\`: "ticketTyp" is not a valid key in alerts. Did you mean "ticketType"?`);
    expect(run.stdout).toContain(`::error file=config/haloform.yaml,line=${line},col=3,title=Unknown key::"ticketTyp" is not a valid key in alerts.`);
    expect(existsSync(join(j.dir, 'plan.json'))).toBe(false);
    expect(j.outputs()).toContain('exitcode=1\nchanges=false\n');
    expect(j.sandbox.halo.server.requests()).toEqual([]);
  });

  it('fails the check when the plan has errors, and the comment says what they are', async () => {
    const j = await job();

    // The demo spec falls back to the public sandbox secret, which this sandbox does not take.
    const run = await j.run('plan-pr', { HALO_CLIENT_SECRET: 'not-the-right-one' });

    expect(run.code).toBe(1);
    const [comment] = comments(j);
    expect(comment).toContain('### ❌ haloform plan failed: 1 error');
    expect(comment).toContain('**Halo could not be read**');
    expect(comment).toContain('Nothing will be changed until the errors are fixed.');
    expect(run.stdout).toContain('::error title=Halo could not be read::');
    expect(run.stdout).toContain('::error title=haloform plan::haloform found errors in config/haloform.yaml: see the comment on pull request #12.');
  });

  it('says which repository secret is missing when the plan cannot start', async () => {
    const j = await job();
    editSpec(j, (t) => t.replace('${HALO_CLIENT_SECRET:-sandbox-secret}', '${HALO_CLIENT_SECRET}'));
    const env = { ...j.env };
    delete env.HALO_CLIENT_SECRET;

    const run = await runGitops(['plan-pr'], { stdout: { write: () => true }, stderr: { write: () => true }, env, cwd: j.dir });

    expect(run).toBe(1);
    const [comment] = comments(j);
    expect(comment).toContain('### ❌ haloform plan could not run');
    expect(comment).toContain('HALO_CLIENT_SECRET is not set.');
    expect(comment).toContain('add them as repository secrets and pass them in the workflow\'s `env:`');
  });

  it('fails when GitHub refuses the comment, with the plan still in the run summary', async () => {
    const j = await job();
    j.github.failNext('POST', 403);

    const run = await j.run('plan-pr');

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('::error title=haloform::The plan could not be posted on pull request #12: GitHub API POST /repos/acme/msp-config/issues/12/comments failed (HTTP 403)');
    expect(j.summary()).toContain('### haloform plan:');
    expect(comments(j)).toEqual([]);
  });

  it.each([
    ['no token', { GITHUB_TOKEN: '' }, 'GITHUB_TOKEN is not set'],
    ['no pull request', { GITHUB_EVENT_PATH: '' }, 'GITHUB_EVENT_PATH is not set'],
  ])('refuses to run with %s', async (_name, env, message) => {
    const j = await job({ devices: 5 });

    const run = await j.run('plan-pr', env);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain(message);
    expect(j.github.requests).toEqual([]);
  });
});

describe('apply-main', () => {
  it('plans again, applies, and shows the result; the next plan is empty', async () => {
    const j = await job();

    const run = await j.run('apply-main');
    const summary = j.summary();
    const again = await cli(['plan', '-c', SPEC, '--detailed-exitcode'], { env: j.env, cwd: j.dir });
    const second = await j.run('apply-main');

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(summary).toMatch(/^### ✅ haloform apply complete: \d+ created, \d+ adopted, \d+ updated, 0 deactivated\n/);
    expect(summary).toContain('<details><summary>The plan this run applied</summary>\n\n### haloform plan:');
    expect(summary).toContain('<sub>Planned at c0ffee0 · [workflow run](https://github.example/acme/msp-config/actions/runs/4242) (artifact plan.json)</sub>');
    expect(j.outputs()).toBe('result=applied\nexitcode=0\nresult=applied\nexitcode=0\n');
    expect(again.code).toBe(0);
    expect(second.code).toBe(0);
    expect(j.summary().slice(summary.length)).toMatch(/^### ✅ haloform apply: nothing to change, Halo already matches the spec\n/);
    expect(j.github.requests).toEqual(Array(2).fill(`GET /repos/acme/msp-config/compare/${'c0ffee00'.repeat(5)}...main`));
  });

  it('fails with every failure listed, and a re-run after the fix finishes the job without duplicates', async () => {
    const j = await job();
    // Halo answers every asset POST with a 500 (a POST that may have been applied is not retried).
    j.sandbox.halo.server.faults.set([{ route: '/api/Asset', method: 'POST', errorRate: 1 }]);
    const devices = j.sandbox.data.ninjaone.devices;

    const failed = await j.run('apply-main');
    const failedSummary = j.summary();
    const failedOutputs = j.outputs();
    j.sandbox.halo.server.faults.clear();
    const rerun = await j.run('apply-main');
    const again = await cli(['plan', '-c', SPEC, '--detailed-exitcode'], { env: j.env, cwd: j.dir });

    expect(failed.code).toBe(1);
    const rows = failedSummary.split('\n').filter((l) => l.startsWith('| ✗ failed | `asset["ninja:'));
    expect(failedSummary).toMatch(new RegExp(`^### ❌ haloform apply: ${rows.length} failed, 0 skipped — \\d+ created`));
    expect(rows.length).toBeGreaterThan(devices.length / 2);
    expect(rows[0]).toMatch(/^\| ✗ failed \| `asset\["ninja:\d+"\]` \S+ \((create|adopt)\) \| .*500/);
    expect(failedSummary).toContain('Fix the cause, then **re-run this workflow**');
    expect(failed.stdout).toMatch(/::error title=haloform apply%3A (create|adopt) failed::asset\["ninja:\d+"\]/);
    expect(failed.stderr).toContain(`::error title=haloform::haloform apply: ${rows.length} failed and 0 skipped; everything else was written. Fix the cause and re-run this workflow.`);
    expect(failedOutputs).toContain('result=failed\nexitcode=1\n');
    expect(rerun.code).toBe(0);
    expect(again.code).toBe(0);
    const ids = j.sandbox.halo.control.state().assets.map((a) => a.ninjarmm_id).filter((id) => id !== undefined && id > 0);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(devices.length);
  });

  it('applies nothing when main has moved on to a newer spec (a re-run of an old run)', async () => {
    const j = await job();
    j.github.compare = { status: 'ahead', commits: ['b'.repeat(40)], files: ['README.md', 'config/haloform.yaml'] };

    const run = await j.run('apply-main');

    expect(run.code).toBe(0);
    expect(j.summary()).toContain('### ⏭️ haloform apply skipped\n\nmain has moved on to bbbbbbb, which changes the spec (config/haloform.yaml)');
    expect(run.stdout).toContain('::notice title=haloform apply skipped::');
    expect(j.outputs()).toBe('result=skipped\n');
    expect(j.sandbox.halo.server.requests()).toEqual([]);
  });

  it('applies when main has moved on without touching the spec', async () => {
    const j = await job({ devices: 5 });
    j.github.compare = { status: 'ahead', commits: ['b'.repeat(40)], files: ['README.md', 'src/cli/cli.ts'] };

    const run = await j.run('apply-main');

    expect(run.code).toBe(0);
    expect(j.outputs()).toContain('result=applied');
  });

  it('refuses when main no longer contains the commit', async () => {
    const j = await job({ devices: 5 });
    j.github.compare = { status: 'diverged', commits: ['d'.repeat(40)] };

    const run = await j.run('apply-main');

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('main (ddddddd) no longer contains this commit (history was rewritten). Nothing was applied.');
    expect(writes(j.sandbox)).toEqual([]);
  });

  it('fails on a spec that does not validate, writing nothing', async () => {
    const j = await job({ devices: 5 });
    editSpec(j, (t) => t.replace('  ticketType: Alert', '  ticketTyp: Alert'));

    const run = await j.run('apply-main');

    expect(run.code).toBe(1);
    expect(j.summary()).toContain('### ❌ haloform validate: config/haloform.yaml has 1 error');
    expect(j.summary()).not.toContain(MARKDOWN_MARKER);
    expect(writes(j.sandbox)).toEqual([]);
  });
});

describe('sync', () => {
  it('runs one converge cycle: the applied changes and the held ones in the run summary, held ones a notice', async () => {
    const j = await job();
    await j.run('apply-main');
    editSpec(j, (t) => t.replace('sync:\n  everyMinutes: 15', 'sync:\n  autoApply: [asset.create]'));
    const devices = j.sandbox.data.ninjaone.devices;
    j.sandbox.ninjaone.control.deleteDevice(devices[3]!.id);
    const added = j.sandbox.ninjaone.control.addDevice({ organizationId: devices[0]!.organizationId, locationId: devices[0]!.locationId, nodeClass: 'WINDOWS_WORKSTATION', displayName: 'SCHEDULED-01' });
    const before = j.summary().length;

    const run = await j.run('sync');
    const summary = j.summary().slice(before);

    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(summary).toContain('### haloform sync');
    expect(summary).toContain('1 created, 0 adopted, 0 updated, 0 deactivated; **1 held** for a reviewed apply.');
    expect(summary).toContain(`| deactivate | \`asset["ninja:${devices[3]!.id}"]\` |`);
    expect(run.stdout).toContain('::notice title=haloform sync::Changes are held for a reviewed apply');
    expect(j.outputs().endsWith('result=held\n')).toBe(true);
    expect(j.sandbox.halo.control.state().assets.some((a) => a.ninjarmm_id === added.id)).toBe(true);
  });

  it('fails the run when the cycle cannot plan, saying why in the summary', async () => {
    const j = await job();
    editSpec(j, (t) => t.replace(/\n# Continuous sync[\s\S]*$/, '\n'));

    const run = await j.run('sync');

    expect(run.code).toBe(1);
    expect(j.summary()).toContain('The cycle did not run: Error: config/haloform.yaml has no sync: section');
    expect(run.stderr).toContain('::error title=haloform::haloform sync did not finish');
    expect(j.outputs()).toBe('result=failed\n');
  });
});

describe('secrets', () => {
  it('never appear in the comment, plan.json, the summary, the outputs or the log', async () => {
    const j = await job();
    // Failures as well as successes: error paths are where secrets usually slip out.
    const runs = [
      await j.run('plan-pr'),
      await j.run('plan-pr', { HALO_CLIENT_SECRET: `${j.env.HALO_CLIENT_SECRET}-wrong` }),
      await j.run('apply-main'),
      await j.run('plan-pr'),
    ];
    j.sandbox.halo.server.faults.set([{ route: '/api/Asset', method: 'POST', errorRate: 1 }]);
    editSpec(j, (t) => t.replace('    - { to: Model,            from: system.model }\n', ''));
    runs.push(await j.run('apply-main'));

    const everything = [
      ...runs.flatMap((r) => [r.stdout, r.stderr]),
      ...comments(j),
      readFileSync(join(j.dir, 'plan.json'), 'utf8'),
      j.summary(),
      j.outputs(),
      ...j.github.requests,
    ].join('\n');
    expect(everything).toContain('### haloform plan:');
    expect(everything).toContain('ninja_webhook');
    for (const secret of j.secrets) expect(everything, 'a secret leaked').not.toContain(secret);
  });
});

describe('the entry the workflows call', () => {
  it.each([
    [[], 1, 'No step given.'],
    [['plan'], 1, 'Unknown step "plan".'],
  ])('%j exits %i with the usage', async (argv, code, message) => {
    let stderr = '';

    const exit = await runGitops(argv, { stdout: { write: () => true }, stderr: { write: (s: string) => (stderr += s) }, env: {}, cwd: '.' });

    expect(exit).toBe(code);
    expect(stderr).toContain(message);
    expect(stderr).toContain('Usage: node dist/gitops/main.js <step>');
  });
});
