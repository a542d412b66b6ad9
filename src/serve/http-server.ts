/**
 * node:http in front of the framework-free handler: reads the body up to the limit (a larger
 * one is not buffered: it is drained or, when huge, the connection is closed after the 413),
 * passes the request on, writes the answer. Stopping closes the listener first, lets requests
 * in progress finish (their deliveries are committed before they are answered), then closes
 * the remaining connections.
 */

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { ServeRequest, ServeResponse } from './handler.js';

export interface HttpServerOptions {
  host: string;
  port: number;
  bodyLimitBytes: number;
  handle(request: ServeRequest): Promise<ServeResponse>;
  onError(error: unknown): void;
}

export interface RunningServer {
  url: string;
  host: string;
  port: number;
  /** Stops accepting; waits up to `graceMs` for requests in progress. */
  close(graceMs: number): Promise<void>;
}

/** Bodies up to this many times the limit are read and dropped so the 413 reaches the sender cleanly; larger ones close the connection. */
const DRAIN_FACTOR = 8;

export async function startHttpServer(options: HttpServerOptions): Promise<RunningServer> {
  const sockets = new Set<Socket>();
  let active = 0;
  let idleWaiters: (() => void)[] = [];
  const server: Server = createServer((req, res) => {
    active += 1;
    void serve(req, res, options).finally(() => {
      active -= 1;
      if (active === 0) {
        const waiters = idleWaiters;
        idleWaiters = [];
        for (const w of waiters) w();
      }
    });
  });
  server.keepAliveTimeout = 5_000;
  server.headersTimeout = 15_000;
  server.requestTimeout = 30_000;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('clientError', (error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
    void error;
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

async function serve(req: IncomingMessage, res: ServerResponse, options: HttpServerOptions): Promise<void> {
  try {
    const announced = Number(req.headers['content-length']);
    const limit = options.bodyLimitBytes;
    let body: Buffer = Buffer.alloc(0);
    let tooLarge = false;
    let bodyBytes = 0;
    if (Number.isFinite(announced) && announced > limit) {
      tooLarge = true;
      bodyBytes = announced;
    } else {
      const read = await readBody(req, limit);
      body = read.body;
      tooLarge = read.tooLarge;
      bodyBytes = read.bytes;
    }
    const response = await options.handle({
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      headers: req.headers,
      body,
      bodyBytes,
      ...(tooLarge ? { bodyTooLarge: true } : {}),
      ...(req.socket.remoteAddress ? { remoteAddress: req.socket.remoteAddress } : {}),
    });
    const unread = tooLarge && !req.readableEnded;
    if (unread && bodyBytes <= limit * DRAIN_FACTOR) {
      // Read and drop the rest, so the sender (still sending) gets the 413 instead of a reset.
      await drain(req, limit * DRAIN_FACTOR);
    }
    const headers: Record<string, string | number> = { ...response.headers, 'content-length': Buffer.byteLength(response.body) };
    if (!req.readableEnded) headers.connection = 'close';
    res.writeHead(response.status, headers);
    res.end(response.body, () => {
      if (!req.readableEnded) req.socket.destroy();
    });
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

/** The body up to `limit` bytes; past it, stops keeping data and says so. */
function readBody(req: IncomingMessage, limit: number): Promise<{ body: Buffer; tooLarge: boolean; bytes: number }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    let tooLarge = false;
    const onData = (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > limit) {
        tooLarge = true;
        chunks.length = 0;
        req.off('data', onData);
        req.pause();
        resolve({ body: Buffer.alloc(0), tooLarge, bytes });
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('end', () => {
      if (!tooLarge) resolve({ body: Buffer.concat(chunks), tooLarge, bytes });
    });
    req.on('error', reject);
  });
}

function drain(req: IncomingMessage, max: number): Promise<void> {
  return new Promise((resolve) => {
    let seen = 0;
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
