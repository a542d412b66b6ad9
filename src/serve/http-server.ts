/**
 * node:http in front of the framework-free handler. It asks the handler's `preflight` first, from
 * the request line and headers alone: a request without the secret is answered 401 at once and
 * its body never read. Then it reads the body up to the limit (a larger one is not buffered: it
 * is drained or, when huge, the connection is closed after the 413), passes the request on,
 * writes the answer. Headers and body each must arrive within their timeout (a request that
 * trickles is answered 408 and closed), and connections that have not yet shown a secret are
 * capped, so idle or slow strangers cannot hold the server. Stopping closes the listener first,
 * lets requests in progress finish (their deliveries are committed before they are answered),
 * then closes the remaining connections.
 */

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { PreflightRequest, ServeRequest, ServeResponse } from './handler.js';

export interface HttpServerOptions {
  host: string;
  port: number;
  bodyLimitBytes: number;
  handle(request: ServeRequest): Promise<ServeResponse>;
  /** An answer from the request line and headers alone (see Handler.preflight); the body of a request it answers is never read. */
  preflight?(request: PreflightRequest): Promise<ServeResponse | undefined>;
  onError(error: unknown): void;
  /** The request line and headers must arrive within this. Default 10 s. */
  headersTimeoutMs?: number;
  /** The body must arrive within this once the headers have. Default 10 s. */
  bodyTimeoutMs?: number;
  /** Connections that have not yet presented the secret, at most; more are closed at once. Default 256. */
  maxUnauthenticatedConnections?: number;
  /** A connection was refused for the cap, or a request timed out: for the metrics. */
  onRefused?(why: 'too_many_unauthenticated' | 'headers_timeout' | 'body_timeout' | 'sender_broke_off'): void;
}

export interface RunningServer {
  /** Where this machine reaches it (127.0.0.1 when it listens on every interface). */
  url: string;
  /** The address it is bound to, as the operating system reports it: `0.0.0.0:8080`, `127.0.0.1:8080`, `[::]:8080`. */
  bound: string;
  host: string;
  port: number;
  /** Stops accepting; waits up to `graceMs` for requests in progress. */
  close(graceMs: number): Promise<void>;
}

/** Bodies up to this many times the limit are read and dropped so the 413 reaches the sender cleanly; larger ones close the connection. */
const DRAIN_FACTOR = 8;

