/**
 * Diagnostics as a person reads them, in Terraform's layout: severity and summary, where in which
 * file with the offending line and a marker under it, then the detail.
 */

import type { Paint } from '../render/paint.js';
import { escapeControls } from '../render/safe-text.js';
import { formatPath, type Diagnostic } from './diagnostic.js';
import type { SourceFile } from './source.js';

export interface RenderOptions {
  paint: Paint;
  /** Sources by path, to show the offending line. */
  sources?: ReadonlyMap<string, SourceFile>;
}

/** The most of one source line shown under a diagnostic. */
const MAX_EXCERPT = 120;

export function renderDiagnostic(d: Diagnostic, options: RenderOptions): string {
  const { paint } = options;
  const label = d.severity === 'error' ? paint.bold(paint.red('Error:')) : paint.bold(paint.yellow('Warning:'));
  const out: string[] = [`${label} ${paint.bold(escapeControls(d.summary))}`, ''];

  // A key or a file name may hold control or bidi characters too: shown escaped, like the rest.
  const where = d.path && d.path.length > 0 ? `, in ${escapeControls(formatPath(d.path))}` : '';
  const file = d.file === undefined ? undefined : escapeControls(d.file);
  if (d.file && d.range) {
    const { line, column } = d.range.start;
    out.push(`  on ${file} line ${line}, column ${column}${where}:`);
    const source = options.sources?.get(d.file);
    if (source) {
      const full = source.line(line);
      const width = d.range.end.line === line ? Math.max(1, d.range.end.column - column) : Math.max(1, full.length - column + 1);
      // A long line is shown as a window around the column (a minified spec has lines of megabytes).
      const start = full.length <= MAX_EXCERPT ? 0 : Math.max(0, Math.min(column - 1 - 40, full.length - MAX_EXCERPT));
      const text = `${start > 0 ? '…' : ''}${full.slice(start, start + MAX_EXCERPT)}${start + MAX_EXCERPT < full.length ? '…' : ''}`;
      const prefix = `  ${line}: `;
      out.push(`${prefix}${escapeControls(text)}`);
      // The caret under the character as shown: an escaped control takes several columns.
      const lead = `${start > 0 ? '…' : ''}${escapeControls(full.slice(start, Math.max(start, column - 1)))}`;
      const marked = escapeControls(full.slice(column - 1, column - 1 + width)).length;
      const marker = ' '.repeat(prefix.length + lead.length) + '^'.repeat(Math.max(1, Math.min(marked, MAX_EXCERPT)));
      out.push(d.severity === 'error' ? paint.red(marker) : paint.yellow(marker));
    }
    out.push('');
  } else if (d.file) {
    out.push(`  in ${file}${where}`, '');
  } else if (where) {
    out.push(`  in ${escapeControls(formatPath(d.path!))}`, '');
  }
  if (d.address) out.push(`  (${escapeControls(d.address)})`, '');
  out.push(escapeControls(d.detail));
  return out.join('\n');
}

/** Every diagnostic, separated by blank lines, ending with a newline. */
export function renderDiagnostics(diagnostics: readonly Diagnostic[], options: RenderOptions): string {
  if (diagnostics.length === 0) return '';
  return diagnostics.map((d) => renderDiagnostic(d, options)).join('\n\n') + '\n';
}

/** `file:line:column: severity: summary: detail` — one line each, for logs and editors. */
export function renderDiagnosticLine(d: Diagnostic): string {
  const at = d.file ? (d.range ? `${d.file}:${d.range.start.line}:${d.range.start.column}: ` : `${d.file}: `) : '';
  return escapeControls(`${at}${d.severity}: ${d.summary}: ${d.detail.replace(/\s*\n\s*/g, ' ')}`);
}
