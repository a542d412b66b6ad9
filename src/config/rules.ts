/**
 * Cross-field rules the schema cannot express, each a small named check that returns
 * diagnostics (never throws). They run on the normalised spec, after the schema check passed.
 */

import { error, formatPath, warning, type Diagnostic, type SpecPath } from '../diagnostics/diagnostic.js';
import { didYouMean, suggest } from '../diagnostics/suggest.js';
import type { HaloformSpec } from './spec-file.generated.js';
import type { NinjaRef, Spec } from './spec.js';
import { stringsIn, urlPasswords } from './secret-values.js';
import { DEVICE_PATH_ROOTS, HALO_ASSET_PROPERTIES, NODE_CLASSES, SECRET_PATHS, TEMPLATE_PLACEHOLDERS, templatePlaceholders } from './vocabulary.js';

export interface RuleContext {
  /** The spec data as written (defaults filled in). */
  data: HaloformSpec;
  /** Variables each interpolated value came from, by spec path. */
  variablesAt(path: SpecPath): string[] | undefined;
  /** An interpolated value as written, before substitution. */
  rawAt?(path: SpecPath): string | undefined;
}

type Rule = (spec: Spec, context: RuleContext) => Diagnostic[];

export const RULES: readonly Rule[] = [
  ninjaOneEndpointGivenOnce,
  secretsComeFromEnvironment,
  urlPasswordsComeFromEnvironment,
  httpOnlyToLoopback,
  organisationsMappedOnce,
  sitesMappedOnce,
  catchAllConfiguredWhenUsed,
  skippedOrganisationsHaveNoMapping,
  assetMatchStartsWithNinjaId,
  fieldTargetsUnique,
  fieldSourcesKnown,
  fieldOptionsFit,
  fieldPropertiesSpelt,
  serialsWrittenWhenMatched,
  nodeClassesKnown,
  webhookUsesHttps,
  maintenanceWindowsValid,
  templatePlaceholdersKnown,
  routesValid,
];

export function checkRules(spec: Spec, context: RuleContext): Diagnostic[] {
  return RULES.flatMap((rule) => rule(spec, context));
}

function ninjaOneEndpointGivenOnce(_spec: Spec, { data }: RuleContext): Diagnostic[] {
  const { instance, url } = data.connections.ninjaone;
  const path = ['connections', 'ninjaone'];
  if (instance !== undefined && url !== undefined) {
    return [error('Conflicting keys', 'connections.ninjaone sets both "instance" and "url"; give only one: instance for a NinjaOne region, url for any other host.', [...path, 'url'])];
  }
  if (instance === undefined && url === undefined) {
    return [
      {
        ...error('Missing required key', 'connections.ninjaone needs "instance" (app, us2, eu, oc, ca or fed) or "url" (any other host, such as the sandbox).', path),
        subject: 'key',
      },
    ];
  }
  return [];
}

function secretsComeFromEnvironment(_spec: Spec, { variablesAt }: RuleContext): Diagnostic[] {
  return SECRET_PATHS.filter((path) => !variablesAt(path)?.length).map((path) => {
    const suggestion = path[1] === 'halo' ? 'HALO_CLIENT_SECRET' : 'NINJAONE_CLIENT_SECRET';
    return error(
      'Secret written in the spec',
      `${formatPath(path)} holds a secret in plain text, which would end up in Git. Write ${path[path.length - 1]}: \${${suggestion}} and set ${suggestion} in the environment (a CI secret), then rotate the secret that was written here.`,
      path,
    );
  });
}

/** `http://user:pa55word@host`: a password in a URL is a plain-text secret unless it is a `${VAR}`. */
function urlPasswordsComeFromEnvironment(_spec: Spec, { data, rawAt }: RuleContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const [path, value] of stringsIn(data)) {
    if (urlPasswords(value).length === 0) continue;
    const raw = rawAt?.(path) ?? value;
    // The password as written: a reference is fine, anything else is in plain text.
    const written = /:\/\/[^\s/?#@:]*:([^\s/?#@]+)@/.exec(raw)?.[1];
    // None as written: the whole address (password and all) came from a variable, like url: ${NINJAONE_URL}.
    if (written === undefined) continue;
    if (/^\$\{[A-Za-z_][A-Za-z0-9_]*(:-[^}]*)?\}$/.test(written)) continue;
    out.push(
      error(
        'Secret written in the spec',
        `${formatPath(path)} holds a password in its URL in plain text, which would end up in Git. Write it as \${VAR} (user:\${DB_PASSWORD}@host) and set the variable in the environment, then rotate the password that was written here.`,
        path,
      ),
    );
  }
  return out;
}