export async function startHttpServer(options: HttpServerOptions): Promise<RunningServer> {
  const sockets = new Set<Socket>();
  /** Sockets that have not yet carried a request with the secret. */
  const strangers = new Set<Socket>();
  const maxStrangers = options.maxUnauthenticatedConnections ?? 256;
  const headersTimeout = options.headersTimeoutMs ?? 10_000;
  let active = 0;
  let idleWaiters: (() => void)[] = [];
  // Node checks header and request timeouts on this interval (30 s by default: a request trickling
  // its headers lived 37 s); once a second keeps them near what they say.
  const server: Server = createServer({ connectionsCheckingInterval: 1_000, headersTimeout, requestTimeout: headersTimeout + (options.bodyTimeoutMs ?? 10_000) + 5_000 }, (req, res) => {
    active += 1;
    void serve(req, res, options, () => strangers.delete(req.socket)).finally(() => {
      active -= 1;
      if (active === 0) {
        const waiters = idleWaiters;
        idleWaiters = [];
        for (const w of waiters) w();
      }
    });
  });
  server.keepAliveTimeout = 5_000;
  server.on('connection', (socket) => {
    if (strangers.size >= maxStrangers) {
      options.onRefused?.('too_many_unauthenticated');
      socket.destroy();
      return;
    }
    sockets.add(socket);
    strangers.add(socket);
    socket.on('close', () => {
      sockets.delete(socket);
      strangers.delete(socket);
    });
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') options.onRefused?.('headers_timeout');
    if (socket.writable) socket.end(error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 'HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n' : 'HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host;
  const url = `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${address.port}`;

  return {
    url,
    bound: `${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`,
    host: options.host,
    port: address.port,
    close: async (graceMs) => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      if (active > 0) {
        await Promise.race([new Promise<void>((resolve) => idleWaiters.push(resolve)), new Promise((resolve) => setTimeout(resolve, graceMs).unref())]);
      }
      server.closeAllConnections();
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}

async function serve(req: IncomingMessage, res: ServerResponse, options: HttpServerOptions, authenticated: () => void): Promise<void> {
  const send = (response: ServeResponse, close: boolean) => {
    const headers: Record<string, string | number> = { ...response.headers, 'content-length': Buffer.byteLength(response.body) };
    if (close) headers.connection = 'close';
    res.writeHead(response.status, headers);
    res.end(response.body, () => {
      if (close) req.socket.destroy();
    });
  };
  try {
    const head = {
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      headers: req.headers,
      ...(req.socket.remoteAddress ? { remoteAddress: req.socket.remoteAddress } : {}),
    };
    // From the headers alone: a stranger's body is never read; the connection is closed after the answer.
    const early = options.preflight ? await options.preflight(head) : undefined;
    if (early) {
      send(early, !req.readableEnded && early.status >= 400);
      return;
    }
    authenticated();
    const announced = Number(req.headers['content-length']);
    const limit = options.bodyLimitBytes;
    let body: Buffer = Buffer.alloc(0);
    let tooLarge = false;
    let bodyBytes = 0;
    if (Number.isFinite(announced) && announced > limit) {
      tooLarge = true;
      bodyBytes = announced;
    } else {
      const read = await readBody(req, limit, options.bodyTimeoutMs ?? 10_000);
      if (read === 'broken') {
        // The sender closed the connection, or broke HTTP's framing, in the middle of its body:
        // nothing to answer and nobody to answer; not serve's failure. Counted, not logged as one.
        options.onRefused?.('sender_broke_off');
        if (!res.headersSent) res.destroy();
        return;
      }
      if (read === 'timeout') {
        options.onRefused?.('body_timeout');
        send({ status: 408, headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify({ error: `Request Timeout: the body did not arrive within ${Math.round((options.bodyTimeoutMs ?? 10_000) / 1000)} s`, status: 408 }) }, true);
        return;
      }
      body = read.body;
      tooLarge = read.tooLarge;
      bodyBytes = read.bytes;
    }
    const response = await options.handle({ ...head, body, bodyBytes, ...(tooLarge ? { bodyTooLarge: true } : {}) });
    const unread = tooLarge && !req.readableEnded;
    if (unread && bodyBytes <= limit * DRAIN_FACTOR) {
      // Read and drop the rest, so the sender (still sending) gets the 413 instead of a reset;
      // a sender that stops sending gets it once the body timeout has passed.
      await drain(req, limit * DRAIN_FACTOR, options.bodyTimeoutMs ?? 10_000);
    }
    send(response, !req.readableEnded);
  } catch (error) {
    options.onError(error);
    if (!res.headersSent) {
      const body = JSON.stringify({ error: 'Internal Server Error', status: 500 });
      res.writeHead(500, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    } else {
      res.destroy();
    }
  }
}

/** The body up to `limit` bytes; past it, stops keeping data and says so; 'timeout' when it does not arrive within `timeoutMs`. */
function readBody(req: IncomingMessage, limit: number, timeoutMs: number): Promise<{ body: Buffer; tooLarge: boolean; bytes: number } | 'timeout' | 'broken'> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    let tooLarge = false;
    const timer = setTimeout(() => {
      req.off('data', onData);
      resolve('timeout');
    }, timeoutMs);
    timer.unref();
    const onData = (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > limit) {
        tooLarge = true;
        chunks.length = 0;
        req.off('data', onData);
        req.pause();
        clearTimeout(timer);
        resolve({ body: Buffer.alloc(0), tooLarge, bytes });
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('end', () => {
      clearTimeout(timer);
      if (!tooLarge) resolve({ body: Buffer.concat(chunks), tooLarge, bytes });
    });
    // 'aborted' (the sender went away, or its chunked framing was broken): resolved once, so later events change nothing.
    const broken = () => {
      clearTimeout(timer);
      resolve('broken');
    };
    req.on('error', broken);
    req.on('close', () => {
      if (!req.complete) broken();
    });
  });
}

function drain(req: IncomingMessage, max: number, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    let seen = 0;
    setTimeout(resolve, timeoutMs).unref();
    req.on('data', (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > max) {
        req.socket.destroy();
        resolve();
      }
    });
    req.on('end', resolve);
    req.on('error', () => resolve());
    req.on('close', resolve);
    req.resume();
  });
}
