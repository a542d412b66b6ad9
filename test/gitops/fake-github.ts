/**
 * A small fake of the GitHub REST API the workflows use — issue comments (paged as GitHub pages
 * them, with Link headers) and commit comparison — on a free local port. It checks the token,
 * and answers anything else with a 404 that the tests see in `unexpected`.
 */

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeComment {
  id: number;
  body: string;
  user: { login: string; type: 'Bot' | 'User' };
  html_url: string;
}

export interface Compare {
  status: 'identical' | 'ahead' | 'behind' | 'diverged';
  /** Commits from the base to the branch head, oldest first. */
  commits?: string[];
  files?: string[];
}

export interface FakeGitHub {
  url: string;
  token: string;
  repository: string;
  /** Comments by issue number, oldest first. */
  comments: Map<number, FakeComment[]>;
  /** What `GET /compare/{base}...{head}` answers. */
  compare: Compare;
  /** Every request, in order: `METHOD /path?query`. */
  requests: string[];
  /** Requests the fake does not know: a test expects none. */
  unexpected: string[];
  /** The next N requests matching the method are answered with this status. */
  failNext(method: string, status: number, count?: number): void;
  /** Adds a comment as someone else would have written it. */
  seed(issue: number, body: string, login?: string): FakeComment;
  stop(): Promise<void>;
}

export async function startFakeGitHub(options: { repository?: string; token?: string; perPage?: number } = {}): Promise<FakeGitHub> {
  const repository = options.repository ?? 'acme/msp-config';
  const token = options.token ?? 'ghs_fake0123456789abcdefghijklmnopqrstuvwx';
  const comments = new Map<number, FakeComment[]>();
  const requests: string[] = [];
  const unexpected: string[] = [];
  const failures: { method: string; status: number; count: number }[] = [];
  let nextId = 1000;
  let base = '';
  const fake: FakeGitHub = {
    url: '',
    token,
    repository,
    comments,
    compare: { status: 'identical' },
    requests,
    unexpected,
    failNext(method, status, count = 1) {
      failures.push({ method, status, count });
    },
    seed(issue, body, login = 'octocat') {
      const comment: FakeComment = { id: nextId++, body, user: { login, type: login.endsWith('[bot]') ? 'Bot' : 'User' }, html_url: `https://github.example/${repository}/pull/${issue}#issuecomment-${nextId - 1}` };
      comments.set(issue, [...(comments.get(issue) ?? []), comment]);
      return comment;
    },
    stop: () => new Promise<void>((done) => server.close(() => done())),
  };

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', base);
    const method = req.method ?? 'GET';
    requests.push(`${method} ${url.pathname}${url.search}`);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (req.headers.authorization !== `Bearer ${token}`) return send(res, 401, { message: 'Bad credentials' });
    const failure = failures.find((f) => f.method === method && f.count > 0);
    if (failure) {
      failure.count -= 1;
      return send(res, failure.status, { message: failure.status === 403 ? 'Resource not accessible by integration' : 'Server Error' });
    }
    const body = chunks.length > 0 ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { body?: unknown }) : {};
    const prefix = `/repos/${repository}/`;
    const path = url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) : undefined;

    let m: RegExpExecArray | null;
    if (path !== undefined && (m = /^issues\/(\d+)\/comments$/.exec(path)) && method === 'GET') {
      const all = comments.get(Number(m[1])) ?? [];
      const perPage = Math.min(options.perPage ?? 100, Number(url.searchParams.get('per_page') ?? 30));
      const page = Number(url.searchParams.get('page') ?? 1);
      const slice = all.slice((page - 1) * perPage, page * perPage);
      const headers: Record<string, string> = {};
      if (page * perPage < all.length) {
        const next = new URL(url);
        next.searchParams.set('page', String(page + 1));
        headers.link = `<${next.href}>; rel="next", <${next.href.replace(/page=\d+/, `page=${Math.ceil(all.length / perPage)}`)}>; rel="last"`;
      }
      return send(res, 200, slice, headers);
    }
    if (path !== undefined && (m = /^issues\/(\d+)\/comments$/.exec(path)) && method === 'POST' && typeof body.body === 'string') {
      return send(res, 201, fake.seed(Number(m[1]), body.body, 'github-actions[bot]'));
    }
    if (path !== undefined && (m = /^issues\/comments\/(\d+)$/.exec(path)) && method === 'PATCH' && typeof body.body === 'string') {
      const comment = [...comments.values()].flat().find((c) => c.id === Number(m![1]));
      if (!comment) return send(res, 404, { message: 'Not Found' });
      comment.body = body.body;
      return send(res, 200, comment);
    }
    if (path !== undefined && /^compare\/[^/]+\.\.\.[^/]+$/.test(path) && method === 'GET') {
      const c = fake.compare;
      return send(res, 200, { status: c.status, commits: (c.commits ?? []).map((sha) => ({ sha })), files: (c.files ?? []).map((filename) => ({ filename, status: 'modified' })) });
    }
    unexpected.push(`${method} ${url.pathname}`);
    return send(res, 404, { message: 'Not Found' });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => send(res, 500, { message: String(e) }));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', () => done()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.url = base;
  return fake;
}
