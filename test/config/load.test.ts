import { describe, expect, it } from 'vitest';
import type { Spec } from '../../src/config/spec.js';
import { BASE, ENV, lines, load } from '../helpers/spec.js';

describe('loading a spec: every bad input has its exact message and line:column', () => {
  it.each([
    {
      name: 'malformed YAML (an unclosed flow list)',
      text: `${BASE}assets:\n  match: [ninjaId, serialNumber\n  removed: keep\n`,
      expected: [
        'spec.yaml:14:3: error: Invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]. Check the indentation, colons and quotes at this spot.',
      ],
    },
    {
      name: 'an unknown key, with a did-you-mean',
      text: `${BASE}alerts:\n  ticketTyp: Alert\n`,
      expected: [
        'spec.yaml:13:3: error: Unknown key: "ticketTyp" is not a valid key in alerts. Did you mean "ticketType"? Valid keys: ticketType, priority, endUser, onReset, onTicketClosed, reopenWithinMinutes, maintenanceWindows, template, routes, stormThreshold, haloWebhook, closeOnlyUntouched, include, poll, webhook.',
      ],
    },
    {
      name: 'an unknown top-level key',
      text: `${BASE}asset:\n  removed: keep\n`,
      expected: [
        'spec.yaml:12:1: error: Unknown key: "asset" is not a valid key in the top level of the spec. Did you mean "assets"? Valid keys: version, connections, settings, customers, assetTypes, assets, alerts, sync.',
      ],
    },
    {
      name: 'a known key in the wrong map (allowInsecureHttp under connections.halo): where it belongs',
      text: `${BASE.replace('    clientSecret: ${HALO_SECRET}\n', '    clientSecret: ${HALO_SECRET}\n    allowInsecureHttp: true\n')}`,
      expected: [
        'spec.yaml:12:5: error: Unknown key: "allowInsecureHttp" is not a valid key in connections.halo. "allowInsecureHttp" is a key of connections: move it there. Valid keys: url, tenant, authUrl, clientId, clientSecret, scope, rateLimit, batchSize, timeoutSeconds.',
      ],
    },
    {
      name: 'a wrong type',
      text: `${BASE}settings:\n  assetTagMustBeUnique: yes\n`,
      expected: [
        'spec.yaml:13:25: error: Wrong type: settings.assetTagMustBeUnique must be true or false, but found "yes". YAML 1.2 reads "yes" as text: write true.',
      ],
    },
    {
      name: 'a number written as text',
      text: `${BASE.replace('    clientSecret: ${HALO_SECRET}\n', '    clientSecret: ${HALO_SECRET}\n    batchSize: "50"\n')}`,
      expected: ['spec.yaml:12:16: error: Wrong type: connections.halo.batchSize must be a whole number, but found "50". Remove the quotes to write a number.'],
    },
    {
      name: 'an enum typo, with a did-you-mean',
      text: `${BASE}alerts:\n  ticketType: Alert\n  onReset: clsoe\n`,
      expected: [
        'spec.yaml:14:12: error: Invalid value: "clsoe" is not a valid value for alerts.onReset. Expected one of: close, note, none. Did you mean "close"?',
      ],
    },
    {
      name: 'an enum typo in a list',
      text: `${BASE}assets:\n  match: [ninjaId, serial]\n`,
      expected: [
        'spec.yaml:13:20: error: Invalid value: "serial" is not a valid value for assets.match[1]. Expected one of: ninjaId, serialNumber.',
      ],
    },
    {
      name: 'a missing environment variable',
      text: BASE,
      env: { NINJA_SECRET: 'x' },
      expected: [
        'spec.yaml:11:19: error: Missing environment variable: HALO_SECRET is not set. Set it in the environment (export HALO_SECRET=...), or give a default in the spec: ${HALO_SECRET:-value}.',
      ],
    },
    {
      name: 'a variable reference that is not one',
      text: BASE.replace('clientId: halo-id', 'clientId: ${halo id}'),
      expected: [
        'spec.yaml:10:15: error: Malformed variable reference: "${halo id}" is not a valid reference. Write ${NAME} or ${NAME:-default}, where NAME is letters, digits and _; write $${ for a literal "${".',
      ],
    },
    {
      name: 'a reference nested in a default',
      text: BASE.replace('clientId: halo-id', 'clientId: ${A:-${B:-x}}'),
      expected: [
        'spec.yaml:10:15: error: Nested variable reference: "${A:-${B:-x}}" puts a reference inside another one\'s default, which haloform does not read: it would not mean what it looks like. Give one variable a plain default (${A:-x}), or set the value in the environment.',
      ],
    },
    {
      name: 'a password in a URL, in plain text',
      text: BASE.replace('url: https://acme.halopsa.com', 'url: https://svc:pa55word@acme.halopsa.com'),
      expected: [
        'spec.yaml:8:10: error: Secret written in the spec: connections.halo.url holds a password in its URL in plain text, which would end up in Git. Write it as ${VAR} (user:${DB_PASSWORD}@host) and set the variable in the environment, then rotate the password that was written here.',
      ],
    },
    {
      name: 'plain http to a host that is not this machine',
      text: BASE.replace('url: https://acme.halopsa.com', 'url: http://halo.example.com'),
      expected: [
        'spec.yaml:8:10: error: Insecure HTTP: connections.halo.url is plain http to halo.example.com, which would send the API secret and every token unencrypted. Use https://; for a test system on a network you trust, set connections.allowInsecureHttp: true (a warning on every run).',
      ],
    },
    {
      name: 'plain http allowed by the spec: a warning',
      text: BASE.replace('url: https://acme.halopsa.com', 'url: http://halo.example.com').replace('connections:\n', 'connections:\n  allowInsecureHttp: true\n'),
      expected: [
        'spec.yaml:9:10: warning: Insecure HTTP: connections.halo.url is plain http to halo.example.com, so the API secret and tokens cross the network unencrypted; connections.allowInsecureHttp allows it. Use https.',
      ],
    },
    {
      name: 'an organisation mapped twice',
      text: `${BASE}customers:\n  map:\n    - organisation: Contoso Ltd\n      client: Contoso\n    - organisation: 12\n    - organisation: Contoso Ltd\n      client: Contoso Two\n`,
      expected: [
        'spec.yaml:17:21: error: Organisation mapped twice: NinjaOne organisation "Contoso Ltd" is mapped in customers.map[0] and again in customers.map[2]. Keep one entry and merge their settings.',
      ],
    },
    {
      name: 'a Halo site mapped from locations of two organisations',
      text: `${BASE}customers:\n  map:\n    - organisation: Contoso Ltd\n      client: Contoso\n      sites: { Head Office: HQ }\n    - organisation: Contoso Europe\n      client: Contoso\n      sites:\n        Paris: hq\n`,
      expected: [
        'spec.yaml:18:15: warning: Two organisations share a Halo client: Halo client "Contoso" receives NinjaOne organisations "Contoso Ltd" (customers.map[0]) and "Contoso Europe". Halo stores one NinjaOne organisation id per client, so the client is tracked through the first; give each organisation its own client unless you mean to merge them.',
        'spec.yaml:20:16: error: Halo site mapped from two organisations: Halo site "Contoso/hq" is the target of a location of "Contoso Ltd" (customers.map[0].sites["Head Office"]) and of "Contoso Europe" (customers.map[1].sites.Paris). A Halo site holds one NinjaOne location id; map the second location to a site of its own.',
      ],
    },
    {
      name: 'the same Halo field written twice',
      text: `${BASE}assets:\n  fields:\n    - { to: Serial Number, from: system.serialNumber }\n    - { to: serial number, from: system.biosSerialNumber }\n`,
      expected: [
        'spec.yaml:15:13: error: Field written twice: "serial number" is already written by assets.fields[0]; two mappings to one Halo field would overwrite each other on every apply. Keep one.',
      ],
    },
    {
      name: 'an unknown device path root',
      text: `${BASE}assets:\n  fields:\n    - { to: Serial Number, from: sytem.serialNumber }\n`,
      expected: [
        'spec.yaml:14:34: error: Unknown device path: "sytem.serialNumber" does not start with a NinjaOne device field: "sytem" is not one. Did you mean "system"? Paths start with a device field (displayName, system, os, ipAddresses, ...), customFields.<name>, organization or location; or write serial or deviceName.',
      ],
    },
    {
      name: 'a device path that is not a path',
      text: `${BASE}assets:\n  fields:\n    - { to: Model, from: "system..model" }\n`,
      expected: [
        'spec.yaml:14:26: error: Invalid format: "system..model" is not valid for assets.fields[0].from: a device path is names joined by dots, each optionally followed by [index], e.g. system.serialNumber or ipAddresses[0].',
      ],
    },
    {
      name: 'an empty file',
      text: '',
      expected: [
        'spec.yaml:1:1: error: Empty spec: spec.yaml holds no settings. Run `haloform init spec.yaml` to write a commented starter spec, or see config/haloform.example.yaml.',
      ],
    },
    {
      name: 'a file of comments only',
      text: '# nothing yet\n\n',
      expected: [
        'spec.yaml:1:1: error: Empty spec: spec.yaml holds no settings. Run `haloform init spec.yaml` to write a commented starter spec, or see config/haloform.example.yaml.',
      ],
    },
    {
      name: 'a list instead of a map',
      text: '# a list\n- version: 1\n- connections: {}\n',
      expected: [
        'spec.yaml:2:1: error: Spec is not a map: A spec is a map of keys (version, connections, customers, ...), but spec.yaml holds a list. Remove the leading "- " or start from `haloform init`.',
      ],
    },
    {
      name: 'a duplicate key',
      text: `${BASE}assets:\n  removed: keep\n  removed: deactivate\n`,
      expected: [
        'spec.yaml:14:3: error: Duplicate key: "removed" appears twice in the same map. YAML keeps only one of them, so haloform refuses to guess: remove or rename one.',
      ],
    },
    {
      name: 'a tab used for indentation',
      text: `${BASE}assets:\n\tremoved: keep\n`,
      expected: ['spec.yaml:13:1: error: Tab used for indentation: YAML indents with spaces only. Replace the tab with spaces.'],
    },
    {
      name: 'two YAML documents',
      text: `${BASE}---\nversion: 1\n`,
      expected: [
        'spec.yaml:12:1: error: More than one YAML document: A spec file holds one YAML document. Remove the "---" separator and what follows, or move it to a file of its own.',
      ],
    },
    {
      name: 'a secret in plain text',
      text: BASE.replace('clientSecret: ${HALO_SECRET}', 'clientSecret: hunter2-plain'),
      expected: [
        'spec.yaml:11:19: error: Secret written in the spec: connections.halo.clientSecret holds a secret in plain text, which would end up in Git. Write clientSecret: ${HALO_CLIENT_SECRET} and set HALO_CLIENT_SECRET in the environment (a CI secret), then rotate the secret that was written here.',
      ],
    },
    {
      name: 'both instance and url for NinjaOne',
      text: BASE.replace('    instance: eu\n', '    instance: eu\n    url: https://ninja.example.com\n'),
      expected: [
        'spec.yaml:5:10: error: Conflicting keys: connections.ninjaone sets both "instance" and "url"; give only one: instance for a NinjaOne region, url for any other host.',
      ],
    },
    {
      name: 'neither instance nor url for NinjaOne',
      text: BASE.replace('    instance: eu\n', ''),
      expected: [
        'spec.yaml:3:3: error: Missing required key: connections.ninjaone needs "instance" (app, us2, eu, oc, ca or fed) or "url" (any other host, such as the sandbox).',
      ],
    },
    {
      name: 'a missing required key',
      text: BASE.replace('    clientId: halo-id\n', ''),
      expected: ['spec.yaml:7:3: error: Missing required key: connections.halo needs "clientId". clientId: Client ID of the Halo API application.'],
    },
    {
      name: 'a rate limit that is neither a map nor false (oneOf collapsed)',
      text: BASE.replace('    tenant: acme\n', '    tenant: acme\n    rateLimit: 300\n'),
      expected: [
        'spec.yaml:10:16: error: Wrong type: connections.halo.rateLimit must be a map with requests and perSeconds, or false, but found the number 300.',
      ],
    },
    {
      name: 'a rate limit map with a mistake inside (the branch that fits is reported)',
      text: BASE.replace('    tenant: acme\n', '    tenant: acme\n    rateLimit: { requests: 0, perSeconds: 300 }\n'),
      expected: ['spec.yaml:10:28: error: Value out of range: connections.halo.rateLimit.requests must be at least 1, but found the number 0.'],
    },
    {
      name: 'catch-all policy without a catch-all site',
      text: `${BASE}customers:\n  unmappedLocations: catch-all\n`,
      expected: [
        'spec.yaml:13:22: error: Catch-all site not configured: customers.unmappedLocations sends unmapped locations to the catch-all site, but customers.catchAll is not set. Add customers.catchAll: { client: Unassigned Devices, site: Unknown } or choose another policy.',
      ],
    },
    {
      name: 'matching without the NinjaOne id first',
      text: `${BASE}assets:\n  match: [serialNumber, ninjaId]\n  fields: [{ to: Serial Number, from: system.serialNumber }]\n`,
      expected: [
        'spec.yaml:13:10: error: NinjaOne id must be matched first: assets.match must start with ninjaId: the NinjaOne id Halo stores on each asset is how haloform recognises assets it manages without a state file. Write match: [ninjaId, serialNumber].',
      ],
    },
    {
      name: 'a node class in lower case',
      text: `${BASE}assetTypes:\n  map:\n    windows_server: Server\n`,
      expected: [
        'spec.yaml:14:5: error: Invalid key: "windows_server" is not a valid key in assetTypes.map: keys here are NinjaOne names in capitals, such as WINDOWS_WORKSTATION. Did you mean "WINDOWS_SERVER"?',
      ],
    },
    {
      name: 'a misspelt node class (a warning: NinjaOne adds classes)',
      text: `${BASE}assetTypes:\n  map:\n    WINDOWS_SEVRER: Server\n`,
      expected: [
        'spec.yaml:14:5: warning: Unknown node class: WINDOWS_SEVRER is not a NinjaOne node class haloform knows. Did you mean "WINDOWS_SERVER"? It is kept, in case NinjaOne added it since.',
      ],
    },
    {
      name: 'a webhook URL that is not a URL',
      text: `${BASE}alerts:\n  ticketType: Alert\n  webhook: { publicUrl: haloform.acme.example/hook }\n`,
      expected: [
        'spec.yaml:14:25: error: Invalid format: "haloform.acme.example/hook" is not valid for alerts.webhook.publicUrl: write an address starting with https:// (or http:// for a local sandbox).',
      ],
    },
  ])('$name', ({ text, env, expected }) => {
    const result = lines(text, env ?? ENV);

    expect(result).toEqual(expected);
  });

  it('rejects unsafe YAML tags and never executes them', () => {
    const marker = '__haloformTagRan';
    const text = `${BASE}customers:\n  topLevel: !!js/function "function () { globalThis.${marker} = true; }"\n  map: !!python/object/apply:os.system ["touch /tmp/${marker}"]\n  unmapped: !custom create\n`;

    const result = load(text);

    expect(result.diagnostics.map((d) => `${d.range?.start.line}:${d.range?.start.column} ${d.summary}`)).toEqual([
      '13:13 Unsupported YAML tag',
      '14:8 Unsupported YAML tag',
      '15:13 Unsupported YAML tag',
    ]);
    expect(result.diagnostics[0]!.detail).toBe(
      'The tag !!js/function is not allowed in a spec. Tags can make a YAML loader build objects or run code, so haloform refuses every tag except the plain ones (!!str, !!int, !!float, !!bool, !!null). Write the value as plain YAML.',
    );
    expect(result.spec).toBeUndefined();
    expect((globalThis as Record<string, unknown>)[marker]).toBeUndefined();
  });

  it('accepts the plain tags', () => {
    const result = load(`${BASE}customers:\n  topLevel: !!str 2024\n`);

    expect(result.diagnostics).toEqual([]);
    expect(result.spec?.customers.topLevel).toBe('2024');
  });

  it('never shows the value of a variable in a message, only its name', () => {
    const env = { ...ENV, HALO_BATCH: 'sekrit-looking-value' };
    const text = BASE.replace('    tenant: acme\n', '    tenant: acme\n    batchSize: ${HALO_BATCH}\n');

    const result = lines(text, env);

    expect(result).toEqual([
      'spec.yaml:10:16: error: Wrong type: connections.halo.batchSize must be a whole number, but found the value of ${HALO_BATCH}. Unquoted, ${HALO_BATCH} must hold a whole number.',
    ]);
    expect(result.join('\n')).not.toContain('sekrit');
  });

  it.each([
    { line: '    batchSize: ${HALO_BATCH}\n', env: { HALO_BATCH: '25' }, read: (spec: Spec) => spec.connections.halo.batchSize, value: 25 },
    { line: '    rateLimit:\n      requests: ${HALO_BUDGET:-300}\n      perSeconds: 300\n', env: { HALO_BUDGET: '120' }, read: (spec: Spec) => spec.connections.halo.rateLimit?.requests, value: 120 },
    { line: '    rateLimit:\n      requests: ${HALO_BUDGET:-300}\n      perSeconds: 300\n', env: {}, read: (spec: Spec) => spec.connections.halo.rateLimit?.requests, value: 300 },
    { line: '    scope: ${HALO_SCOPE}\n', env: { HALO_SCOPE: '123456' }, read: (spec: Spec) => spec.connections.halo.scope, value: '123456' },
  ])('reads an unquoted variable as YAML would: $line with $env', ({ line, env, read, value }) => {
    const result = load(BASE.replace('    tenant: acme\n', `    tenant: acme\n${line}`), { ...ENV, ...env });

    expect(result.diagnostics).toEqual([]);
    expect(read(result.spec!)).toBe(value);
  });

  it('explains a variable inside a flow map', () => {
    const result = lines(BASE.replace('    tenant: acme\n', '    tenant: acme\n    rateLimit: { requests: ${HALO_BUDGET}, perSeconds: 300 }\n'));

    expect(result[0]).toBe(
      'spec.yaml:10:28: error: Variable inside { } or [ ]: Inside a { } map or a [ ] list, YAML reads the { of ${NAME} as the start of another map. Write that mapping in block style, one key per line (then ${NAME} is read as YAML would read its value), or quote the value ("${NAME}"), which keeps it text.',
    );
  });

  it('keeps a quoted variable as text, and says to unquote it where a number belongs', () => {
    const result = lines(BASE.replace('    tenant: acme\n', '    tenant: acme\n    batchSize: "${HALO_BATCH}"\n'), { ...ENV, HALO_BATCH: '25' });

    expect(result).toEqual([
      'spec.yaml:10:16: error: Wrong type: connections.halo.batchSize must be a whole number, but found the value of ${HALO_BATCH}. Unquoted, ${HALO_BATCH} must hold a whole number.',
    ]);
  });

  it('reports every problem at once, in file order', () => {
    const text = `${BASE}alerts:\n  ticketType: Alert\n  onReset: closed\n  endUser: user\nassets:\n  removd: keep\n`;

    const result = load(text).diagnostics.map((d) => `${d.range?.start.line}:${d.range?.start.column} ${d.summary}`);

    expect(result).toEqual(['14:12 Invalid value', '15:12 Invalid value', '17:3 Unknown key']);
  });
});

