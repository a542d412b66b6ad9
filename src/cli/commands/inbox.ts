/**
 * `haloform inbox list | show | replay | prune`: the inbound webhook log, searchable — every
 * delivery serve received (accepted, duplicate, ignored, rejected, dead), what processing did
 * with it, a way to run dead ones again once their cause is fixed, and retention on demand.
 * Declares the four subcommands and their options too.
 */

import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import { HaloApiClient } from '../../halo/client.js';
import { HaloTickets, type HaloTicket } from '../../halo/tickets.js';
import { Redactor } from '../../http/index.js';
import { DELIVERY_STATUSES, type Delivery, type DeliveryStatus, type FinishedStatus } from '../../store/inbox-store.js';
import type { CommandContext } from '../context.js';
import { withStore } from '../with-store.js';
import { formatOption, optionalConfigOption, storeOption, type SelectCommand } from '../options.js';
import { loadForRun, specLoaded } from '../planning.js';
import { NINJAONE } from '../../rmm/ninjaone/provider.js';

export interface InboxListArgs {
  store?: string;
  status?: DeliveryStatus;
  since?: string;
  /** NinjaOne device id, alert series (seriesUid), Halo ticket id. */
  device?: number;
  series?: string;
  ticket?: number;
  /** The route (alerts.routes name, or `default`) the series' ticket took. */
  route?: string;
  limit: number;
  format: 'text' | 'json';
}

export interface InboxShowArgs {
  store?: string;
  id: number;
  config?: string;
  format: 'text' | 'json';
}

export interface InboxReplayArgs {
  store?: string;
  id?: number;
  dead: boolean;
}

export interface InboxPruneArgs {
  store?: string;
  /** A duration: 30d, 4w, 36h. */
  olderThan: string;
  includeDead: boolean;
  dryRun: boolean;
}

/** --store as every inbox subcommand takes it. */
const INBOX_STORE_OPTION = storeOption('The inbox serve uses');

/** Declares `haloform inbox` and its subcommands on the parser. */
export function declareInbox(parser: Argv, select: SelectCommand): Argv {
  return parser.command('inbox', "Search, replay and prune serve's inbound webhook log", (y) =>
    [declareInboxList, declareInboxShow, declareInboxReplay, declareInboxPrune]
      .reduce((sub, declare) => declare(sub, select), y)
      .demandCommand(1, 'Say what to do: haloform inbox list, show <id>, replay <id>|--dead or prune --older-than <age>.'),
  );
}

function declareInboxList(parser: Argv, select: SelectCommand): Argv {
  return parser.command(
    'list',
    'List deliveries, newest first',
    (y) =>
      y
        .option('status', { choices: DELIVERY_STATUSES, describe: 'Only deliveries with this status' })
        .option('since', { type: 'string', requiresArg: true, describe: 'Received since: 30m, 2h, 7d or a date' })
        .option('device', { type: 'number', requiresArg: true, describe: 'Only deliveries about this NinjaOne device id' })
        .option('series', { type: 'string', requiresArg: true, describe: "Only this alert series (NinjaOne's seriesUid, the alert uid)" })
        .option('ticket', { type: 'number', requiresArg: true, describe: 'Only deliveries that went to this Halo ticket' })
        .option('route', { type: 'string', requiresArg: true, describe: 'Only alerts that took this route (an alerts.routes name, or default)' })
        .option('limit', { type: 'number', default: 50, describe: 'At most this many' })
        .option('store', INBOX_STORE_OPTION)
        .option('format', formatOption(['text', 'json'], 'json: one delivery per line'))
        .example('haloform inbox list --status dead', 'What serve gave up on')
        .example('haloform inbox list --ticket 4711', 'Everything that touched ticket 4711')
        .example('haloform inbox list --route backup-failures', 'Alerts the backup-failures route took')
        .example('haloform inbox list --status rejected --since 1h', 'Requests refused in the last hour'),
    (a) =>
      select((ctx) =>
        inboxListCommand(
          {
            ...(a.store !== undefined ? { store: a.store } : {}),
            ...(a.status !== undefined ? { status: a.status } : {}),
            ...(a.since !== undefined ? { since: a.since } : {}),
            ...(a.device !== undefined ? { device: a.device } : {}),
            ...(a.series !== undefined ? { series: a.series } : {}),
            ...(a.ticket !== undefined ? { ticket: a.ticket } : {}),
            ...(a.route !== undefined ? { route: a.route } : {}),
            limit: a.limit,
            format: a.format,
          },
          ctx,
        ),
      ),
  );
}

