/**
 * NinjaOne organisations to Halo clients and locations to sites (DESIGN.md §3): the explicit
 * map, then the NinjaOne id Halo stores, then a unique case-insensitive name (an adopt), then
 * the `unmapped` policies. Nothing ambiguous is ever guessed. Pure.
 */

import { error, warning, type Diagnostic } from '../diagnostics/diagnostic.js';
import { didYouMean } from '../diagnostics/suggest.js';
import { distance } from 'fastest-levenshtein';
import type { LocationPolicy, NinjaRef, OrganisationMapping, Spec } from '../config/spec.js';
import type { HaloClient, HaloSite, HaloSnapshot } from '../halo/types.js';
import type { NinjaLocation, NinjaOrganization, NinjaSnapshot } from '../ninjaone/types.js';
import { address } from './address.js';
import type { DesiredClient, DesiredSite } from './desired.js';
import { heldBy, lookalikes } from './read-problems.js';
import { foldName, withName } from '../halo/names.js';

export type Placement = { client: DesiredClient; site: DesiredSite } | { skipped: string };

export interface CustomerModel {
  clients: DesiredClient[];
  sites: DesiredSite[];
  /** Where a location's devices go, or why they are not synced. */
  placement(locationId: number): Placement;
  /** The catch-all client and site, when the spec configures them. */
  catchAll?: { client: DesiredClient; site: DesiredSite };
}

interface Report {
  errors: Diagnostic[];
  warnings: Diagnostic[];
}

/** A location's decided target, before sites are materialised. */
type SiteDecision =
  | { kind: 'named'; name: string; live?: HaloSite; match: 'ninja-id' | 'name' | 'new'; explicit: boolean }
  | { kind: 'main-site' }
  | { kind: 'catch-all' }
  | { kind: 'skip'; reason: string };

