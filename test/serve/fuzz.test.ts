/**
 * Fuzzing serve's webhook receiver: a real `serve` in-process (real HTTP server, real handler,
 * SQLite inbox in a temp folder) against the sandbox simulators, sent random requests over raw
 * sockets for a bounded time — random methods, paths and request targets (the webhook paths with
 * and without ?token=), missing, duplicated, malformed and huge headers, right, wrong and missing
 * secrets, Content-Type variations, Content-Encoding gzip / deflate / br / identity / bogus /
 * stacked, bodies that are NinjaOne activities (the shape the simulator posts) mutated, random
 * bytes, corrupt or truncated compressed data, compression bombs, empty, chunked in random
 * pieces, Content-Length that lies — and then the handler itself, called directly with header
 * shapes no HTTP parser would let through.
 *
 * Every request must get an HTTP answer from a small known set of statuses within
 * PER_REQUEST_MS; nothing may be thrown uncaught; no answer may hold raw control characters,
 * invalid UTF-8 or the secret; no log line may say "bug", carry a stack trace or a JavaScript
 * error, or hold the secret. A stranger never gets a 2xx. After the storm serve still answers
 * /healthz and turns a valid, authenticated delivery into a Halo ticket.
 *
 * Deterministic per request: request n of runner r draws from its own PRNG seeded from
 * HALOFORM_FUZZ_SEED (default below); a failure names its seed, runner and number, and
 * HALOFORM_FUZZ_CASE=<runner>:<n> sends only that request. HALOFORM_FUZZ_MS sets the storm's
 * length (default 16 s; the direct handler calls get a quarter of it on top).
 */

import { connect } from 'node:net';
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJsonLogger, Redactor } from '../../src/http/index.js';
import type { ServeRequest, ServeResponse } from '../../src/serve/handler.js';
import { conditionActivity, SECRET, startWorld, waitFor, type World } from './fixtures.js';
import { rngFor, SEED, seedText, type Rng } from '../helpers/fuzz.js';

// ---------------------------------------------------------------------------------------------
// Budget, seed and replay.

const ONLY_CASE = process.env.HALOFORM_FUZZ_CASE; // "<runner>:<n>" or "direct:<n>"
const STORM_MS = Number(process.env.HALOFORM_FUZZ_MS ?? 16_000);
const DIRECT_MS = Math.round(STORM_MS / 4);
/** Requests in flight at once. */
const RUNNERS = 8;
/** Headers and body must each arrive within this (serve's default is 10 s; shortened so a request that lies about its length is answered quickly). */
const TIMEOUT_MS = 800;
/** The longest any request may wait for its answer: a timeout, Node's once-a-second check of it, and room. */
const PER_REQUEST_MS = 5_000;
/** The work serve accepted must be done within this once the storm is over. */
const SETTLE_MS = 30_000;
const MAX_REPORTED = 12;

const replay = (label: string) => `HALOFORM_FUZZ_SEED=${seedText} HALOFORM_FUZZ_CASE=${label} npx vitest run test/serve/fuzz.test.ts`;

// ---------------------------------------------------------------------------------------------
// Requests.

interface FuzzRequest {
  /** What was chosen, for the report. */
  kind: string[];
  method: string;
  target: string;
  version: string;
  headers: [string, string][];
  body: Buffer;
  /** How the body is framed on the wire. */
  framing: 'length' | 'chunked' | 'bad-chunked' | 'none' | 'length-short' | 'length-long';
  /** Pieces to write the body in, with a pause before each (ms). */
  pieces: number[];
  pauseMs: number;
  /** What must be true of the answer, when the request is simple enough to know. */
  expect?: 'stranger' | 'accepted';
}

const WEBHOOK_PATHS = ['/ninjaone/webhook', '/api/notifyninjaalerts'];
const OTHER_PATHS = [
  '/', '/healthz', '/readyz', '/metrics', '/HEALTHZ', '/healthz/', '/ninjaone/webhook/', '/NINJAONE/Webhook', '//ninjaone/webhook', '/ninjaone//webhook',
  '/ninjaone%2Fwebhook', '/ninjaone/webhook/../webhook', '/ninjaone/./webhook', '/api/notifyninjaalerts/x', '/favicon.ico', '/.env', '/_sandbox/',
  '*', 'http://haloform/ninjaone/webhook', 'http://x:99999/ninjaone/webhook', 'ninjaone/webhook', '/%', '/%zz', '/%00', '/?token=', `/${'a'.repeat(6000)}`,
  '/ninjaone/webhook?x=%E2%80%AE', '/ninjaone/webhook#frag', '/ninjaone/webhook?token=a&token=b', '/api/notifyninjaalerts?token',
];
const METHODS = ['POST', 'POST', 'POST', 'POST', 'GET', 'HEAD', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE', 'post', 'FOO', 'PRI', 'M-SEARCH', 'PROPFIND', ''];
const CONTENT_TYPES = [
  'application/json', 'application/json', 'application/json; charset=utf-8', 'APPLICATION/JSON', 'application/vnd.ninjaone+json', 'application/json;;;',
  'application/json; charset=latin1', ' application/json ', 'text/plain', 'text/json', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x',
  'application/jsonx', 'application/', '*/*', '', 'application/json, text/plain', `application/json; x=${'y'.repeat(3000)}`,
];
/** Header values travel as bytes: a non-ASCII one arrives as its UTF-8 bytes read as Latin-1. */
const latin1 = (text: string) => Buffer.from(text, 'utf8').toString('latin1');
const ENCODINGS = ['gzip', 'x-gzip', 'deflate', 'deflate-raw', 'br', 'identity', 'GZIP', ' gzip ', 'gzip, br', 'gzip, gzip', 'br, gzip', 'compress', 'zstd', 'bogus', '', 'identity, gzip', 'gzip;q=1', latin1('gzip\u202E'), latin1('é'), `x${'\u0085'}`, 'x'.repeat(5000)];

const UNICODE = ['\u202E', '\u0000', '\u0001', '\u001B[31m', '\u007F', '\u0085', '\u2028', '\uFEFF', '\uD800', '\uDFFF', '😀', 'é', 'Ω', '\u200B', '\u2066'];

let template: Record<string, unknown> = {};
let nextActivityId = 5_000_000;
let deviceIds: number[] = [];

function randomText(rng: Rng, max = 30): string {
  let out = '';
  for (let i = rng.int(max + 1); i > 0; i--) out += rng.chance(0.8) ? String.fromCharCode(32 + rng.int(95)) : rng.pick(UNICODE);
  return out;
}

function weird(rng: Rng): unknown {
  return rng.pick<() => unknown>([
    () => null,
    () => '',
    () => 'abc',
    () => '177210',
    () => ' 42 ',
    () => '1e3',
    () => '-1',
    () => 1.5,
    () => -1,
    () => 0,
    () => 2 ** 53 + 1,
    () => 1e308,
    () => -1e308,
    () => 123456789012345678901234567890,
    () => true,
    () => [],
    () => [1, 2],
    () => ({}),
    () => ({ id: 1 }),
    () => randomText(rng),
    () => 'x'.repeat(rng.pick([100, 10_000, 200_000])),
    () => rng.pick(UNICODE).repeat(rng.range(1, 50)),
    () => nest(rng.range(10, 3000)),
  ])();
}

function nest(depth: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v };
  return v;
}

