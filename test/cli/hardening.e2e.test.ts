/**
 * The rows of issue 14 that are about a spec, a file or a name, through the real CLI: plain http
 * to a remote host (4), depth, size and long lines (7), file-system errors (8), typos and
 * renames of mapped names (9), a site mapping for a location NinjaOne does not have (10), nested
 * interpolation (11), bidi and control characters and invalid UTF-8 (12), and the small ones:
 * unknown flags, `-out`, `--color`, TERM=dumb, `version: "1"`.
 */

import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { cli } from '../helpers/cli.js';
import { demoEnv, ROOT } from '../helpers/sandbox.js';

const ENV = { NINJA_SECRET: 'n-secret-value', HALO_SECRET: 'h-secret-value' };
const SPEC = `version: 1
connections:
  ninjaone:
    url: https://eu.ninjarmm.com
    clientId: abc
    clientSecret: \${NINJA_SECRET}
  halo:
    url: https://halo.example.com
    clientId: def
    clientSecret: \${HALO_SECRET}
customers:
  unmapped: create
`;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'haloform-hardening-'));
});
const write = (name: string, text: string | Buffer) => {
  writeFileSync(join(dir, name), text);
  return name;
};
const haloform = (argv: string[], options: { env?: Record<string, string>; tty?: boolean } = {}) => cli(argv, { cwd: dir, env: options.env ?? ENV, ...(options.tty !== undefined ? { tty: options.tty } : {}) });
const NO_BUG = /bug|stopped unexpectedly|Maximum call stack|\n\s+at /;

