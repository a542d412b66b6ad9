/** Starting simulators, getting tokens and receiving webhooks in the NinjaOne simulator tests. */

import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach } from 'vitest';
import { startNinjaOneSimulator, type NinjaOneSimulator, type NinjaOneSimulatorOptions } from '../../../src/sandbox/ninjaone/index.js';
import type { NinjaSeed } from '../../../src/sandbox/seed.js';
import { buildSeed, CLIENT, T0 } from './seed-builder.js';

const running: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.close()));
});

/** A fixed clock the test moves by hand. */
export function manualClock(startMs = T0 * 1000) {
  let now = startMs;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

/** A simulator stopped after the test; the clock is fixed at T0 unless `now` is given. */
export async function startSim(seed: NinjaSeed = buildSeed(), options: NinjaOneSimulatorOptions = {}): Promise<NinjaOneSimulator> {
  const sim = await startNinjaOneSimulator(seed, { now: () => T0 * 1000, ...options });
  running.push({ close: () => sim.stop() });
  return sim;
}

export function tokenRequest(sim: NinjaOneSimulator, form: Record<string, string>, path = '/ws/oauth/token'): Promise<Response> {
  return fetch(`${sim.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form) });
}

/** An access token for `client` (default: the monitoring + management app). */
export async function token(sim: NinjaOneSimulator, client: { clientId: string; clientSecret: string } = CLIENT, scope = 'monitoring management'): Promise<string> {
  const response = await tokenRequest(sim, { grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.clientSecret, scope });
  if (response.status !== 200) throw new Error(`token request failed: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { access_token: string }).access_token;
}

/** A GET (or other method) with a bearer token; returns status, headers and parsed body. */
export async function call(sim: NinjaOneSimulator, accessToken: string | undefined, path: string, init: { method?: string; body?: unknown } = {}) {
  const headers: Record<string, string> = {};
  if (accessToken) headers.authorization = `Bearer ${accessToken}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${sim.url}${path}`, { method: init.method ?? 'GET', headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

/** GET that must answer 200; returns the parsed body. */
export async function get<T = unknown>(sim: NinjaOneSimulator, accessToken: string, path: string): Promise<T> {
  const response = await call(sim, accessToken, path);
  if (response.status !== 200) throw new Error(`GET ${path}: ${response.status} ${response.text}`);
  return response.body as T;
}

/** The control API over HTTP. */
export async function control(sim: NinjaOneSimulator, method: string, path: string, body?: unknown) {
  const response = await fetch(`${sim.url}${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

export interface ReceivedPost {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}

/** A tiny webhook receiver on a free port; `status` decides each answer (by the 1-based post number). */
export async function startReceiver(status: (n: number) => number = () => 200) {
  const received: ReceivedPost[] = [];
  let answer = status;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      received.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: raw === '' ? {} : (JSON.parse(raw) as Record<string, unknown>) });
      res.writeHead(answer(received.length));
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  const receiver = {
    url,
    received,
    answerWith(next: (n: number) => number) {
      answer = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  running.push(receiver);
  return receiver;
}

/** A server that reads requests and never answers (a receiver that hangs). Returns its URL. */
export async function startSilentServer(): Promise<string> {
  const server = createServer(() => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  running.push({
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
}
