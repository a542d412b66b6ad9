/**
 * No output shows a secret, wherever it landed in the spec (issue 14 rows 2–3): the webhook
 * secret in a notification-channel URL's `?token=`, a password in a URL's userinfo, the API
 * secrets — in validate, in plan as text, markdown and JSON, in the saved plan file and in apply.
 */

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { cli } from '../helpers/cli.js';
import { halo, tenant } from '../golden/kit.js';

const WEBHOOK_SECRET = 'canary-webhook-5e1f0d9c7b3a';
const PASSWORD = 'canary-userinfo-pw-77aa';

const SPEC = `version: 1
connections:
  ninjaone:
    url: \${NINJAONE_URL}
    clientId: \${NINJAONE_CLIENT_ID}
    clientSecret: \${NINJAONE_CLIENT_SECRET}
  halo:
    url: \${HALO_URL}
    tenant: demo
    clientId: \${HALO_CLIENT_ID}
    clientSecret: \${HALO_CLIENT_SECRET}
assetTypes:
  unmapped: create
assets:
  fields:
    - { to: inventory_number, from: displayName }
alerts:
  ticketType: Alert
  webhook:
    publicUrl: "https://svc:\${HOOK_PASSWORD}@haloform.example.com/ninjaone/webhook?token=\${HALOFORM_WEBHOOK_SECRET}"
`;

const sandboxes: Sandbox[] = [];
afterEach(async () => {
  await Promise.all(sandboxes.splice(0).map((s) => s.stop()));
});

describe('secrets in outputs', () => {
  it('are hidden in validate, plan (every format and the saved file) and apply', async () => {
    const sandbox = await startSandbox({ data: { ninjaone: tenant(), halo: halo() } });
    sandboxes.push(sandbox);
    const dir = mkdtempSync(join(tmpdir(), 'haloform-secrets-'));
    writeFileSync(join(dir, 'spec.yaml'), SPEC);
    const env = { ...sandbox.env, HALOFORM_WEBHOOK_SECRET: WEBHOOK_SECRET, HOOK_PASSWORD: PASSWORD };
    const run = (argv: string[]) => cli(argv, { cwd: dir, env });

    const runs = [
      await run(['validate', '-c', 'spec.yaml']),
      await run(['validate', '-c', 'spec.yaml', '--format', 'json']),
      await run(['plan', '-c', 'spec.yaml']),
      await run(['plan', '-c', 'spec.yaml', '--format', 'markdown']),
      await run(['plan', '-c', 'spec.yaml', '--format', 'json', '--out', 'plan.json']),
      await run(['apply', 'plan.json']),
    ];
    const saved = readFileSync(join(dir, 'plan.json'), 'utf8');

    for (const [i, r] of runs.entries()) {
      for (const secret of [WEBHOOK_SECRET, PASSWORD, sandbox.ninjaone.clientSecret === 'sandbox-secret' ? 'never-matches' : sandbox.ninjaone.clientSecret]) {
        expect(r.stdout, `run ${i} stdout`).not.toContain(secret);
        expect(r.stderr, `run ${i} stderr`).not.toContain(secret);
      }
    }
    expect(saved).not.toContain(WEBHOOK_SECRET);
    expect(saved).not.toContain(PASSWORD);
    // Shown hidden, so a reviewer still sees where the secret goes.
    expect(runs[2]!.stdout).toContain('url = "https://svc:[redacted]@haloform.example.com/ninjaone/webhook?token=[redacted]"');
    // The plan applies (its hidden URL matches a fresh plan hidden the same way), and NinjaOne got the real
    // address (the simulator shows query values hidden, but the userinfo as sent).
    expect(runs[5]!.code, runs[5]!.stderr).toBe(0);
    expect(sandbox.ninjaone.control.webhooks()[0]?.url).toBe(`https://svc:${PASSWORD}@haloform.example.com/ninjaone/webhook?token=(sensitive)`);
  });

  it('a password written in a URL is refused like any plain-text secret, and not echoed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'haloform-secrets-'));
    writeFileSync(join(dir, 'spec.yaml'), SPEC.replace('url: ${HALO_URL}', `url: https://svc:${PASSWORD}@acme.halopsa.com`));

    const run = await cli(['validate', '-c', 'spec.yaml'], { cwd: dir, env: { NINJAONE_URL: 'https://eu.ninjarmm.com', HALOFORM_WEBHOOK_SECRET: WEBHOOK_SECRET, HOOK_PASSWORD: 'x'.repeat(8) } });

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Error: Secret written in the spec');
    expect(run.stderr).toContain('url: https://svc:[redacted]@acme.halopsa.com');
    expect(run.stderr + run.stdout).not.toContain(PASSWORD);
  });
});
