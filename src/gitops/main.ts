#!/usr/bin/env node
/** `node dist/gitops/main.js plan-pr | apply-main`: what the GitOps workflows run. */

import { runGitops } from './run.js';

process.exitCode = await runGitops(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.env.GITHUB_WORKSPACE || process.cwd(),
});
