import { describe, expect, it } from 'vitest';
import { Secret } from '../../src/config/secret.js';
import { BASE, ENV, load } from '../helpers/spec.js';

describe('the normalised spec', () => {
  it('fills in every default from the schema', () => {
    const { spec, diagnostics } = load(BASE);

    expect(diagnostics).toEqual([]);
    expect(JSON.parse(JSON.stringify(spec))).toEqual({
      version: 1,
      connections: {
        ninjaone: {
          baseUrl: 'https://eu.ninjarmm.com',
          webUrl: 'https://eu.ninjarmm.com',
          instance: 'eu',
          clientId: 'ninja-id',
          clientSecret: '(sensitive)',
          scopes: ['monitoring', 'management'],
          timeoutSeconds: 30,
        },
        halo: {
          url: 'https://acme.halopsa.com',
          authUrl: 'https://acme.halopsa.com/auth',
          tenant: 'acme',
          clientId: 'halo-id',
          clientSecret: '(sensitive)',
          scope: 'all',
          rateLimit: { requests: 300, perSeconds: 300 },
          batchSize: 50,
          timeoutSeconds: 30,
        },
      },
      settings: {},
      customers: { unmapped: 'create', unmappedLocations: 'create', map: [] },
      assetTypes: { map: [], unmapped: 'create' },
      assets: {
        match: ['ninjaId', 'serialNumber'],
        serialField: 'Serial Number',
        ignoreSerials: [],
        serial: {
          from: [[{ name: 'system' }, { name: 'serialNumber' }], [{ name: 'system' }, { name: 'biosSerialNumber' }], [{ name: 'serviceTag' }], [{ name: 'system' }, { name: 'serviceTag' }]],
          fromText: ['system.serialNumber', 'system.biosSerialNumber', 'serviceTag', 'system.serviceTag'],
        },
        name: { from: ['displayName', 'systemName', 'dnsName'] },
        links: { deviceUrl: '{url}/#/deviceDashboard/{id}/overview', remoteUrl: '{url}/#/deviceDashboard/{id}/overview' },
        fields: [],
        addMissingFieldsToTypes: false,
        removed: 'keep',
      },
    });
  });

  it('keeps secrets wrapped: they reveal on request and print as (sensitive)', () => {
    const { spec } = load(BASE);
    const secret = spec!.connections.halo.clientSecret;

    expect(secret).toBeInstanceOf(Secret);
    expect(secret.reveal()).toBe('h-secret-value');
    expect(secret.origin).toBe('${HALO_SECRET}');
    expect(`${secret}`).toBe('(sensitive)');
    expect(JSON.stringify(spec)).not.toContain('secret-value');
  });

  it('reads organisations and locations by id or name; an unquoted number key is an id', () => {
    const text = `${BASE}customers:\n  map:\n    - organisation: 12\n      sites:\n        7: HQ\n        "8": Eight\n        Head Office: Main\n    - organisation: Fabrikam\n      skip: true\n`;

    const { spec } = load(text);

    expect(spec!.customers.map.map(({ organisation, skip, sites, unmappedLocations }) => ({ organisation, skip, sites, unmappedLocations }))).toEqual([
      {
        organisation: { kind: 'id', id: 12 },
        skip: false,
        unmappedLocations: 'create',
        sites: [
          { location: { kind: 'id', id: 7 }, site: 'HQ', path: ['customers', 'map', 0, 'sites', '7'] },
          { location: { kind: 'name', name: '8' }, site: 'Eight', path: ['customers', 'map', 0, 'sites', '8'] },
          { location: { kind: 'name', name: 'Head Office' }, site: 'Main', path: ['customers', 'map', 0, 'sites', 'Head Office'] },
        ],
      },
      { organisation: { kind: 'name', name: 'Fabrikam' }, skip: true, unmappedLocations: 'create', sites: [] },
    ]);
  });

  it('parses field paths and tells Halo properties from asset fields', () => {
    const text = `${BASE}assets:\n  fields:\n    - { to: inventory_number, from: displayName }\n    - { to: IP, from: "ipAddresses[0]" }\n    - { to: Serial Number, from: system.serialNumber }\n`;

    const { spec } = load(text);

    expect(spec!.assets.fields.map(({ to, toProperty, from }) => ({ to, toProperty, from }))).toEqual([
      { to: 'inventory_number', toProperty: true, from: [{ name: 'displayName' }] },
      { to: 'IP', toProperty: false, from: [{ name: 'ipAddresses', index: 0 }] },
      { to: 'Serial Number', toProperty: false, from: [{ name: 'system' }, { name: 'serialNumber' }] },
    ]);
  });

  it('turns rate limiting off with false, and takes a URL instead of a region', () => {
    const text = BASE.replace('    instance: eu\n', '    url: http://127.0.0.1:7101/\n').replace('    tenant: acme\n', '    rateLimit: false\n');

    const { spec, diagnostics } = load(text);

    expect(diagnostics).toEqual([]);
    expect(spec!.connections.ninjaone.baseUrl).toBe('http://127.0.0.1:7101');
    expect(spec!.connections.ninjaone.webUrl).toBe('http://127.0.0.1:7101');
    expect(spec!.connections.ninjaone.instance).toBeUndefined();
    expect(spec!.connections.halo.rateLimit).toBeUndefined();
  });

  it('keeps a password in the NinjaOne URL out of the address links are made from', () => {
    const text = BASE.replace('    instance: eu\n', '    url: http://svc:\${NINJA_PW}@127.0.0.1:7101/\n');

    const { spec } = load(text, { ...ENV, NINJA_PW: 'pw-in-url' });

    expect(spec!.connections.ninjaone.baseUrl).toBe('http://svc:pw-in-url@127.0.0.1:7101');
    expect(spec!.connections.ninjaone.webUrl).toBe('http://127.0.0.1:7101');
  });

  it('fills alert defaults', () => {
    const { spec } = load(`${BASE}alerts:\n  ticketType: Alert\n  priority: { CRITICAL: 9 }\n`);

    expect(spec!.alerts).toEqual({
      ticketType: 'Alert',
      priority: { CRITICAL: 9, MAJOR: 2, MODERATE: 3, MINOR: 4, NONE: 4 },
      endUser: 'assetUser',
      onReset: 'close',
      onTicketClosed: 'resetAlert',
      haloWebhook: false,
      reopenWithinMinutes: 0,
      routes: [],
      maintenanceWindows: [],
      closeOnlyUntouched: true,
      include: { activityTypes: ['CONDITION'] },
      poll: { enabled: true, everyMinutes: 10 },
    });
  });

  it('reads routes: one value or a list, names by default routes[N], and the storm threshold with its defaults', () => {
    const { spec } = load(`${BASE}alerts:
  ticketType: Alert
  routes:
    - match: { severity: CRITICAL, organisation: [7, Contoso Ltd], deviceRole: 3 }
      team: Infrastructure
      agent: 4
    - name: quiet
      match: {}
      suppress: true
  stormThreshold: { alerts: 10 }
`);
    expect(spec!.alerts!.routes).toEqual([
      { name: 'routes[0]', index: 0, match: { severities: ['CRITICAL'], organisations: [{ kind: 'id', id: 7 }, { kind: 'name', name: 'Contoso Ltd' }], deviceRoles: [3] }, suppress: false, set: { team: 'Infrastructure', agent: 4 } },
      { name: 'quiet', index: 1, match: {}, suppress: true, set: {} },
    ]);
    expect(spec!.alerts!.stormThreshold).toEqual({ alerts: 10, withinMinutes: 5, per: 'organisation+condition' });
  });

  it('hashes what the spec asks for, not its layout, comments or secret values', () => {
    const a = load(BASE);
    const b = load(`# a comment\n${BASE.replace('instance: eu', 'instance:   eu   # region')}`, { NINJA_SECRET: 'other', HALO_SECRET: 'other' });
    const c = load(BASE.replace('instance: eu', 'instance: us2'));

    expect(a.hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(b.hash).toBe(a.hash);
    expect(c.hash).not.toBe(a.hash);
  });
});
