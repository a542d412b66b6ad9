/**
 * The workflows' entry, without the CLI (src/cli is for people): `plan-pr` in plan.yml,
 * `apply-main` in apply.yml, `sync` in sync.yml. Every `run:` step of those workflows is this,
 * `npm ci` or `npm run build`, so what they do is code the tests run (test/gitops).
 */

import { applyMain, planPr, syncScheduled, type StepIo } from './steps.js';

export const USAGE = `Usage: node dist/gitops/main.js <step>

Steps (run by .github/workflows/plan.yml, apply.yml and sync.yml; README, "Pull requests and CI"):
  plan-pr     validate, plan, post or update the pull request's plan comment, write the run summary
  apply-main  check the branch still holds this commit's spec, plan again, apply, write the run summary
  sync        one converge cycle of the spec's sync: section (haloform sync), its report in the run summary

Reads GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_EVENT_PATH, GITHUB_SHA, GITHUB_REF_NAME, GITHUB_API_URL,
GITHUB_STEP_SUMMARY, GITHUB_OUTPUT, HALOFORM_CONFIG (default config/haloform.yaml) and the spec's variables.
Exit 0: done (changes or not); 1: the spec, the plan, the apply or GitHub failed.
`;

/** The steps, as the workflows name them. */
export const STEPS = ['plan-pr', 'apply-main', 'sync'] as const;

export async function runGitops(argv: readonly string[], io: StepIo): Promise<number> {
  switch (argv[0]) {
    case 'plan-pr':
      return planPr(io);
    case 'apply-main':
      return applyMain(io);
    case 'sync':
      return syncScheduled(io);
    case '--help':
    case '-h':
      io.stdout.write(USAGE);
      return 0;
    default:
      io.stderr.write(`${argv[0] === undefined ? 'No step given.' : `Unknown step "${argv[0]}".`}\n\n${USAGE}`);
      return 1;
  }
}
