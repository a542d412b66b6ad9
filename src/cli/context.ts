/** What every command gets: the Io, colour decisions, and the diagnostic printer. */

import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { renderDiagnostics } from '../diagnostics/render.js';
import type { SourceFile } from '../diagnostics/source.js';
import { colourWanted, createPaint, type Paint } from '../render/paint.js';
import type { Io } from './io.js';

export interface CommandContext {
  io: Io;
  /** Colours for stdout and stderr, decided separately (one may be piped). */
  out: Paint;
  err: Paint;
  printDiagnostics(diagnostics: readonly Diagnostic[], sources?: readonly SourceFile[]): void;
}

export function createContext(io: Io, colorFlag: boolean | undefined): CommandContext {
  const out = createPaint(colourWanted({ flag: colorFlag, env: io.env, isTTY: io.stdout.isTTY === true }));
  const err = createPaint(colourWanted({ flag: colorFlag, env: io.env, isTTY: io.stderr.isTTY === true }));
  return {
    io,
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