/** Keys of the spec that are addresses haloform sends requests (and secrets) to. */
const CONNECTION_URLS: readonly SpecPath[] = [
  ['connections', 'ninjaone', 'url'],
  ['connections', 'halo', 'url'],
  ['connections', 'halo', 'authUrl'],
];

/** Secrets and tokens must not cross a network in clear: plain http only to this machine, unless the spec says otherwise. */
function httpOnlyToLoopback(_spec: Spec, { data }: RuleContext): Diagnostic[] {
  const allowed = data.connections.allowInsecureHttp === true;
  const out: Diagnostic[] = [];
  for (const path of CONNECTION_URLS) {
    const value = path.reduce<unknown>((v, k) => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[k as string] : undefined), data);
    if (typeof value !== 'string' || !/^http:\/\//i.test(value) || isLoopback(value)) continue;
    out.push(
      allowed
        ? warning('Insecure HTTP', `${formatPath(path)} is plain http to ${hostOf(value)}, so the API secret and tokens cross the network unencrypted; connections.allowInsecureHttp allows it. Use https.`, path)
        : error(
            'Insecure HTTP',
            `${formatPath(path)} is plain http to ${hostOf(value)}, which would send the API secret and every token unencrypted. Use https://; for a test system on a network you trust, set connections.allowInsecureHttp: true (a warning on every run).`,
            path,
          ),
    );
  }
  return out;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** localhost, 127.0.0.0/8 and ::1: the machine itself. */
export function isLoopback(url: string): boolean {
  try {
    const host = new URL(url).hostname.replace(/^\[|\]$/g, '').toLowerCase();
    return host === 'localhost' || host.endsWith('.localhost') || /^127\.\d+\.\d+\.\d+$/.test(host) || host === '::1';
  } catch {
    return false;
  }
}

function organisationsMappedOnce(spec: Spec): Diagnostic[] {
  const seen = new Map<string, SpecPath>();
  const out: Diagnostic[] = [];
  for (const entry of spec.customers.map) {
    const key = refKey(entry.organisation);
    const first = seen.get(key);
    if (first) {
      out.push(
        error(
          'Organisation mapped twice',
          `NinjaOne organisation ${describeRef(entry.organisation)} is mapped in ${formatPath(first)} and again in ${formatPath(entry.path)}. Keep one entry and merge their settings.`,
          [...entry.path, 'organisation'],
        ),
      );
    } else {
      seen.set(key, entry.path);
    }
  }
  return out;
}

/**
 * Halo keeps one NinjaOne id per client and per site (ninjarmmid), so one Halo site cannot stand
 * for locations of two organisations; two locations of one organisation may share a site.
 */
function sitesMappedOnce(spec: Spec): Diagnostic[] {
  const out: Diagnostic[] = [];
  const sites = new Map<string, { organisation: NinjaRef; path: SpecPath }>();
  const clients = new Map<string, { organisation: NinjaRef; path: SpecPath }>();
  for (const entry of spec.customers.map) {
    if (entry.skip) continue;
    const client = entry.client ?? (entry.organisation.kind === 'name' ? entry.organisation.name : undefined);
    if (client === undefined) continue;
    const clientKey = client.toLowerCase();
    const firstClient = clients.get(clientKey);
    if (firstClient && refKey(firstClient.organisation) !== refKey(entry.organisation)) {
      out.push(
        warning(
          'Two organisations share a Halo client',
          `Halo client "${client}" receives NinjaOne organisations ${describeRef(firstClient.organisation)} (${formatPath(firstClient.path)}) and ${describeRef(entry.organisation)}. Halo stores one NinjaOne organisation id per client, so the client is tracked through the first; give each organisation its own client unless you mean to merge them.`,
          [...entry.path, 'client'],
        ),
      );
    } else if (!firstClient) {
      clients.set(clientKey, { organisation: entry.organisation, path: entry.path });
    }
    for (const site of entry.sites) {
      const siteKey = `${clientKey}/${site.site.toLowerCase()}`;
      const first = sites.get(siteKey);
      if (first && refKey(first.organisation) !== refKey(entry.organisation)) {
        out.push(
          error(
            'Halo site mapped from two organisations',
            `Halo site "${client}/${site.site}" is the target of a location of ${describeRef(first.organisation)} (${formatPath(first.path)}) and of ${describeRef(entry.organisation)} (${formatPath(site.path)}). A Halo site holds one NinjaOne location id; map the second location to a site of its own.`,
            site.path,
          ),
        );
      } else if (!first) {
        sites.set(siteKey, { organisation: entry.organisation, path: site.path });
      }
    }
  }
  return out;
}

function catchAllConfiguredWhenUsed(spec: Spec, { data }: RuleContext): Diagnostic[] {
  if (spec.customers.catchAll) return [];
  const users: SpecPath[] = [];
  if (data.customers?.unmappedLocations === 'catch-all') users.push(['customers', 'unmappedLocations']);
  for (const entry of spec.customers.map) {
    if (data.customers?.map?.[entry.path[2] as number]?.unmappedLocations === 'catch-all') users.push([...entry.path, 'unmappedLocations']);
  }
  return users.map((path) =>
    error(
      'Catch-all site not configured',
      `${formatPath(path)} sends unmapped locations to the catch-all site, but customers.catchAll is not set. Add customers.catchAll: { client: Unassigned Devices, site: Unknown } or choose another policy.`,
      path,
    ),
  );
}

function skippedOrganisationsHaveNoMapping(_spec: Spec, { data }: RuleContext): Diagnostic[] {
  return (data.customers?.map ?? []).flatMap((entry, i) => {
    if (!entry.skip) return [];
    const ignored = (['client', 'sites', 'unmappedLocations'] as const).filter(
      (k) => entry[k] !== undefined && !(k === 'sites' && Object.keys(entry.sites ?? {}).length === 0),
    );
    return ignored.map((k) =>
      warning('Setting ignored', `customers.map[${i}] has skip: true, so its ${k} is never used. Remove ${k}, or remove skip to sync the organisation.`, ['customers', 'map', i, k]),
    );
  });
}

function assetMatchStartsWithNinjaId(spec: Spec): Diagnostic[] {
  if (spec.assets.match[0] === 'ninjaId') return [];
  return [
    error(
      'NinjaOne id must be matched first',
      'assets.match must start with ninjaId: the NinjaOne id Halo stores on each asset is how haloform recognises assets it manages without a state file. Write match: [ninjaId, serialNumber].',
      ['assets', 'match'],
    ),
  ];
}

function fieldTargetsUnique(spec: Spec): Diagnostic[] {
  const seen = new Map<string, SpecPath>();
  const out: Diagnostic[] = [];
  for (const field of spec.assets.fields) {
    const key = `${field.target === 'customfield' ? 'customfields.' : ''}${field.to.toLowerCase()}`;
    const first = seen.get(key);
    if (first) {
      out.push(
        error(
          'Field written twice',
          `"${field.to}" is already written by ${formatPath(first)}; two mappings to one Halo field would overwrite each other on every apply. Keep one.`,
          [...field.path, 'to'],
        ),
      );
    } else {
      seen.set(key, field.path);
    }
  }
  return out;
}

function fieldSourcesKnown(spec: Spec): Diagnostic[] {
  return spec.assets.fields.flatMap((field) => {
    if (field.source !== 'path') return [];
    const root = field.from[0]!.name;
    if (DEVICE_PATH_ROOTS.includes(root)) return [];
    return [
      error(
        'Unknown device path',
        `"${field.fromText}" does not start with a NinjaOne device field: "${root}" is not one.${didYouMean(root, [...DEVICE_PATH_ROOTS, 'serial', 'deviceName'])} Paths start with a device field (displayName, system, os, ipAddresses, ...), customFields.<name>, organization or location; or write serial or deviceName.`,
        [...field.path, 'from'],
      ),
    ];
  });
}

/** `inherit`, `type` and `dateFormat` only where they mean something. */
function fieldOptionsFit(spec: Spec): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const field of spec.assets.fields) {
    if (field.inherit && !(field.source === 'path' && field.from[0]?.name === 'customFields' && field.from.length >= 2)) {
      out.push(error('inherit without a custom field', `inherit: true falls back to the location's and the organisation's value of a custom field, so it needs from: customFields.<name>; "${field.fromText}" is not one. Remove inherit, or read organization.customFields.<name> directly.`, [...field.path, 'inherit']));
    }
    if (field.target === 'property' && field.type !== undefined) {
      out.push(error('type on an asset property', `"${field.to}" is a Halo asset property, whose type haloform knows (${field.to.includes('warranty') || field.to.includes('date') ? 'a date' : 'text'}); type: is for asset fields and custom fields. Remove it.`, [...field.path, 'type']));
    }
    if (field.dateFormat !== undefined && field.type !== undefined && field.type !== 'date' && field.type !== 'datetime') {
      out.push(warning('dateFormat without a date', `dateFormat reads text dates for a date or datetime target, but this mapping says type: ${field.type}, so it is not used. Remove it, or the type.`, [...field.path, 'dateFormat']));
    }
  }
  return out;
}

