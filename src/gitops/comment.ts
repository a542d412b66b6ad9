/**
 * The bodies the workflows post and summarise: the plan comment (the CLI's markdown, plus the
 * spec's own warnings and a line saying which commit and run it shows), and the comments for a
 * spec that does not validate or a plan that could not run. Pure.
 */

import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { diagnosticAlerts, MARKDOWN_MARKER } from '../render/plan-markdown.js';

/** GitHub refuses a comment over 65,536 characters. */
export const COMMENT_LIMIT = 65_536;

/** Which commit and run a comment or summary shows. */
export interface RunLink {
  /** The commit planned (the pull request's head, or the pushed commit on main). */
  commit?: string;
  /** The workflow run's page, where the artifact is. */
  runUrl?: string;
}

/** `config/haloform.yaml:41` for a located diagnostic, as the CLI's markdown shows it. */
export function locate(d: Diagnostic): string | undefined {
  return d.file && d.range ? `${d.file}:${d.range.start.line}` : undefined;
}

/**
 * The last line: which commit and run the text shows; for the pull-request comment, also that it
 * is kept up to date (so a reviewer knows an old push's plan is not lying around).
 */
export function trailer(link: RunLink, options: { sticky: boolean }): string {
  const parts = [
    ...(link.commit ? [`planned at ${link.commit.slice(0, 7)}`] : []),
    ...(link.runUrl ? [`[workflow run](${link.runUrl}) (artifact plan.json)`] : []),
    ...(options.sticky ? ['this comment is updated in place on every push'] : []),
  ];
  return parts.length === 0 ? '' : `<sub>${capitalise(parts.join(' · '))}</sub>`;
}

/**
 * The plan comment: the CLI's markdown with the spec's warnings (those `validate` reports, which
 * the plan does not repeat) placed among the plan's own, before the details, and the trailer.
 */
export function planComment(markdown: string, specWarnings: readonly Diagnostic[], footer: string, planWarnings: readonly Diagnostic[] = []): string {
  const seen = new Set(planWarnings.map((d) => `${d.summary}\n${d.detail}`));
  const extra = specWarnings.filter((d) => !seen.has(`${d.summary}\n${d.detail}`));
  const tail = footer ? `\n\n${footer}\n` : '\n';
  const lines = markdown.replace(/\n+$/, '').split('\n');
  const at = lines.findIndex((l) => /^(> \[!WARNING\]|> \[!NOTE\]|<details>|<sub>|Nothing will be changed)/.test(l));
  const insert = at === -1 ? lines.length : at;
  let alerts = diagnosticAlerts(extra, 'WARNING', locate);
  // The CLI keeps its markdown under GitHub's limit; spec warnings that would break it are counted, not shown.
  const room = COMMENT_LIMIT - markdown.length - tail.length - 200;
  let shown = extra.length;
  while (alerts.join('\n').length > room && shown > 0) {
    shown -= 1;
    alerts = diagnosticAlerts(extra.slice(0, shown), 'WARNING', locate);
  }
  if (shown < extra.length) alerts.push(`${extra.length - shown} more spec warnings did not fit: run \`haloform validate\` to see them.`, '');
  lines.splice(insert, 0, ...alerts);
  return `${lines.join('\n')}${tail}`;
}

/** The comment when the spec does not validate: nothing was planned. */
export function validateFailedComment(config: string, diagnostics: readonly Diagnostic[], footer: string): string {
  const errors = diagnostics.filter((d) => d.severity === 'error');
  const warnings = diagnostics.filter((d) => d.severity === 'warning');
  return [
    MARKDOWN_MARKER,
    `### ❌ haloform validate: ${config} has ${errors.length} error${errors.length === 1 ? '' : 's'}`,
    '',
    'Nothing was planned. Fix the spec and push again; each problem is also marked on its line in the diff.',
    '',
    ...diagnosticAlerts(errors, 'CAUTION', locate),
    ...diagnosticAlerts(warnings, 'WARNING', locate),
    `<sub>Reproduce locally: \`haloform validate -c ${config}\`</sub>`,
    ...(footer ? ['', footer] : []),
    '',
  ].join('\n');
}

/** The comment when `haloform plan` stopped before it could print a plan (an unset variable, a crash). */
export function planNotRunComment(config: string, output: string, footer: string): string {
  const text = output.trim() === '' ? 'haloform printed nothing.' : output.trim().slice(0, 20_000);
  const unset = /Environment variables? not set|Missing environment variable/.test(text)
    ? ['The spec reads variables this workflow does not have: add them as repository secrets and pass them in the workflow\'s `env:` (README, "Pull requests and CI").', '']
    : [];
  return [
    MARKDOWN_MARKER,
    '### ❌ haloform plan could not run',
    '',
    'Nothing was planned. What haloform said:',
    '',
    ...fenced(text),
    '',
    ...unset,
    `<sub>Reproduce locally: \`haloform plan -c ${config}\`</sub>`,
    ...(footer ? ['', footer] : []),
    '',
  ].join('\n');
}

/** A code block whose fence no run of backticks in the text can close. */
export function fenced(text: string, language = 'text'): string[] {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return [`${fence}${language}`, text, fence];
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
