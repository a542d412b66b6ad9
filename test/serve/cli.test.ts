/**
 * `haloform serve` and `haloform inbox` as a user runs them (in-process, real files): start-up
 * refusals with their messages, a start and a graceful stop, and the inbox commands' answers to
 * what a person may type.
 */

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSince } from '../../src/cli/commands/inbox.js';
import { openSqliteStore } from '../../src/store/sqlite-store.js';
import { cli } from '../helpers/cli.js';
import { delivery } from '../store/store-contract.js';
import { SECRET, specText } from './fixtures.js';

const ENV = { NINJAONE_URL: 'http://127.0.0.1:9', NINJAONE_CLIENT_ID: 'n', NINJAONE_CLIENT_SECRET: 'ninja-secret', HALO_URL: 'http://127.0.0.1:9', HALO_CLIENT_ID: 'h', HALO_CLIENT_SECRET: 'halo-secret' };

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'haloform-cli-'));
  writeFileSync(join(dir, 'spec.yaml'), specText());
  writeFileSync(join(dir, 'no-alerts.yaml'), specText().replace(/\nalerts:[\s\S]*$/, '\n'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('haloform serve', () => {
  it('refuses to start without HALOFORM_WEBHOOK_SECRET', async () => {
    const run = await cli(['serve', '-c', 'spec.yaml', '--port', '0', '--store', 'sqlite:inbox.db'], { cwd: dir, env: ENV });

    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'Error: HALOFORM_WEBHOOK_SECRET is not set. serve accepts only webhooks that carry this secret (the one haloform apply registers with NinjaOne); set it to a long random value, e.g. export HALOFORM_WEBHOOK_SECRET=$(openssl rand -hex 32), or pass --insecure-no-auth on a trusted network.\n',
    );
  });

  it('refuses a spec without alerts', async () => {
    const run = await cli(['serve', '-c', 'no-alerts.yaml', '--port', '0', '--store', 'sqlite:inbox.db'], { cwd: dir, env: { ...ENV, HALOFORM_WEBHOOK_SECRET: SECRET } });

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Error: The spec has no alerts section, so serve has nothing to do.');
  });

  it('refuses a store URL it cannot use', async () => {
    const run = await cli(['serve', '-c', 'spec.yaml', '--port', '0'], { cwd: dir, env: { ...ENV, HALOFORM_WEBHOOK_SECRET: SECRET, HALOFORM_STORE: 'redis://x' } });

    expect(run).toMatchObject({ code: 1, stderr: 'Error: "redis://x" is not a store URL: use sqlite:<file> (e.g. sqlite:haloform.db) or postgres://user:password@host/database.\n' });
  });

  it('refuses a lease under a second', async () => {
    const run = await cli(['serve', '-c', 'spec.yaml', '--port', '0', '--store', 'sqlite:inbox.db', '--lease-seconds', '0.5'], { cwd: dir, env: { ...ENV, HALOFORM_WEBHOOK_SECRET: SECRET } });

    expect(run).toMatchObject({ code: 1, stderr: 'Error: --lease-seconds must be a number of seconds, at least 1 (got 0.5).\n' });
  });

  it('starts, says where it listens, and stops cleanly on SIGTERM', async () => {
    const run = await cli(['serve', '-c', 'spec.yaml', '--host', '127.0.0.1', '--port', '0', '--store', 'sqlite:run.db', '--log-level', 'warn'], {
      cwd: dir,
      env: { ...ENV, HALOFORM_WEBHOOK_SECRET: SECRET },
      signal: Promise.resolve('SIGTERM'),
    });

    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^haloform serve is listening on http:\/\/127\.0\.0\.1:\d+\n {2}webhook {3}POST http:\/\/127\.0\.0\.1:\d+\/ninjaone\/webhook {2}\(also \/api\/notifyninjaalerts\)/);
    expect(run.stdout).toContain(`inbox     sqlite:${join(dir, 'run.db')}`);
    expect(run.stderr).toContain('SIGTERM: stopping haloform serve.');
    expect(run.stderr).not.toContain(SECRET);
  });
});