function declareInboxShow(parser: Argv, select: SelectCommand): Argv {
  return parser.command(
    'show <id>',
    'One delivery: the request, its processing history and its Halo ticket',
    (y) =>
      y
        .positional('id', { type: 'number', demandOption: true, describe: 'The delivery id (from inbox list)' })
        .option('config', optionalConfigOption('The spec, to read the ticket from Halo (default: config/haloform.yaml when it exists)'))
        .option('store', INBOX_STORE_OPTION)
        .option('format', formatOption(['text', 'json'])),
    (a) => select((ctx) => inboxShowCommand({ ...(a.store !== undefined ? { store: a.store } : {}), id: a.id, ...(a.config !== undefined ? { config: a.config } : {}), format: a.format }, ctx)),
  );
}

function declareInboxReplay(parser: Argv, select: SelectCommand): Argv {
  return parser.command(
    'replay [id]',
    'Process a delivery again (a dead one once its cause is fixed), or every dead one',
    (y) =>
      y
        .positional('id', { type: 'number', describe: 'The delivery id' })
        .option('dead', { type: 'boolean', default: false, describe: 'Replay every dead delivery' })
        .option('store', INBOX_STORE_OPTION)
        .example('haloform inbox replay --dead', 'After fixing what made them fail'),
    (a) => select((ctx) => inboxReplayCommand({ ...(a.store !== undefined ? { store: a.store } : {}), ...(a.id !== undefined ? { id: a.id } : {}), dead: a.dead }, ctx)),
  );
}

function declareInboxPrune(parser: Argv, select: SelectCommand): Argv {
  return parser.command(
    'prune',
    'Remove finished deliveries older than a duration, with their history and the state of alerts long over',
    (y) =>
      y
        .option('older-than', { type: 'string', requiresArg: true, demandOption: true, describe: 'Received longer ago than this: 30d, 4w or 36h (at least a day)' })
        .option('include-dead', { type: 'boolean', default: false, describe: 'Remove dead deliveries that old too (they are kept otherwise, for inbox replay)' })
        .option('dry-run', { type: 'boolean', default: false, describe: 'Only count what would be removed' })
        .option('store', INBOX_STORE_OPTION)
        .example('haloform inbox prune --older-than 30d --dry-run', 'What a prune would remove')
        .example('haloform inbox prune --older-than 90d --include-dead', 'Everything finished before 90 days ago, dead deliveries too'),
    (a) =>
      select((ctx) =>
        inboxPruneCommand({ ...(a.store !== undefined ? { store: a.store } : {}), olderThan: a['older-than'], includeDead: a['include-dead'], dryRun: a['dry-run'] }, ctx),
      ),
  );
}

