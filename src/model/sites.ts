/**
 * RMM locations to Halo sites (DESIGN.md §3): each location's target is decided first — the
 * organisation's site map, then the RMM id Halo stores, then a unique name, then the
 * unmappedLocations policy — and the sites are materialised after, once the main sites of new
 * clients are known. Pure.
 */

import { error, warning } from '../diagnostics/diagnostic.js';
import type { LocationPolicy, OrganisationMapping, SiteMapping } from '../config/spec.js';
import type { HaloSite } from '../halo/types.js';
import type { RmmLocation, RmmOrganization } from '../rmm/snapshot.js';
import { foldName } from '../halo/names.js';
import { address } from './address.js';
import { findEntry, refMatches, type CustomerRun, type Skipped } from './customer-run.js';
import type { DesiredClient, DesiredSite } from './desired.js';
import { heldBy } from './read-problems.js';
import { similarNames } from './similar-names.js';
import { list, yamlScalar } from './wording.js';
import type { RmmId } from '../rmm/snapshot.js';
import { compareRmmIds } from '../rmm/provider.js';

export type Placement = { client: DesiredClient; site: DesiredSite } | Skipped;

/** A location's decided target, before sites are materialised. */
type SiteDecision =
  | { kind: 'named'; name: string; live?: HaloSite; match: 'ninja-id' | 'name' | 'new'; explicit: boolean }
  | { kind: 'main-site' }
  | { kind: 'catch-all' }
  | { kind: 'skip'; reason: string };

/** Every location's decision; a location placed nowhere (its organisation skipped or unread, its site's client unknown) is in `skipped`. */
export interface LocationDecisions {
  decided: Map<RmmId, { client: DesiredClient; decision: SiteDecision; location: RmmLocation }>;
  skipped: Map<RmmId, string>;
}

/** What one location's decision looks at. */
interface LocationContext {
  run: CustomerRun;
  location: RmmLocation;
  org: RmmOrganization;
  client: DesiredClient;
  entry: OrganisationMapping | undefined;
  /** The client's active Halo sites. */
  clientSites: HaloSite[];
  /** The client's active site that carries the location's id. */
  linked: HaloSite | undefined;
}

/** Locations, in id order, to the site each goes to; then one warning per unmapped-location policy in use. */
export function decideLocations(run: CustomerRun, orgClients: ReadonlyMap<RmmId, DesiredClient | Skipped>): LocationDecisions {
  const out: LocationDecisions = { decided: new Map(), skipped: new Map() };
  const orgsById = new Map(run.ninja.organizations.map((o) => [o.id, o]));
  const unmapped = new Map<LocationPolicy, string[]>();
  for (const location of sortedLocations(run)) {
    const placed = orgClients.get(location.organizationId);
    if (!placed) {
      out.skipped.set(location.id, `its organisation ${location.organizationId} was not read from ${run.ninja.provider.name}`);
      continue;
    }
    if ('skipped' in placed) {
      out.skipped.set(location.id, placed.skipped);
      continue;
    }
    const context = locationContext(run, location, orgsById.get(location.organizationId)!, placed);
    if ('skipped' in context) out.skipped.set(location.id, context.skipped);
    else out.decided.set(location.id, { client: placed, decision: siteDecisionOf(context, unmapped), location });
  }
  warnUnmappedLocations(run, unmapped);
  return out;
}

function sortedLocations(run: CustomerRun): RmmLocation[] {
  return [...run.ninja.locations].sort((a, b) => compareRmmIds(a.id, b.id));
}

/**
 * The location's client's sites and the one linked to it. A site linked under another client is
 * left alone, with a warning; one whose client Halo did not say makes the location wait.
 */
function locationContext(run: CustomerRun, location: RmmLocation, org: RmmOrganization, client: DesiredClient): LocationContext | Skipped {
  const linkedAll = (run.sitesByNinja.get(String(location.id)) ?? []).filter((s) => !s.inactive);
  const orphan = linkedAll.find((s) => s.clientId === undefined);
  if (orphan) {
    // Halo did not say whose site it is: placing the devices elsewhere could duplicate it, so wait.
    return { skipped: `Halo site ${orphan.id} carries the id of ${run.ninja.provider.name} location ${location.id} but Halo did not say which client it belongs to (see the incomplete rows)` };
  }
  const linkedHere = linkedAll.filter((s) => client.live && s.clientId === client.live.id);
  if (linkedAll.length > linkedHere.length) {
    const elsewhere = linkedAll.find((s) => !linkedHere.includes(s))!;
    run.report.warnings.push({
      ...warning(
        'Location linked to a site of another client',
        `Halo site "${elsewhere.name}" (id ${elsewhere.id}) carries the id of ${run.ninja.provider.name} location "${location.name}" of "${org.name}", but belongs to another client than "${client.name}". haloform leaves that site alone and places the location's devices under "${client.name}"; if the link is left over from an earlier integration, clear it on that site in Halo.`,
      ),
      address: address('site', `${client.name}/${location.name}`),
    });
  }
  return {
    run,
    location,
    org,
    client,
    entry: findEntry(run.spec.customers.map, org),
    clientSites: (client.live ? run.sitesByClient.get(String(client.live.id)) ?? [] : []).filter((s) => !s.inactive),
    linked: linkedHere[0],
  };
}