/** A NinjaOne activity as the simulator posts it, with fresh ids, maybe mutated. */
function activity(rng: Rng, kind: string[]): Record<string, unknown> {
  const a = structuredClone(template);
  a.id = ++nextActivityId;
  a.seriesUid = rng.chance(0.5) ? `fuzz-series-${rng.int(12)}` : `fuzz-${SEED}-${a.id}`;
  a.statusCode = rng.pick(['TRIGGERED', 'TRIGGERED', 'RESET', 'ACKNOWLEDGED', 'triggered']);
  a.activityType = rng.pick(['CONDITION', 'CONDITION', 'CONDITION', 'ACTIONSET', 'SYSTEM', 'condition']);
  if (deviceIds.length > 0 && rng.chance(0.7)) {
    const id = rng.pick(deviceIds);
    a.deviceId = id;
    if (a.device && typeof a.device === 'object') (a.device as Record<string, unknown>).id = id;
  }
  const mutations = rng.chance(0.35) ? 0 : rng.range(1, 4);
  for (let m = 0; m < mutations; m++) {
    const keys = Object.keys(a);
    switch (rng.int(7)) {
      case 0: {
        const key = rng.pick(keys);
        delete a[key];
        kind.push(`without ${key}`);
        break;
      }
      case 1: {
        const key = rng.pick(['id', 'deviceId', 'activityTime', 'statusCode', 'activityType', 'seriesUid', 'severity', 'message', 'device', 'data', 'sourceConfigUid', 'conditionName', 'subject']);
        a[key] = weird(rng);
        kind.push(`${key} odd`);
        break;
      }
      case 2: {
        const device = (a.device && typeof a.device === 'object' ? a.device : (a.device = {})) as Record<string, unknown>;
        device[rng.pick(['id', 'organizationId', 'locationId', 'nodeClass', 'displayName', 'systemName', 'dnsName', 'references'])] = weird(rng);
        kind.push('device odd');
        break;
      }
      case 3: {
        a.data = rng.chance(0.5) ? { message: { code: randomText(rng, 10), params: rng.chance(0.5) ? weird(rng) : { threshold: weird(rng), unit: weird(rng), [randomText(rng, 8)]: weird(rng) } } } : weird(rng);
        kind.push('data odd');
        break;
      }
      case 4: {
        const key = rng.pick(['message', 'subject', 'sourceName', 'conditionName', 'status']);
        a[key] = `${randomText(rng)}${rng.pick(UNICODE)}${randomText(rng)}`;
        kind.push(`${key} unicode`);
        break;
      }
      case 5:
        a[randomText(rng, 12)] = weird(rng);
        kind.push('extra field');
        break;
      default:
        a.padding = 'p'.repeat(rng.pick([1_000, 500_000, 1_048_000, 1_100_000]));
        kind.push('padding');
    }
  }
  return a;
}

