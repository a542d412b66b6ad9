/**
 * `haloform sandbox`: both simulators with the demo MSP on local ports, until Ctrl-C — so
 * anyone can run plan, apply and serve with no accounts. Declares its own options too.
 */

import type { Argv } from 'yargs';
import type { Realism } from '../../sandbox/demo-data.js';
import { startSandbox, type Sandbox } from '../../sandbox/index.js';
import type { CommandContext } from '../context.js';
import type { SelectCommand } from '../options.js';

export interface SandboxArgs {
  ninjaonePort: number;
  haloPort: number;
  host: string;
  seed: number;
  devices: number;
  realism: Realism;
  latencyMs: number;
  haloRateLimit: string;
  printEnv: boolean;
}

/** Declares `haloform sandbox` and its options on the parser. */
export function declareSandbox(parser: Argv, select: SelectCommand): Argv {
  return parser.command(
    'sandbox',
    'Run local NinjaOne and HaloPSA simulators with a demo MSP, until Ctrl-C',
    (y) =>
      y
        .option('ninjaone-port', { type: 'number', default: 7101, describe: 'Port of the NinjaOne simulator (0: a free one)' })
        .option('halo-port', { type: 'number', default: 7102, describe: 'Port of the HaloPSA simulator (0: a free one)' })
        .option('host', { type: 'string', default: '127.0.0.1', describe: 'Address to listen on' })
        .option('seed', { type: 'number', default: 1, describe: 'Demo data seed: the same seed gives the same MSP' })
        .option('devices', { type: 'number', default: 200, describe: 'Number of NinjaOne devices' })
        .option('realism', { choices: ['real', 'clean'] as const, default: 'real' as const, describe: 'real: the odd rows real tenants send (incomplete Halo rows, placeholder serials, ...); clean: tidy data only' })
        .option('latency-ms', { type: 'number', default: 0, describe: 'Latency added to every request' })
        .option('halo-rate-limit', { type: 'string', default: '300/300', describe: "Halo's request budget: <requests>/<seconds>, or off" })
        .option('print-env', { type: 'boolean', default: false, describe: 'Print the URLs and credentials as shell exports' }),
    (a) =>
      select((ctx) =>
        sandboxCommand(
          {
            ninjaonePort: a['ninjaone-port'],
            haloPort: a['halo-port'],
            host: a.host,
            seed: a.seed,
            devices: a.devices,
            realism: a.realism,
            latencyMs: a['latency-ms'],
            haloRateLimit: a['halo-rate-limit'],
            printEnv: a['print-env'],
          },
          ctx,
          { wait: () => ctx.io.waitForSignal() },
        ),
      ),
  );
}

/** "300/300" → { requests: 300, perSeconds: 300 }; "off" → null. */
export function parseRateLimit(text: string): { requests: number; perSeconds: number } | null | Error {
  if (/^(off|none|0)$/i.test(text.trim())) return null;
  const m = /^\s*(\d+)\s*\/\s*(\d+(?:\.\d+)?)\s*$/.exec(text);
  if (!m || Number(m[1]) < 1 || Number(m[2]) <= 0) return new Error(`--halo-rate-limit "${text}" is not <requests>/<seconds> (like 300/300) or off.`);
  return { requests: Number(m[1]), perSeconds: Number(m[2]) };
}

export async function sandboxCommand(args: SandboxArgs, ctx: CommandContext, signals: { wait(): Promise<string> }): Promise<number> {
  const limit = parseRateLimit(args.haloRateLimit);
  if (limit instanceof Error) {
    ctx.io.stderr.write(`${ctx.err.red(ctx.err.bold('Error:'))} ${limit.message}\n`);
    return 1;
  }
  let sandbox: Sandbox;
  try {
    sandbox = await startSandbox({
      host: args.host,
      ninjaonePort: args.ninjaonePort,
      haloPort: args.haloPort,
      seed: args.seed,
      devices: args.devices,
      realism: args.realism,
      latencyMs: args.latencyMs,
      haloRateLimit: limit,
    });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const hint = err.code === 'EADDRINUSE' ? ' Another program (perhaps another sandbox) uses that port: stop it, or pick others with --ninjaone-port and --halo-port (0 picks free ones).' : '';
    ctx.io.stderr.write(`${ctx.err.red(ctx.err.bold('Error:'))} the sandbox could not start: ${err.message}.${hint}\n`);
    return 1;
  }

  if (args.printEnv) {
    ctx.io.stdout.write(Object.entries(sandbox.env).map(([k, v]) => `export ${k}=${shellQuote(v)}`).join('\n') + '\n');
  } else {
    const { out } = ctx;
    const data = sandbox.data;
    ctx.io.stdout.write(
      [
        `${out.green(out.bold('haloform sandbox is running'))} — the demo MSP (seed ${args.seed}, ${args.realism === 'real' ? "with the odd rows real tenants send" : 'clean data'}): ${data.ninjaone.organizations.length} organisations, ${data.ninjaone.devices.length} devices; Halo with ${data.halo.clients.length} clients and ${data.halo.assets.length} hand-made assets.`,
        '',
        `  NinjaOne simulator  ${sandbox.ninjaone.url}   client id ${sandbox.ninjaone.clientId}, secret ${sandbox.ninjaone.clientSecret}`,
        `  HaloPSA simulator   ${sandbox.halo.url}   tenant ${sandbox.halo.tenant}, client id ${sandbox.halo.clientId}, secret ${sandbox.halo.clientSecret}`,
        `  Halo request budget ${limit ? `${limit.requests} per ${limit.perSeconds} s (as Halo-hosted; --halo-rate-limit off to lift it)` : 'off'}`,
        args.latencyMs > 0 ? `  Latency             ${args.latencyMs} ms on every request` : '',
        '',
        'These credentials only open these local simulators. In another terminal:',
        `  haloform plan -c config/demo.yaml${args.ninjaonePort === 7101 && args.haloPort === 7102 ? '' : `   (with NINJAONE_URL=${sandbox.ninjaone.url} HALO_URL=${sandbox.halo.url})`}`,
        '',
        'Control API (faults, alerts, request log): /_sandbox/ on either URL. Stop with Ctrl-C.',
        '',
      ]
        .filter((line, i, all) => line !== '' || all[i - 1] !== '')
        .join('\n'),
    );
  }

  const signal = await signals.wait();
  ctx.io.stderr.write(`\n${signal}: stopping the sandbox.\n`);
  await sandbox.stop();
  return 0;
}

function shellQuote(value: string): string {
  return /^[A-Za-z0-9_./:@-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
