/** The sticky comment's find-or-update against a fake of the GitHub comments API. */

import { afterEach, describe, expect, it } from 'vitest';
import { GitHubApi, GitHubApiError, parseRepository } from '../../src/gitops/github-api.js';
import { ensureStickyComment, findStickyComment } from '../../src/gitops/pr-comment.js';
import { MARKDOWN_MARKER } from '../../src/render/plan-markdown.js';
import { startFakeGitHub, type FakeGitHub } from './fake-github.js';

const fakes: FakeGitHub[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((f) => f.stop()));
});

async function github(options: Parameters<typeof startFakeGitHub>[0] = {}) {
  const fake = await startFakeGitHub(options);
  fakes.push(fake);
  const api = new GitHubApi({ baseUrl: fake.url, token: fake.token, delay: async () => {} });
  return { fake, api, repo: parseRepository(fake.repository)! };
}

const body = (text: string) => `${MARKDOWN_MARKER}\n${text}`;

describe('ensureStickyComment', () => {
  it('creates the comment when the pull request has none of its own', async () => {
    const { fake, api, repo } = await github();
    fake.seed(7, 'Looks good to me');

    const result = await ensureStickyComment(api, { repo, issue: 7, marker: MARKDOWN_MARKER, body: body('plan 1') });

    expect(result.action).toBe('created');
    expect(fake.comments.get(7)!.map((c) => c.body)).toEqual(['Looks good to me', body('plan 1')]);
    expect(result.comment.url).toBe(fake.comments.get(7)![1]!.html_url);
    expect(fake.unexpected).toEqual([]);
  });

  it('edits the same comment on the next push instead of adding one', async () => {
    const { fake, api, repo } = await github();

    const first = await ensureStickyComment(api, { repo, issue: 7, marker: MARKDOWN_MARKER, body: body('plan 1') });
    fake.seed(7, 'a reviewer talks');
    const second = await ensureStickyComment(api, { repo, issue: 7, marker: MARKDOWN_MARKER, body: body('plan 2') });

    expect([first.action, second.action]).toEqual(['created', 'updated']);
    expect(second.comment.id).toBe(first.comment.id);
    expect(fake.comments.get(7)!.map((c) => c.body)).toEqual([body('plan 2'), 'a reviewer talks']);
  });

  it('finds its comment on a later page of a long conversation', async () => {
    const { fake, api, repo } = await github({ perPage: 100 });
    for (let i = 0; i < 150; i++) fake.seed(3, `comment ${i}`);
    const mine = fake.seed(3, body('old plan'), 'github-actions[bot]');

    const result = await ensureStickyComment(api, { repo, issue: 3, marker: MARKDOWN_MARKER, body: body('new plan') });

    expect(result).toMatchObject({ action: 'updated', comment: { id: mine.id } });
    expect(fake.comments.get(3)!.filter((c) => c.body.includes(MARKDOWN_MARKER))).toHaveLength(1);
    expect(fake.requests.filter((r) => r.startsWith('GET'))).toEqual([
      `GET /repos/acme/msp-config/issues/3/comments?per_page=100`,
      `GET /repos/acme/msp-config/issues/3/comments?per_page=100&page=2`,
    ]);
  });

  it('sends nothing when the body is already the same', async () => {
    const { fake, api, repo } = await github();
    await ensureStickyComment(api, { repo, issue: 1, marker: MARKDOWN_MARKER, body: body('same') });
    const before = fake.requests.length;

    const again = await ensureStickyComment(api, { repo, issue: 1, marker: MARKDOWN_MARKER, body: body('same') });

    expect(again.action).toBe('unchanged');
    expect(fake.requests.slice(before).every((r) => r.startsWith('GET'))).toBe(true);
  });

  it('does not take a comment that only quotes or mentions the marker for its own', async () => {
    const { fake, api, repo } = await github();
    fake.seed(5, `> ${MARKDOWN_MARKER}\n> quoted plan\n\nWhy adopt this one?`);
    fake.seed(5, `The bot writes ${MARKDOWN_MARKER} at the top`);

    const found = await findStickyComment(api, repo, 5, MARKDOWN_MARKER);
    await ensureStickyComment(api, { repo, issue: 5, marker: MARKDOWN_MARKER, body: body('plan') });

    expect(found).toBeUndefined();
    expect(fake.comments.get(5)!.map((c) => c.body.slice(0, 12))).toEqual([`> ${MARKDOWN_MARKER}`.slice(0, 12), 'The bot writ', body('plan').slice(0, 12)]);
  });

  it('puts the marker first when the body lacks it, so the next run finds the comment', async () => {
    const { fake, api, repo } = await github();

    await ensureStickyComment(api, { repo, issue: 2, marker: MARKDOWN_MARKER, body: 'no marker' });
    const second = await ensureStickyComment(api, { repo, issue: 2, marker: MARKDOWN_MARKER, body: 'no marker, again' });

    expect(second.action).toBe('updated');
    expect(fake.comments.get(2)!.map((c) => c.body)).toEqual([`${MARKDOWN_MARKER}\nno marker, again`]);
  });
});