describe('a variable that is not set, when only validating', () => {
  it('is a warning, and the rest of the spec is still checked', () => {
    const text = `${BASE}alerts:\n  ticketType: Alert\n  onReset: clsoe\n`;

    const result = lines(text, {}, { missingEnv: 'warning' });

    expect(result).toEqual([
      'spec.yaml:6:19: warning: Environment variable not set: NINJA_SECRET is not set here, so plan, apply and serve would stop at this line. Set it in the environment (export NINJA_SECRET=...), or give a default in the spec: ${NINJA_SECRET:-value}.',
      'spec.yaml:11:19: warning: Environment variable not set: HALO_SECRET is not set here, so plan, apply and serve would stop at this line. Set it in the environment (export HALO_SECRET=...), or give a default in the spec: ${HALO_SECRET:-value}.',
      'spec.yaml:14:12: error: Invalid value: "clsoe" is not a valid value for alerts.onReset. Expected one of: close, note, none. Did you mean "close"?',
    ]);
  });

  it('does not judge a value it cannot see', () => {
    const text = BASE.replace('url: https://acme.halopsa.com', 'url: ${HALO_URL}');

    const result = load(text, ENV, { missingEnv: 'warning' });

    expect(result.diagnostics.map((d) => d.summary)).toEqual(['Environment variable not set']);
    expect(result.incomplete).toBe(true);
  });
});