export function resolveCustomers(spec: Spec, ninja: NinjaSnapshot, halo: HaloSnapshot, report: Report): CustomerModel {
  // A row without a name (real tenants have them) can be found by its NinjaOne id only.
  const activeClientsByName = groupBy(halo.clients.filter((c) => !c.inactive && c.name.trim() !== ''), (c) => foldName(c.name));
  const clientsByNinja = groupBy(halo.clients, (c) => (c.ninjaId === undefined ? '' : String(c.ninjaId)));
  const sitesByClient = groupBy(halo.sites, (s) => String(s.clientId));
  const sitesByNinja = groupBy(halo.sites, (s) => (s.ninjaId === undefined ? '' : String(s.ninjaId)));
  const sitesById = new Map(halo.sites.map((s) => [s.id, s]));
  const topLevel = resolveTopLevel(spec, halo, report);
  const droppedClients = lookalikes(halo.problems, 'client');
  const droppedSites = lookalikes(halo.problems, 'site');

  const clients = new Map<string, DesiredClient>();
  const orgClient = new Map<number, DesiredClient | { skipped: string }>();
  const bindClient = (key: string, make: () => DesiredClient): DesiredClient => {
    const existing = clients.get(key);
    if (existing) return existing;
    const made = make();
    clients.set(key, made);
    return made;
  };

  const organisations = [...ninja.organizations].sort((a, b) => a.id - b.id);
  for (const org of organisations) {
    const entry = findEntry(spec.customers.map, org);
    if (entry?.skip) {
      orgClient.set(org.id, { skipped: `organisation "${org.name}" has skip: true in customers.map` });
      continue;
    }
    const explicit = entry?.client;
    const linked = pickLinked(clientsByNinja.get(String(org.id)) ?? [], org, report);
    let live: HaloClient | undefined;
    let match: DesiredClient['match'] = 'new';
    const where = entry ? [...entry.path, explicit !== undefined ? 'client' : 'organisation'] : undefined;

    const wanted = explicit ?? org.name;
    if (wanted.trim() === '' && !linked) {
      orgClient.set(org.id, { skipped: `organisation ${org.id} has no name in NinjaOne and no Halo client carries its id (map it by id in customers.map, with client:)` });
      continue;
    }
    const byName = wanted.trim() === '' ? [] : activeClientsByName.get(foldName(wanted)) ?? [];
    if (explicit !== undefined || !linked) {
      if (byName.length > 1) {
        report.errors.push({
          ...error(
            'Ambiguous Halo client name',
            `NinjaOne organisation "${org.name}" would match Halo clients ${byName.map((c) => `"${c.name}" (id ${c.id})`).join(' and ')}: the name is not unique, so haloform will not guess. Rename one of them in Halo, or map the organisation to a unique client name in customers.map.`,
            where,
          ),
          address: address('client', wanted),
        });
        orgClient.set(org.id, { skipped: `the Halo client name "${wanted}" is ambiguous (see the error)` });
        continue;
      }
      const named = byName[0];
      if (named && named.ninjaId !== undefined && named.ninjaId !== org.id) {
        const other = ninja.organizations.find((o) => o.id === named.ninjaId);
        report.errors.push({
          ...error(
            'Halo client linked to another organisation',
            `Halo client "${named.name}" (id ${named.id}) already carries the NinjaOne id of organisation ${other ? `"${other.name}" (${other.id})` : named.ninjaId}, so it cannot also stand for "${org.name}" (${org.id}). Map "${org.name}" to another client name in customers.map.`,
            where,
          ),
          address: address('client', named.name),
        });
        orgClient.set(org.id, { skipped: `Halo client "${named.name}" belongs to another organisation (see the error)` });
        continue;
      }
      if (named) {
        live = named;
        match = named.ninjaId === org.id ? 'ninja-id' : 'name';
        if (linked && linked.id !== named.id) {
          report.warnings.push({
            ...warning(
              'Organisation linked to two Halo clients',
              `NinjaOne organisation "${org.name}" (${org.id}) maps to "${named.name}" (id ${named.id}), but Halo client "${linked.name}" (id ${linked.id}) also carries its id from an earlier link. haloform uses "${named.name}"; clear the NinjaOne link of "${linked.name}" in Halo to avoid confusion.`,
              where,
            ),
            address: address('client', named.name),
          });
        }
      } else if (linked) {
        live = linked;
        match = 'ninja-id';
      }
    } else {
      live = linked;
      match = 'ninja-id';
    }

    if (live?.inactive) {
      report.warnings.push({
        ...warning(
          'Client inactive in Halo',
          `Halo client "${live.name}" (id ${live.id}) is inactive, but NinjaOne organisation "${org.name}" still exists. Its devices are not synced; reactivate the client in Halo, or set skip: true for the organisation in customers.map.`,
        ),
        address: address('client', live.name),
      });
      orgClient.set(org.id, { skipped: `Halo client "${live.name}" is inactive` });
      continue;
    }

    if (!live) {
      const held = heldBy(droppedClients, 'client', { name: wanted, ninjaId: org.id });
      if (held) {
        orgClient.set(org.id, { skipped: held });
        continue;
      }
      const policy = entry ? 'create' : spec.customers.unmapped;
      if (policy === 'skip') {
        orgClient.set(org.id, { skipped: `organisation "${org.name}" is not in customers.map and customers.unmapped is skip` });
        continue;
      }
      if (policy === 'error') {
        report.errors.push({
          ...error(
            'Unmapped organisation',
            `NinjaOne organisation "${org.name}" (${org.id}) matches no Halo client, and customers.unmapped is error. Map it in customers.map (with client: or skip: true), or set customers.unmapped to create or skip.${didYouMean(org.name, halo.clients.map((c) => c.name))}`,
            ['customers', 'unmapped'],
          ),
          address: address('client', org.name),
        });
        orgClient.set(org.id, { skipped: `organisation "${org.name}" is not mapped (see the error)` });
        continue;
      }
    }

    // Renaming a client haloform already links is a change a reviewer must ask for by name.
    if (live && explicit !== undefined && live.name.trim() !== '' && foldName(live.name) !== foldName(explicit) && match === 'ninja-id') {
      const renameFrom = entry?.renameFrom;
      if (renameFrom === undefined || foldName(renameFrom) !== foldName(live.name)) {
        report.errors.push({
          ...error(
            'Client rename not asked for',
            renameFrom === undefined
              ? `customers.map names client "${explicit}" for NinjaOne organisation "${org.name}", but the Halo client linked to it is "${live.name}" (id ${live.id}), so the plan would rename it. To rename it, add renameFrom: ${yamlScalar(live.name)} to the entry; if "${explicit}" is a typo, write client: ${yamlScalar(live.name)}.`
              : `customers.map says renameFrom: "${renameFrom}", but the Halo client linked to NinjaOne organisation "${org.name}" is "${live.name}" (id ${live.id}). Correct renameFrom to "${live.name}", or remove it and write client: ${yamlScalar(live.name)}.`,
            entry ? [...entry.path, renameFrom === undefined ? 'client' : 'renameFrom'] : undefined,
          ),
          address: address('client', live.name),
        });
        orgClient.set(org.id, { skipped: `the rename of Halo client "${live.name}" is not asked for (see the error)` });
        continue;
      }
    }
    // A linked client Halo holds without a name is given the organisation's.
    const unnamed = live !== undefined && live.name.trim() === '' && explicit === undefined && org.name.trim() !== '';
    const name = live && explicit === undefined && !unnamed ? live.name : unnamed ? org.name : wanted;
    const key = live ? `live:${live.id}` : `new:${foldName(name)}`;
    const desired = bindClient(key, () => ({
      address: address('client', name),
      name,
      ...(live ? { live } : {}),
      match,
      ninjaId: org.id,
      organisation: org.name,
      ...(live ? {} : topLevel ? { topLevel } : {}),
      explicitName: explicit !== undefined || unnamed,
    }));
    orgClient.set(org.id, desired);
  }

  // The catch-all client and site: matched by name, created when missing.
  let catchAll: CustomerModel['catchAll'];
  const sites = new Map<string, DesiredSite>();
  const catchAllSpec = spec.customers.catchAll;
  if (catchAllSpec) {
    const candidates = activeClientsByName.get(foldName(catchAllSpec.client)) ?? [];
    if (candidates.length > 1) {
      report.errors.push({
        ...error('Ambiguous Halo client name', `customers.catchAll.client "${catchAllSpec.client}" matches ${candidates.length} Halo clients (ids ${candidates.map((c) => c.id).join(', ')}). Rename one of them in Halo.`, ['customers', 'catchAll', 'client']),
        address: address('client', catchAllSpec.client),
      });
    } else {
      const live = candidates[0];
      const client = bindClient(live ? `live:${live.id}` : `new:${foldName(catchAllSpec.client)}`, () => ({
        address: address('client', live?.name ?? catchAllSpec.client),
        name: live?.name ?? catchAllSpec.client,
        ...(live ? { live } : {}),
        match: live ? 'name' : 'new',
        ...(live ? {} : topLevel ? { topLevel } : {}),
        explicitName: false,
      }));
      const liveSites = (live ? sitesByClient.get(String(live.id)) ?? [] : []).filter((s) => !s.inactive && foldName(s.name) === foldName(catchAllSpec.site));
      const site: DesiredSite = {
        address: address('site', `${client.name}/${liveSites[0]?.name ?? catchAllSpec.site}`),
        name: liveSites[0]?.name ?? catchAllSpec.site,
        client,
        ...(liveSites[0] ? { live: liveSites[0] } : {}),
        match: liveSites[0] ? 'name' : 'new',
        asMainSite: false,
        explicitName: false,
      };
      sites.set(site.address, site);
      catchAll = { client, site };
    }
  }

  // Locations: decide each one's target, then materialise the sites.
  const decisions = new Map<number, { client: DesiredClient; decision: SiteDecision; location: NinjaLocation }>();
  const locationSkips = new Map<number, string>();
  const orgsById = new Map(ninja.organizations.map((o) => [o.id, o]));
  const unmappedByPolicy = new Map<LocationPolicy, string[]>();
  const locations = [...ninja.locations].sort((a, b) => a.id - b.id);
  for (const location of locations) {
    const placed = orgClient.get(location.organizationId);
    if (!placed) {
      locationSkips.set(location.id, `its organisation ${location.organizationId} was not read from NinjaOne`);
      continue;
    }
    if ('skipped' in placed) {
      locationSkips.set(location.id, placed.skipped);
      continue;
    }
    const org = orgsById.get(location.organizationId)!;
    const entry = findEntry(spec.customers.map, org);
    const mapped = entry?.sites.find((s) => refMatches(s.location, location));
    const clientSites = (placed.live ? sitesByClient.get(String(placed.live.id)) ?? [] : []).filter((s) => !s.inactive);
    const siteByName = (name: string) => (name.trim() === '' ? [] : clientSites.filter((s) => s.name.trim() !== '' && foldName(s.name) === foldName(name)));
    const linkedAll = (sitesByNinja.get(String(location.id)) ?? []).filter((s) => !s.inactive);
    const orphan = linkedAll.find((s) => s.clientId === undefined);
    if (orphan) {
      // Halo did not say whose site it is: placing the devices elsewhere could duplicate it, so wait.
      locationSkips.set(location.id, `Halo site ${orphan.id} carries the id of NinjaOne location ${location.id} but Halo did not say which client it belongs to (see the incomplete rows)`);
      continue;
    }
    const linkedHere = linkedAll.filter((s) => placed.live && s.clientId === placed.live.id);
    if (linkedAll.length > linkedHere.length) {
      const elsewhere = linkedAll.find((s) => !linkedHere.includes(s))!;
      report.warnings.push({
        ...warning(
          'Location linked to a site of another client',
          `Halo site "${elsewhere.name}" (id ${elsewhere.id}) carries the id of NinjaOne location "${location.name}" of "${org.name}", but belongs to another client than "${placed.name}". haloform leaves that site alone and places the location's devices under "${placed.name}"; if the link is left over from an earlier integration, clear it on that site in Halo.`,
        ),
        address: address('site', `${placed.name}/${location.name}`),
      });
    }
    const linked = linkedHere[0];
    const where = mapped?.path;
    let decision: SiteDecision;
    if (mapped) {
      const named = siteByName(mapped.site);
      if (named.length > 1) {
        report.errors.push({
          ...error('Ambiguous Halo site name', `Client "${placed.name}" has ${named.length} sites named "${mapped.site}" (ids ${named.map((s) => s.id).join(', ')}). Rename one of them in Halo.`, where),
          address: address('site', `${placed.name}/${mapped.site}`),
        });
        decision = { kind: 'skip', reason: `the Halo site name "${mapped.site}" is ambiguous` };
      } else if (named[0] && named[0].ninjaId !== undefined && named[0].ninjaId !== location.id) {
        report.errors.push({
          ...error(
            'Halo site linked to another location',
            `Halo site "${placed.name}/${named[0].name}" (id ${named[0].id}) already carries the id of NinjaOne location ${named[0].ninjaId}, so it cannot also stand for "${location.name}" (${location.id}). Map "${location.name}" to another site name.`,
            where,
          ),
          address: address('site', `${placed.name}/${named[0].name}`),
        });
        decision = { kind: 'skip', reason: `Halo site "${named[0].name}" belongs to another location` };
      } else if (named[0]) {
        decision = { kind: 'named', name: named[0].name, live: named[0], match: named[0].ninjaId === location.id ? 'ninja-id' : 'name', explicit: true };
      } else if (linked && linked.name.trim() !== '' && (mapped.renameFrom === undefined || foldName(mapped.renameFrom) !== foldName(linked.name))) {
        // The location's site is linked under another name: renaming it must be asked for by name.
        report.errors.push({
          ...error(
            'Site rename not asked for',
            mapped.renameFrom === undefined
              ? `The spec maps NinjaOne location "${location.name}" to site "${mapped.site}", but the Halo site linked to it is "${placed.name}/${linked.name}" (id ${linked.id}), so the plan would rename it. To rename it, write { site: ${yamlScalar(mapped.site)}, renameFrom: ${yamlScalar(linked.name)} }; if "${mapped.site}" is a typo, write ${yamlScalar(linked.name)}.`
              : `The spec says renameFrom: "${mapped.renameFrom}", but the Halo site linked to NinjaOne location "${location.name}" is "${linked.name}" (id ${linked.id}). Correct renameFrom to "${linked.name}".`,
            where,
          ),
          address: address('site', `${placed.name}/${linked.name}`),
        });
        decision = { kind: 'skip', reason: `the rename of Halo site "${linked.name}" is not asked for (see the error)` };
      } else if (linked) {
        decision = { kind: 'named', name: mapped.site, live: linked, match: 'ninja-id', explicit: true };
      } else {
        decision = { kind: 'named', name: mapped.site, match: 'new', explicit: true };
        const near = clientSites.filter((x) => x.ninjaId === undefined && x.name.trim() !== '' && similarNames(x.name, mapped.site));
        if (near.length > 0) {
          report.warnings.push({
            ...warning(
              'Similar Halo site exists',
              `The spec maps NinjaOne location "${location.name}" to site "${mapped.site}", which haloform will create in "${placed.name}", but the client already has ${near.map((x) => `"${x.name}" (id ${x.id})`).join(' and ')}. If you meant that site, correct the name: ${yamlScalar(near[0]!.name)}.`,
              where,
            ),
            address: address('site', `${placed.name}/${mapped.site}`),
          });
        }
      }
    } else if (linked) {
      // A linked site Halo holds without a name is given the location's.
      const unnamed = linked.name.trim() === '' && location.name.trim() !== '';
      decision = { kind: 'named', name: unnamed ? location.name : linked.name, live: linked, match: 'ninja-id', explicit: unnamed };
    } else if (location.name.trim() === '') {
      decision = { kind: 'skip', reason: `location ${location.id} has no name in NinjaOne and no Halo site carries its id (map it by id in the organisation's sites)` };
    } else {
      const named = siteByName(location.name).filter((s) => s.ninjaId === undefined);
      if (named.length === 1) {
        decision = { kind: 'named', name: named[0]!.name, live: named[0]!, match: 'name', explicit: false };
      } else {
        const policy = entry?.unmappedLocations ?? spec.customers.unmappedLocations;
        const label = `"${org.name}/${location.name}"`;
        // Worth a warning: a site about to be created, or a location the organisation's own entry does not speak for.
        // (The normaliser fills an entry's policy in from customers.unmappedLocations, so only a different one was written.)
        const explicitPolicy = entry !== undefined && entry.unmappedLocations !== spec.customers.unmappedLocations && entry.unmappedLocations !== 'create';
        if (!explicitPolicy) unmappedByPolicy.set(policy, [...(unmappedByPolicy.get(policy) ?? []), label]);
        switch (policy) {
          case 'create': {
            const held = heldBy(droppedSites, 'site', { name: location.name, ninjaId: location.id });
            decision = held ? { kind: 'skip', reason: held } : { kind: 'named', name: location.name, match: 'new', explicit: false };
            break;
          }
          case 'skip':
            decision = { kind: 'skip', reason: `location ${label} is not mapped and unmappedLocations is skip` };
            break;
          case 'main-site':
            decision = { kind: 'main-site' };
            break;
          case 'catch-all':
            decision = catchAll ? { kind: 'catch-all' } : { kind: 'skip', reason: `location ${label} goes to the catch-all, but customers.catchAll is not configured` };
            break;
          case 'error':
            report.errors.push({
              ...error(
                'Unmapped location',
                `NinjaOne location ${label} (${location.id}) matches no Halo site of "${placed.name}", and its policy is error. Map it in the organisation's sites, or choose another unmappedLocations policy.`,
                entry ? [...entry.path, 'sites'] : ['customers', 'unmappedLocations'],
              ),
              address: address('site', `${placed.name}/${location.name}`),
            });
            decision = { kind: 'skip', reason: `location ${label} is not mapped (see the error)` };
            break;
        }
      }
    }
    decisions.set(location.id, { client: placed, decision, location });
  }

  for (const [policy, labels] of unmappedByPolicy) {
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
        `${labels.length} NinjaOne location${one ? ' has' : 's have'} no site mapping and no Halo site of the same name (unmappedLocations: ${policy}); ${what[policy]}: ${list(labels)}. Map ${one ? 'it' : 'them'} in customers.map[].sites to choose ${one ? 'its site' : 'their sites'}.`,
        ['customers', 'unmappedLocations'],
      ),
    );
  }

  // New clients: Halo creates a main site with the client; make it the first site haloform would create.
  for (const client of clients.values()) {
    if (client.live) continue;
    const firstNew = [...decisions.values()].find((d) => d.client === client && d.decision.kind === 'named' && d.decision.match === 'new');
    const catchAllSite = catchAll && catchAll.client === client && catchAll.site.match === 'new' ? catchAll.site.name : undefined;
    client.mainSiteName = firstNew && firstNew.decision.kind === 'named' ? firstNew.decision.name : catchAllSite ?? 'Main';
  }
  if (catchAll && !catchAll.client.live && catchAll.client.mainSiteName === catchAll.site.name) catchAll.site.asMainSite = true;

  // A new client whose name is close to an existing one is probably that one under another spelling —
  // unmapped, or mapped with a typo (client: Contosso beside Contoso).
  for (const client of clients.values()) {
    if (client.live || client.organisation === undefined) continue;
    const near = halo.clients.filter((c) => !c.inactive && c.ninjaId === undefined && similarNames(c.name, client.name));
    if (near.length === 0) continue;
    const entry = findEntry(spec.customers.map, { id: client.ninjaId!, name: client.organisation });
    const mapped = client.explicitName && entry?.client !== undefined;
    report.warnings.push({
      ...warning(
        'Similar Halo client exists',
        mapped
          ? `customers.map names client "${client.name}" for NinjaOne organisation "${client.organisation}", which haloform will create, but Halo already has ${near.map((c) => `"${c.name}" (id ${c.id})`).join(' and ')}. If you meant that client, correct the name: client: ${yamlScalar(near[0]!.name)}.`
          : `haloform will create client "${client.name}" for NinjaOne organisation "${client.organisation}", but Halo already has ${near.map((c) => `"${c.name}" (id ${c.id})`).join(' and ')}. If that is the same customer, map it: customers.map: - { organisation: ${yamlScalar(client.organisation)}, client: ${yamlScalar(near[0]!.name)} }.`,
        mapped ? [...entry!.path, 'client'] : entry?.path,
      ),
      address: client.address,
    });
  }

  const siteFor = (client: DesiredClient, decision: SiteDecision, location: NinjaLocation): DesiredSite | { skipped: string } => {
    switch (decision.kind) {
      case 'skip':
        return { skipped: decision.reason };
      case 'catch-all':
        return catchAll!.site;
      case 'main-site': {
        if (!client.live) return materialise(client, client.mainSiteName ?? 'Main', undefined, 'new', false, undefined);
        const main = client.live.mainSiteId !== undefined ? sitesById.get(client.live.mainSiteId) : undefined;
        if (!main || main.inactive) {
          report.warnings.push({
            ...warning('Client has no main site', `Location "${location.name}" goes to the main site of "${client.name}", but Halo reports no active main site for it. Its devices are not synced; set a main site in Halo or map the location.`),
            address: client.address,
          });
          return { skipped: `client "${client.name}" has no main site` };
        }
        return materialise(client, main.name, main, 'main-site', false, undefined);
      }
      case 'named':
        return materialise(client, decision.name, decision.live, decision.match, decision.explicit, location);
    }
  };
  const materialise = (
    client: DesiredClient,
    name: string,
    live: HaloSite | undefined,
    match: DesiredSite['match'],
    explicit: boolean,
    location: NinjaLocation | undefined,
  ): DesiredSite => {
    const key = address('site', `${client.name}/${name}`);
    const existing = sites.get(key);
    if (existing) {
      // A second location onto the same site: the site keeps the first location's id.
      if (existing.ninjaId === undefined && location && match !== 'main-site') existing.ninjaId = location.id;
      return existing;
    }
    const site: DesiredSite = {
      address: key,
      name,
      client,
      ...(live ? { live } : {}),
      match,
      ...(location && match !== 'main-site' ? { ninjaId: location.id, location: location.name } : {}),
      asMainSite: !client.live && match === 'new' && foldName(name) === foldName(client.mainSiteName ?? ''),
      explicitName: explicit,
    };
    sites.set(key, site);
    return site;
  };

  const placements = new Map<number, Placement>();
  for (const location of locations) {
    const skip = locationSkips.get(location.id);
    if (skip) {
      placements.set(location.id, { skipped: skip });
      continue;
    }
    const d = decisions.get(location.id)!;
    const site = siteFor(d.client, d.decision, location);
    placements.set(location.id, 'skipped' in site ? site : { client: site.client, site });
  }

  return {
    clients: [...clients.values()],
    sites: [...sites.values()],
    placement: (locationId) => placements.get(locationId) ?? { skipped: `location ${locationId} was not read from NinjaOne` },
    ...(catchAll ? { catchAll } : {}),
  };
}