/** `inventory_numbr` is almost certainly a typo for a property, not a Halo asset field name. */
function fieldPropertiesSpelt(spec: Spec): Diagnostic[] {
  return spec.assets.fields.flatMap((field) => {
    if (field.toProperty || !/^[a-z]+(_[a-z0-9]+)+$/.test(field.to)) return [];
    const near = suggest(field.to, HALO_ASSET_PROPERTIES);
    if (!near) return [];
    return [
      warning(
        'Possibly misspelt asset property',
        `"${field.to}" is not a Halo asset property, so it will be written to an asset field of that name. Did you mean "${near}"?`,
        [...field.path, 'to'],
      ),
    ];
  });
}

function serialsWrittenWhenMatched(spec: Spec): Diagnostic[] {
  // A spec that maps no fields at all writes bare assets on purpose; one that maps some but not the serial likely forgot it.
  if (!spec.assets.match.includes('serialNumber') || spec.assets.fields.length === 0) return [];
  const serial = spec.assets.serialField.toLowerCase();
  if (spec.assets.fields.some((f) => f.target === 'field' && f.to.toLowerCase() === serial)) return [];
  return [
    warning(
      'Serial numbers matched but never written',
      `assets.match uses serialNumber, but no entry in assets.fields writes "${spec.assets.serialField}", so assets haloform creates carry no serial. Add { to: ${spec.assets.serialField}, from: serial } to assets.fields.`,
      ['assets', 'fields'],
    ),
  ];
}

