/** Starting Datto RMM simulators, getting tokens and receiving webhooks in the simulator tests. */

import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach } from 'vitest';
import { startDattoRmmSimulator, type DattoRmmSimulator, type DattoRmmSimulatorOptions } from '../../../src/sandbox/dattormm/index.js';
import type { DattoSeed } from '../../../src/sandbox/dattormm/seed.js';
import { buildSeed, T0, USER } from './seed-builder.js';

const running: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.close()));
});

/** `Basic base64(public-client:public)` — what every Datto client sends (NOTES §2). */
export const PUBLIC_BASIC = `Basic ${Buffer.from('public-client:public').toString('base64')}`;

/** A simulator stopped after the test; the clock is fixed at T0 unless `now` is given, the budget off unless `rateLimit` is given. */
export async function startSim(seed: DattoSeed = buildSeed(), options: DattoRmmSimulatorOptions = {}): Promise<DattoRmmSimulator> {
  const sim = await startDattoRmmSimulator(seed, { now: () => T0, rateLimit: null, ...options });
  running.push({ close: () => sim.stop() });
  return sim;
}

/** A token request: the password grant as a form, with the public client in Basic unless `basic` says otherwise. */
export function tokenRequest(sim: DattoRmmSimulator, form: Record<string, string>, options: { basic?: string | null; path?: string } = {}): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  const basic = options.basic === undefined ? PUBLIC_BASIC : options.basic;
  if (basic !== null) headers.authorization = basic;
  return fetch(`${sim.url}${options.path ?? '/auth/oauth/token'}`, { method: 'POST', headers, body: new URLSearchParams(form) });
}

/** An access token for `user` (default the seed's API user). */
export async function token(sim: DattoRmmSimulator, user: { key: string; secret: string } = USER): Promise<string> {
  const response = await tokenRequest(sim, { grant_type: 'password', username: user.key, password: user.secret });
  if (response.status !== 200) throw new Error(`token request failed: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { access_token: string }).access_token;
}

/** A request with a bearer token (or none); returns status, headers and the parsed body. */
export async function call(sim: DattoRmmSimulator, accessToken: string | undefined, path: string, init: { method?: string; body?: unknown; rawBody?: string } = {}) {
  const headers: Record<string, string> = {};
  if (accessToken) headers.authorization = `Bearer ${accessToken}`;
  const body = init.rawBody ?? (init.body === undefined ? undefined : JSON.stringify(init.body));
  if (body !== undefined) headers['content-type'] = 'application/json';
  const url = path.startsWith('http') ? path : `${sim.url}${path}`;
  const response = await fetch(url, { method: init.method ?? 'GET', headers, body });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

/** A GET that must answer 200; returns the parsed body. */
export async function get<T = unknown>(sim: DattoRmmSimulator, accessToken: string, path: string): Promise<T> {
  const response = await call(sim, accessToken, path);
  if (response.status !== 200) throw new Error(`GET ${path}: ${response.status} ${response.text}`);
  return response.body as T;
}

/** The control API over HTTP. */
export async function control(sim: DattoRmmSimulator, method: string, path: string, body?: unknown) {
  const response = await fetch(`${sim.url}${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

export interface ReceivedPost {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The body as sent: templates need not be JSON. */
  text: string;
}

/** A tiny webhook receiver on a free port; `status` decides each answer (by the 1-based post number). */
export async function startReceiver(status: (n: number) => number = () => 200) {
  const received: ReceivedPost[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, text: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(status(received.length));
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const receiver = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/datto-hook`,
    received,
    /** Each body parsed as JSON. */
    json: () => received.map((r) => JSON.parse(r.text) as Record<string, unknown>),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  running.push(receiver);
  return receiver;
}