describe('haloform inbox', () => {
  let store: string;
  beforeAll(async () => {
    store = `sqlite:${join(dir, 'inbox-cli.db')}`;
    const s = openSqliteStore(join(dir, 'inbox-cli.db'));
    await s.accept(delivery(11, 'series-a'));
    await s.accept(delivery(11, 'series-a'));
    await s.reject({ receivedAt: Date.now(), path: '/ninjaone/webhook', headers: {}, bodyBytes: 3, httpStatus: 400, reason: 'malformed_json', message: 'Bad Request: the body is not valid JSON: Unexpected end of JSON input' });
    await s.close();
  });

  it('lists newest first as a table', async () => {
    const run = await cli(['inbox', 'list', '--store', store]);

    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[1]).toMatch(/^3 +\S+ +rejected +400 +- +- +- +- +Bad Request: the body is not valid JSON/);
    expect(lines[2]).toMatch(/^2 +\S+ +duplicate +200 +11 +TRIGGERED +7 +- +duplicate of 1$/);
    expect(lines[3]).toMatch(/^1 +\S+ +pending +202 +11 +TRIGGERED +7 +-$/);
  });

  it('filters by status and says when nothing matches', async () => {
    const run = await cli(['inbox', 'list', '--status', 'dead', '--store', store]);

    expect(run).toMatchObject({ code: 0, stdout: `No deliveries with status dead in ${store}.\n` });
  });

  it('refuses a status it does not know, naming the ones it does', async () => {
    const run = await cli(['inbox', 'list', '--status', 'lost', '--store', store]);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Invalid values:');
    expect(run.stderr).toContain('"pending", "done", "ignored", "duplicate", "rejected", "dead"');
  });

  it('refuses a --since it cannot read', async () => {
    const run = await cli(['inbox', 'list', '--since', 'yesterday', '--store', store]);

    expect(run).toMatchObject({ code: 1, stderr: 'Error: --since "yesterday" is neither a duration (30m, 2h, 7d) nor a date (2026-05-01 or 2026-05-01T09:00:00Z).\n' });
  });

  it.each([
    ['30m', 1_000_000_000_000 - 1_800_000],
    ['2h', 1_000_000_000_000 - 7_200_000],
    ['7d', 1_000_000_000_000 - 604_800_000],
    ['2026-05-01T09:00:00Z', Date.parse('2026-05-01T09:00:00Z')],
  ])('reads --since %s', (text, expected) => {
    expect(parseSince(text, 1_000_000_000_000)).toBe(expected);
  });

  it('shows a delivery with its body, and says how to read the ticket', async () => {
    const run = await cli(['inbox', 'show', '1', '--store', store], { cwd: dir });

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Delivery 1 — pending');
    expect(run.stdout).toContain('activity     11 CONDITION TRIGGERED');
    expect(run.stdout).toContain('"seriesUid": "series-a"');
    expect(run.stdout).toContain('Ticket\n  none');
  });

  it('says which deliveries exist when asked for one that does not', async () => {
    const run = await cli(['inbox', 'show', '99', '--store', store]);

    expect(run).toMatchObject({ code: 1, stderr: `Error: there is no delivery 99 in ${store}. haloform inbox list shows the ids.\n` });
  });

  it.each([
    [['inbox', 'replay'], 'Error: say which deliveries to replay: haloform inbox replay <id>, or --dead for every dead one.\n'],
    [['inbox', 'replay', 'abc'], 'Error: a delivery id is a whole number; haloform inbox list shows them.\n'],
    [['inbox', 'show', 'abc'], 'Error: a delivery id is a whole number; haloform inbox list shows them.\n'],
    [['inbox', 'replay', '3'], 'Error: delivery 3 was rejected (malformed_json); it was never an activity haloform could process.\n'],
    [['inbox', 'replay', '2'], 'Error: delivery 2 is a duplicate of delivery 1; replay that one.\n'],
    [['inbox', 'replay', '1'], 'Error: delivery 1 is still pending; it will be processed.\n'],
  ])('haloform %j refuses, saying why', async (argv, message) => {
    const run = await cli([...argv, '--store', store]);

    expect(run).toMatchObject({ code: 1, stderr: message });
  });

  it('says where the inbox should be when there is none', async () => {
    const run = await cli(['inbox', 'list'], { cwd: dir, env: {} });

    expect(run).toMatchObject({
      code: 1,
      stderr: `Error: There is no inbox at ${join(dir, 'haloform.db')}. haloform serve creates it; pass the same --store (or HALOFORM_STORE) serve uses.\n`,
    });
  });
});