/** "Northwind Traders" ~ "Northwind Traders Ltd", "Fabrikam Inc" ~ "Fabrikam, Inc." */
export function similarNames(a: string, b: string): boolean {
  const core = (s: string) =>
    s
      .toLowerCase()
      .replace(/[^a-z0-9 ]+/g, ' ')
      .replace(/\b(ltd|limited|inc|incorporated|llc|gmbh|co|corp|corporation|group|plc|pty|the)\b/g, ' ')
      .replace(/\s+/g, '');
  const x = core(a);
  const y = core(b);
  if (x === '' || y === '') return false;
  if (x === y || (Math.min(x.length, y.length) >= 6 && (x.startsWith(y) || y.startsWith(x)))) return true;
  // A typo: one edit in a short name, two in a long one.
  const shortest = Math.min(x.length, y.length);
  return shortest >= 5 && distance(x, y) <= (shortest >= 10 ? 2 : 1);
}

function yamlScalar(text: string): string {
  return /^[A-Za-z][A-Za-z0-9 ._-]*$/.test(text) && !/[:#]/.test(text) ? text : JSON.stringify(text);
}

function findEntry(map: readonly OrganisationMapping[], org: Pick<NinjaOrganization, 'id' | 'name'>): OrganisationMapping | undefined {
  return map.find((e) => e.organisation.kind === 'id' && e.organisation.id === org.id) ?? map.find((e) => refMatches(e.organisation, org));
}

function refMatches(ref: NinjaRef, object: { id: number; name: string }): boolean {
  return ref.kind === 'id' ? ref.id === object.id : ref.name === object.name;
}

/** The Halo client linked to an organisation; several linked is reported and the oldest active one used. */
function pickLinked(linked: HaloClient[], org: NinjaOrganization, report: Report): HaloClient | undefined {
  if (linked.length <= 1) return linked[0];
  const sorted = [...linked].sort((a, b) => Number(a.inactive) - Number(b.inactive) || a.id - b.id);
  report.warnings.push({
    ...warning(
      'Organisation linked to several Halo clients',
      `Halo clients ${linked.map((c) => `"${c.name}" (id ${c.id})`).join(', ')} all carry the id of NinjaOne organisation "${org.name}" (${org.id}). haloform uses "${sorted[0]!.name}"; clear the NinjaOne link of the others in Halo.`,
    ),
    address: address('client', sorted[0]!.name),
  });
  return sorted[0];
}

function resolveTopLevel(spec: Spec, halo: HaloSnapshot, report: Report): { id: number; name: string } | undefined {
  const wanted = spec.customers.topLevel;
  if (wanted === undefined) return undefined;
  const hit = withName(halo.topLevels, wanted);
  if (hit.length === 1) return { id: hit[0]!.id, name: hit[0]!.name };
  report.errors.push(
    error(
      hit.length === 0 ? 'Unknown Halo top level' : 'Ambiguous Halo top level',
      hit.length === 0
        ? `No top level named "${wanted}" exists in Halo.${didYouMean(wanted, halo.topLevels.map((t) => t.name))} Top levels in Halo: ${list(halo.topLevels.map((t) => `"${t.name}"`))}.`
        : `${hit.length} top levels are named "${wanted}" in Halo; rename one of them.`,
      ['customers', 'topLevel'],
    ),
  );
  return undefined;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    if (k === '') continue;
    const bucket = out.get(k);
    if (bucket) bucket.push(item);
    else out.set(k, [item]);
  }
  return out;
}

/** "a, b, c and 4 more"; items that hold commas themselves are better joined with "; ". */
export function list(items: readonly string[], max = 8, separator = ', '): string {
  if (items.length <= max) return items.join(separator);
  return `${items.slice(0, max).join(separator)} and ${items.length - max} more`;
}
