/**
 * `haloform serve` and `haloform inbox` as a user runs them (in-process, real files): start-up
 * refusals with their messages, a start and a graceful stop, and the inbox commands' answers to
 * what a person may type — `inbox prune` included.
 */

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseOlderThan, parseSince } from '../../src/cli/commands/inbox.js';
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

  it.each([['-1'], ['1.5'], ['abc']])('refuses --retain-days %s', async (value) => {
    const run = await cli(['serve', '-c', 'spec.yaml', '--port', '0', '--store', 'sqlite:inbox.db', '--retain-days', value], { cwd: dir, env: { ...ENV, HALOFORM_WEBHOOK_SECRET: SECRET } });

    expect(run).toMatchObject({
      code: 1,
      stderr: `Error: --retain-days must be a whole number of days: 1 or more prunes what is older once an hour, 0 keeps everything (got ${value === 'abc' ? 'something that is not a number' : Number(value)}).\n`,
    });
  });

  it('says when retention is off', async () => {
    const run = await cli(['serve', '-c', 'spec.yaml', '--host', '127.0.0.1', '--port', '0', '--store', 'sqlite:off.db', '--retain-days', '0', '--log-level', 'warn'], {
      cwd: dir,
      env: { ...ENV, HALOFORM_WEBHOOK_SECRET: SECRET },
      signal: Promise.resolve('SIGTERM'),
    });

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('\n  retention off: the inbox keeps everything (--retain-days 0)\n');
  });

  it('starts, says where it listens, and stops cleanly on SIGTERM', async () => {
    const run = await cli(['serve', '-c', 'spec.yaml', '--host', '127.0.0.1', '--port', '0', '--store', 'sqlite:run.db', '--log-level', 'warn'], {
      cwd: dir,
      env: { ...ENV, HALOFORM_WEBHOOK_SECRET: SECRET },
      signal: Promise.resolve('SIGTERM'),
    });

    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^haloform serve is listening on 127\.0\.0\.1:\d+ — from this machine: http:\/\/127\.0\.0\.1:\d+\n {2}webhook {3}POST http:\/\/127\.0\.0\.1:\d+\/ninjaone\/webhook {2}\(also \/api\/notifyninjaalerts\)/);
    expect(run.stdout).toContain(`inbox     sqlite:${join(dir, 'run.db')}`);
    expect(run.stdout).toContain('\n  retention finished deliveries older than 30 days pruned hourly; dead ones kept (--retain-days)\n');
    expect(run.stderr).toContain('SIGTERM: stopping haloform serve.');
    expect(run.stderr).not.toContain(SECRET);
  });
});

