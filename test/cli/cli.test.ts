import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { STARTER_VARIABLES } from '../../src/config/starter.js';
import { cli } from '../helpers/cli.js';
import { BASE, ENV } from '../helpers/spec.js';

const root = new URL('../../', import.meta.url).pathname;
const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'haloform-cli-'));
}

describe('haloform validate', () => {
  it('exits 0 on a valid spec and says what it covers', async () => {
    const run = await cli(['validate', '-c', 'config/demo.yaml']);

    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('Success! config/demo.yaml is valid.\n');
    expect(run.stdout).toContain('  alerts: ticket type "Alert", on reset: close');
  });

  it('exits 0 on the full example without its secrets, listing what is unset in one warning', async () => {
    const run = await cli(['validate', '-c', 'config/haloform.example.yaml']);

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Success! config/haloform.example.yaml is valid (1 warning).');
    expect(run.stderr).toContain('Warning: Environment variables not set');
    expect(run.stderr).toContain('  HALO_CLIENT_SECRET           line 22, connections.halo.clientSecret\n');
  });

  it('exits 1 on errors, showing each with its line, and says nothing was changed', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'bad.yaml'), `${BASE}alerts:\n  ticketTyp: Alert\n`);

    const run = await cli(['validate', '-c', 'bad.yaml'], { cwd: dir, env: ENV });

    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      [
        'Error: Unknown key',
        '',
        '  on bad.yaml line 13, column 3, in alerts.ticketTyp:',
        '  13:   ticketTyp: Alert',
        '        ^^^^^^^^^',
        '',
        '"ticketTyp" is not a valid key in alerts. Did you mean "ticketType"? Valid keys: ticketType, priority, endUser, onReset, onTicketClosed, reopenWithinMinutes, maintenanceWindows, template, routes, stormThreshold, haloWebhook, closeOnlyUntouched, include, poll, webhook.',
        '',
        'bad.yaml: 1 error. Nothing was changed.',
        '',
      ].join('\n'),
    );
  });

  it('exits 0 when there are only warnings', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'warn.yaml'), `${BASE}assetTypes:\n  map: { WINDOWS_SEVRER: Server }\n`);

    const run = await cli(['validate', '-c', 'warn.yaml'], { cwd: dir, env: ENV });

    expect(run.code).toBe(0);
    expect(run.stderr).toContain('Warning: Unknown node class');
  });

  it('names a missing spec file and what to do', async () => {
    const run = await cli(['validate', '-c', 'nope.yaml'], { cwd: tempDir() });

    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      'Error: Cannot read spec\n\n  in nope.yaml\n\nThere is no file at nope.yaml. Pass the spec with -c <file>, or run `haloform init nope.yaml` to write a starter spec.',
    );
  });

  it('reads config/haloform.yaml by default', async () => {
    const run = await cli(['validate'], { cwd: tempDir() });

    expect(run.stderr).toContain('There is no file at config/haloform.yaml.');
  });

  it('prints diagnostics as JSON with --format json', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'bad.yaml'), `${BASE}alerts:\n  ticketType: Alert\n  onReset: clsoe\n`);

    const run = await cli(['validate', '-c', 'bad.yaml', '--format', 'json'], { cwd: dir, env: ENV });

    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toEqual({
      formatVersion: 1,
      file: 'bad.yaml',
      valid: false,
      diagnostics: [
        {
          severity: 'error',
          summary: 'Invalid value',
          detail: '"clsoe" is not a valid value for alerts.onReset. Expected one of: close, note, none. Did you mean "close"?',
          path: ['alerts', 'onReset'],
          file: 'bad.yaml',
          range: { start: { line: 14, column: 12 }, end: { line: 14, column: 17 } },
        },
      ],
    });
  });

  it('colours output on a terminal, and not with --no-color or NO_COLOR', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'bad.yaml'), `${BASE}alerts:\n  ticketTyp: Alert\n`);

    const coloured = await cli(['validate', '-c', 'bad.yaml'], { cwd: dir, env: ENV, tty: true });
    const flag = await cli(['validate', '-c', 'bad.yaml', '--no-color'], { cwd: dir, env: ENV, tty: true });
    const env = await cli(['validate', '-c', 'bad.yaml'], { cwd: dir, env: { ...ENV, NO_COLOR: '1' }, tty: true });

    expect(coloured.stderr).toContain('\u001b[31m');
    expect(flag.stderr).not.toContain('\u001b[');
    expect(env.stderr).not.toContain('\u001b[');
  });

  it('never prints a secret value', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'spec.yaml'), BASE.replace('    tenant: acme\n', '    tenant: acme\n    batchSize: ${NINJA_SECRET}\n'));

    const run = await cli(['validate', '-c', 'spec.yaml', '--format', 'json'], { cwd: dir, env: ENV });
    const text = await cli(['validate', '-c', 'spec.yaml'], { cwd: dir, env: ENV });

    expect(run.code).toBe(1);
    for (const out of [run.stdout, run.stderr, text.stdout, text.stderr]) {
      expect(out).not.toContain(ENV.NINJA_SECRET);
      expect(out).not.toContain(ENV.HALO_SECRET);
    }
  });
});

describe('plan and apply with a spec that does not validate', () => {
  it.each([['plan'], ['apply', '--auto-approve']])('haloform %s stops before reading anything, with the located error', async (...command) => {
    const dir = tempDir();
    writeFileSync(join(dir, 'bad.yaml'), `${BASE}assets:\n  removd: keep\n`);

    const run = await cli([...command, '-c', 'bad.yaml'], { cwd: dir, env: ENV });

    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('Error: Unknown key\n\n  on bad.yaml line 13, column 3, in assets.removd:');
    expect(run.stderr).toContain(`bad.yaml: 1 error. Nothing was read or ${command[0] === 'plan' ? 'planned' : 'applied'}.`);
  });
});

