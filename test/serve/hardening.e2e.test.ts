/**
 * serve as an attacker and a careless operator meet it (issue 14 rows 5, 6, 14, 15, 16), over
 * real sockets: the secret is checked before a byte of the body is read; headers and bodies that
 * trickle are cut off; strangers cannot hold every connection; compressed bodies are read (and
 * limited after decompression), unknown encodings named, binary never echoed; the banner says the
 * address actually bound; a store path in a folder that does not exist is refused.
 */

import { mkdtempSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { conditionActivity, post, SECRET, specText, startWorld, type World } from './fixtures.js';

/** Writes `head` on a raw socket and resolves with everything the server sends until it closes (or `ms` pass). */
function raw(url: string, head: string, options: { ms?: number; then?: (socket: Socket) => void } = {}): Promise<{ text: string; closed: boolean }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    let text = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ text, closed: false });
    }, options.ms ?? 5_000);
    socket.on('data', (chunk) => (text += chunk.toString('latin1')));
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ text, closed: true });
    });
    socket.on('error', () => undefined);
    socket.write(head);
    options.then?.(socket);
  });
}

describe('serve under hostile and careless use', () => {
  let world: World;
  let nextId = 900_000;
  const activity = () => JSON.stringify(conditionActivity(++nextId, 'TRIGGERED', `series-${nextId}`, world.cast.plain.deviceId));

  beforeAll(async () => {
    world = await startWorld({ serve: { headersTimeoutMs: 300, bodyTimeoutMs: 300, maxUnauthenticatedConnections: 4 } });
  });
  afterAll(async () => world.close());

  it('answers a request without the secret 401 from its headers alone, without waiting for the body it announced', async () => {
    const head = `POST /ninjaone/webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n`;

    // No body byte is ever sent: the answer must come from the headers.
    const answer = await raw(world.serve.url, head);

    expect(answer.text).toMatch(/^HTTP\/1\.1 401 /);
    expect(answer.text).toContain('Unauthorized: no webhook secret');
    expect(answer.closed).toBe(true);
  });

  it('cuts off a request whose headers trickle, and one whose body does', async () => {
    const trickle = await raw(world.serve.url, 'POST /ninjaone/webhook HTTP/1.1\r\nHost: x\r\n', { ms: 10_000 });
    const slowBody = await raw(world.serve.url, `POST /ninjaone/webhook HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${SECRET}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"id":`, {
      ms: 10_000,
    });

    expect(trickle.closed).toBe(true);
    expect(trickle.text).toMatch(/^(HTTP\/1\.1 408 |$)/);
    expect(slowBody.closed).toBe(true);
    expect(slowBody.text).toMatch(/^HTTP\/1\.1 408 /);
    expect(slowBody.text).toContain('Request Timeout: the body did not arrive within');
  });

  it('closes connections past the cap of strangers at once; a sender with the secret still gets through', async () => {
    const { hostname, port } = new URL(world.serve.url);
    const idle: Socket[] = [];
    for (let i = 0; i < 4; i++) {
      const s = connect(Number(port), hostname);
      s.on('error', () => undefined);
      idle.push(s);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));

    const refused = await raw(world.serve.url, '', { ms: 2_000 });
    for (const s of idle) s.destroy();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const accepted = await post(world.serve.url, activity());

    expect(refused).toEqual({ text: '', closed: true });
    expect(accepted.status).toBe(202);
  });

  it.each([
    ['gzip', (b: Buffer) => gzipSync(b)],
    ['deflate', (b: Buffer) => deflateSync(b)],
  ])('reads a %s body', async (encoding, pack) => {
    const response = await post(world.serve.url, pack(Buffer.from(activity())), { headers: { 'content-encoding': encoding } });

    expect(response.status).toBe(202);
  });

  it('names an encoding it cannot read (415), limits a body after decompression (413), never echoes binary (400)', async () => {
    const unknown = await post(world.serve.url, Buffer.from(activity()), { headers: { 'content-encoding': 'compress' } });
    const bomb = await post(world.serve.url, gzipSync(Buffer.alloc(5 * 1024 * 1024, 32)), { headers: { 'content-encoding': 'gzip' } });
    const binary = await post(world.serve.url, Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0xff, 0xfe, 0x00, 0x01, 0x7b]));

    expect(unknown).toEqual({ status: 415, body: { error: 'Unsupported Media Type: the body is in the "compress" encoding; send it as is, or gzip, deflate or br', status: 415 } });
    expect(bomb).toEqual({ status: 413, body: { error: 'Payload Too Large: the body decompresses to more than 1048576 bytes, the limit', status: 413 } });
    expect(binary).toEqual({ status: 400, body: { error: 'Bad Request: the body is not valid JSON (it holds 9 bytes that are not UTF-8 text)', status: 400 } });
    const stored = (await world.serve.store.listDeliveries({ status: 'rejected', limit: 5 })).find((d) => d.httpStatus === 400)!;
    expect(stored.body).toBeUndefined();
    expect(stored.message).toBe('Bad Request: the body is not valid JSON (it holds 9 bytes that are not UTF-8 text)');
  });
});

describe('haloform serve, started by hand', () => {
  const dir = mkdtempSync(join(tmpdir(), 'haloform-serve-hard-'));
  const env = { NINJAONE_URL: 'http://127.0.0.1:9', NINJAONE_CLIENT_ID: 'n', NINJAONE_CLIENT_SECRET: 'ninja-secret-value', HALO_URL: 'http://127.0.0.1:9', HALO_CLIENT_ID: 'h', HALO_CLIENT_SECRET: 'halo-secret-value', HALOFORM_WEBHOOK_SECRET: SECRET };
  writeFileSync(join(dir, 'spec.yaml'), specText());

  it('says the address it is bound to: every interface by default', async () => {
    const run = await cli(['serve', '-c', 'spec.yaml', '--port', '0', '--store', 'sqlite:bound.db', '--log-level', 'error'], { cwd: dir, env, signal: Promise.resolve('SIGTERM') });

    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^haloform serve is listening on 0\.0\.0\.0:\d+ \(every interface\) — from this machine: http:\/\/127\.0\.0\.1:\d+\n/);
  });

  it('refuses an inbox in a folder that does not exist, unless --create-store; a new inbox is announced with its full path', async () => {
    const missing = join(dir, 'no-such-folder', 'inbox.db');

    const refused = await cli(['serve', '-c', 'spec.yaml', '--port', '0', '--store', `sqlite:${missing}`], { cwd: dir, env, signal: Promise.resolve('SIGTERM') });
    const created = await cli(['serve', '-c', 'spec.yaml', '--port', '0', '--store', `sqlite:${missing}`, '--create-store', '--log-level', 'warn'], { cwd: dir, env, signal: Promise.resolve('SIGTERM') });

    expect(refused).toMatchObject({ code: 1, stdout: '' });
    expect(refused.stderr).toBe(
      `Error: There is no inbox at ${missing}, and its folder ${join(dir, 'no-such-folder')} does not exist either. Correct --store (or HALOFORM_STORE) if it should name an existing inbox; to start a new one there, create the folder or pass --create-store.\n`,
    );
    expect(created.code, created.stderr).toBe(0);
    expect(created.stderr).toContain(`"msg":"creating a new, empty inbox at ${missing}: no earlier deliveries or alert state are in it. If serve used another inbox before, stop and pass its --store."`);
  });
});
