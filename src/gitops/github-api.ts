/**
 * The few GitHub REST calls the workflows make (issue comments, comparing two commits), over
 * fetch with the job's GITHUB_TOKEN. Errors name the request and GitHub's message, never the
 * token; the token is only ever sent to the API's own origin (pagination links included).
 */

/** `owner/name`, split. */
export interface RepoRef {
  owner: string;
  repo: string;
}

export interface GitHubApiOptions {
  /** GITHUB_API_URL: https://api.github.com, a GitHub Enterprise URL, or a test's fake server. */
  baseUrl: string;
  token: string;
  fetch?: typeof fetch;
  /** Waits between retries of a GET; tests pass one that does not wait. */
  delay?: (ms: number) => Promise<void>;
}

/** A request GitHub refused or could not answer. */
export class GitHubApiError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    detail: string,
  ) {
    super(`GitHub API ${method} ${path} failed (${status === 0 ? 'no answer' : `HTTP ${status}`}): ${detail}`);
    this.name = 'GitHubApiError';
  }
}

/** 5xx answers GitHub gives under load; a GET is retried after these waits. */
const GET_RETRY_DELAYS_MS = [1000, 3000];

export class GitHubApi {
  readonly #base: URL;
  readonly #token: string;
  readonly #fetch: typeof fetch;
  readonly #delay: (ms: number) => Promise<void>;

  constructor(options: GitHubApiOptions) {
    this.#base = new URL(options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`);
    this.#token = options.token;
    this.#fetch = options.fetch ?? fetch;
    this.#delay = options.delay ?? ((ms) => new Promise((done) => setTimeout(done, ms)));
  }

  /** One request; the parsed JSON answer. */
  async request<T>(method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown): Promise<T> {
    return (await this.#send(method, this.#url(path), body)).data as T;
  }

  /** Every item of a list endpoint, following GitHub's `Link: <…>; rel="next"` pages. */
  async list<T>(path: string): Promise<T[]> {
    const items: T[] = [];
    let url: URL | undefined = this.#url(path);
    url.searchParams.set('per_page', '100');
    for (let page = 0; url && page < 100; page++) {
      const { data, next } = await this.#send('GET', url);
      if (!Array.isArray(data)) throw new GitHubApiError('GET', url.pathname, 200, 'expected a list in the answer');
      items.push(...(data as T[]));
      url = next;
    }
    return items;
  }

  #url(path: string): URL {
    return new URL(path.replace(/^\//, ''), this.#base);
  }

  async #send(method: string, url: URL, body?: unknown): Promise<{ data: unknown; next?: URL }> {
    const label = url.pathname;
    for (let attempt = 0; ; attempt++) {
      let response: Response;
      try {
        response = await this.#fetch(url, {
          method,
          headers: {
            accept: 'application/vnd.github+json',
            authorization: `Bearer ${this.#token}`,
            'x-github-api-version': '2022-11-28',
            'user-agent': 'haloform-gitops',
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
      } catch (e) {
        if (method === 'GET' && attempt < GET_RETRY_DELAYS_MS.length) {
          await this.#delay(GET_RETRY_DELAYS_MS[attempt]!);
          continue;
        }
        throw new GitHubApiError(method, label, 0, (e as Error).message);
      }
      if (response.status >= 500 && method === 'GET' && attempt < GET_RETRY_DELAYS_MS.length) {
        await response.body?.cancel();
        await this.#delay(GET_RETRY_DELAYS_MS[attempt]!);
        continue;
      }
      const text = await response.text();
      if (!response.ok) throw new GitHubApiError(method, label, response.status, explain(response.status, text));
      let data: unknown;
      try {
        data = text === '' ? undefined : JSON.parse(text);
      } catch {
        throw new GitHubApiError(method, label, response.status, `the answer is not JSON: ${text.slice(0, 120)}`);
      }
      return { data, ...this.#nextPage(response.headers.get('link')) };
    }
  }

  /** The next page, only when it is on the API's own origin (the token goes with it). */
  #nextPage(link: string | null): { next?: URL } {
    const match = link ? /<([^>]+)>\s*;\s*rel="next"/.exec(link) : null;
    if (!match) return {};
    const next = new URL(match[1]!, this.#base);
    return next.origin === this.#base.origin ? { next } : {};
  }
}

/** GitHub's own message, and what usually causes the status in a workflow. */
function explain(status: number, text: string): string {
  let message = text.slice(0, 200);
  try {
    const parsed = JSON.parse(text) as { message?: unknown };
    if (typeof parsed.message === 'string') message = parsed.message;
  } catch {
    // Not JSON: keep the excerpt.
  }
  const hint =
    status === 401
      ? ' The token was refused: the workflow must pass GITHUB_TOKEN: ${{ github.token }}.'
      : status === 403 || status === 404
        ? ' The token may lack a permission: commenting needs `pull-requests: write`, comparing commits `contents: read` (a pull request from a fork never gets write permissions).'
        : '';
  return `${message}${hint}`;
}

/** `owner/name` → RepoRef, or undefined when it is not that shape. */
export function parseRepository(value: string | undefined): RepoRef | undefined {
  const match = value ? /^([\w.-]+)\/([\w.-]+)$/.exec(value) : null;
  return match ? { owner: match[1]!, repo: match[2]! } : undefined;
}
