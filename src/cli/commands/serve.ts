/**
 * `haloform serve`: the webhook receiver, workers and poller until SIGTERM or Ctrl-C, then a
 * graceful stop (stop accepting, finish or hand back in-flight work, close the store). The
 * store comes from --store, else HALOFORM_STORE, else sqlite:haloform.db; the secrets from
 * HALOFORM_WEBHOOK_SECRET (and HALOFORM_WEBHOOK_SECRET_PREVIOUS during a rotation).
 *
 * Retention is on by default (--retain-days 30): the inbox is an operational log, not an
 * archive — the tickets live in Halo — and a log that grows without limit fills its disk months
 * later, when nobody remembers it. Thirty days outlasts every redelivery (NinjaOne's come within
 * hours) and leaves a month for `haloform inbox show`; dead deliveries and the state of every
 * alert whose ticket is open are kept whatever their age. --retain-days 0 keeps everything.
 *
 * Declares its own options too.
 */

import { SERVE_HEAP_ENV } from '../heap-bound.js';
import { HALO_WEBHOOK_PATH, HALO_WEBHOOK_SECRET_ENV } from '../../serve/halo-webhook.js';
import type { Argv } from 'yargs';
import { StoreUrlError, DEFAULT_STORE_URL } from '../../store/open-store.js';
import { PREVIOUS_SECRET_ENV, SECRET_ENV } from '../../serve/auth.js';
import { ServeStartError, startServe, type ServeHandle } from '../../serve/start.js';
import type { LogLevel } from '../../http/index.js';
import type { CommandContext } from '../context.js';
import { CONFIG_OPTION, storeOption, type SelectCommand } from '../options.js';
import { loadForRun, specLoaded } from '../planning.js';
import { loadSpecFile } from '../../config/load.js';
import { resolve } from 'node:path';

/** Days of finished deliveries serve keeps unless --retain-days says otherwise (the module comment says why). */
export const DEFAULT_RETAIN_DAYS = 30;

export interface ServeArgs {
  config: string;
  host: string;
  port: number;
  store?: string;
  /** Worker lease (default 60): renewed every third of it while an item runs. */
  leaseSeconds?: number;
  /** Days of finished deliveries kept (default 30); 0 keeps everything. */
  retainDays?: number;
  /** A new SQLite inbox may be created in a folder that does not exist. */
  createStore?: boolean;
  /** Rejected requests stored per minute per sender and reason (default 20). */
  rejectedSample?: number;
  insecureNoAuth: boolean;
  logLevel: LogLevel;
}

/** Declares `haloform serve` and its options on the parser. */
export function declareServe(parser: Argv, select: SelectCommand): Argv {
  return parser.command(
    'serve',
    'Receive NinjaOne alert webhooks and keep Halo tickets in step, until SIGTERM or Ctrl-C',
    (y) =>
      y
        .option('config', CONFIG_OPTION)
        .option('host', { type: 'string', default: '0.0.0.0', describe: 'Address to listen on: 0.0.0.0 every interface (the default, for a load balancer or NinjaOne to reach), 127.0.0.1 this machine only' })
        .option('port', { type: 'number', default: 8080, describe: 'Port to listen on (0: a free one)' })
        .option('store', storeOption('The inbox: sqlite:<file> or postgres://...'))
        .option('lease-seconds', {
          type: 'number',
          default: 60,
          describe: 'How long a worker holds a delivery without renewing it; after a crash another replica takes it over once this runs out',
        })
        .option('retain-days', {
          type: 'number',
          default: DEFAULT_RETAIN_DAYS,
          describe: 'Prune finished deliveries older than this many days from the inbox, once an hour on one replica (dead ones are kept); 0 keeps everything',
        })
        .option('create-store', { type: 'boolean', default: false, describe: 'Let a new SQLite inbox be created in a folder that does not exist yet (else that is an error: a typo must not start an empty inbox)' })
        .option('rejected-sample', { type: 'number', default: 20, describe: 'Rejected requests stored in the inbox per minute per sender and reason; the rest are only counted' })
        .option('insecure-no-auth', { type: 'boolean', default: false, describe: 'Accept webhooks without HALOFORM_WEBHOOK_SECRET (trusted networks only)' })
        .option('log-level', { choices: ['debug', 'info', 'warn', 'error'] as const, default: 'info' as const, describe: 'JSON log lines on stderr from this level up' })
        .example('HALOFORM_WEBHOOK_SECRET=... haloform serve -c config/haloform.yaml', 'Listen on 0.0.0.0:8080 with the inbox in ./haloform.db'),
    (a) =>
      select((ctx) =>
        serveCommand(
          {
            config: a.config,
            host: a.host,
            port: a.port,
            ...(a.store !== undefined ? { store: a.store } : {}),
            leaseSeconds: a['lease-seconds'],
            retainDays: a['retain-days'],
            createStore: a['create-store'],
            rejectedSample: a['rejected-sample'],
            insecureNoAuth: a['insecure-no-auth'],
            logLevel: a['log-level'],
          },
          ctx,
        ),
      ),
  );
}