function nodeClassesKnown(spec: Spec): Diagnostic[] {
  const check = (nodeClass: string, path: SpecPath, subject: 'key' | 'value'): Diagnostic[] =>
    NODE_CLASSES.includes(nodeClass)
      ? []
      : [
          {
            ...warning(
              'Unknown node class',
              `${nodeClass} is not a NinjaOne node class haloform knows.${didYouMean(nodeClass, NODE_CLASSES)} It is kept, in case NinjaOne added it since.`,
              path,
            ),
            subject,
          },
        ];
  return [
    ...spec.assetTypes.map.flatMap((m) => check(m.nodeClass, m.path, 'key')),
    ...(spec.alerts?.include.nodeClasses ?? []).flatMap((c, i) => check(c, ['alerts', 'include', 'nodeClasses', i], 'value')),
    ...(spec.alerts?.routes ?? []).flatMap((r, i) => (r.match.deviceClasses ?? []).flatMap((c, j) => check(c, routeMatchPath(r.match.deviceClasses!, i, 'deviceClass', j), 'value'))),
  ];
}

function webhookUsesHttps(spec: Spec): Diagnostic[] {
  const url = spec.alerts?.webhook?.publicUrl;
  if (!url || url.startsWith('https://')) return [];
  if (/^http:\/\/(localhost|127\.|\[::1\])/.test(url)) return [];
  return [
    warning(
      'Webhook over plain HTTP',
      `alerts.webhook.publicUrl is ${url}: NinjaOne would send the shared secret and alert data unencrypted. Put serve behind HTTPS and use an https:// address.`,
      ['alerts', 'webhook', 'publicUrl'],
    ),
  ];
}