/** The site mapping of the location, else its linked site, else a unique unlinked site of its name, else its policy. */
function siteDecisionOf(c: LocationContext, unmapped: Map<LocationPolicy, string[]>): SiteDecision {
  const { location, linked } = c;
  const mapped = c.entry?.sites.find((s) => refMatches(s.location, location));
  if (mapped) return mappedSiteDecision(c, mapped);
  if (linked) {
    // A linked site Halo holds without a name is given the location's.
    const unnamed = linked.name.trim() === '' && location.name.trim() !== '';
    return { kind: 'named', name: unnamed ? location.name : linked.name, live: linked, match: 'ninja-id', explicit: unnamed };
  }
  if (location.name.trim() === '') {
    return { kind: 'skip', reason: `location ${location.id} has no name in ${c.run.ninja.provider.name} and no Halo site carries its id (map it by id in the organisation's sites)` };
  }
  const named = sitesNamed(c.clientSites, location.name).filter((s) => s.rmmId === undefined);
  if (named.length === 1) return { kind: 'named', name: named[0]!.name, live: named[0]!, match: 'name', explicit: false };
  return unmappedLocationDecision(c, unmapped);
}

/** The client's sites of a name; a site Halo holds without one is found by its RMM id only. */
function sitesNamed(clientSites: readonly HaloSite[], name: string): HaloSite[] {
  return name.trim() === '' ? [] : clientSites.filter((s) => s.name.trim() !== '' && foldName(s.name) === foldName(name));
}

/** A location the spec maps to a site name: that site of the client (unless ambiguous or another location's), else its linked site renamed as asked, else a new site. */
function mappedSiteDecision(c: LocationContext, mapped: SiteMapping): SiteDecision {
  const { run, location, client, linked } = c;
  const where = mapped.path;
  const named = sitesNamed(c.clientSites, mapped.site);
  if (named.length > 1) {
    run.report.errors.push({
      ...error('Ambiguous Halo site name', `Client "${client.name}" has ${named.length} sites named "${mapped.site}" (ids ${named.map((s) => s.id).join(', ')}). Rename one of them in Halo.`, where),
      address: address('site', `${client.name}/${mapped.site}`),
    });
    return { kind: 'skip', reason: `the Halo site name "${mapped.site}" is ambiguous` };
  }
  const site = named[0];
  if (site && site.rmmId !== undefined && site.rmmId !== location.id) {
    run.report.errors.push({
      ...error(
        'Halo site linked to another location',
        `Halo site "${client.name}/${site.name}" (id ${site.id}) already carries the id of ${run.ninja.provider.name} location ${site.rmmId}, so it cannot also stand for "${location.name}" (${location.id}). Map "${location.name}" to another site name.`,
        where,
      ),
      address: address('site', `${client.name}/${site.name}`),
    });
    return { kind: 'skip', reason: `Halo site "${site.name}" belongs to another location` };
  }
  if (site) return { kind: 'named', name: site.name, live: site, match: site.rmmId === location.id ? 'ninja-id' : 'name', explicit: true };
  if (linked && linked.name.trim() !== '' && (mapped.renameFrom === undefined || foldName(mapped.renameFrom) !== foldName(linked.name))) return unaskedSiteRename(c, mapped, linked);
  if (linked) return { kind: 'named', name: mapped.site, live: linked, match: 'ninja-id', explicit: true };
  warnSimilarSite(c, mapped);
  return { kind: 'named', name: mapped.site, match: 'new', explicit: true };
}

