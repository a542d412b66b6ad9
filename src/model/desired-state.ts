/**
 * desiredState: spec + the RMM + live Halo → the Desired Halo state, with every preflight
 * problem the plan must show before anything is written. Pure.
 */

import { error, warning, type Diagnostic } from '../diagnostics/diagnostic.js';
import { didYouMean } from '../diagnostics/suggest.js';
import type { NinjaRef, Spec } from '../config/spec.js';
import type { HaloSnapshot } from '../halo/types.js';
import type { RmmId, RmmSnapshot } from '../rmm/snapshot.js';
import { hasMappedValue, readDevices, resolveAssets, type AssetOptions, type DeviceReadings } from './assets.js';
import { resolveCatalog } from './catalog.js';
import { list, resolveCustomers } from './customers.js';
import type { Desired } from './desired.js';
import { readProblemWarnings } from './read-problems.js';
import { foldName } from '../halo/names.js';
import { ticketTypeNamed } from '../halo/lookups.js';
import { routingTable } from './routing-table.js';
import { haloWebhookUrl } from '../halo/webhooks.js';
import { deviceKey, sameRmmId, type RmmProvider } from '../rmm/provider.js';

export type DesiredOptions = AssetOptions;

export function desiredState(spec: Spec, ninja: RmmSnapshot, halo: HaloSnapshot, options: DesiredOptions = {}): Desired {
  const report = { errors: [] as Diagnostic[], warnings: [] as Diagnostic[] };

  // Every placed organisation and location gets its client and site, devices or not, as Halo's own
  // integration imports them; a skipped one gets nothing.
  const customers = resolveCustomers(spec, ninja, halo, report);
  const readings = readDevices(spec, ninja);
  const { classesInUse, valuesByClass } = classesInUseOf(spec, ninja, customers, readings);
  const catalog = resolveCatalog(spec, halo, classesInUse, report, valuesByClass, ninja);
  const { assets, deactivations } = resolveAssets(spec, ninja, halo, customers, catalog, readings, report, options);
  const settings = settingsOf(spec, halo);
  const unique = spec.settings.assetTagMustBeUnique ?? halo.settings.assetTagMustBeUnique ?? false;
  if (unique) report.errors.push(...assetTagCollisions(assets, deactivations, halo, ninja.provider));
  checkTicketType(spec, halo, report);
  const webhook = webhookOf(spec, ninja, report);
  const haloWebhook = haloWebhookOf(spec, report);
  const routing = routingTable(spec, ninja, halo, report);
  warnUnknownMappings(spec, ninja, report);
  // What was wrong with rows either API sent: read around, and said.
  report.warnings.push(...readProblemWarnings([...ninja.problems, ...halo.problems], halo));

  return {
    rmm: ninja.provider,
    settings,
    fields: catalog.fields,
    assetTypes: catalog.assetTypes,
    clients: customers.clients,
    sites: customers.sites,
    assets,
    deactivations,
    ...(webhook ? { webhook } : {}),
    ...(haloWebhook ? { haloWebhook } : {}),
    ...(routing ? { routing } : {}),
    errors: report.errors,
    warnings: report.warnings,
  };
}

type Report = { errors: Diagnostic[]; warnings: Diagnostic[] };

/**
 * The node classes in use — of devices whose location is placed, so skipped organisations create
 * no types — and per class how many devices have a value for each mapped asset field.
 */