/** A maintenance window's time zone must be one this machine knows, and it must last. */
function maintenanceWindowsValid(spec: Spec): Diagnostic[] {
  const out: Diagnostic[] = [];
  spec.alerts?.maintenanceWindows.forEach((w, i) => {
    try {
      new Intl.DateTimeFormat('en-GB', { timeZone: w.timezone });
    } catch {
      out.push(error('Unknown time zone', `alerts.maintenanceWindows[${i}].timezone is "${w.timezone}", which is not a time zone this machine knows. Use an IANA name such as Europe/London, America/New_York or UTC.`, ['alerts', 'maintenanceWindows', i, 'timezone']));
    }
    if (w.from === w.to) {
      out.push(error('Empty maintenance window', `alerts.maintenanceWindows[${i}] starts and ends at the same time, so it never covers anything. Set to after from (or earlier, for a window past midnight).`, ['alerts', 'maintenanceWindows', i, 'to']));
    }
  });
  return out;
}

/** The path of a route's match criterion: `condition` when one value was written, `condition[j]` in a list. */
function routeMatchPath(values: readonly unknown[], route: number, key: string, j: number): SpecPath {
  return values.length === 1 ? ['alerts', 'routes', route, 'match', key] : ['alerts', 'routes', route, 'match', key, j];
}

/**
 * alerts.routes: conditions written as /regular expressions/ compile, names are unique, a
 * suppressing route sets nothing, and no route hides behind one that matches every alert.
 */
function routesValid(spec: Spec): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Map<string, number>();
  let catchAll: number | undefined;
  spec.alerts?.routes.forEach((route, i) => {
    const path = ['alerts', 'routes', i];
    (route.match.conditions ?? []).forEach((c, j) => {
      const m = /^\/(.+)\/([a-z]*)$/s.exec(c);
      if (!m) return;
      try {
        new RegExp(m[1]!, m[2]);
      } catch (e) {
        out.push(error('Bad regular expression', `alerts.routes[${i}].match.condition ${c} is not a regular expression JavaScript accepts (${(e as Error).message.replace(/^Invalid regular expression: /, '')}). Fix it, or write the condition's name without slashes.`, routeMatchPath(route.match.conditions!, i, 'condition', j)));
      }
    });
    const earlier = seen.get(route.name.toLowerCase());
    if (earlier !== undefined) out.push(error('Duplicate route name', `alerts.routes[${i}] is named "${route.name}", as alerts.routes[${earlier}] is; the plan, the log and inbox list --route tell routes apart by name. Rename one.`, [...path, 'name']));
    else seen.set(route.name.toLowerCase(), i);
    const set = Object.keys(route.set);
    if (route.suppress && set.length > 0) out.push(error('Conflicting keys', `alerts.routes[${i}] suppresses its alerts (suppress: true) and also sets ${set.join(', ')}, which would never be used. Remove ${set.length === 1 ? 'it' : 'them'}, or remove suppress.`, [...path, 'suppress']));
    if (catchAll !== undefined) out.push(warning('Route never taken', `alerts.routes[${i}] ("${route.name}") comes after alerts.routes[${catchAll}], which matches every alert, so no alert reaches it. Move it before, or give routes[${catchAll}] a match.`, path));
    else if (Object.keys(route.match).length === 0) catchAll = i;
  });
  return out;
}

/** Every {placeholder} of alerts.template is one haloform fills. */
function templatePlaceholdersKnown(spec: Spec): Diagnostic[] {
  const out: Diagnostic[] = [];
  const known = Object.keys(TEMPLATE_PLACEHOLDERS);
  for (const part of ['summary', 'details'] as const) {
    const text = spec.alerts?.template?.[part];
    if (!text) continue;
    for (const name of new Set(templatePlaceholders(text))) {
      if (known.includes(name)) continue;
      out.push(error('Unknown placeholder', `alerts.template.${part} names {${name}}, which haloform does not fill.${didYouMean(name, known)} Placeholders: ${known.map((k) => `{${k}}`).join(', ')}.`, ['alerts', 'template', part]));
    }
  }
  return out;
}

function refKey(ref: NinjaRef): string {
  return ref.kind === 'id' ? `id:${ref.id}` : `name:${ref.name}`;
}

function describeRef(ref: NinjaRef): string {
  return ref.kind === 'id' ? `id ${ref.id}` : `"${ref.name}"`;
}