function jsonText(rng: Rng, value: unknown, kind: string[]): string {
  const text = JSON.stringify(value) ?? 'null';
  switch (rng.int(12)) {
    case 0:
      kind.push('duplicate id key');
      return text.replace(/^\{/, '{"id":"dup",');
    case 1:
      kind.push('BOM');
      return `\uFEFF${text}`;
    case 2:
      kind.push('trailing garbage');
      return `${text}${rng.pick(['x', ',', '}', ' ', '\u0000', '\n{}'])}`;
    case 3:
      kind.push('truncated');
      return text.slice(0, rng.int(text.length));
    case 4:
      kind.push('lone surrogate escapes');
      return text.replace(/"message":"/, '"message":"\\ud800\\udfff\\ud800');
    default:
      return text;
  }
}

function body(rng: Rng, kind: string[]): { bytes: Buffer; valid: boolean } {
  const r = rng.next();
  if (r < 0.55) {
    const k0 = kind.length;
    const text = jsonText(rng, activity(rng, kind), kind);
    return { bytes: Buffer.from(text, 'utf8'), valid: kind.length === k0 };
  }
  if (r < 0.65) {
    kind.push('random bytes');
    return { bytes: Buffer.from(Array.from({ length: rng.pick([1, 16, 1000, 70_000]) }, () => rng.int(256))), valid: false };
  }
  if (r < 0.72) {
    kind.push('empty');
    return { bytes: Buffer.alloc(0), valid: false };
  }
  if (r < 0.8) {
    kind.push('json value');
    return { bytes: Buffer.from(JSON.stringify(weird(rng)) ?? 'null'), valid: false };
  }
  if (r < 0.86) {
    kind.push('deep json');
    const depth = rng.pick([100, 5_000, 50_000, 300_000]);
    return { bytes: Buffer.from(`${'['.repeat(depth)}${']'.repeat(rng.chance(0.8) ? depth : rng.int(depth))}`), valid: false };
  }
  if (r < 0.9) {
    kind.push('json-ish text');
    return { bytes: Buffer.from(rng.pick(['{', '}', 'null', 'true', '"x"', "{'id': 1}", '{"id": NaN}', '{"id": 1,}', '// x\n{}', '{"a":1}{"a":2}', ' ', '\n', '\u0000'])), valid: false };
  }
  kind.push('big body');
  return { bytes: Buffer.alloc(rng.pick([1_048_577, 2_000_000, 9_000_000]), 0x20), valid: false };
}

function encode(rng: Rng, bytes: Buffer, kind: string[]): { bytes: Buffer; header?: string; readable: boolean } {
  if (rng.chance(0.55)) return { bytes, readable: true };
  const encoding = rng.pick(ENCODINGS);
  kind.push(`encoding ${JSON.stringify(encoding)}`);
  const pack = (e: string, b: Buffer): Buffer => (e === 'br' ? brotliCompressSync(b) : e === 'deflate' ? deflateSync(b) : e === 'deflate-raw' ? deflateRawSync(b) : gzipSync(b));
  const name = encoding === 'deflate-raw' ? 'deflate' : encoding;
  const trimmed = encoding.trim().toLowerCase();
  let out: Buffer;
  if (['gzip', 'x-gzip'].includes(trimmed)) out = pack('gzip', bytes);
  else if (['deflate', 'deflate-raw', 'br'].includes(trimmed)) out = pack(trimmed, bytes);
  else if (trimmed.includes(',')) out = trimmed.split(',').reduce((b, e) => pack(e.trim() === 'br' ? 'br' : 'gzip', b), bytes);
  else out = bytes;
  const fault = rng.int(10);
  if (fault === 0 && out !== bytes) {
    kind.push('truncated stream');
    out = out.subarray(0, rng.int(out.length));
  } else if (fault === 1 && out !== bytes) {
    kind.push('corrupt stream');
    out = Buffer.from(out);
    for (let i = 0; i < 4 && out.length > 0; i++) out[rng.int(out.length)] = rng.int(256);
  } else if (fault === 2) {
    kind.push('bomb');
    out = pack(trimmed === 'br' ? 'br' : trimmed.startsWith('deflate') ? 'deflate' : 'gzip', Buffer.alloc(rng.pick([1_100_000, 8_000_000, 50_000_000]), rng.chance(0.5) ? 0x20 : 0x5b));
  } else if (fault === 3) {
    kind.push('header says encoded, body is not');
    out = bytes;
  }
  return { bytes: out, header: name, readable: ['gzip', 'x-gzip', 'deflate', 'deflate-raw', 'br', 'identity'].includes(trimmed) && fault > 3 };
}

function makeRequest(rng: Rng): FuzzRequest {
  const kind: string[] = [];
  const webhook = rng.chance(0.8);
  let target = webhook ? rng.pick(WEBHOOK_PATHS) : rng.pick(OTHER_PATHS);
  const method = webhook ? (rng.chance(0.9) ? 'POST' : rng.pick(METHODS)) : rng.pick(METHODS);
  const headers: [string, string][] = [['Host', rng.chance(0.95) ? 'haloform.test' : rng.pick(['', 'x'.repeat(5000), 'a b', 'haloform.test:99999'])]];

  // The secret: right (header or query), wrong, missing, or stranger forms.
  const auth = rng.int(12);
  let authenticated: boolean | undefined;
  if (auth <= 4) {
    headers.push(['Authorization', `Bearer ${SECRET}`]);
    authenticated = true;
  } else if (auth === 5) {
    target += `${target.includes('?') ? '&' : '?'}token=${SECRET}`;
    authenticated = true;
  } else if (auth === 6) {
    headers.push(['Authorization', `Bearer ${SECRET}x`]);
    authenticated = false;
  } else if (auth === 7) {
    authenticated = false;
  } else if (auth === 8) {
    headers.push(['Authorization', rng.pick(['Bearer', 'Bearer ', `bearer ${SECRET}`, `Basic ${Buffer.from(`u:${SECRET}`).toString('base64')}`, SECRET, `Bearer  ${SECRET}  `, `Bearer ${SECRET} extra`, 'x'.repeat(10_000)])]);
    kind.push('odd authorization');
  } else if (auth === 9) {
    headers.push(['Authorization', `Bearer ${rng.chance(0.5) ? SECRET : 'wrong-secret-wrong-secret'}`], ['Authorization', `Bearer ${rng.chance(0.5) ? SECRET : 'wrong-secret-wrong-secret'}`]);
    kind.push('two authorization headers');
  } else if (auth === 10) {
    target += `${target.includes('?') ? '&' : '?'}token=${rng.pick(['', 'wrong', encodeURIComponent(SECRET), `${SECRET}%00`, `${SECRET}&token=x`])}`;
    kind.push('odd token');
  } else {
    headers.push(['X-Haloform-Token', SECRET]);
    authenticated = false; // no alerts.webhook.header in the spec: only Authorization and ?token= count
  }

  const { bytes: raw, valid } = method === 'GET' || method === 'HEAD' ? { bytes: Buffer.alloc(0), valid: false } : body(rng, kind);
  const encoded = encode(rng, raw, kind);
  let contentType: string | undefined = rng.chance(0.85) ? 'application/json' : rng.chance(0.8) ? rng.pick(CONTENT_TYPES) : undefined;
  if (contentType !== 'application/json') kind.push(`content-type ${JSON.stringify(contentType?.slice(0, 40))}`);
  if (contentType !== undefined) headers.push(['Content-Type', contentType]);
  if (encoded.header !== undefined) headers.push(['Content-Encoding', encoded.header]);

  // Other headers: noise, duplicates, huge, odd bytes.
  for (let i = rng.chance(0.7) ? 0 : rng.range(1, 6); i > 0; i--) {
    const r = rng.int(9);
    if (r === 0) headers.push(['X-Forwarded-For', rng.pick(['203.0.113.7', '::1', 'x'.repeat(300), '1.2.3.4, 5.6.7.8', ''])]);
    else if (r === 1) headers.push(['User-Agent', randomText(rng, 60).replace(/[^\u0020-\u007E]/g, '?')]);
    else if (r === 2) headers.push(['X-Huge', 'h'.repeat(rng.pick([1_000, 8_000, 20_000, 70_000]))]);
    else if (r === 3) headers.push(['Content-Type', rng.pick(CONTENT_TYPES)]);
    else if (r === 4) headers.push(['Content-Encoding', rng.pick(ENCODINGS)]);
    else if (r === 5) for (let k = rng.pick([10, 100, 300]); k > 0; k--) headers.push([`X-N${k}`, String(k)]);
    else if (r === 6) headers.push(['Expect', '100-continue']);
    else if (r === 7) headers.push([rng.pick(['X-Bad Name', 'X:Colon', '', 'X-Ünicode', 'X-Ctl\u0001']), 'v']);
    else headers.push(['X-Bytes', Buffer.from(`${rng.pick(UNICODE)}${randomText(rng, 10)}`, 'utf8').toString('latin1').replace(/[\u0000-\u0008\u000A-\u001F\u007F]/g, '')]);
    kind.push(['x-forwarded-for', 'user-agent', 'huge header', 'second content-type', 'second content-encoding', 'many headers', 'expect 100-continue', 'malformed header name', 'non-ASCII header'][r]!);
  }

  // Framing.
  let framing: FuzzRequest['framing'] = 'length';
  const f = rng.int(20);
  if (f < 4) framing = 'chunked';
  else if (f === 4) framing = 'bad-chunked';
  else if (f === 5) framing = 'length-short';
  else if (f === 6) framing = 'length-long';
  else if (f === 7 && encoded.bytes.length === 0) framing = 'none';
  if (framing !== 'length') kind.push(`framing ${framing}`);
  if (rng.chance(0.05)) {
    headers.push(['Content-Length', String(rng.pick([0, 1, 10 ** 12, -1]))], ['Transfer-Encoding', 'chunked']);
    kind.push('content-length and chunked');
  }
  const pieces: number[] = [];
  if (framing === 'chunked' || framing === 'bad-chunked' || rng.chance(0.15)) {
    let left = encoded.bytes.length;
    while (left > 0 && pieces.length < 40) {
      const n = Math.min(left, rng.pick([1, 7, 100, 4096, 65536, left]));
      pieces.push(n);
      left -= n;
    }
    if (left > 0) pieces.push(left);
  }
  const pauseMs = rng.chance(0.03) ? rng.pick([50, 300, TIMEOUT_MS + 400]) : 0;
  if (pauseMs > 0) kind.push(`pause ${pauseMs} ms`);
  const version = rng.chance(0.95) ? 'HTTP/1.1' : rng.pick(['HTTP/1.0', 'HTTP/2.0', 'HTTP/1.2', 'HTTP/9', 'HTTX/1.1', '']);
  if (version !== 'HTTP/1.1') kind.push(`version ${JSON.stringify(version)}`);
  if (method !== 'POST') kind.push(`method ${JSON.stringify(method)}`);
  if (!WEBHOOK_PATHS.includes(target.replace(/\?.*$/, ''))) kind.push(`target ${JSON.stringify(target.slice(0, 60))}`);

  const plainWebhook = method === 'POST' && version === 'HTTP/1.1' && WEBHOOK_PATHS.includes(target.replace(/\?token=.*$/, '')) && (framing === 'length' || framing === 'chunked') && !kind.some((k) => /header|second|content-length and|expect|authorization|token/.test(k)) && pauseMs === 0;
  const expectation = plainWebhook && authenticated === false ? 'stranger' : plainWebhook && authenticated && valid && encoded.readable && contentType === 'application/json' ? 'accepted' : undefined;
  return { kind, method, target, version, headers, body: encoded.bytes, framing, pieces, pauseMs, ...(expectation ? { expect: expectation } : {}) };
}

// ---------------------------------------------------------------------------------------------
// A raw HTTP/1.1 client: writes exactly the bytes chosen, reads the first answer.

interface Answer {
  status?: number;
  headers: Record<string, string>;
  body: Buffer;
  /** The connection closed (or was reset) before a whole answer came. */
  closedEarly: boolean;
  timedOut: boolean;
  /** The connection closed while the body was still being written: an answer serve sent before reading it (401, 404, 413 of a huge body) can be lost to the reset. */
  closedWhileSending: boolean;
  ms: number;
}

function wire(req: FuzzRequest): { head: Buffer; body: Buffer[] } {
  const headers = [...req.headers];
  const length = req.body.length;
  if (req.framing === 'length') headers.push(['Content-Length', String(length)]);
  else if (req.framing === 'length-short') headers.push(['Content-Length', String(length + 1 + (length % 97))]);
  else if (req.framing === 'length-long') headers.push(['Content-Length', String(Math.max(0, length - 1 - (length % 5)))]);
  else if (req.framing === 'chunked' || req.framing === 'bad-chunked') headers.push(['Transfer-Encoding', 'chunked']);
  const head = Buffer.from(`${req.method} ${req.target} ${req.version}`.trimEnd() + '\r\n' + headers.map(([n, v]) => `${n}: ${v}\r\n`).join('') + '\r\n', 'latin1');
  const sizes = req.pieces.length > 0 ? req.pieces : length > 0 ? [length] : [];
  const parts: Buffer[] = [];
  let at = 0;
  for (const n of sizes) {
    const piece = req.body.subarray(at, at + n);
    at += n;
    if (req.framing === 'chunked') parts.push(Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n')]));
    else if (req.framing === 'bad-chunked') parts.push(Buffer.concat([Buffer.from(`${(piece.length + 3).toString(16)}zz\r\n`), piece, Buffer.from('\n')]));
    else parts.push(piece);
  }
  if (req.framing === 'chunked' || req.framing === 'bad-chunked') parts.push(Buffer.from('0\r\n\r\n'));
  return { head, body: parts };
}

function parseAnswer(data: Buffer, head: boolean, closed = false): { complete: boolean; status?: number; headers: Record<string, string>; body: Buffer } {
  let rest = data;
  for (;;) {
    const end = rest.indexOf('\r\n\r\n');
    if (end === -1) return { complete: false, headers: {}, body: Buffer.alloc(0) };
    const lines = rest.subarray(0, end).toString('latin1').split('\r\n');
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '')?.[1]);
    const headers: Record<string, string> = {};
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const after = rest.subarray(end + 4);
    if (status >= 100 && status < 200) {
      rest = after;
      continue;
    }
    if (head || status === 204 || status === 304) return { complete: true, status, headers, body: Buffer.alloc(0) };
    const length = headers['content-length'] === undefined ? undefined : Number(headers['content-length']);
    // Without a length the body runs to the end of the connection.
    if (length === undefined) return { complete: closed, status, headers, body: after };
    return { complete: after.length >= length, status, headers, body: after.subarray(0, length) };
  }
}

function send(url: string, req: FuzzRequest): Promise<Answer> {
  const { hostname, port } = new URL(url);
  const { head, body } = wire(req);
  const began = performance.now();
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    let data = Buffer.alloc(0);
    let done = false;
    let sending = true;
    const finish = (closedEarly: boolean, timedOut: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      const parsed = parseAnswer(data, req.method.toUpperCase() === 'HEAD', closedEarly);
      resolve({ ...(parsed.status !== undefined && !Number.isNaN(parsed.status) ? { status: parsed.status } : {}), headers: parsed.headers, body: parsed.body, closedEarly: closedEarly && !parsed.complete, timedOut, closedWhileSending: closedEarly && sending, ms: performance.now() - began });
    };
    const timer = setTimeout(() => finish(false, true), PER_REQUEST_MS);
    socket.on('data', (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      const parsed = parseAnswer(data, req.method.toUpperCase() === 'HEAD');
      if (parsed.complete) finish(false, false);
    });
    socket.on('close', () => finish(true, false));
    socket.on('error', () => undefined);
    socket.on('connect', () => {
      void (async () => {
        socket.write(head);
        for (const part of body) {
          if (done || socket.destroyed) return;
          if (req.pauseMs > 0) await new Promise((r) => setTimeout(r, req.pauseMs / Math.max(1, body.length)));
          if (!socket.write(part)) await new Promise((r) => socket.once('drain', r).once('close', r));
        }
        sending = false;
      })();
    });
  });
}

