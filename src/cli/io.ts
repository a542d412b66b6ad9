/** What a command may touch of the outside world, passed in so commands run in-process in tests. */

export interface Output {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface Io {
  stdout: Output;
  stderr: Output;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** Resolves with the signal's name when the process is asked to stop (SIGINT, SIGTERM). */
  waitForSignal(): Promise<string>;
  /** Calls `listener` on every SIGHUP until the returned function is called; absent where there are no signals (tests). */
  onHangup?(listener: () => void): () => void;
  /** The heap bound serve runs under, in MiB, when it runs in its bounded worker (src/cli/heap-bound.ts). */
  heapBoundMb?: number;
  /** Asks a question on the terminal; undefined when there is no terminal to ask on. */
  prompt?(question: string): Promise<string>;
}

export function processIo(): Io {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    onHangup: (listener) => {
      process.on('SIGHUP', listener);
      return () => process.off('SIGHUP', listener);
    },
    waitForSignal: () =>
      new Promise((resolve) => {
        const done = (signal: string) => {
          process.off('SIGINT', onInt);
          process.off('SIGTERM', onTerm);
          resolve(signal);
        };
        const onInt = () => done('SIGINT');
        const onTerm = () => done('SIGTERM');
        process.once('SIGINT', onInt);
        process.once('SIGTERM', onTerm);
      }),
    ...(process.stdin.isTTY
      ? {
          prompt: async (question: string) => {
            const { createInterface } = await import('node:readline/promises');
            const rl = createInterface({ input: process.stdin, output: process.stderr });
            try {
              return await rl.question(question);
            } finally {
              rl.close();
            }
          },
        }
      : {}),
  };
}