describe('row 4: plain http', () => {
  it('to a host that is not loopback is an error, at its line', async () => {
    const run = await haloform(['validate', '-c', write('http.yaml', SPEC.replace('https://halo.example.com', 'http://halo.example.com'))]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Error: Insecure HTTP');
    expect(run.stderr).toContain('on http.yaml line 8, column 10, in connections.halo.url:');
    expect(run.stderr).toContain('set connections.allowInsecureHttp: true');
  });

  it('with allowInsecureHttp: true is a warning on every run', async () => {
    const path = write('http-allowed.yaml', SPEC.replace('https://halo.example.com', 'http://halo.example.com').replace('connections:\n', 'connections:\n  allowInsecureHttp: true\n'));
    const run = await haloform(['validate', '-c', path]);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('Warning: Insecure HTTP');
  });

  it('to loopback is fine (the sandbox)', async () => {
    const run = await haloform(['validate', '-c', write('loop.yaml', SPEC.replace('https://halo.example.com', 'http://127.0.0.1:7102'))]);
    expect(run.code).toBe(0);
    expect(run.stderr).not.toContain('Insecure');
  });
});

describe('row 7: depth, size, long lines', () => {
  it('a spec nested 2,000 levels deep in brackets is an error naming the limit and the line', async () => {
    const run = await haloform(['validate', '-c', write('deep.yaml', `${SPEC}x: ${'['.repeat(2000)}${']'.repeat(2000)}\n`)]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Error: Spec nested too deeply');
    expect(run.stderr).toContain('on deep.yaml line 13');
    expect(run.stderr).toContain('more than 64 levels deep');
    expect(run.stderr).not.toMatch(NO_BUG);
    // The offending line is shown as a window, not 4,000 characters.
    expect(Math.max(...run.stderr.split('\n').map((l) => l.length))).toBeLessThan(200);
  });

  it('a spec nested 1,000 levels deep by indentation says so too', async () => {
    const nested = Array.from({ length: 1000 }, (_, i) => `${'  '.repeat(i + 1)}k:`).join('\n');
    const run = await haloform(['validate', '-c', write('deep2.yaml', `${SPEC}y:\n${nested}\n`)]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Error: Spec nested too deeply');
    expect(run.stderr).not.toMatch(NO_BUG);
  });

  it('a spec over 4 MB is refused before it is parsed', async () => {
    const started = Date.now();
    const run = await haloform(['validate', '-c', write('big.yaml', `${SPEC}# ${'x'.repeat(5 * 1024 * 1024)}\n`)]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Error: Spec too large');
    expect(run.stderr).toContain('big.yaml is 5.0 MB; a spec is at most 4.0 MB');
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe('row 8: file-system errors are the user\'s, not a bug', () => {
  it.each([
    [['init', '/proc/haloform-test/foo.yaml'], /cannot create the folder \/proc\/haloform-test: no such file or directory \(ENOENT\)/],
    [['init', 'a-file/x.yaml'], /cannot open \S+\/a-file\/x\.yaml: a part of the path is a file, not a folder \(ENOTDIR\)/],
    [['init', 'a-file/deeper/x.yaml'], /cannot create the folder \S+\/a-file\/deeper: a part of the path is a file, not a folder \(ENOTDIR\)/],
    [['validate', '-c', 'missing.yaml'], /There is no file at missing\.yaml/],
    [['validate', '-c', '.'], /is a directory/],
    // Before anything is read: ok.yaml points at a port nothing listens on, and no retry is seen.
    [['plan', '-c', 'ok.yaml', '--out', 'no/such/folder/plan.json'], /^Error: cannot write to \S+\/no\/such\/folder: no such file or directory \(ENOENT\)\. Check the path: the file, or the folder it goes in, must exist\.\n$/],
    [['plan', '-c', 'ok.yaml', '--out', '.'], /^Error: cannot open \S+: it is a folder \(EISDIR\)/],
  ])('%j', async (argv, message) => {
    write('a-file', 'x');
    write('ok.yaml', SPEC.replace('https://halo.example.com', 'http://127.0.0.1:9').replace('https://eu.ninjarmm.com', 'http://127.0.0.1:9'));
    const run = await haloform(argv as string[]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(NO_BUG);
  });

  it('init never overwrites', async () => {
    write('exists.yaml', 'keep me');
    const run = await haloform(['init', 'exists.yaml']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('exists.yaml already exists');
    expect(readFileSync(join(dir, 'exists.yaml'), 'utf8')).toBe('keep me');
  });
});

describe('row 11: nested interpolation', () => {
  it('is an error at its line and column', async () => {
    const run = await haloform(['validate', '-c', write('nest.yaml', SPEC.replace('clientSecret: ${HALO_SECRET}', 'clientSecret: ${A:-${B:-x}}'))]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Error: Nested variable reference');
    expect(run.stderr).toContain('on nest.yaml line 10, column 19, in connections.halo.clientSecret:');
  });
});

describe('row 12: invalid UTF-8', () => {
  it('is an error at its position', async () => {
    const run = await haloform(['validate', '-c', write('latin1.yaml', Buffer.from(SPEC.replace('clientId: abc', 'clientId: ab\u00ffc'), 'latin1'))]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Error: Not UTF-8');
    expect(run.stderr).toContain('byte 0xFF at line 5, column 17');
  });
});

describe('the small ones', () => {
  it('an unknown flag is named once', async () => {
    const run = await haloform(['validate', '--bogus-flag']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Unknown argument: bogus-flag.');
    expect(run.stderr).not.toContain('bogusFlag');
  });

  it('-out suggests --out', async () => {
    const run = await haloform(['plan', '-out', 'x']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('did you mean --out?');
  });

  it('--color forces colour into a pipe; TERM=dumb and NO_COLOR turn it off', async () => {
    write('ok.yaml', SPEC);
    const forced = await haloform(['validate', '-c', 'ok.yaml', '--color']);
    const dumb = await haloform(['validate', '-c', 'ok.yaml'], { env: { ...ENV, TERM: 'dumb' }, tty: true });
    const tty = await haloform(['validate', '-c', 'ok.yaml'], { tty: true });
    expect(forced.stdout).toContain('\x1b[');
    expect(tty.stdout).toContain('\x1b[');
    expect(dumb.stdout).not.toContain('\x1b[');
  });

  it('version: "1" says it is text', async () => {
    const run = await haloform(['validate', '-c', write('v.yaml', SPEC.replace('version: 1', 'version: "1"'))]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('version must be the number 1, but found the text "1" (it is quoted)');
  });
});

describe('names against the live tenant (rows 9, 10, 12)', () => {
  const sandboxes: Sandbox[] = [];
  afterEach(async () => {
    await Promise.all(sandboxes.splice(0).map((s) => s.stop()));
  });

  /** config/demo.yaml with `edit` applied, written beside the other specs. */
  function demo(name: string, edit: (text: string) => string): string {
    const original = readFileSync(join(ROOT, 'config/demo.yaml'), 'utf8');
    const text = edit(original);
    if (text === original) throw new Error(`${name}: the edit changed nothing`);
    return write(name, text.replace('# yaml-language-server: $schema=../schema/haloform.schema.json\n', ''));
  }

  it('a typo in a mapped client name warns of the similar Halo client; renaming an adopted client needs renameFrom', async () => {
    const sandbox = await startSandbox();
    sandboxes.push(sandbox);
    const env = demoEnv(sandbox);
    // Halo already has "Contoso", not yet linked to NinjaOne.
    const typo = await haloform(['plan', '-c', demo('typo.yaml', (t) => t.replace('client: Contoso\n', 'client: Contosso\n'))], { env });
    expect(typo.code, typo.stderr).toBe(0);
    expect(typo.stdout).toMatch(/Warning: Similar Halo client exists[\s\S]*"Contosso"[\s\S]*"Contoso"/);

    const applied = await haloform(['apply', '-c', demo('demo.yaml', (t) => `${t}\n`), '--auto-approve'], { env });
    expect(applied.code, applied.stderr).toBe(0);
    const renamed = await haloform(['plan', '-c', demo('rename.yaml', (t) => t.replace('client: Contoso\n', 'client: Does Not Exist Ltd\n'))], { env });
    expect(renamed.code).toBe(1);
    expect(renamed.stdout + renamed.stderr).toContain('customers.map names client "Does Not Exist Ltd" for NinjaOne organisation "Contoso Ltd", but the Halo client linked to it is "Contoso"');
    expect(renamed.stdout + renamed.stderr).toContain('add renameFrom: Contoso');
    const allowed = await haloform(['plan', '-c', demo('rename-ok.yaml', (t) => t.replace('client: Contoso\n', 'client: Does Not Exist Ltd\n      renameFrom: Contoso\n'))], { env });
    expect(allowed.code, allowed.stdout + allowed.stderr).toBe(0);
    expect(allowed.stdout).toContain('"Contoso" -> "Does Not Exist Ltd"');
  }, 30_000);

  it('a site mapping for a location NinjaOne does not have is a warning with did-you-mean', async () => {
    const sandbox = await startSandbox();
    sandboxes.push(sandbox);
    const run = await haloform(['plan', '-c', demo('loc.yaml', (t) => t.replace('        Head Office: HQ\n', '        Head Ofice: HQ\n'))], { env: demoEnv(sandbox) });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/Warning: Mapped location not in NinjaOne[\s\S]*Head Ofice[\s\S]*Did you mean "Head Office"\?/);
  }, 30_000);

  it('bidi and control characters in a name are shown escaped in every plan format', async () => {
    const sandbox = await startSandbox();
    sandboxes.push(sandbox);
    const org = sandbox.ninjaone.control.state().organizations.find((o) => o.name === 'Northwind Traders')!;
    sandbox.ninjaone.control.overlays.add({ list: 'organizations', id: org.id, field: 'name', op: { value: 'Evil\u202Egnp.exe\u0000 Ltd' } });
    const path = demo('bidi.yaml', (t) => t.replace('    - organisation: Northwind Traders\n      unmappedLocations: main-site\n', ''));

    const text = await haloform(['plan', '-c', path], { env: demoEnv(sandbox) });
    expect(text.code, text.stderr).toBe(0);
    const markdown = await haloform(['plan', '-c', path, '--format', 'markdown'], { env: demoEnv(sandbox) });
    const json = await haloform(['plan', '-c', path, '--format', 'json', '--out', 'bidi-plan.json'], { env: demoEnv(sandbox) });

    for (const [format, out] of [['text', text.stdout], ['markdown', markdown.stdout], ['json', json.stdout], ['file', readFileSync(join(dir, 'bidi-plan.json'), 'utf8')]] as const) {
      expect(out, format).not.toMatch(/[\u202E\u0000]/);
      expect(out, format).toMatch(/Evil\\u\{?202[Ee]\}?gnp\.exe\\u\{?0000\}?/);
    }
  }, 30_000);
});
