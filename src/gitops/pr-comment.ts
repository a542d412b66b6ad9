/**
 * The sticky pull-request comment: one per pull request, found by a hidden marker at the start
 * of its body and edited in place on every push, never a new comment per push (issue 9).
 */

import type { GitHubApi, RepoRef } from './github-api.js';

/** An issue comment, as far as haloform reads it. */
export interface IssueComment {
  id: number;
  body: string;
  /** The login of who wrote it (`github-actions[bot]` for the workflow's token). */
  author?: string;
  url?: string;
}

export interface StickyComment {
  repo: RepoRef;
  /** The pull request's number (a pull request is an issue to the comments API). */
  issue: number;
  /** The hidden marker the body starts with, e.g. `<!-- haloform-plan -->`. */
  marker: string;
  body: string;
}

export interface EnsureResult {
  action: 'created' | 'updated' | 'unchanged';
  comment: IssueComment;
}

/** The pull request's haloform comment: the first whose body starts with the marker. */
export async function findStickyComment(api: GitHubApi, repo: RepoRef, issue: number, marker: string): Promise<IssueComment | undefined> {
  const listed = await api.list<unknown>(`repos/${repo.owner}/${repo.repo}/issues/${issue}/comments`);
  // Only the start counts: a reply that quotes the comment, or a person writing about haloform, is not it.
  return listed.map(toComment).find((c) => c !== undefined && c.body.trimStart().startsWith(marker));
}

/** Creates the comment, or edits the existing one in place; leaves it alone when the body is the same. */
export async function ensureStickyComment(api: GitHubApi, wanted: StickyComment): Promise<EnsureResult> {
  const body = wanted.body.trimStart().startsWith(wanted.marker) ? wanted.body : `${wanted.marker}\n${wanted.body}`;
  const { owner, repo } = wanted.repo;
  const existing = await findStickyComment(api, wanted.repo, wanted.issue, wanted.marker);
  if (existing && existing.body === body) return { action: 'unchanged', comment: existing };
  const answer = existing
    ? await api.request<unknown>('PATCH', `repos/${owner}/${repo}/issues/comments/${existing.id}`, { body })
    : await api.request<unknown>('POST', `repos/${owner}/${repo}/issues/${wanted.issue}/comments`, { body });
  const comment = toComment(answer) ?? { id: existing?.id ?? 0, body };
  return { action: existing ? 'updated' : 'created', comment };
}

/** The fields used, checked (GitHub omits `body` on some old comments). */
function toComment(raw: unknown): IssueComment | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const r = raw as { id?: unknown; body?: unknown; html_url?: unknown; user?: { login?: unknown } | null };
  if (typeof r.id !== 'number') return undefined;
  return {
    id: r.id,
    body: typeof r.body === 'string' ? r.body : '',
    ...(typeof r.user?.login === 'string' ? { author: r.user.login } : {}),
    ...(typeof r.html_url === 'string' ? { url: r.html_url } : {}),
  };
}