describe('haloform serve reloads its spec on SIGHUP', () => {
  it('takes a valid new spec and says so; refuses a broken one and keeps the running spec', async () => {
    let fire: (() => void) | undefined;
    const settle = () => new Promise((r) => setTimeout(r, 300));
    const signal = (async () => {
      while (!fire) await new Promise((r) => setTimeout(r, 20));
      writeFileSync(join(dir, 'reload.yaml'), specText().replace('ticketType: Alert', 'ticketType: Incident'));
      fire();
      await settle();
      writeFileSync(join(dir, 'reload.yaml'), 'version: 1\nconnections: [broken\n');
      fire();
      await settle();
      return 'SIGTERM';
    })();
    writeFileSync(join(dir, 'reload.yaml'), specText());

    const run = await cli(['serve', '-c', 'reload.yaml', '--host', '127.0.0.1', '--port', '0', '--store', 'sqlite:reload.db', '--log-level', 'error'], {
      cwd: dir,
      env: { ...ENV, HALOFORM_WEBHOOK_SECRET: SECRET },
      hangup: (f) => (fire = f),
      signal,
    });

    expect(run.code).toBe(0);
    expect(run.stderr).toContain('SIGHUP: reloaded reload.yaml.');
    expect(run.stderr).toMatch(/SIGHUP: kept the running spec; the new reload\.yaml was refused: the new spec has (an error|\d+ errors) \(first: /);
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

  it('filters by device, series and ticket, and says what matched nothing', async () => {
    const byDevice = await cli(['inbox', 'list', '--device', '7', '--store', store, '--format', 'json']);
    const bySeries = await cli(['inbox', 'list', '--series', 'series-a', '--store', store, '--format', 'json']);
    const otherDevice = await cli(['inbox', 'list', '--device', '8', '--series', 'series-a', '--store', store]);
    const noTicket = await cli(['inbox', 'list', '--ticket', '4711', '--store', store]);

    expect(byDevice.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { id: number }).id)).toEqual([2, 1]);
    expect(bySeries.stdout.trim().split('\n')).toHaveLength(2);
    expect(otherDevice).toMatchObject({ code: 0, stdout: `No deliveries for device 8 in series series-a in ${store}.\n` });
    expect(noTicket).toMatchObject({ code: 0, stdout: `No deliveries to ticket 4711 in ${store}.\n` });
    expect(await cli(['inbox', 'list', '--ticket', '-3', '--store', store])).toMatchObject({ code: 1, stderr: 'Error: --ticket must be a whole number, the id (got -3).\n' });
    expect(await cli(['inbox', 'list', '--device', 'abc', '--store', store])).toMatchObject({ code: 1, stderr: 'Error: --device must be a whole number, the id (got something that is not a number).\n' });
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

describe('haloform inbox prune', () => {
  const DAY = 86_400_000;
  let n = 0;
  let path: string;
  let store: string;
  let ids: { done: number; dead: number; ignored: number; rejected: number; recent: number };

  // Finished deliveries of 40 days ago (one of each status), a settled series, and one of yesterday.
  beforeEach(async () => {
    path = join(dir, `prune-${++n}.db`);
    store = `sqlite:${path}`;
    const s = openSqliteStore(path);
    const old = Date.now() - 40 * DAY;
    const done = (await s.accept(delivery(21, 'series-done', { receivedAt: old }))).deliveryId;
    const dead = (await s.accept(delivery(22, 'series-dead', { receivedAt: old }))).deliveryId;
    await s.claim(2, 60_000, 'w');
    await s.complete(done, 'w', { status: 'done', ticketId: 5 });
    await s.deadLetter(dead, 'w', 'Halo refused the ticket');
    await s.saveSeries({ key: 'series-done', ticketId: 5, ticketOpen: false, triggerCount: 1, resetAt: old, touched: false, applied: [21], updatedAt: old });
    const ignored = (await s.accept(delivery(23, 'series-ignored', { receivedAt: old, status: 'ignored' }))).deliveryId;
    const rejected = await s.reject({ receivedAt: old, path: '/ninjaone/webhook', headers: {}, bodyBytes: 3, httpStatus: 400, reason: 'malformed_json', message: 'not JSON' });
    const recent = (await s.accept(delivery(24, 'series-recent', { receivedAt: Date.now() - DAY, status: 'ignored' }))).deliveryId;
    ids = { done, dead, ignored, rejected, recent };
    await s.close();
  });

  async function left(): Promise<number[]> {
    const s = openSqliteStore(path, { mustExist: true });
    const list = (await s.listDeliveries()).map((d) => d.id);
    await s.close();
    return list;
  }

  it('removes the finished deliveries older than the duration, says what it removed, and keeps dead ones', async () => {
    const run = await cli(['inbox', 'prune', '--older-than', '30d', '--store', store]);

    expect(run.code).toBe(0);
    const [first, ...rest] = run.stdout.split('\n');
    expect(first).toMatch(new RegExp(`^Removed from ${store} the finished deliveries received before \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ \\(older than 30d\\):$`));
    expect(rest.join('\n')).toBe(
      [
        '  deliveries       3  (1 done, 1 ignored, 1 rejected)',
        '  history entries  1',
        '  series states    1',
        '1 dead delivery kept (haloform inbox list --status dead); --include-dead removes those older than 30d too.',
        '',
      ].join('\n'),
    );
    expect(await left()).toEqual([ids.recent, ids.dead]);
  });

  it('removes dead deliveries too with --include-dead', async () => {
    const run = await cli(['inbox', 'prune', '--older-than', '4w', '--include-dead', '--store', store]);

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('\n  deliveries       4  (1 done, 1 ignored, 1 rejected, 1 dead)\n  history entries  2\n  series states    1\n');
    expect(run.stdout).not.toContain('dead delivery kept');
    expect(await left()).toEqual([ids.recent]);
  });

  it('only counts with --dry-run', async () => {
    const run = await cli(['inbox', 'prune', '--older-than', '30d', '--dry-run', '--store', store]);

    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^Dry run — would remove from ${store} the finished deliveries received before \\S+ \\(older than 30d\\):\\n  deliveries       3  \\(1 done, 1 ignored, 1 rejected\\)\\n`));
    expect(await left()).toEqual([ids.recent, ids.rejected, ids.ignored, ids.dead, ids.done]);
  });

  it('says so when there is nothing that old', async () => {
    const run = await cli(['inbox', 'prune', '--older-than', '60d', '--include-dead', '--store', store]);

    expect(run.stdout).toContain('(older than 60d):\n  deliveries       0\n  history entries  0\n  series states    0\n');
  });

  it.each([
    ['30', 'Error: --older-than "30" is not a duration: use days (30d), weeks (4w) or hours (36h).\n'],
    ['a month', 'Error: --older-than "a month" is not a duration: use days (30d), weeks (4w) or hours (36h).\n'],
    ['30m', 'Error: --older-than "30m" is not a duration: use days (30d), weeks (4w) or hours (36h).\n'],
    ['12h', 'Error: --older-than 12h is less than a day. The inbox keeps at least a day, so that a delivery NinjaOne sends again is still recognised as a copy: use 1d or more.\n'],
    ['0d', 'Error: --older-than 0d is less than a day. The inbox keeps at least a day, so that a delivery NinjaOne sends again is still recognised as a copy: use 1d or more.\n'],
  ])('refuses --older-than %s, saying why', async (value, message) => {
    const run = await cli(['inbox', 'prune', '--older-than', value, '--store', store]);

    expect(run).toMatchObject({ code: 1, stderr: message });
    expect(await left()).toHaveLength(5);
  });

  it('asks for --older-than', async () => {
    const run = await cli(['inbox', 'prune', '--store', store]);

    expect(run).toMatchObject({ code: 1, stderr: 'Error: Missing required argument: older-than.\n\nRun haloform --help to see the commands and their options.\n' });
  });

  it.each([
    ['36h', 36 * 3_600_000],
    ['1d', DAY],
    [' 30D ', 30 * DAY],
    ['4w', 28 * DAY],
  ])('reads --older-than %j', (text, ms) => {
    expect(parseOlderThan(text)).toBe(ms);
  });
});