describe('haloform init', () => {
  it('writes a starter spec that validates, and says what to do next', async () => {
    const dir = tempDir();
    const env = Object.fromEntries(STARTER_VARIABLES.map((v) => [v, 'x']));

    const init = await cli(['init'], { cwd: dir });
    const validate = await cli(['validate'], { cwd: dir, env });

    expect(init.code).toBe(0);
    expect(init.stdout).toContain('Wrote config/haloform.yaml.');
    expect(init.stdout).toContain(`Export the secrets it reads: ${STARTER_VARIABLES.join(' ')}`);
    expect(readFileSync(join(dir, 'config/haloform.yaml'), 'utf8')).toMatch(/^# yaml-language-server: \$schema=\.\.?\/.*schema\/haloform\.schema\.json\n/);
    expect(validate).toMatchObject({ code: 0, stderr: '' });
  });

  it('refuses to overwrite a file, unless --force', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'mine.yaml'), 'version: 1\n');

    const refused = await cli(['init', 'mine.yaml'], { cwd: dir });
    const kept = readFileSync(join(dir, 'mine.yaml'), 'utf8');
    const forced = await cli(['init', 'mine.yaml', '--force'], { cwd: dir });

    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe('Error: mine.yaml already exists; haloform init does not overwrite it. Pick another path, or add --force to replace it.\n');
    expect(kept).toBe('version: 1\n');
    expect(forced.code).toBe(0);
    expect(readFileSync(join(dir, 'mine.yaml'), 'utf8')).toContain('connections:');
  });
});

describe('haloform schema', () => {
  it('prints the JSON Schema', async () => {
    const run = await cli(['schema']);

    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual(JSON.parse(readFileSync(join(root, 'schema/haloform.schema.json'), 'utf8')));
  });
});

describe('haloform demo', () => {
  it('starts the sandbox, plans, applies, plans nothing the second time, runs an alert round trip, syncs a new device and resets an alert whose ticket a technician closed — printing no secret', async () => {
    const run = await cli(['demo']);

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Success! config/demo.yaml is valid.');
    expect(run.stdout).toMatch(/Plan: \d+ to create, \d+ to adopt, \d+ to update, 0 to deactivate\./);
    expect(run.stdout).toMatch(/Apply complete! Resources: \d+ created/);
    expect(run.stdout).toContain('No changes. Halo matches the spec and NinjaOne.');
    expect(run.stdout).toMatch(/Halo ticket #\d+: ".+"\n    type Alert · priority \w+ · status New\n    client Contoso · site HQ · asset \S+ · end user \S/);
    expect(run.stdout).toMatch(/status Closed\n.*\n    team Infrastructure · category Hardware>Workstation \(alerts\.routes\)\n    note: \[haloform\] The alert reset/);
    expect(run.stdout).toMatch(/Halo asset #\d+ "NEW-LAPTOP-01": client Contoso · site HQ · type Workstation\n    made by serve's sync cycle \d+\.\d s after the device joined \(1 created, 0 held for a reviewed apply\)/);
    expect(run.stdout).toMatch(/A technician closed ticket #\d+ with a note; Halo told serve, and serve reset the alert in NinjaOne \(POST \/v2\/alert\/\{uid\}\/reset\) \d+ ms later\.\n.*\n    type Alert · priority \w+ · status Closed\n.*\n    note: Killed the runaway process/);
    expect(run.stdout).not.toContain('sandbox-secret');
    expect(run.stdout).not.toContain('demo-webhook-secret');
    expect(run.stdout).not.toContain('demo-halo-webhook-secret');
  });
});

describe('the command line itself', () => {
  it.each([
    { argv: ['--version'], stdout: `${version}\n` },
    { argv: ['-v'], stdout: `${version}\n` },
  ])('$argv prints the version', async ({ argv, stdout }) => {
    expect(await cli(argv)).toEqual({ code: 0, stdout, stderr: '' });
  });

  it.each([['--help'], ['validate', '--help'], ['init', '--help'], ['schema', '--help'], ['demo', '--help']])('%s %s prints help', async (...argv) => {
    const run = await cli(argv.filter(Boolean));

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('haloform');
    expect(run.stdout).toContain('--help');
  });

  it.each([
    { argv: ['valdate'], stderr: 'Error: Unknown argument: valdate. Did you mean validate?' },
    { argv: ['validate', '--colour'], stderr: 'Error: Unknown argument: colour.' },
    { argv: [], stderr: 'Error: No command given: haloform <command> [options].' },
    { argv: ['validate', '--format', 'xml'], stderr: 'Error: Invalid values: Argument: format, Given: "xml", Choices: "text", "json".' },
  ])('$argv is a usage error with exit code 1', async ({ argv, stderr }) => {
    const run = await cli(argv);

    expect(run).toEqual({ code: 1, stdout: '', stderr: `${stderr}\n\nRun haloform --help to see the commands and their options.\n` });
  });

  it('runs as the installed `haloform` executable', () => {
    const bin = join(root, (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { bin: { haloform: string } }).bin.haloform);

    expect(existsSync(bin)).toBe(true);
    expect(readFileSync(bin, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(execFileSync(process.execPath, [bin, '--version'], { encoding: 'utf8' })).toBe(`${version}\n`);
  });
});