export async function serveCommand(args: ServeArgs, ctx: CommandContext): Promise<number> {
  const fail = (text: string) => {
    ctx.io.stderr.write(`${ctx.err.red(ctx.err.bold('Error:'))} ${text}\n`);
    return 1;
  };
  const loaded = loadForRun(args.config, ctx);
  if (!specLoaded(loaded)) return fail(`${args.config} has errors; serve did not start. Run haloform validate -c ${args.config} for details.`);
  const lease = args.leaseSeconds ?? 60;
  if (!Number.isFinite(lease) || lease < 1) return fail(`--lease-seconds must be a number of seconds, at least 1 (got ${shown(args.leaseSeconds)}).`);
  const retainDays = args.retainDays ?? DEFAULT_RETAIN_DAYS;
  if (!Number.isInteger(retainDays) || retainDays < 0) {
    return fail(`--retain-days must be a whole number of days: 1 or more prunes what is older once an hour, 0 keeps everything (got ${shown(args.retainDays)}).`);
  }
  if (args.rejectedSample !== undefined && (!Number.isInteger(args.rejectedSample) || args.rejectedSample < 0)) {
    return fail(`--rejected-sample must be a whole number of requests per minute, 0 or more (got ${shown(args.rejectedSample)}).`);
  }
  const env = ctx.io.env;
  const store = args.store ?? env.HALOFORM_STORE ?? DEFAULT_STORE_URL;
  const secrets = [env[SECRET_ENV], env[PREVIOUS_SECRET_ENV]].filter((s): s is string => typeof s === 'string' && s !== '');

  let handle: ServeHandle;
  try {
    handle = await startServe({
      spec: loaded.spec,
      loaded,
      env,
      // A reload reads the file again with the environment serve started with.
      readSpec: () => loadSpecFile(args.config, env, ctx.io.cwd, { missingEnv: 'error' }),
      watchSpecFile: resolve(ctx.io.cwd, args.config),
      ...(env.HALOFORM_ADMIN_SECRET ? { adminSecret: env.HALOFORM_ADMIN_SECRET } : {}),
      ...(env[HALO_WEBHOOK_SECRET_ENV] ? { haloWebhookSecret: env[HALO_WEBHOOK_SECRET_ENV] } : {}),
      store,
      cwd: ctx.io.cwd,
      host: args.host,
      port: args.port,
      secrets,
      insecureNoAuth: args.insecureNoAuth,
      workers: { leaseMs: Math.round(lease * 1000) },
      retainDays,
      ...(args.createStore ? { createStore: true } : {}),
      ...(args.rejectedSample !== undefined ? { rejectedSamplePerMinute: args.rejectedSample } : {}),
      logLevel: args.logLevel,
      logSink: (line) => ctx.io.stderr.write(`${line}\n`),
    });
  } catch (e) {
    if (e instanceof ServeStartError || e instanceof StoreUrlError) return fail(e.message);
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'EADDRINUSE') return fail(`port ${args.port} on ${args.host} is in use. Stop what uses it, or pick another with --port.`);
    if (err.code === 'EACCES') return fail(`haloform may not listen on port ${args.port}: ports below 1024 need privileges. Pick another with --port.`);
    throw e;
  }

  // Listening for signals before the banner says how to stop: a SIGTERM right after it must drain, not kill.
  const signalled = ctx.io.waitForSignal();
  const stopHangup = ctx.io.onHangup?.(() => {
    void handle.reload().then((r) =>
      ctx.io.stderr.write(r.ok ? `SIGHUP: reloaded ${args.config}${r.changed ? '' : ' (unchanged)'}.\n` : `SIGHUP: kept the running spec; the new ${args.config} was refused: ${ctx.secrets.redact(r.reason)}.\n`),
    );
  });
  const { out } = ctx;
  ctx.io.stdout.write(
    [
      `${out.green(out.bold('haloform serve is listening'))} on ${handle.bound}${/^(0\.0\.0\.0|\[::\]):/.test(handle.bound) ? ' (every interface)' : ''} — from this machine: ${handle.url}`,
      `  webhook   POST ${handle.url}/ninjaone/webhook  (also /api/notifyninjaalerts)`,
      `  health    GET  ${handle.url}/healthz, /readyz, /metrics`,
      ...(env[HALO_WEBHOOK_SECRET_ENV] ? [`  halo      POST ${handle.url}${HALO_WEBHOOK_PATH}  (a ticket closed in Halo resets its alert; Basic auth, ${HALO_WEBHOOK_SECRET_ENV})`] : []),
      `  inbox     ${handle.store.description}   (haloform inbox list --store ${store})`,
      retainDays > 0
        ? `  retention finished deliveries older than ${retainDays} day${retainDays === 1 ? '' : 's'} pruned hourly; dead ones kept (--retain-days)`
        : `  retention off: the inbox keeps everything (--retain-days 0)`,
      ...(ctx.io.heapBoundMb ? [`  memory    heap bound ${ctx.io.heapBoundMb} MiB, doubled should serve ever run out (${SERVE_HEAP_ENV})`] : []),
      secrets.length === 0 ? `  ${out.yellow('auth      none: --insecure-no-auth (anyone who can reach this port can open tickets)')}` : `  auth      ${secrets.length === 2 ? `${SECRET_ENV} or ${PREVIOUS_SECRET_ENV}` : SECRET_ENV}`,
      'Stop with Ctrl-C (or SIGTERM): in-flight work is finished or handed back.',
      '',
    ].join('\n'),
  );

  const signal = await signalled;
  stopHangup?.();
  ctx.io.stderr.write(`${signal}: stopping haloform serve.\n`);
  await handle.stop();
  return 0;
}

/** yargs turns a non-number into NaN: say so rather than print NaN. */
function shown(value: number | undefined): string {
  return Number.isNaN(value) ? 'something that is not a number' : String(value);
}
