/** The comment's pieces and the runner's formats, on small inputs. */

import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/diagnostics/diagnostic.js';
import { parseApplyOutput } from '../../src/gitops/apply-summary.js';
import { COMMENT_LIMIT, fenced, planComment, trailer } from '../../src/gitops/comment.js';
import { secretValues } from '../../src/gitops/steps.js';
import { annotation, appendOutput, group } from '../../src/gitops/workflow-commands.js';

const warn = (summary: string, line?: number): Diagnostic => ({
  severity: 'warning',
  summary,
  detail: `${summary} detail`,
  ...(line ? { file: 'config/haloform.yaml', range: { start: { line, column: 3 }, end: { line, column: 9 } } } : {}),
});

const MARKDOWN = [
  '<!-- haloform-plan -->',
  '### haloform plan: 1 to create, 0 to adopt, 0 to update, 0 to deactivate',
  '',
  '| | create |',
  '|---|---:|',
  '',
  '> [!WARNING]',
  '> **Plan warning**: plan',
  '',
  '<details><summary>x</summary>',
  '</details>',
  '<sub>Reproduce locally: `haloform plan`</sub>',
  '',
].join('\n');

describe('planComment', () => {
  it('puts the spec warnings before the plan warnings, and the trailer last', () => {
    const body = planComment(MARKDOWN, [warn('Unknown node class', 40)], '<sub>Planned at abc1234</sub>');

    expect(body).toBe(
      [
        '<!-- haloform-plan -->',
        '### haloform plan: 1 to create, 0 to adopt, 0 to update, 0 to deactivate',
        '',
        '| | create |',
        '|---|---:|',
        '',
        '> [!WARNING]',
        '> **Unknown node class** — `config/haloform.yaml:40`: Unknown node class detail',
        '',
        '> [!WARNING]',
        '> **Plan warning**: plan',
        '',
        '<details><summary>x</summary>',
        '</details>',
        '<sub>Reproduce locally: `haloform plan`</sub>',
        '',
        '<sub>Planned at abc1234</sub>',
        '',
      ].join('\n'),
    );
  });

  it('does not repeat a warning the plan already has', () => {
    const body = planComment(MARKDOWN, [warn('Same')], '', [warn('Same')]);

    expect(body).not.toContain('**Same**');
  });

  it('stays under GitHub limit, counting the spec warnings that did not fit', () => {
    const big = MARKDOWN.replace('<details>', `${'x'.repeat(64_000)}\n<details>`);
    const many = Array.from({ length: 40 }, (_, i) => warn(`Warning ${i}`, i + 1));

    const body = planComment(big, many, '<sub>t</sub>');

    expect(body.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(body).toMatch(/\d+ more spec warnings did not fit: run `haloform validate` to see them\./);
  });
});

describe('trailer', () => {
  it.each([
    [{ commit: 'abcdef0123', runUrl: 'https://github.example/o/r/actions/runs/1' }, true, '<sub>Planned at abcdef0 · [workflow run](https://github.example/o/r/actions/runs/1) (artifact plan.json) · this comment is updated in place on every push</sub>'],
    [{ commit: 'abcdef0123' }, false, '<sub>Planned at abcdef0</sub>'],
    [{}, false, ''],
  ])('%j, sticky %s', (link, sticky, expected) => {
    expect(trailer(link, { sticky })).toBe(expected);
  });
});

describe('fenced', () => {
  it('uses a fence longer than any backtick run in the text', () => {
    expect(fenced('a ``` b ```` c')).toEqual(['`````text', 'a ``` b ```` c', '`````']);
  });
});

describe('workflow commands', () => {
  it('escapes an annotation so a message cannot end it early or add a line', () => {
    expect(annotation('error', '50% done\nsecond: line', { file: 'a,b.yaml', line: 3, title: 'Key: value' })).toBe(
      '::error file=a%2Cb.yaml,line=3,title=Key%3A value::50%25 done%0Asecond: line',
    );
  });

  it('writes multi-line outputs between a delimiter', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'haloform-out-')), 'output');

    appendOutput(file, 'one', 'x');
    appendOutput(file, 'two', 'a\nb');

    expect(readFileSync(file, 'utf8')).toMatch(/^one=x\ntwo<<(haloform_[0-9a-f]{24})\na\nb\n\1\n$/);
  });

  it('stops workflow commands inside an echoed group', () => {
    const text = group('haloform validate', '::error::injected from the spec');

    expect(text).toMatch(/^::group::haloform validate\n::stop-commands::(haloform_[0-9a-f]{24})\n::error::injected from the spec\n::\1::\n::endgroup::\n$/);
  });
});

describe('secretValues', () => {
  it('takes the secret-looking variables long enough to find, longest first', () => {
    expect(secretValues({ HALO_CLIENT_SECRET: 'short', GITHUB_TOKEN: 'ghs_0123456789', HALOFORM_WEBHOOK_SECRET: 'a-long-webhook-secret', HALO_URL: 'https://halo.example/secret-path' })).toEqual([
      'a-long-webhook-secret',
      'ghs_0123456789',
    ]);
  });
});

describe('parseApplyOutput', () => {
  it('reads the change lines and the summary, and ignores anything else', () => {
    const out = [
      '{"type":"change","address":"asset[\\"ninja:1\\"]","kind":"asset","action":"create","name":"PC1","status":"failed","message":"boom"}',
      'not json',
      '{"type":"summary","ok":false,"created":0,"adopted":0,"updated":0,"deactivated":0,"failed":1,"skipped":0}',
    ].join('\n');

    expect(parseApplyOutput(out)).toEqual({
      events: [{ address: 'asset["ninja:1"]', kind: 'asset', action: 'create', name: 'PC1', status: 'failed', message: 'boom' }],
      totals: { ok: false, created: 0, adopted: 0, updated: 0, deactivated: 0, failed: 1, skipped: 0 },
    });
  });
});