export async function inboxListCommand(args: InboxListArgs, ctx: CommandContext): Promise<number> {
  const since = args.since === undefined ? undefined : parseSince(args.since, Date.now());
  if (since instanceof Error) return fail(ctx, since.message);
  for (const [flag, value] of [['--device', args.device], ['--ticket', args.ticket]] as const) {
    if (value !== undefined && (!Number.isInteger(value) || value <= 0)) return fail(ctx, `${flag} must be a whole number, the id (got ${Number.isNaN(value) ? 'something that is not a number' : value}).`);
  }
  if (args.series !== undefined && args.series.trim() === '') return fail(ctx, '--series must name an alert series: the alert uid (seriesUid) NinjaOne sent.');
  if (args.route !== undefined && args.route.trim() === '') return fail(ctx, '--route must name a route: a name from alerts.routes, or default.');
  return withStore(args.store, ctx, async (store) => {
    const deliveries = await store.listDeliveries({
      ...(args.status ? { status: args.status } : {}),
      ...(since !== undefined ? { since } : {}),
      ...(args.device !== undefined ? { deviceId: args.device } : {}),
      ...(args.series !== undefined ? { seriesKey: args.series.trim() } : {}),
      ...(args.ticket !== undefined ? { ticketId: args.ticket } : {}),
      ...(args.route !== undefined ? { route: args.route.trim() } : {}),
      limit: args.limit,
    });
    if (args.format === 'json') {
      for (const d of deliveries) ctx.io.stdout.write(`${JSON.stringify(withoutBody(d))}\n`);
      return 0;
    }
    // Rejections past serve's sample were answered and counted, not stored: say how many.
    const unstored = args.status === undefined || args.status === 'rejected' ? await store.unstoredRejections() : {};
    const notStored = Object.values(unstored).reduce((n, c) => n + (c ?? 0), 0);
    const unstoredLine =
      notStored > 0
        ? `${notStored.toLocaleString('en')} more rejected request${notStored === 1 ? ' was' : 's were'} answered and counted but not stored (${Object.entries(unstored)
            .map(([reason, n]) => `${reason} ${n!.toLocaleString('en')}`)
            .join(', ')}): serve stores a sample of each sender's rejections, --rejected-sample per minute per reason.\n`
        : '';
    if (deliveries.length === 0) {
      const about = [args.device !== undefined ? ` for device ${args.device}` : '', args.series !== undefined ? ` in series ${args.series.trim()}` : '', args.ticket !== undefined ? ` to ticket ${args.ticket}` : '', args.route !== undefined ? ` that took route "${args.route.trim()}"` : ''].join('');
      ctx.io.stdout.write(`No deliveries${args.status ? ` with status ${args.status}` : ''}${about}${args.since ? ` since ${args.since}` : ''} in ${store.description}.\n${unstoredLine}`);
      return 0;
    }
    const rows = deliveries.map((d) => [
      String(d.id),
      new Date(d.receivedAt).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      d.status,
      String(d.httpStatus),
      d.activityId !== undefined ? String(d.activityId) : d.source === 'poller' ? 'poller' : '-',
      d.statusCode ?? '-',
      d.deviceId !== undefined ? String(d.deviceId) : '-',
      d.ticketId !== undefined ? String(d.ticketId) : '-',
      summaryOf(d),
    ]);
    ctx.io.stdout.write(table(['ID', 'RECEIVED', 'STATUS', 'HTTP', 'ACTIVITY', 'EVENT', 'DEVICE', 'TICKET', 'DETAIL'], rows));
    if (deliveries.length === args.limit) ctx.io.stdout.write(`(the newest ${args.limit}; --limit shows more)\n`);
    ctx.io.stdout.write(unstoredLine);
    return 0;
  });
}

