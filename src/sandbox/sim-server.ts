/**
 * The HTTP server both simulators run on: a small router over node:http, fault injection, a
 * request log, and the control API under /_sandbox/ (a prefix neither real API has). The
 * simulators supply routes and their vendor's error shapes; this file knows nothing of either API.
 */

import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { FaultController, type FaultRule } from './faults.js';

export interface SimRequest {
  method: string;
  /** The decoded path, without the query string. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** Route parameters (`:id` in the pattern). */
  params: Record<string, string>;
}

export interface SimResponse {
  status: number;
  /** Serialised as JSON unless `text` is given. */
  body?: unknown;
  /** A raw body (an HTML error page, a bare string), sent as is with `contentType`. */
  text?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

export type Handler = (req: SimRequest) => SimResponse | Promise<SimResponse>;

/** An error a handler throws to answer with a status and the simulator's error body. */
export class SimHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body?: unknown,
  ) {
    super(message);
  }
}

interface Route {
  method: string;
  pattern: RegExp;
  keys: string[];
  handler: Handler;
}

export class Router {
  readonly #routes: Route[] = [];

  constructor(private readonly options: { caseInsensitive?: boolean } = {}) {}

  /** `pattern` like `/v2/device/:id`; `*` matches the rest of the path. */
  on(method: string, pattern: string, handler: Handler): this {
    const keys: string[] = [];
    const source = pattern
      .split('/')
      .map((part) => {
        if (part.startsWith(':')) {
          keys.push(part.slice(1));
          return '([^/]+)';
        }
        if (part === '*') return '.*';
        return part.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
      })
      .join('/');
    this.#routes.push({ method: method.toUpperCase(), pattern: new RegExp(`^${source}/?$`, this.options.caseInsensitive ? 'i' : ''), keys, handler });
    return this;
  }

  /** The handler for a request, `405` when the path exists with other methods, undefined when it does not. */
  match(method: string, path: string): { handler: Handler; params: Record<string, string> } | 'method-not-allowed' | undefined {
    let pathExists = false;
    for (const route of this.#routes) {
      const m = route.pattern.exec(path);
      if (!m) continue;
      pathExists = true;
      if (route.method !== method.toUpperCase()) continue;
      const params = Object.fromEntries(route.keys.map((k, i) => [k, decodeURIComponent(m[i + 1]!)]));
      return { handler: route.handler, params };
    }
    return pathExists ? 'method-not-allowed' : undefined;
  }
}

/** One request as the simulator saw it. Never holds an Authorization header or a token request body. */
export interface LoggedRequest {
  seq: number;
  /** Milliseconds since the server started. */
  at: number;
  method: string;
  path: string;
  query: string;
  /** The status sent, or what happened instead. */
  status: number | 'dropped' | 'timeout';
  durationMs: number;
  /** For JSON array bodies (Halo's batched POSTs): how many items. */
  items?: number;
  /** Set when fault injection decided the outcome. */
  fault?: string;
}

export interface SimServerOptions {
  /** Shown in messages: "NinjaOne simulator". */
  name: string;
  router: Router;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  faults?: readonly FaultRule[];
  /** Seeds the fault dice. */
  seed?: number;
  /** The vendor's body for an injected 500 or 429. */
  faultResponse(kind: 'error' | 'rate-limit', req: SimRequest): SimResponse;
  /** The vendor's answer for an unknown path. */
  notFound(req: SimRequest): SimResponse;
  /** The vendor's answer for a known path with another method (default: a plain 405). */
  methodNotAllowed?(req: SimRequest): SimResponse;
  /** Largest request body accepted, in bytes (default 50 MiB). */
  maxBodyBytes?: number;
}

export interface SimServer {
  readonly name: string;
  readonly url: string;
  readonly port: number;
  readonly faults: FaultController;
  /** Every request so far (control-API requests excluded). */
  requests(): readonly LoggedRequest[];
  clearRequests(): void;
  close(): Promise<void>;
}

