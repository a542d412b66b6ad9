/**
 * What a GitHub Actions step can say back to the runner: annotations (`::error file=…::`),
 * step outputs (GITHUB_OUTPUT), the run summary (GITHUB_STEP_SUMMARY) and folded log groups.
 * Formats: https://docs.github.com/actions/reference/workflow-commands-for-github-actions
 */

import { randomBytes } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { formatPath, type Diagnostic } from '../diagnostics/diagnostic.js';

export type AnnotationLevel = 'error' | 'warning' | 'notice';

export interface AnnotationProperties {
  file?: string;
  line?: number;
  col?: number;
  title?: string;
}

/** `::error file=config/haloform.yaml,line=41,title=Unknown key::…` — one line, whatever the message holds. */
export function annotation(level: AnnotationLevel, message: string, properties: AnnotationProperties = {}): string {
  const props = Object.entries(properties)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${k}=${escapeProperty(String(v))}`);
  return `::${level}${props.length > 0 ? ` ${props.join(',')}` : ''}::${escapeData(message)}`;
}

/** A diagnostic as an annotation: shown on the spec's line in the pull request's diff. */
export function diagnosticAnnotation(d: Diagnostic): string {
  const where = d.path && !d.range ? ` (in ${formatPath(d.path)})` : '';
  return annotation(d.severity === 'error' ? 'error' : 'warning', `${d.detail}${where}`, {
    ...(d.file ? { file: d.file } : {}),
    ...(d.file && d.range ? { line: d.range.start.line, col: d.range.start.column } : {}),
    title: d.address ? `${d.summary}: ${d.address}` : d.summary,
  });
}

/** Sets a step output; multi-line values through a delimiter no value can contain. */
export function appendOutput(file: string | undefined, name: string, value: string): void {
  if (!file) return;
  if (!value.includes('\n')) {
    appendFileSync(file, `${name}=${value}\n`);
    return;
  }
  const delimiter = `haloform_${randomBytes(12).toString('hex')}`;
  appendFileSync(file, `${name}<<${delimiter}\n${value}\n${delimiter}\n`);
}

/** Adds markdown to the run's summary page. */
export function appendSummary(file: string | undefined, markdown: string): void {
  if (file) appendFileSync(file, markdown.endsWith('\n') ? markdown : `${markdown}\n`);
}

/**
 * A folded section of the job log. Its text is echoed with workflow commands stopped, so a line
 * of the spec that starts with `::` cannot act as one.
 */
export function group(title: string, text: string): string {
  const body = text === '' || text.endsWith('\n') ? text : `${text}\n`;
  const resume = `haloform_${randomBytes(12).toString('hex')}`;
  return `::group::${escapeData(title)}\n::stop-commands::${resume}\n${body}::${resume}::\n::endgroup::\n`;
}

function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