export async function inboxShowCommand(args: InboxShowArgs, ctx: CommandContext): Promise<number> {
  if (!Number.isInteger(args.id)) return fail(ctx, 'a delivery id is a whole number; haloform inbox list shows them.');
  return withStore(args.store, ctx, async (store) => {
    const delivery = await store.getDelivery(args.id);
    if (!delivery) return fail(ctx, `there is no delivery ${args.id} in ${store.description}. haloform inbox list shows the ids.`);
    const history = await store.history(args.id);
    const series = delivery.seriesKey ? await store.getSeries(delivery.seriesKey) : undefined;
    const ticketId = delivery.ticketId ?? series?.ticketId;
    const ticket = ticketId === undefined ? undefined : await readTicket(ticketId, args.config, ctx);
    if (args.format === 'json') {
      ctx.io.stdout.write(`${JSON.stringify({ delivery, history, series, ticket: ticket && typeof ticket === 'object' ? ticket : { id: ticketId, note: ticket } }, null, 2)}\n`);
      return 0;
    }
    const { out } = ctx;
    const lines = [
      `${out.bold(`Delivery ${delivery.id}`)} — ${delivery.status}${delivery.reason ? `: ${delivery.reason}` : ''}`,
      '',
      `  received     ${new Date(delivery.receivedAt).toISOString()} (${delivery.source}, ${delivery.path}), answered ${delivery.httpStatus}`,
      ...(delivery.message ? [`  message      ${delivery.message}`] : []),
      ...(delivery.activityId !== undefined ? [`  activity     ${delivery.activityId} ${delivery.activityType ?? ''} ${delivery.statusCode ?? ''}`.trimEnd()] : []),
      ...(delivery.seriesKey ? [`  series       ${delivery.seriesKey}`] : []),
      ...(delivery.deviceId !== undefined ? [`  device       NinjaOne ${delivery.deviceId}`] : []),
      ...(delivery.duplicateOf !== undefined ? [`  duplicate of ${delivery.duplicateOf}`] : []),
      `  attempts     ${delivery.attempts}${delivery.nextAttemptAt ? `, next at ${new Date(delivery.nextAttemptAt).toISOString()}` : ''}`,
      ...(delivery.lastError ? [`  last error   ${delivery.lastError}`] : []),
      `  headers      ${Object.entries(delivery.headers).map(([k, v]) => `${k}: ${v}`).join('; ') || '(none kept)'}`,
      '',
      out.bold('Ticket'),
      ticketId === undefined
        ? '  none'
        : typeof ticket === 'object'
          ? `  #${ticket.id} ${ticket.summary} — status ${ticket.statusId}, client ${ticket.clientId ?? '-'}, site ${ticket.siteId ?? '-'}${ticket.userId !== undefined ? `, user ${ticket.userId}` : ''}${ticket.assetIds.length ? `, asset ${ticket.assetIds.join(', ')}` : ''}`
          : `  #${ticketId} (${ticket})`,
      ...(series ? [`  series state: ${series.ticketOpen ? 'open' : 'closed'}, fired ${series.triggerCount}×${series.resetAt ? `, reset ${new Date(series.resetAt).toISOString()}` : ''}${series.touched ? ', touched by a technician' : ''}`] : []),
      '',
      out.bold('History'),
      ...(history.length === 0 ? ['  (nothing yet)'] : history.map((h) => `  ${new Date(h.at).toISOString()}  ${h.event}${h.detail ? `  ${JSON.stringify(h.detail)}` : ''}`)),
      '',
      out.bold('Body'),
      indent(prettyBody(delivery.body)),
      '',
    ];
    ctx.io.stdout.write(lines.join('\n'));
    return 0;
  });
}

export async function inboxReplayCommand(args: InboxReplayArgs, ctx: CommandContext): Promise<number> {
  if (args.id === undefined && !args.dead) return fail(ctx, 'say which deliveries to replay: haloform inbox replay <id>, or --dead for every dead one.');
  if (args.id !== undefined && args.dead) return fail(ctx, 'give a delivery id or --dead, not both.');
  if (args.id !== undefined && !Number.isInteger(args.id)) return fail(ctx, 'a delivery id is a whole number; haloform inbox list shows them.');
  return withStore(args.store, ctx, async (store) => {
    if (args.dead) {
      const ids = await store.replayDead();
      ctx.io.stdout.write(ids.length === 0 ? 'No dead deliveries to replay.\n' : `${ids.length} dead deliver${ids.length === 1 ? 'y' : 'ies'} queued again: ${ids.join(', ')}. A running haloform serve picks them up within a second.\n`);
      return 0;
    }
    const result = await store.replay(args.id!);
    if (!result.ok) return fail(ctx, `${result.reason}.`);
    ctx.io.stdout.write(`Delivery ${result.deliveryId} queued again. A running haloform serve picks it up within a second (haloform inbox show ${result.deliveryId} follows it).\n`);
    return 0;
  });
}

export async function inboxPruneCommand(args: InboxPruneArgs, ctx: CommandContext): Promise<number> {
  const age = parseOlderThan(args.olderThan);
  if (age instanceof Error) return fail(ctx, age.message);
  const olderThan = Date.now() - age;
  const given = args.olderThan.trim();
  return withStore(args.store, ctx, async (store) => {
    const result = await store.prune({ olderThan, keepDead: !args.includeDead, dryRun: args.dryRun });
    const statuses = (['done', 'ignored', 'duplicate', 'rejected', 'dead'] as const satisfies readonly FinishedStatus[]).filter((s) => result.deliveries[s] > 0);
    const total = statuses.reduce((n, s) => n + result.deliveries[s], 0);
    const counts = [total, result.history, result.series].map(String);
    const width = Math.max(...counts.map((c) => c.length));
    const before = new Date(olderThan).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const lines = [
      `${args.dryRun ? 'Dry run — would remove' : 'Removed'} from ${store.description} the finished deliveries received before ${before} (older than ${given}):`,
      `  deliveries       ${counts[0]!.padStart(width)}${statuses.length > 0 ? `  (${statuses.map((s) => `${result.deliveries[s]} ${s}`).join(', ')})` : ''}`,
      `  history entries  ${counts[1]!.padStart(width)}`,
      `  series states    ${counts[2]!.padStart(width)}`,
    ];
    if (!args.includeDead) {
      const dead = (await store.counts()).dead;
      if (dead > 0) lines.push(`${dead} dead deliver${dead === 1 ? 'y' : 'ies'} kept (haloform inbox list --status dead); --include-dead removes those older than ${given} too.`);
    }
    ctx.io.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  });
}

