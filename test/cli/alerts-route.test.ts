/**
 * `haloform alerts route --activity file.json` (issue 17): which route an activity takes and
 * why, offline — for testing alerts.routes in a pull request — and a clear error for every bad
 * input (no file, not JSON, not an activity, a spec with errors or without alerts).
 */

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'haloform-route-'));
const ENV = { NINJA_ID: 'id', NINJA_SECRET: 'secret', HALO_ID: 'id', HALO_SECRET: 'secret' };

const spec = (alerts: string) => `version: 1
connections:
  ninjaone: { instance: eu, clientId: "\${NINJA_ID}", clientSecret: "\${NINJA_SECRET}" }
  halo: { url: "https://acme.halopsa.com", tenant: acme, clientId: "\${HALO_ID}", clientSecret: "\${HALO_SECRET}" }
${alerts}`;

const ROUTED = spec(`alerts:
  ticketType: Alert
  routes:
    - name: backup-failures
      match: { condition: "/backup/i" }
      team: Backup
    - name: server-disks
      match: { severity: [CRITICAL, MAJOR], deviceClass: WINDOWS_SERVER, organisation: Contoso Ltd }
      priority: 2
      team: Infrastructure
    - name: lab
      match: { tags: lab }
      suppress: true
`);

const activity = (extra: Record<string, unknown> = {}) => ({
  id: 91,
  activityTime: 1788220800,
  deviceId: 42,
  seriesUid: 'b1f0c6a2-0000-4000-8000-000000000001',
  activityType: 'CONDITION',
  statusCode: 'TRIGGERED',
  severity: 'CRITICAL',
  priority: 'HIGH',
  sourceConfigUid: 'c2',
  sourceName: 'Disk Space',
  message: 'Disk C: 2% free',
  device: { id: 42, organizationId: 1, nodeClass: 'WINDOWS_SERVER', systemName: 'CONTOSO-SRV01', references: { organization: { id: 1, name: 'Contoso Ltd' } } },
  ...extra,
});

function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

beforeAll(() => {
  file('routed.yaml', ROUTED);
});

const route = (argv: string[]) => cli(['alerts', 'route', '-c', join(dir, 'routed.yaml'), ...argv], { env: ENV, cwd: dir });

describe('haloform alerts route', () => {
  it('names the route taken and, route by route, why', async () => {
    const run = await route(['--activity', file('disk.json', activity())]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('1. "backup-failures"  not taken');
    expect(run.stdout).toContain('✗ condition "Disk Space" is not /backup/i');
    expect(run.stdout).toContain('2. "server-disks"  taken');
    expect(run.stdout).toContain('✓ severity CRITICAL is one of CRITICAL, MAJOR');
    expect(run.stdout).toContain('✓ organisation "Contoso Ltd" (id 1) is "Contoso Ltd"');
    expect(run.stdout).toContain('✓ device class WINDOWS_SERVER is WINDOWS_SERVER');
    expect(run.stdout).toContain('→ route "server-disks": ticket type "Alert", priority 2, team "Infrastructure"');
    expect(run.stdout).not.toContain('"lab"');
  });

  it('says which facts about the device it does not know, and takes the default route', async () => {
    const run = await route(['--activity', file('bare.json', activity({ severity: 'MINOR', device: undefined }))]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('✗ severity MINOR is not one of CRITICAL, MAJOR');
    expect(run.stdout).toContain('✗ device tags unknown');
    expect(run.stdout).toMatch(/Some facts about the device are unknown/);
    expect(run.stdout).toContain('→ the default route: ticket type "Alert", priority by severity: CRITICAL 1, MAJOR 2, MODERATE 3, MINOR 4, NONE 4');
  });

  it('answers JSON for scripts', async () => {
    const run = await route(['--activity', file('lab.json', activity({ severity: 'MINOR', device: { id: 42, tags: ['Lab'] } })), '--format', 'json']);
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout) as { route: string; suppress: boolean; trace: { route: string; matched: boolean }[] };
    expect(out).toMatchObject({ route: 'lab', suppress: true });
    expect(out.trace.map((t) => [t.route, t.matched])).toEqual([
      ['backup-failures', false],
      ['server-disks', false],
      ['lab', true],
    ]);
  });

  it('refuses a missing file, a file that is not JSON, and JSON that is not an activity', async () => {
    const missing = await route(['--activity', join(dir, 'nope.json')]);
    expect(missing).toMatchObject({ code: 1 });
    expect(missing.stderr).toContain('nope.json: no such file.');
    const broken = await route(['--activity', file('broken.json', '{"id": 1,')]);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/broken\.json is not JSON \(.+\)\. Give a NinjaOne activity/);
    const wrong = await route(['--activity', file('wrong.json', { hello: 'world' })]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/wrong\.json is not a NinjaOne activity: /);
  });

  it('refuses a spec with errors, or without alerts', async () => {
    file('bad.yaml', ROUTED.replace('"/backup/i"', '"/backup(/"'));
    const bad = await cli(['alerts', 'route', '-c', join(dir, 'bad.yaml'), '--activity', file('a.json', activity())], { env: ENV, cwd: dir });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('Bad regular expression');
    file('none.yaml', spec(''));
    const none = await cli(['alerts', 'route', '-c', join(dir, 'none.yaml'), '--activity', join(dir, 'a.json')], { env: ENV, cwd: dir });
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('has no alerts section');
  });

  it('needs --activity', async () => {
    const run = await cli(['alerts', 'route', '-c', join(dir, 'routed.yaml')], { env: ENV, cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Give --activity FILE');
  });
});