/** The location's site is linked under another name: renaming it must be asked for by name (renameFrom:). */
function unaskedSiteRename({ run, location, client }: LocationContext, mapped: SiteMapping, linked: HaloSite): SiteDecision {
  run.report.errors.push({
    ...error(
      'Site rename not asked for',
      mapped.renameFrom === undefined
        ? `The spec maps ${run.ninja.provider.name} location "${location.name}" to site "${mapped.site}", but the Halo site linked to it is "${client.name}/${linked.name}" (id ${linked.id}), so the plan would rename it. To rename it, write { site: ${yamlScalar(mapped.site)}, renameFrom: ${yamlScalar(linked.name)} }; if "${mapped.site}" is a typo, write ${yamlScalar(linked.name)}.`
        : `The spec says renameFrom: "${mapped.renameFrom}", but the Halo site linked to ${run.ninja.provider.name} location "${location.name}" is "${linked.name}" (id ${linked.id}). Correct renameFrom to "${linked.name}".`,
      mapped.path,
    ),
    address: address('site', `${client.name}/${linked.name}`),
  });
  return { kind: 'skip', reason: `the rename of Halo site "${linked.name}" is not asked for (see the error)` };
}

/** A site the spec maps a location to that haloform will create, beside an unlinked site of a close name: probably a typo. */
function warnSimilarSite({ run, location, client, clientSites }: LocationContext, mapped: SiteMapping): void {
  const near = clientSites.filter((x) => x.rmmId === undefined && x.name.trim() !== '' && similarNames(x.name, mapped.site));
  if (near.length === 0) return;
  run.report.warnings.push({
    ...warning(
      'Similar Halo site exists',
      `The spec maps ${run.ninja.provider.name} location "${location.name}" to site "${mapped.site}", which haloform will create in "${client.name}", but the client already has ${near.map((x) => `"${x.name}" (id ${x.id})`).join(' and ')}. If you meant that site, correct the name: ${yamlScalar(near[0]!.name)}.`,
      mapped.path,
    ),
    address: address('site', `${client.name}/${mapped.site}`),
  });
}

/** A location nothing maps or matches, by the unmappedLocations policy of its organisation's entry (else the spec's); noted for the policy's warning. */
function unmappedLocationDecision({ run, location, org, client, entry }: LocationContext, unmapped: Map<LocationPolicy, string[]>): SiteDecision {
  const { spec, report } = run;
  const policy = entry?.unmappedLocations ?? spec.customers.unmappedLocations;
  const label = `"${org.name}/${location.name}"`;
  // Worth a warning: a site about to be created, or a location the organisation's own entry does not speak for.
  // (The normaliser fills an entry's policy in from customers.unmappedLocations, so only a different one was written.)
  const explicitPolicy = entry !== undefined && entry.unmappedLocations !== spec.customers.unmappedLocations && entry.unmappedLocations !== 'create';
  if (!explicitPolicy) unmapped.set(policy, [...(unmapped.get(policy) ?? []), label]);
  switch (policy) {
    case 'create': {
      const held = heldBy(run.droppedSites, 'site', { name: location.name, rmmId: location.id }, run.ninja.provider);
      return held ? { kind: 'skip', reason: held } : { kind: 'named', name: location.name, match: 'new', explicit: false };
    }
    case 'skip':
      return { kind: 'skip', reason: `location ${label} is not mapped and unmappedLocations is skip` };
    case 'main-site':
      return { kind: 'main-site' };
    case 'catch-all':
      return run.catchAll ? { kind: 'catch-all' } : { kind: 'skip', reason: `location ${label} goes to the catch-all, but customers.catchAll is not configured` };
    case 'error':
      report.errors.push({
        ...error(
          'Unmapped location',
          `${run.ninja.provider.name} location ${label} (${location.id}) matches no Halo site of "${client.name}", and its policy is error. Map it in the organisation's sites, or choose another unmappedLocations policy.`,
          entry ? [...entry.path, 'sites'] : ['customers', 'unmappedLocations'],
        ),
        address: address('site', `${client.name}/${location.name}`),
      });
      return { kind: 'skip', reason: `location ${label} is not mapped (see the error)` };
  }
}