/** The least --older-than takes: a copy of a delivery that NinjaOne sends again must still find the first. */
const MIN_PRUNE_AGE_MS = 86_400_000;

/** "30d", "4w", "36h" → milliseconds, at least a day. */
export function parseOlderThan(text: string): number | Error {
  const m = /^\s*(\d+)\s*(h|d|w)\s*$/i.exec(text);
  if (!m) return new Error(`--older-than "${text}" is not a duration: use days (30d), weeks (4w) or hours (36h).`);
  const ms = Number(m[1]) * { h: 3_600_000, d: 86_400_000, w: 604_800_000 }[m[2]!.toLowerCase() as 'h' | 'd' | 'w'];
  if (ms < MIN_PRUNE_AGE_MS) {
    return new Error(`--older-than ${text.trim()} is less than a day. The inbox keeps at least a day, so that a delivery NinjaOne sends again is still recognised as a copy: use 1d or more.`);
  }
  return ms;
}

/** "1h", "30m", "2d", "90s" or an ISO date → epoch ms. */
export function parseSince(text: string, now: number): number | Error {
  const m = /^\s*(\d+)\s*(s|m|h|d)\s*$/i.exec(text);
  if (m) return now - Number(m[1]) * { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2]!.toLowerCase() as 's' | 'm' | 'h' | 'd'];
  const t = Date.parse(text);
  if (!Number.isNaN(t)) return t;
  return new Error(`--since "${text}" is neither a duration (30m, 2h, 7d) nor a date (2026-05-01 or 2026-05-01T09:00:00Z).`);
}

/** The ticket from Halo when a spec is at hand; otherwise why it was not read. */
async function readTicket(id: number, config: string | undefined, ctx: CommandContext): Promise<HaloTicket | string> {
  const path = config ?? 'config/haloform.yaml';
  if (!existsSync(resolve(ctx.io.cwd, path))) return 'pass -c <spec> to read it from Halo';
  const loaded = loadForRun(path, ctx);
  if (!specLoaded(loaded)) return `${path} has errors; not read from Halo`;
  const spec = loaded.spec;
  const halo = new HaloApiClient(spec.connections.halo, NINJAONE.halo, { redactor: new Redactor([spec.connections.halo.clientSecret]), maxAttempts: 2 });
  try {
    return (await new HaloTickets(halo).readTicket(id)) ?? 'Halo no longer has it';
  } catch (e) {
    return `could not be read from Halo: ${(e as Error).message}`;
  } finally {
    await halo.close();
  }
}

function fail(ctx: CommandContext, text: string): number {
  ctx.io.stderr.write(`${ctx.err.red(ctx.err.bold('Error:'))} ${text}\n`);
  return 1;
}

function summaryOf(d: Delivery): string {
  const text = d.status === 'rejected' ? (d.message ?? d.reason ?? '') : d.status === 'dead' ? (d.reason ?? '') : d.status === 'duplicate' ? `duplicate of ${d.duplicateOf}` : d.status === 'pending' && d.lastError ? `retrying: ${d.lastError}` : (d.reason ?? '');
  return text.length > 90 ? `${text.slice(0, 87)}...` : text;
}

function withoutBody(d: Delivery): Omit<Delivery, 'body'> {
  const { body: _body, ...rest } = d;
  return rest;
}

function prettyBody(body: string | undefined): string {
  if (body === undefined) return '(not kept: the sender did not authenticate, or the body was over the limit)';
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body.length > 4000 ? `${body.slice(0, 4000)}…` : body;
  }
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}
