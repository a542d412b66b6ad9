/** What every command gets: the Io, colour decisions, and the diagnostic printer. */

import { environmentSecrets } from '../config/secret-values.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { Redactor } from '../http/redactor.js';
import { renderDiagnostics } from '../diagnostics/render.js';
import type { SourceFile } from '../diagnostics/source.js';
import { colourWanted, createPaint, type Paint } from '../render/paint.js';
import type { Io } from './io.js';

export interface CommandContext {
  /** Its stdout and stderr hide every secret `secrets` knows, wherever it lands in the text. */
  io: Io;
  /**
   * The secrets no output of the command may show: secret-named variables of the environment from
   * the start, each loaded spec's secret values as it loads (src/config/secret-values.ts). Plan
   * files and logs go through it too.
   */
  secrets: Redactor;
  /** Colours for stdout and stderr, decided separately (one may be piped). */
  out: Paint;
  err: Paint;
  printDiagnostics(diagnostics: readonly Diagnostic[], sources?: readonly SourceFile[]): void;
}

export function createContext(raw: Io, colorFlag: boolean | undefined): CommandContext {
  const secrets = new Redactor(environmentSecrets(raw.env), { patterns: false });
  const io = maskedIo(raw, secrets);
  const out = createPaint(colourWanted({ flag: colorFlag, env: io.env, isTTY: io.stdout.isTTY === true }));
  const err = createPaint(colourWanted({ flag: colorFlag, env: io.env, isTTY: io.stderr.isTTY === true }));
  return {
    io,
    secrets,
    out,
    err,
    printDiagnostics(diagnostics, sources = []) {
      if (diagnostics.length === 0) return;
      const map = new Map(sources.map((s) => [s.path, s]));
      io.stderr.write(`${renderDiagnostics(diagnostics, { paint: err, sources: map })}\n`);
    },
  };
}

/** "2 errors, 1 warning" */
export function countDiagnostics(diagnostics: readonly Diagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  const parts = [];
  if (errors > 0) parts.push(`${errors} error${errors === 1 ? '' : 's'}`);
  if (warnings > 0) parts.push(`${warnings} warning${warnings === 1 ? '' : 's'}`);
  return parts.join(', ');
}

/** The Io with every write to stdout and stderr passed through `secrets`. */
export function maskedIo(io: Io, secrets: Redactor): Io {
  const mask = (stream: Io['stdout']): Io['stdout'] => {
    const masked: Io['stdout'] & { once?: unknown } = {
      write: (text: string) => stream.write(secrets.redact(text)),
      ...(stream.isTTY !== undefined ? { isTTY: stream.isTTY } : {}),
    };
    // Back-pressure (plan JSON to a slow pipe) still reaches the real stream.
    const once = (stream as { once?: (event: string, listener: () => void) => unknown }).once;
    if (typeof once === 'function') masked.once = (event: string, listener: () => void) => once.call(stream, event, listener);
    return masked;
  };
  return { ...io, stdout: mask(io.stdout), stderr: mask(io.stderr) };
}