/** What one running server keeps between requests. */
interface ServerState {
  options: SimServerOptions;
  faults: FaultController;
  /** The request log, cleared in place. */
  log: LoggedRequest[];
  /** Date.now() when the server started. */
  started: number;
  /** The last request's `seq`. */
  seq: number;
  /** Responses held open by an injected timeout, destroyed on close. */
  hanging: Set<ServerResponse>;
  maxBody: number;
  /** The `/_sandbox/` routes of the server itself (request log, faults). */
  control: Router;
}

export async function startSimServer(options: SimServerOptions): Promise<SimServer> {
  const faults = new FaultController(options.faults ?? [], options.seed ?? 1);
  const log: LoggedRequest[] = [];
  const state: ServerState = {
    options,
    faults,
    log,
    started: Date.now(),
    seq: 0,
    hanging: new Set<ServerResponse>(),
    maxBody: options.maxBodyBytes ?? 50 * 1024 * 1024,
    control: controlRouter(log, faults),
  };
  const sockets = new Set<Socket>();

  const server: Server = createServer((incoming, outgoing) => {
    void handle(state, incoming, outgoing);
  });
  server.keepAliveTimeout = 10_000;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await listen(server, options);
  const address = server.address() as AddressInfo;

  return {
    name: options.name,
    url: serverUrl(options, address.port),
    port: address.port,
    faults,
    requests: () => log,
    clearRequests: () => {
      log.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const response of state.hanging) response.destroy();
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

/** The server's own control routes: read and clear the request log, list, set, add and clear fault rules. */
function controlRouter(log: LoggedRequest[], faults: FaultController): Router {
  return new Router({ caseInsensitive: true })
    .on('GET', '/_sandbox/requests', () => ({ status: 200, body: log }))
    .on('DELETE', '/_sandbox/requests', () => {
      log.length = 0;
      return { status: 204 };
    })
    .on('GET', '/_sandbox/faults', () => ({ status: 200, body: faults.list() }))
    .on('PUT', '/_sandbox/faults', (req) => {
      faults.set(asRules(parseJson(req)));
      return { status: 200, body: faults.list() };
    })
    .on('POST', '/_sandbox/faults', (req) => {
      for (const rule of asRules(parseJson(req))) faults.add(rule);
      return { status: 200, body: faults.list() };
    })
    .on('DELETE', '/_sandbox/faults', () => {
      faults.clear();
      return { status: 204 };
    });
}

/** Listens on the options' host and port (default 127.0.0.1 and a free port). */
function listen(server: Server, options: SimServerOptions): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** The URL a client uses: a wildcard host is reached on 127.0.0.1, an IPv6 host in brackets. */
function serverUrl(options: SimServerOptions, port: number): string {
  const host = options.host && options.host !== '0.0.0.0' && options.host !== '::' ? options.host : '127.0.0.1';
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** One request: control routes straight through; everything else logged, then faulted or routed. */
async function handle(state: ServerState, incoming: IncomingMessage, outgoing: ServerResponse): Promise<void> {
  const { options, log, faults } = state;
  const t0 = Date.now();
  const url = new URL(incoming.url ?? '/', 'http://sandbox');
  let path: string;
  try {
    path = decodeURIComponent(url.pathname);
  } catch {
    path = url.pathname;
  }
  const method = (incoming.method ?? 'GET').toUpperCase();
  let body: Buffer;
  try {
    body = await readBody(incoming, state.maxBody);
  } catch {
    send(outgoing, { status: 413, body: { error: 'request body too large' } }, 0);
    return;
  }
  const req: SimRequest = { method, path, query: url.searchParams, headers: incoming.headers, body, params: {} };

  if (path.toLowerCase().startsWith('/_sandbox/')) {
    // The control API: no auth, no faults, not logged — it is the test's hand, not a client.
    const hit = state.control.match(method, path) ?? options.router.match(method, path);
    send(outgoing, await run(options, hit, req), 0);
    return;
  }

  const entry: LoggedRequest = { seq: ++state.seq, at: t0 - state.started, method, path, query: url.search, status: 0, durationMs: 0 };
  const items = countItems(req);
  if (items !== undefined) entry.items = items;
  log.push(entry);

  const decision = faults.decide(method, path);
  if (decision.latencyMs > 0) await sleep(decision.latencyMs);
  const finish = (status: LoggedRequest['status'], fault?: string) => {
    entry.status = status;
    entry.durationMs = Date.now() - t0;
    if (fault) entry.fault = fault;
  };
  switch (decision.outcome) {
    case 'drop':
      finish('dropped', 'drop');
      incoming.socket.destroy();
      return;
    case 'timeout':
      finish('timeout', 'timeout');
      state.hanging.add(outgoing);
      outgoing.on('close', () => state.hanging.delete(outgoing));
      return;
    case 'error':
    case 'rate-limit': {
      const response = options.faultResponse(decision.outcome, req);
      finish(response.status, decision.outcome);
      send(outgoing, response, decision.slowBodyMs);
      return;
    }
    case 'pass': {
      const response = await run(options, options.router.match(method, path), req);
      finish(response.status, decision.slowBodyMs > 0 ? 'slow-body' : undefined);
      send(outgoing, response, decision.slowBodyMs);
      return;
    }
  }
}

/** The answer of a matched route, or the vendor's 404 or 405; a thrown SimHttpError becomes its answer, anything else a 500. */
async function run(options: SimServerOptions, hit: ReturnType<Router['match']>, req: SimRequest): Promise<SimResponse> {
  if (hit === undefined) return options.notFound(req);
  if (hit === 'method-not-allowed') return options.methodNotAllowed?.(req) ?? { status: 405, body: { error: `${req.method} is not allowed on ${req.path}` } };
  try {
    return await hit.handler({ ...req, params: hit.params });
  } catch (e) {
    if (e instanceof SimHttpError) return { status: e.status, body: e.body ?? { error: e.message } };
    return { status: 500, body: { error: `simulator bug: ${(e as Error).message}` } };
  }
}

/** Parses a JSON request body, or answers 400. */
export function parseJson(req: SimRequest): unknown {
  if (req.body.length === 0) return undefined;
  try {
    return JSON.parse(req.body.toString('utf8')) as unknown;
  } catch {
    throw new SimHttpError(400, 'request body is not valid JSON');
  }
}

function asRules(value: unknown): FaultRule[] {
  const list = Array.isArray(value) ? value : [value];
  try {
    // FaultController validates each rule and throws TypeError with the reason.
    new FaultController(list as FaultRule[]);
  } catch (e) {
    throw new SimHttpError(400, (e as Error).message);
  }
  return list as FaultRule[];
}

function countItems(req: SimRequest): number | undefined {
  if (req.method === 'GET' || req.body.length === 0 || req.body[0] !== 0x5b /* [ */) return undefined;
  try {
    const parsed = JSON.parse(req.body.toString('utf8')) as unknown;
    return Array.isArray(parsed) ? parsed.length : undefined;
  } catch {
    return undefined;
  }
}

function send(outgoing: ServerResponse, response: SimResponse, slowBodyMs: number): void {
  if (outgoing.destroyed) return;
  const payload =
    response.text !== undefined ? Buffer.from(response.text) : response.body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(response.body));
  const headers: Record<string, string | number> = { ...response.headers };
  if (payload.length > 0) headers['content-type'] = response.contentType ?? (response.text !== undefined ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8');
  headers['content-length'] = payload.length;
  outgoing.writeHead(response.status, headers);
  if (slowBodyMs <= 0 || payload.length === 0) {
    outgoing.end(payload);
    return;
  }
  // Trickle the body out in ten pieces across slowBodyMs.
  const pieces = 10;
  const size = Math.ceil(payload.length / pieces);
  let i = 0;
  const timer = setInterval(() => {
    if (outgoing.destroyed) {
      clearInterval(timer);
      return;
    }
    const chunk = payload.subarray(i * size, (i + 1) * size);
    i += 1;
    if (i >= pieces || chunk.length === 0 || i * size >= payload.length) {
      clearInterval(timer);
      outgoing.end(chunk);
    } else {
      outgoing.write(chunk);
    }
  }, slowBodyMs / pieces);
}

function readBody(incoming: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    incoming.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new Error('too large'));
        incoming.destroy();
        return;
      }
      chunks.push(chunk);
    });
    incoming.on('end', () => resolve(Buffer.concat(chunks)));
    incoming.on('error', reject);
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
