/** Running the CLI in-process, as a user would from a terminal (or a pipe). */

import { runCli } from '../../src/cli/cli.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function cli(
  argv: string[],
  options: { cwd?: string; env?: Record<string, string | undefined>; tty?: boolean; signal?: Promise<string>; answer?: string; /** Receives a function that sends SIGHUP to the running command. */ hangup?: (fire: () => void) => void } = {},
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: { write: (s: string) => (stdout += s), isTTY: options.tty ?? false },
    stderr: { write: (s: string) => (stderr += s), isTTY: options.tty ?? false },
    env: options.env ?? {},
    cwd: options.cwd ?? new URL('../../', import.meta.url).pathname,
    waitForSignal: () => options.signal ?? new Promise<string>(() => {}),
    ...(options.hangup
      ? {
          onHangup: (listener: () => void) => {
            let on = true;
            options.hangup!(() => on && listener());
            return () => (on = false);
          },
        }
      : {}),
    ...(options.answer !== undefined ? { prompt: async (q: string) => ((stderr += q), options.answer!) } : {}),
  });
  return { code, stdout, stderr };
}