// ---------------------------------------------------------------------------------------------
// What must hold.

/** Statuses serve answers; 503 only from /readyz. */
const STATUSES = new Set([200, 202, 400, 401, 404, 405, 408, 413, 415, 422]);

// eslint-disable-next-line no-control-regex
const RAW_CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069\uFFFD]/;
const JS_ERRORS = /\bbug\b|stopped unexpectedly|Maximum call stack|\b(TypeError|RangeError|ReferenceError|SyntaxError)\b|Cannot read propert|Cannot set propert|is not a function|is not iterable|Invalid string length|Invalid array length|\[object Object\]/i;
const STACK = /\n\s*at .*:\d+:\d+|\bat (?:async )?[\w.<>]+ \((?:file|node):/;

function checkAnswer(req: FuzzRequest, answer: Answer): string[] {
  const problems: string[] = [];
  const path = req.target.replace(/[?#].*$/, '').toLowerCase().replace(/\/+$/, '');
  if (answer.timedOut) return [`no answer within ${PER_REQUEST_MS} ms${answer.status !== undefined ? ` (a ${answer.status} began)` : ''}`];
  if (answer.status === undefined) {
    // Closing without a word is what Node itself does to a CONNECT (serve offers no tunnel) and to
    // a PRI request line without a version (the start of an HTTP/2 preface), before serve sees them.
    if (req.method.toUpperCase() === 'CONNECT' || (req.method === 'PRI' && req.version === '')) return [];
    // serve answers some requests before reading their body and then closes at once; a sender
    // still writing may see the reset before the answer (TCP drops what it had not read). Counted,
    // not failed: it depends on timing (1 in ~2,500 requests of the storm), not on the request.
    if (answer.closedWhileSending) return [];
    return [`the connection closed after ${Math.round(answer.ms)} ms without an HTTP answer`];
  }
  if (answer.closedEarly && req.method.toUpperCase() !== 'HEAD') problems.push(`the ${answer.status} answer was cut off (${answer.body.length} of ${answer.headers['content-length'] ?? '?'} bytes)`);
  const allowed = STATUSES.has(answer.status) || (answer.status === 503 && path === '/readyz');
  if (!allowed) problems.push(`status ${answer.status}`);
  if (answer.ms > PER_REQUEST_MS) problems.push(`answered after ${Math.round(answer.ms)} ms`);
  let text = '';
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(answer.body);
  } catch {
    problems.push(`the ${answer.status} answer's body is not UTF-8: ${answer.body.subarray(0, 60).toString('hex')}`);
  }
  if (RAW_CONTROLS.test(text)) problems.push(`the ${answer.status} answer's body holds a raw control character: ${JSON.stringify(text.slice(0, 300))}`);
  if (text.includes(SECRET)) problems.push(`the ${answer.status} answer echoes the secret`);
  if (JS_ERRORS.test(text) || STACK.test(text)) problems.push(`the ${answer.status} answer reads like a crash: ${JSON.stringify(text.slice(0, 300))}`);
  const type = answer.headers['content-type'] ?? '';
  if (answer.body.length > 0 && type.startsWith('application/json')) {
    try {
      JSON.parse(text);
    } catch {
      problems.push(`the ${answer.status} answer says JSON but is not: ${JSON.stringify(text.slice(0, 200))}`);
    }
  }
  if (req.expect === 'stranger' && answer.status >= 200 && answer.status < 300) problems.push(`a request without the secret got ${answer.status}: ${text.slice(0, 200)}`);
  // 408 too: the storm's timeouts are 800 ms, which a request can meet on a loaded machine (a refusal all the same).
  if (req.expect === 'stranger' && answer.status !== 401 && answer.status !== 400 && answer.status !== 408) problems.push(`a request without the secret got ${answer.status}, not 401: ${text.slice(0, 200)}`);
  if (req.expect === 'accepted' && answer.status !== 202 && answer.status !== 200 && answer.status !== 413 && answer.status !== 408) problems.push(`a valid authenticated activity got ${answer.status}: ${text.slice(0, 300)}`);
  return problems;
}

/** One log line (JSON, as serve writes it). */
function checkLogLine(line: string): string[] {
  const problems: string[] = [];
  let entry: { level?: string; msg?: string; reason?: string; error?: string } = {};
  try {
    entry = JSON.parse(line) as typeof entry;
  } catch {
    return [`a log line that is not JSON: ${JSON.stringify(line.slice(0, 200))}`];
  }
  if (line.includes(SECRET)) problems.push(`a log line holds the secret: ${line.slice(0, 200)}`);
  if (JS_ERRORS.test(line) || STACK.test(line)) problems.push(`a log line reads like a crash: ${line.slice(0, 400)}`);
  if (entry.msg === 'request failed') problems.push(`a request failed inside serve (answered 500): ${line.slice(0, 400)}`);
  if (RAW_CONTROLS.test(line)) problems.push(`a log line holds a raw control character: ${JSON.stringify(line.slice(0, 300))}`);
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Failures, grouped by kind.

function signature(problem: string): string {
  return problem.replace(/\(.*$/, '').replace(/"[^"]*"|\d+/g, '#').slice(0, 70);
}

class Failures {
  readonly #groups = new Map<string, { count: number; first: string }>();

  add(problem: string, detail: string): void {
    const key = signature(problem);
    const group = this.#groups.get(key);
    if (group) group.count += 1;
    else if (this.#groups.size < MAX_REPORTED) this.#groups.set(key, { count: 1, first: `${problem}\n  ${detail}` });
  }

  get text(): string {
    return [...this.#groups.values()].map((g) => `${g.count}× ${g.first}`).join('\n\n');
  }

  get total(): number {
    return [...this.#groups.values()].reduce((n, g) => n + g.count, 0);
  }
}

function describeRequest(req: FuzzRequest): string {
  const headers = req.headers.map(([n, v]) => `${n}: ${v.length > 60 ? `${v.slice(0, 60)}… (${v.length})` : v}`).join(' | ');
  const shown = req.body.length <= 120 ? JSON.stringify(req.body.toString('latin1')) : `${JSON.stringify(req.body.subarray(0, 120).toString('latin1'))}… (${req.body.length} bytes)`;
  return `${req.method} ${req.target.length > 80 ? `${req.target.slice(0, 80)}…` : req.target} ${req.version} [${req.kind.join(', ') || 'plain'}] headers ${headers.replaceAll(SECRET, '<secret>')}; body ${shown.replaceAll(SECRET, '<secret>')}`;
}

// ---------------------------------------------------------------------------------------------

const logLines: string[] = [];
const uncaught: string[] = [];
const onUncaught = (e: unknown) => uncaught.push(`uncaughtException: ${(e as Error)?.stack ?? String(e)}`);
const onRejection = (e: unknown) => uncaught.push(`unhandledRejection: ${(e as Error)?.stack ?? String(e)}`);
const processWarnings: string[] = [];
const realEmitWarning = process.emitWarning;

let world: World;

beforeAll(async () => {
  process.on('uncaughtException', onUncaught);
  process.on('unhandledRejection', onRejection);
  process.emitWarning = ((w: string | Error) => void processWarnings.push(typeof w === 'string' ? w : `${w.name}: ${w.message}`)) as typeof process.emitWarning;
  const redactor = new Redactor([SECRET]);
  world = await startWorld({
    serve: {
      headersTimeoutMs: TIMEOUT_MS,
      bodyTimeoutMs: TIMEOUT_MS,
      // serve's own JSON logger (redacting, as in production), into this array.
      logger: createJsonLogger({ redactor, level: 'debug', base: { component: 'serve' }, sink: (line) => void logLines.push(line) }),
    },
  });
  // The shape NinjaOne's webhook has, as the simulator posts it: raise one alert, read what serve stored.
  const uid = world.trigger({ deviceId: world.cast.plain.deviceId, severity: 'MAJOR', message: 'fuzz template' });
  await world.settle();
  const stored = (await world.serve.store.listDeliveries({ limit: 10 })).find((d) => d.seriesKey === uid);
  const delivery = stored ? await world.serve.store.getDelivery(stored.id) : undefined;
  template = delivery?.body ? (JSON.parse(delivery.body) as Record<string, unknown>) : conditionActivity(1, 'TRIGGERED', 'x', world.cast.plain.deviceId);
  deviceIds = [...world.cast.linked.slice(0, 5), world.cast.unknown.deviceId, world.cast.bySite.deviceId, 999_999_999];
}, 60_000);

afterAll(async () => {
  process.emitWarning = realEmitWarning;
  await world?.close();
  process.off('uncaughtException', onUncaught);
  process.off('unhandledRejection', onRejection);
});

function only(stream: string): number | undefined | null {
  if (!ONLY_CASE) return undefined;
  const [s, n] = ONLY_CASE.split(':');
  return s === stream ? Number(n) : null;
}

describe(`fuzzing serve's webhook receiver (seed ${seedText})`, () => {
  it('answers every random request over HTTP with a known status, in time, without a crash, and keeps working', { timeout: STORM_MS + SETTLE_MS + 60_000 }, async () => {
    const failures = new Failures();
    const statuses = new Map<number | string, number>();
    let sent = 0;
    let bytesSent = 0;
    let slowest = { ms: 0, what: '' };
    const logFrom = logLines.length;
    const deadline = performance.now() + STORM_MS;
    const began = performance.now();

    const runner = async (r: number) => {
      const single = only(String(r));
      if (single === null) return;
      for (let n = single ?? 0; single !== undefined ? n === single : performance.now() < deadline; n++) {
        const req = makeRequest(rngFor(SEED, r, n));
        const answer = await send(world.serve.url, req);
        sent += 1;
        bytesSent += req.body.length;
        const outcome = answer.status ?? (answer.timedOut ? 'timeout' : answer.closedWhileSending ? 'reset while sending' : 'closed');
        statuses.set(outcome, (statuses.get(outcome) ?? 0) + 1);
        if (answer.ms > slowest.ms) slowest = { ms: answer.ms, what: `${r}:${n} [${req.kind.join(', ')}]` };
        for (const problem of checkAnswer(req, answer)) failures.add(problem, `request ${r}:${n} (seed ${seedText}): ${describeRequest(req)}; answer ${answer.status ?? '-'} ${JSON.stringify(answer.body.toString('utf8').slice(0, 200))}\n  replay: ${replay(`${r}:${n}`)}`);
      }
    };
    await Promise.all(Array.from({ length: ONLY_CASE && !/^\d+:/.test(ONLY_CASE) ? 0 : RUNNERS }, (_, r) => runner(r)));
    const stormMs = performance.now() - began;

    // serve is still there: alive, and its work done.
    const health = await fetch(`${world.serve.url}/healthz`).catch((e: Error) => e);
    if (health instanceof Error || health.status !== 200) failures.add('after the storm /healthz does not answer 200', String(health instanceof Error ? health.message : health.status));
    const settled = await Promise.race([world.serve.idle().then(() => true), new Promise<false>((r) => setTimeout(() => r(false), SETTLE_MS))]);
    if (!settled) failures.add(`serve's workers did not finish the accepted deliveries within ${SETTLE_MS} ms of the storm`, JSON.stringify(await world.serve.store.counts()));
    const dead = await world.serve.store.listDeliveries({ status: 'dead', limit: 1000 });
    for (const d of dead) {
      const why = d.reason ?? d.lastError ?? d.message ?? '';
      if (!why || JS_ERRORS.test(why)) failures.add(`a delivery was dead-lettered for a crash: ${why.slice(0, 200)}`, `delivery ${d.id}: ${(d.body ?? '').slice(0, 300)}`);
    }
    const pending = await world.serve.store.listDeliveries({ status: 'pending', limit: 5 });
    // The inbox keeps what was sent (and a sample of what was refused), never the secret: no body here holds it.
    for (const d of await world.serve.store.listDeliveries({ limit: 100_000 })) {
      if (JSON.stringify(d).includes(SECRET)) failures.add('the inbox holds the secret', `delivery ${d.id} (${d.status}, ${d.reason ?? ''}): ${JSON.stringify(d).replaceAll(SECRET, '<secret>').slice(0, 300)}`);
    }
    if (settled && pending.length > 0) failures.add(`${pending.length} deliveries still pending once serve said it was idle`, JSON.stringify(pending.map((d) => d.id)));

    // A valid delivery after the storm still becomes a ticket.
    const uid = `fuzz-after-${SEED}`;
    const after = await fetch(`${world.serve.url}/ninjaone/webhook`, {
      method: 'POST',
      headers: { authorization: `Bearer ${SECRET}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ...template, id: ++nextActivityId, seriesUid: uid, statusCode: 'TRIGGERED', activityType: 'CONDITION', deviceId: world.cast.plain.deviceId, device: { ...(template.device as object), id: world.cast.plain.deviceId } }),
    });
    const afterBody = await after.text();
    if (after.status !== 202) failures.add(`after the storm a valid delivery got ${after.status}`, afterBody.slice(0, 300));
    const ticket = await waitFor('the ticket of the delivery sent after the storm', () => world.ticketsOf(uid).length > 0 && world.ticketsOf(uid), 20_000).catch((e: Error) => e);
    if (ticket instanceof Error) failures.add('after the storm a valid delivery did not become a Halo ticket within 20 s', `${afterBody}; inbox ${JSON.stringify(await world.serve.store.counts())}`);
    else if (ticket.length !== 1) failures.add(`after the storm one alert became ${ticket.length} tickets`, uid);

    for (const line of logLines.slice(logFrom)) for (const problem of checkLogLine(line)) failures.add(problem, 'in serve\'s log');
    for (const u of uncaught) failures.add('thrown uncaught during the storm', u.slice(0, 600));
    for (const w of processWarnings) failures.add('a Node.js process warning during the storm', w.slice(0, 300));

    console.log(
      `[serve fuzz] seed ${seedText}: ${sent} requests (${(bytesSent / 1e6).toFixed(0)} MB of bodies) over ${RUNNERS} connections in ${(stormMs / 1000).toFixed(1)} s; ` +
        `answers ${[...statuses].sort((a, b) => String(a[0]).localeCompare(String(b[0]))).map(([s, n]) => `${s}: ${n}`).join(', ')}; slowest ${Math.round(slowest.ms)} ms (${slowest.what}); ` +
        `inbox ${JSON.stringify(await world.serve.store.counts())}; ${dead.length} dead-lettered; ${logLines.length - logFrom} log lines`,
    );
    expect(failures.text, `seed ${seedText}: ${failures.total} problems in ${sent} requests`).toBe('');
    if (!ONLY_CASE) expect(sent, 'requests sent within the budget').toBeGreaterThanOrEqual(500);
  });

  it('the handler, called directly, answers any request shape — odd header types, any body — without throwing', { timeout: DIRECT_MS + 60_000 }, async () => {
    const failures = new Failures();
    const statuses = new Map<number, number>();
    const single = only('direct');
    if (single === null) return;
    const deadline = performance.now() + DIRECT_MS;
    let calls = 0;
    const headerValue = (rng: Rng): string | string[] | undefined =>
      rng.pick<() => string | string[] | undefined>([
        () => undefined,
        () => 'application/json',
        () => ['application/json', 'text/plain'],
        () => [],
        () => [''],
        () => randomText(rng),
        () => rng.pick(ENCODINGS),
        () => [rng.pick(ENCODINGS), rng.pick(ENCODINGS)],
        () => 'x'.repeat(100_000),
      ])();
    for (let n = single ?? 0; single !== undefined ? n === single : performance.now() < deadline; n++) {
      const rng = rngFor(SEED, 1000, n);
      const req = makeRequest(rng);
      const headers: ServeRequest['headers'] = {};
      for (const [name, value] of req.headers) headers[name.toLowerCase()] = value;
      for (const name of ['content-type', 'content-encoding', 'content-length', 'x-forwarded-for', 'user-agent']) if (rng.chance(0.2)) headers[name] = headerValue(rng);
      if (rng.chance(0.2)) headers.authorization = rng.pick<string | string[] | undefined>([undefined, `Bearer ${SECRET}`, [`Bearer ${SECRET}`, 'Bearer x'], ['Bearer x', `Bearer ${SECRET}`], [], 'Bearer', randomText(rng)]);
      const request: ServeRequest = {
        method: rng.chance(0.1) ? rng.pick(['', ' ', 'pOsT', 'GET\u0000', '\u202E']) : req.method,
        url: rng.chance(0.1) ? rng.pick(['', ' ', '//', 'http://[::1', '\u0000', '/ninjaone/webhook?token=%E0%A4%A', `/ninjaone/webhook?${'&'.repeat(10_000)}`, 'javascript:alert(1)']) : req.target,
        headers,
        body: req.body,
        ...(rng.chance(0.1) ? { bodyTooLarge: rng.chance(0.5) } : {}),
        ...(rng.chance(0.1) ? { bodyBytes: rng.pick([0, -1, 1.5, Number.NaN, 2 ** 53, req.body.length]) } : {}),
        ...(rng.chance(0.5) ? { remoteAddress: rng.pick(['127.0.0.1', '::1', '', randomText(rng, 10)]) } : {}),
      };
      let response: ServeResponse;
      const began = performance.now();
      try {
        response = await world.serve.handle(request);
      } catch (e) {
        failures.add(`the handler threw ${(e as Error).name}: ${(e as Error).message}`, `call direct:${n}: ${describeRequest(req)}\n  replay: ${replay(`direct:${n}`)}`);
        continue;
      }
      calls += 1;
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      const answer: Answer = { status: response.status, headers: response.headers, body: Buffer.from(response.body, 'utf8'), closedEarly: false, timedOut: false, closedWhileSending: false, ms: performance.now() - began };
      for (const problem of checkAnswer({ ...req, expect: undefined } as FuzzRequest, answer)) {
        failures.add(problem, `call direct:${n}: ${describeRequest(req)}; answer ${response.status} ${JSON.stringify(response.body.slice(0, 200))}\n  replay: ${replay(`direct:${n}`)}`);
      }
      if (typeof response.body !== 'string') failures.add('a response body that is not text', `call direct:${n}`);
    }
    await world.serve.idle();
    console.log(`[serve fuzz] seed ${seedText}: ${calls} direct handler calls in ${(DIRECT_MS / 1000).toFixed(1)} s; answers ${[...statuses].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}: ${n}`).join(', ')}`);
    expect(failures.text, `seed ${seedText}: ${failures.total} problems in ${calls} calls`).toBe('');
  });
});

/** A request as the fuzzer builds them, written by hand. */
function request(partial: Partial<FuzzRequest> & { body?: Buffer }): FuzzRequest {
  return {
    kind: [],
    method: 'POST',
    target: '/ninjaone/webhook',
    version: 'HTTP/1.1',
    headers: [['Host', 'haloform.test'], ['Authorization', `Bearer ${SECRET}`], ['Content-Type', 'application/json']],
    body: Buffer.from('{}'),
    framing: 'length',
    pieces: [],
    pauseMs: 0,
    ...partial,
  };
}

/**
 * What the fuzzer found, each as the smallest request that shows it. Each name says what serve
 * did at commit 2c48d5f; a test passes once serve answers as it should.
 */
describe('requests the fuzzer found, shrunk', () => {
  it('an unknown Content-Encoding with non-ASCII bytes ("x" U+0085, or the UTF-8 bytes of U+202E): the 415 answer and the log line repeat it raw (the encoding name is not escaped like the Content-Type is)', async () => {
    const from = logLines.length;
    const problems: string[] = [];
    for (const encoding of ['x\u0085', latin1('gzip\u202E')]) {
      const req = request({ headers: [['Host', 'haloform.test'], ['Authorization', `Bearer ${SECRET}`], ['Content-Type', 'application/json'], ['Content-Encoding', encoding]] });
      const answer = await send(world.serve.url, req);
      problems.push(...checkAnswer(req, answer).map((p) => `${JSON.stringify(encoding)}: ${p}`));
    }
    for (const line of logLines.slice(from)) problems.push(...checkLogLine(line));
    expect(problems).toEqual([]);
  });

  it('a body that is a JSON string holding a bidi control, "\\u202e" in plain ASCII: the 422 answer (and its log line, and the rejection stored in the inbox) repeat it as a raw U+202E (printable() escapes C0 and C1, not the bidi controls src/render/safe-text.ts escapes)', async () => {
    const from = logLines.length;
    const req = request({ body: Buffer.from('"\\u202e"'), headers: [['Host', 'haloform.test'], ['Authorization', `Bearer ${SECRET}`], ['Content-Type', 'application/json'], ['X-Forwarded-For', '198.51.100.42']] });
    const answer = await send(world.serve.url, req);
    const problems = checkAnswer(req, answer);
    for (const line of logLines.slice(from)) problems.push(...checkLogLine(line));
    expect({ status: answer.status, problems }).toEqual({ status: 422, problems: [] });
  });

  it('a Content-Length just over the limit (1 MiB + 1) with a body that stops after 10 bytes: no answer until Node\'s request timeout (headers + body + 5 s: 26 s with the defaults, not the 10 s body timeout), then 408 instead of the 413 already decided', { timeout: 30_000 }, async () => {
    const req = request({ body: Buffer.alloc(10, 0x20), framing: 'none', headers: [['Host', 'haloform.test'], ['Authorization', `Bearer ${SECRET}`], ['Content-Type', 'application/json'], ['Content-Length', String(1024 * 1024 + 1)]] });
    const answer = await send(world.serve.url, req);
    expect({ status: answer.status, timedOut: answer.timedOut, within: answer.ms <= TIMEOUT_MS + 2_500 }).toEqual({ status: 413, timedOut: false, within: true });
  });

  it.each([
    ['a sender that breaks off in the middle of its body', () => request({ body: Buffer.from('{"id":'), framing: 'length-short', pieces: [6] }), 'break'],
    ['a malformed chunked body', () => request({ body: Buffer.from('{"id":1}'), framing: 'bad-chunked' }), 'send'],
  ] as const)('%s is not logged as serve\'s own failure ("level":"error","msg":"request failed","error":"aborted", the line of an answer 500)', async (_, make, how) => {
    const from = logLines.length;
    const req = make();
    if (how === 'break') {
      const { hostname, port } = new URL(world.serve.url);
      const { head, body } = wire(req);
      await new Promise<void>((done) => {
        const socket = connect(Number(port), hostname, () => {
          socket.write(Buffer.concat([head, ...body]));
          setTimeout(() => socket.destroy(), 100);
        });
        socket.on('error', () => undefined);
        socket.on('close', () => done());
      });
    } else {
      await send(world.serve.url, req);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(logLines.slice(from).filter((line) => /"level":"error"/.test(line))).toEqual([]);
  });
});