function classesInUseOf(
  spec: Spec,
  ninja: RmmSnapshot,
  customers: ReturnType<typeof resolveCustomers>,
  { contextOf, serials }: DeviceReadings,
): { classesInUse: Map<string, number>; valuesByClass: Map<string, Map<string, number>> } {
  const classesInUse = new Map<string, number>();
  const valuesByClass = new Map<string, Map<string, number>>();
  const fieldMappings = spec.assets.fields.filter((m) => m.target === 'field').map((mapping) => ({ mapping, key: foldName(mapping.to) }));
  for (const d of ninja.devices) {
    if (d.locationId === undefined || d.nodeClass === undefined || 'skipped' in customers.placement(d.locationId)) continue;
    classesInUse.set(d.nodeClass, (classesInUse.get(d.nodeClass) ?? 0) + 1);
    let counts = valuesByClass.get(d.nodeClass);
    if (!counts) {
      counts = new Map<string, number>();
      valuesByClass.set(d.nodeClass, counts);
    }
    const context = contextOf(d);
    const serial = serials.get(d)!;
    for (const { mapping, key } of fieldMappings) {
      if (hasMappedValue(d, mapping, spec, context, serial, ninja.provider)) counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return { classesInUse, valuesByClass };
}

/** The Halo settings the spec sets, with what Halo has now. */
function settingsOf(spec: Spec, halo: HaloSnapshot): Desired['settings'] {
  const settings: Desired['settings'] = {};
  if (spec.settings.assetTagMustBeUnique !== undefined) {
    settings.assetTagMustBeUnique = {
      desired: spec.settings.assetTagMustBeUnique,
      ...(halo.settings.assetTagMustBeUnique !== undefined ? { live: halo.settings.assetTagMustBeUnique } : {}),
    };
  }
  return settings;
}

/** Alerts: the ticket type must exist (serve needs it; better found now than at 3 a.m.). */
function checkTicketType(spec: Spec, halo: HaloSnapshot, report: Report): void {
  if (!spec.alerts) return;
  const found = ticketTypeNamed(halo.ticketTypes, spec.alerts.ticketType);
  if ('missing' in found) report.errors.push(error('Unknown Halo ticket type', found.missing, ['alerts', 'ticketType']));
}

/** The RMM webhook registration the spec asks for, its organisations resolved to ids. */
function webhookOf(spec: Spec, ninja: RmmSnapshot, report: Report): Desired['webhook'] {
  const hook = spec.alerts?.webhook;
  if (!hook) return undefined;
  if (!ninja.provider.webhook) {
    report.errors.push(error('No alert webhook to register', `alerts.webhook asks apply to register an alert webhook, but ${ninja.provider.name} takes none over its API. Remove alerts.webhook and configure ${ninja.provider.name}'s alerts to call haloform serve.`, ['alerts', 'webhook']));
    return undefined;
  }
  const ids: RmmId[] = [];
  hook.organisations?.forEach((ref, i) => {
    const id = resolveOrganisation(ref, ninja);
    if (id === undefined) {
      report.errors.push(
        error(
          `Unknown ${ninja.provider.name} organisation`,
          `alerts.webhook.organisations names ${ref.kind === 'id' ? `id ${ref.id}` : `"${ref.name}"`}, which ${ninja.provider.name} does not have.${ref.kind === 'name' ? didYouMean(ref.name, ninja.organizations.map((o) => o.name)) : ''} Correct it or remove it from the list.`,
          ['alerts', 'webhook', 'organisations', i],
        ),
      );
    } else ids.push(id);
  });
  return { url: hook.publicUrl, header: hook.header, ...(hook.organisations ? { organizationIds: ids } : {}), lifecycle: spec.sync !== undefined };
}

/** Halo's webhook to serve when alerts.haloWebhook asks for it: beside alerts.webhook's address. */
function haloWebhookOf(spec: Spec, report: Report): Desired['haloWebhook'] {
  const alerts = spec.alerts;
  if (!alerts?.haloWebhook) return undefined;
  if (!alerts.webhook) {
    report.errors.push(error('No address for the Halo webhook', "alerts.haloWebhook asks apply to register Halo's webhook to serve, whose address comes from alerts.webhook.publicUrl; set alerts.webhook.publicUrl, or remove alerts.haloWebhook.", ['alerts', 'haloWebhook']));
    return undefined;
  }
  if (alerts.onTicketClosed === 'nothing') {
    report.warnings.push(warning('Halo webhook not registered', 'alerts.haloWebhook is on but alerts.onTicketClosed is nothing: a closed ticket would change nothing, so apply registers no Halo webhook. Remove one of the two.', ['alerts', 'haloWebhook']));
    return undefined;
  }
  return { url: haloWebhookUrl(alerts.webhook.publicUrl) };
}

/** Explicit mappings naming organisations the RMM does not have, or locations their organisation does not have. */
function warnUnknownMappings(spec: Spec, ninja: RmmSnapshot, report: Report): void {
  for (const entry of spec.customers.map) {
    const ref = entry.organisation;
    const orgId = resolveOrganisation(ref, ninja);
    if (orgId === undefined) {
      report.warnings.push({
        severity: 'warning',
        summary: `Mapped organisation not in ${ninja.provider.name}`,
        detail: `customers.map names ${ninja.provider.name} organisation ${ref.kind === 'id' ? `id ${ref.id}` : `"${ref.name}"`}, which ${ninja.provider.name} does not have (or the API app cannot see).${ref.kind === 'name' ? didYouMean(ref.name, ninja.organizations.map((o) => o.name)) : ''} The entry does nothing: correct the organisation's name or id, or remove the entry.`,
        path: [...entry.path, 'organisation'],
      });
      continue;
    }
    // Its site mappings naming locations the organisation does not have (`sites: {No Such Location: HQ}`).
    const locations = ninja.locations.filter((l) => l.organizationId === orgId);
    for (const site of entry.sites) {
      const location = site.location;
      if (locations.some((l) => (location.kind === 'id' ? l.id === location.id : l.name === location.name))) continue;
      report.warnings.push({
        severity: 'warning',
        summary: `Mapped location not in ${ninja.provider.name}`,
        detail: `The site mapping names ${ninja.provider.name} location ${location.kind === 'id' ? `id ${location.id}` : `"${location.name}"`}, which organisation "${ninja.organizations.find((o) => o.id === orgId)!.name}" does not have.${location.kind === 'name' ? didYouMean(location.name, locations.map((l) => l.name)) : ''} The mapping does nothing: correct the location's name (exact, as ${ninja.provider.name} spells it) or id, or remove it. Its locations: ${list(locations.map((l) => `"${l.name}"`))}.`,
        path: site.path,
        subject: 'key',
      });
    }
  }
}

function resolveOrganisation(ref: NinjaRef, ninja: RmmSnapshot): RmmId | undefined {
  return ref.kind === 'id' ? ninja.organizations.find((o) => sameRmmId(o.id, ref.id))?.id : ninja.organizations.find((o) => o.name === ref.name)?.id;
}

/** Asset tags that would be used twice among active assets once the plan is applied. */
function assetTagCollisions(assets: Desired['assets'], deactivations: Desired['deactivations'], halo: HaloSnapshot, rmm: RmmProvider): Diagnostic[] {
  const planned = new Map<number, string>();
  const holders = new Map<string, string[]>();
  const spelt = new Map<string, string>();
  const add = (tag: string | undefined, who: string) => {
    if (!tag || tag.trim() === '') return;
    if (!spelt.has(foldName(tag))) spelt.set(foldName(tag), tag.trim());
    holders.set(foldName(tag), [...(holders.get(foldName(tag)) ?? []), who]);
  };
  const involvesPlan = new Set<string>();
  for (const a of assets) {
    const tag = a.values.find((v) => v.kind === 'property' && v.target === 'inventory_number')?.value ?? a.live?.inventoryNumber;
    if (a.live) planned.set(a.live.id, tag ?? '');
    add(tag, `device "${a.name}" of ${a.client.name} (${deviceKey(rmm, a.device.id)})`);
    if (tag) involvesPlan.add(foldName(tag));
  }
  const gone = new Set(deactivations.map((d) => d.live.id));
  const clients = new Map(halo.clients.map((c) => [c.id, c]));
  for (const live of halo.assets) {
    if (live.inactive || planned.has(live.id) || gone.has(live.id)) continue;
    const client = live.clientId === undefined ? undefined : clients.get(live.clientId);
    add(live.inventoryNumber, `Halo asset ${live.id}${client ? ` of ${client.name}` : ''}${live.rmmId === undefined ? ' (not managed by haloform)' : ''}`);
  }
  const out: Diagnostic[] = [];
  for (const [tag, who] of holders) {
    if (who.length < 2 || !involvesPlan.has(tag)) continue;
    out.push({
      ...error(
        'Asset tag collision',
        `Asset tag "${spelt.get(tag)}" would be held by ${who.length} active assets — ${who.length <= 8 ? `${who.slice(0, -1).join(', ')} and ${who[who.length - 1]}` : list(who)} — but "Asset Tag must be unique" is on in Halo, so Halo would refuse the write. Rename the device in ${rmm.name} or the asset in Halo, map inventory_number from another device field, or turn settings.assetTagMustBeUnique off.`,
        ['settings', 'assetTagMustBeUnique'],
      ),
    });
  }
  return out;
}
