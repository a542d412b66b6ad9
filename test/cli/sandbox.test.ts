import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/cli.js';
import type { Io } from '../../src/cli/io.js';

/** Runs `haloform sandbox …`, calls `whileRunning` once it printed, then sends it SIGTERM. */
async function runSandbox(argv: string[], whileRunning: (stdout: string) => Promise<void>): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  let stop!: (signal: string) => void;
  const stopped = new Promise<string>((resolve) => (stop = resolve));
  let printed!: () => void;
  const ready = new Promise<void>((resolve) => (printed = resolve));
  const io: Io = {
    stdout: { write: (s: string) => ((stdout += s), printed(), true) },
    stderr: { write: (s: string) => ((stderr += s), true) },
    env: {},
    cwd: process.cwd(),
    waitForSignal: () => stopped,
  };
  const run = runCli(['sandbox', ...argv], io);
  await Promise.race([ready, run]);
  await whileRunning(stdout);
  stop('SIGTERM');
  const code = await run;
  return { code, stdout, stderr };
}

describe('haloform sandbox', () => {
  it('starts both simulators, prints where and how to log in, and stops on SIGTERM', async () => {
    let tokenStatus = 0;

    const run = await runSandbox(['--ninjaone-port', '0', '--halo-port', '0', '--devices', '30'], async (stdout) => {
      const url = /NinjaOne simulator\s+(http:\/\/\S+)/.exec(stdout)![1]!;
      const response = await fetch(`${url}/ws/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials&client_id=sandbox-ninjaone-client&client_secret=sandbox-secret&scope=monitoring',
      });
      tokenStatus = response.status;
    });

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('haloform sandbox is running — the demo MSP (seed 1, with the odd rows real tenants send): 6 organisations, 30 devices');
    expect(run.stdout).toContain('Halo request budget 300 per 300 s');
    expect(tokenStatus).toBe(200);
    expect(run.stderr).toContain('SIGTERM: stopping the sandbox.');
  });

  it('prints shell exports with --print-env', async () => {
    const run = await runSandbox(['--ninjaone-port', '0', '--halo-port', '0', '--devices', '5', '--print-env', '--halo-rate-limit', 'off'], async () => {});

    expect(run.stdout).toMatch(/^export NINJAONE_URL=http:\/\/127\.0\.0\.1:\d+\nexport NINJAONE_CLIENT_ID=sandbox-ninjaone-client\n/);
    expect(run.stdout).toContain('export HALO_CLIENT_SECRET=sandbox-secret');
  });

  it('says what to do when a port is taken', async () => {
    const { createServer } = await import('node:net');
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    let err = '';

    const code = await runCli(['sandbox', '--ninjaone-port', String(port), '--halo-port', '0'], {
      stdout: { write: () => true },
      stderr: { write: (s: string) => ((err += s), true) },
      env: {},
      cwd: process.cwd(),
      waitForSignal: () => new Promise(() => {}),
    });
    blocker.close();

    expect(code).toBe(1);
    expect(err).toContain(`Error: the sandbox could not start: listen EADDRINUSE: address already in use 127.0.0.1:${port}. Another program (perhaps another sandbox) uses that port`);
  });

  it('refuses a malformed rate limit', async () => {
    const run = await runCli(['sandbox', '--halo-rate-limit', '300 per 5min'], {
      stdout: { write: () => true },
      stderr: { write: (s: string) => ((stderrText += s), true) },
      env: {},
      cwd: process.cwd(),
      waitForSignal: () => new Promise(() => {}),
    });

    expect(run).toBe(1);
    expect(stderrText).toBe('Error: --halo-rate-limit "300 per 5min" is not <requests>/<seconds> (like 300/300) or off.\n');
  });
});

let stderrText = '';