describe('GitHub errors', () => {
  it('names the request and the missing permission, never the token', async () => {
    const { fake, api, repo } = await github();
    fake.failNext('POST', 403);

    const error = await ensureStickyComment(api, { repo, issue: 9, marker: MARKDOWN_MARKER, body: body('x') }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(GitHubApiError);
    expect((error as Error).message).toBe(
      'GitHub API POST /repos/acme/msp-config/issues/9/comments failed (HTTP 403): Resource not accessible by integration The token may lack a permission: commenting needs `pull-requests: write`, comparing commits `contents: read` (a pull request from a fork never gets write permissions).',
    );
    expect((error as Error).message).not.toContain(fake.token);
  });

  it('says a refused token is the workflow not passing GITHUB_TOKEN', async () => {
    const { fake, repo } = await github();
    const api = new GitHubApi({ baseUrl: fake.url, token: 'wrong-token-value', delay: async () => {} });

    const error = await findStickyComment(api, repo, 1, MARKDOWN_MARKER).catch((e: unknown) => e);

    expect((error as Error).message).toContain('(HTTP 401): Bad credentials The token was refused');
    expect((error as Error).message).not.toContain('wrong-token-value');
  });

  it('retries a GET that GitHub answers with a 5xx, and never a POST', async () => {
    const { fake, api, repo } = await github();
    fake.failNext('GET', 502, 2);
    const waits: number[] = [];
    const patient = new GitHubApi({ baseUrl: fake.url, token: fake.token, delay: async (ms) => void waits.push(ms) });

    const result = await ensureStickyComment(patient, { repo, issue: 4, marker: MARKDOWN_MARKER, body: body('x') });
    fake.failNext('POST', 502);
    const failed = await ensureStickyComment(api, { repo, issue: 6, marker: MARKDOWN_MARKER, body: body('x') }).catch((e: unknown) => e);

    expect(result.action).toBe('created');
    expect(waits).toEqual([1000, 3000]);
    expect(failed).toBeInstanceOf(GitHubApiError);
    expect(fake.comments.get(6)).toBeUndefined();
    expect(fake.requests.filter((r) => r.startsWith('POST /repos/acme/msp-config/issues/6'))).toHaveLength(1);
  });

  it('does not follow a pagination link to another host with the token', async () => {
    const seen: string[] = [];
    const fetchStub: typeof fetch = async (input) => {
      seen.push(String(input));
      return new Response(JSON.stringify([{ id: 1, body: 'x' }]), { status: 200, headers: { link: '<https://evil.example/steal?page=2>; rel="next"' } });
    };
    const api = new GitHubApi({ baseUrl: 'https://api.github.example', token: 't0ken-value', fetch: fetchStub });

    const found = await findStickyComment(api, { owner: 'a', repo: 'b' }, 1, MARKDOWN_MARKER);

    expect(found).toBeUndefined();
    expect(seen).toEqual(['https://api.github.example/repos/a/b/issues/1/comments?per_page=100']);
  });
});