/** One warning per policy (but error, which has its own) naming the unmapped locations it applies to. */
function warnUnmappedLocations({ report, catchAll, ninja }: CustomerRun, unmapped: ReadonlyMap<LocationPolicy, string[]>): void {
  for (const [policy, labels] of unmapped) {
    if (policy === 'error') continue;
    const one = labels.length === 1;
    const what: Record<Exclude<LocationPolicy, 'error'>, string> = {
      create: one ? 'haloform will create a site named after it' : 'haloform will create a site named after each',
      skip: `${one ? 'its' : 'their'} devices are not synced`,
      'main-site': `${one ? 'its' : 'their'} devices go to the client's main site`,
      'catch-all': `${one ? 'its' : 'their'} devices go to the catch-all site${catchAll ? ` "${catchAll.client.name}/${catchAll.site.name}"` : ''}`,
    };
    report.warnings.push(
      warning(
        'Unmapped locations',
        `${labels.length} ${ninja.provider.name} location${one ? ' has' : 's have'} no site mapping and no Halo site of the same name (unmappedLocations: ${policy}); ${what[policy]}: ${list(labels)}. Map ${one ? 'it' : 'them'} in customers.map[].sites to choose ${one ? 'its site' : 'their sites'}.`,
        ['customers', 'unmappedLocations'],
      ),
    );
  }
}

/** Halo creates a main site with each new client: it is the first site haloform would create for it (else the catch-all site, else "Main"). */
export function nameMainSites(run: CustomerRun, { decided }: LocationDecisions): void {
  const { catchAll } = run;
  for (const client of run.clients.values()) {
    if (client.live) continue;
    const firstNew = [...decided.values()].find((d) => d.client === client && d.decision.kind === 'named' && d.decision.match === 'new');
    const catchAllSite = catchAll && catchAll.client === client && catchAll.site.match === 'new' ? catchAll.site.name : undefined;
    client.mainSiteName = firstNew && firstNew.decision.kind === 'named' ? firstNew.decision.name : catchAllSite ?? 'Main';
  }
  if (catchAll && !catchAll.client.live && catchAll.client.mainSiteName === catchAll.site.name) catchAll.site.asMainSite = true;
}

/** Every location's placement, materialising its site (kept in the run) as decided. */
export function placeLocations(run: CustomerRun, { decided, skipped }: LocationDecisions): Map<RmmId, Placement> {
  const placements = new Map<RmmId, Placement>();
  for (const location of sortedLocations(run)) {
    const skip = skipped.get(location.id);
    if (skip) {
      placements.set(location.id, { skipped: skip });
      continue;
    }
    const d = decided.get(location.id)!;
    const site = siteFor(run, d.client, d.decision, location);
    placements.set(location.id, 'skipped' in site ? site : { client: site.client, site });
  }
  return placements;
}

/** The site a decision names, materialised; a live client without an active main site skips its main-site locations, with a warning. */
function siteFor(run: CustomerRun, client: DesiredClient, decision: SiteDecision, location: RmmLocation): DesiredSite | Skipped {
  switch (decision.kind) {
    case 'skip':
      return { skipped: decision.reason };
    case 'catch-all':
      return run.catchAll!.site;
    case 'main-site': {
      if (!client.live) return materialise(run, client, { name: client.mainSiteName ?? 'Main', match: 'new', explicit: false }, undefined);
      const main = client.live.mainSiteId !== undefined ? run.sitesById.get(client.live.mainSiteId) : undefined;
      if (!main || main.inactive) {
        run.report.warnings.push({
          ...warning('Client has no main site', `Location "${location.name}" goes to the main site of "${client.name}", but Halo reports no active main site for it. Its devices are not synced; set a main site in Halo or map the location.`),
          address: client.address,
        });
        return { skipped: `client "${client.name}" has no main site` };
      }
      return materialise(run, client, { name: main.name, live: main, match: 'main-site', explicit: false }, undefined);
    }
    case 'named':
      return materialise(run, client, decision, location);
  }
}

/** The client's site of that name, made (and kept in the run) the first time it comes up. */
function materialise(
  run: CustomerRun,
  client: DesiredClient,
  target: { name: string; live?: HaloSite; match: DesiredSite['match']; explicit: boolean },
  location: RmmLocation | undefined,
): DesiredSite {
  const { name, live, match } = target;
  const key = address('site', `${client.name}/${name}`);
  const existing = run.sites.get(key);
  if (existing) {
    // A second location onto the same site: the site keeps the first location's id.
    if (existing.rmmId === undefined && location && match !== 'main-site') existing.rmmId = location.id;
    return existing;
  }
  const site: DesiredSite = {
    address: key,
    name,
    client,
    ...(live ? { live } : {}),
    match,
    ...(location && match !== 'main-site' ? { rmmId: location.id, location: location.name } : {}),
    asMainSite: !client.live && match === 'new' && foldName(name) === foldName(client.mainSiteName ?? ''),
    explicitName: target.explicit,
  };
  run.sites.set(key, site);
  return site;
}
