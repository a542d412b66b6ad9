/**
 * RMM organisations to Halo clients (DESIGN.md §3): the explicit map, then the RMM id
 * Halo stores, then a unique case-insensitive name (an adopt), then customers.unmapped. Nothing
 * ambiguous is guessed, and a linked client is renamed only when the spec says what it renames.
 * Pure.
 */

import { error, warning } from '../diagnostics/diagnostic.js';
import { didYouMean } from '../diagnostics/suggest.js';
import type { OrganisationMapping, Spec } from '../config/spec.js';
import type { HaloClient, HaloSnapshot } from '../halo/types.js';
import type { RmmOrganization } from '../rmm/snapshot.js';
import { foldName, withName } from '../halo/names.js';
import { address } from './address.js';
import { bindClient, findEntry, type CustomerRun, type Skipped } from './customer-run.js';
import type { DesiredClient } from './desired.js';
import { heldBy } from './read-problems.js';
import type { Report } from './report.js';
import { similarNames } from './similar-names.js';
import { list, yamlScalar } from './wording.js';
import type { RmmId } from '../rmm/snapshot.js';
import { compareRmmIds } from '../rmm/provider.js';

/** An organisation's live Halo client (none: it is created) and how it was found. */
interface LiveClient {
  live?: HaloClient;
  match: DesiredClient['match'];
}

/** The top level the spec names for new clients; an unknown or ambiguous one is an error. */
export function resolveTopLevel(spec: Spec, halo: HaloSnapshot, report: Report): { id: number; name: string } | undefined {
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

/** Each organisation, in id order, to its client (bound in the run), or why it is skipped. */
export function clientsOfOrganisations(run: CustomerRun): Map<RmmId, DesiredClient | Skipped> {
  const out = new Map<RmmId, DesiredClient | Skipped>();
  for (const org of [...run.ninja.organizations].sort((a, b) => compareRmmIds(a.id, b.id))) out.set(org.id, clientOfOrganisation(run, org));
  return out;
}

/** One organisation's client: each step below either decides it is skipped or passes it on. */
function clientOfOrganisation(run: CustomerRun, org: RmmOrganization): DesiredClient | Skipped {
  const entry = findEntry(run.spec.customers.map, org);
  if (entry?.skip) return { skipped: `organisation "${org.name}" has skip: true in customers.map` };
  const linked = pickLinked(run, run.clientsByNinja.get(String(org.id)) ?? [], org);
  const wanted = entry?.client ?? org.name;
  if (wanted.trim() === '' && !linked) {
    return { skipped: `organisation ${org.id} has no name in ${run.ninja.provider.name} and no Halo client carries its id (map it by id in customers.map, with client:)` };
  }
  const found = liveClientOf(run, org, entry, wanted, linked);
  if ('skipped' in found) return found;
  if (found.live?.inactive) return inactiveClient(run, org, found.live);
  const refused = found.live ? unaskedRename(run, org, entry, found.live, found.match) : unmatchedOrganisation(run, org, entry, wanted);
  return refused ?? bindOrganisationClient(run, org, entry, wanted, found);
}

/** The Halo client linked to an organisation; several linked is reported and the oldest active one used. */
function pickLinked(run: CustomerRun, linked: HaloClient[], org: RmmOrganization): HaloClient | undefined {
  if (linked.length <= 1) return linked[0];
  const sorted = [...linked].sort((a, b) => Number(a.inactive) - Number(b.inactive) || a.id - b.id);
  run.report.warnings.push({
    ...warning(
      'Organisation linked to several Halo clients',
      `Halo clients ${linked.map((c) => `"${c.name}" (id ${c.id})`).join(', ')} all carry the id of ${run.ninja.provider.name} organisation "${org.name}" (${org.id}). haloform uses "${sorted[0]!.name}"; clear the ${run.ninja.provider.name} link of the others in Halo.`,
    ),
    address: address('client', sorted[0]!.name),
  });
  return sorted[0];
}

/**
 * The live client an organisation stands for: its linked client unless the map names a client;
 * else the one active client of the wanted name (refused when ambiguous or linked to another
 * organisation), else the linked one, else none.
 */
function liveClientOf(run: CustomerRun, org: RmmOrganization, entry: OrganisationMapping | undefined, wanted: string, linked: HaloClient | undefined): LiveClient | Skipped {
  const explicit = entry?.client;
  if (explicit === undefined && linked) return { live: linked, match: 'ninja-id' };
  const where = entry ? [...entry.path, explicit !== undefined ? 'client' : 'organisation'] : undefined;
  const byName = wanted.trim() === '' ? [] : run.activeClientsByName.get(foldName(wanted)) ?? [];
  if (byName.length > 1) {
    run.report.errors.push({
      ...error(
        'Ambiguous Halo client name',
        `${run.ninja.provider.name} organisation "${org.name}" would match Halo clients ${byName.map((c) => `"${c.name}" (id ${c.id})`).join(' and ')}: the name is not unique, so haloform will not guess. Rename one of them in Halo, or map the organisation to a unique client name in customers.map.`,
        where,
      ),
      address: address('client', wanted),
    });
    return { skipped: `the Halo client name "${wanted}" is ambiguous (see the error)` };
  }
  const named = byName[0];
  if (named && named.rmmId !== undefined && named.rmmId !== org.id) {
    const other = run.ninja.organizations.find((o) => o.id === named.rmmId);
    run.report.errors.push({
      ...error(
        'Halo client linked to another organisation',
        `Halo client "${named.name}" (id ${named.id}) already carries the ${run.ninja.provider.name} id of organisation ${other ? `"${other.name}" (${other.id})` : named.rmmId}, so it cannot also stand for "${org.name}" (${org.id}). Map "${org.name}" to another client name in customers.map.`,
        where,
      ),
      address: address('client', named.name),
    });
    return { skipped: `Halo client "${named.name}" belongs to another organisation (see the error)` };
  }
  if (!named) return linked ? { live: linked, match: 'ninja-id' } : { match: 'new' };
  if (linked && linked.id !== named.id) {
    run.report.warnings.push({
      ...warning(
        'Organisation linked to two Halo clients',
        `${run.ninja.provider.name} organisation "${org.name}" (${org.id}) maps to "${named.name}" (id ${named.id}), but Halo client "${linked.name}" (id ${linked.id}) also carries its id from an earlier link. haloform uses "${named.name}"; clear the ${run.ninja.provider.name} link of "${linked.name}" in Halo to avoid confusion.`,
        where,
      ),
      address: address('client', named.name),
    });
  }
  return { live: named, match: named.rmmId === org.id ? 'ninja-id' : 'name' };
}

/** An inactive client is not written to: the organisation is skipped, with a warning. */
function inactiveClient(run: CustomerRun, org: RmmOrganization, live: HaloClient): Skipped {
  run.report.warnings.push({
    ...warning(
      'Client inactive in Halo',
      `Halo client "${live.name}" (id ${live.id}) is inactive, but ${run.ninja.provider.name} organisation "${org.name}" still exists. Its devices are not synced; reactivate the client in Halo, or set skip: true for the organisation in customers.map.`,
    ),
    address: address('client', live.name),
  });
  return { skipped: `Halo client "${live.name}" is inactive` };
}

/** An organisation no client matches: held back by a left-out row that may be it, or skipped or refused by customers.unmapped; undefined to create it. */
function unmatchedOrganisation(run: CustomerRun, org: RmmOrganization, entry: OrganisationMapping | undefined, wanted: string): Skipped | undefined {
  const held = heldBy(run.droppedClients, 'client', { name: wanted, rmmId: org.id }, run.ninja.provider);
  if (held) return { skipped: held };
  const policy = entry ? 'create' : run.spec.customers.unmapped;
  if (policy === 'skip') return { skipped: `organisation "${org.name}" is not in customers.map and customers.unmapped is skip` };
  if (policy !== 'error') return undefined;
  run.report.errors.push({
    ...error(
      'Unmapped organisation',
      `${run.ninja.provider.name} organisation "${org.name}" (${org.id}) matches no Halo client, and customers.unmapped is error. Map it in customers.map (with client: or skip: true), or set customers.unmapped to create or skip.${didYouMean(org.name, run.halo.clients.map((c) => c.name))}`,
      ['customers', 'unmapped'],
    ),
    address: address('client', org.name),
  });
  return { skipped: `organisation "${org.name}" is not mapped (see the error)` };
}

/** Renaming a client haloform already links is a change a reviewer must ask for by name (renameFrom:); undefined when none is implied or it is asked for. */
function unaskedRename(run: CustomerRun, org: RmmOrganization, entry: OrganisationMapping | undefined, live: HaloClient, match: DesiredClient['match']): Skipped | undefined {
  const explicit = entry?.client;
  if (explicit === undefined || live.name.trim() === '' || foldName(live.name) === foldName(explicit) || match !== 'ninja-id') return undefined;
  const renameFrom = entry?.renameFrom;
  if (renameFrom !== undefined && foldName(renameFrom) === foldName(live.name)) return undefined;
  run.report.errors.push({
    ...error(
      'Client rename not asked for',
      renameFrom === undefined
        ? `customers.map names client "${explicit}" for ${run.ninja.provider.name} organisation "${org.name}", but the Halo client linked to it is "${live.name}" (id ${live.id}), so the plan would rename it. To rename it, add renameFrom: ${yamlScalar(live.name)} to the entry; if "${explicit}" is a typo, write client: ${yamlScalar(live.name)}.`
        : `customers.map says renameFrom: "${renameFrom}", but the Halo client linked to ${run.ninja.provider.name} organisation "${org.name}" is "${live.name}" (id ${live.id}). Correct renameFrom to "${live.name}", or remove it and write client: ${yamlScalar(live.name)}.`,
      entry ? [...entry.path, renameFrom === undefined ? 'client' : 'renameFrom'] : undefined,
    ),
    address: address('client', live.name),
  });
  return { skipped: `the rename of Halo client "${live.name}" is not asked for (see the error)` };
}

/** The organisation's client under the name it keeps or gets, shared with any organisation already on it. */
function bindOrganisationClient(run: CustomerRun, org: RmmOrganization, entry: OrganisationMapping | undefined, wanted: string, { live, match }: LiveClient): DesiredClient {
  const explicit = entry?.client;
  // A linked client Halo holds without a name is given the organisation's.
  const unnamed = live !== undefined && live.name.trim() === '' && explicit === undefined && org.name.trim() !== '';
  const name = live && explicit === undefined && !unnamed ? live.name : unnamed ? org.name : wanted;
  return bindClient(run, live ? `live:${live.id}` : `new:${foldName(name)}`, () => ({
    address: address('client', name),
    name,
    ...(live ? { live } : {}),
    match,
    rmmId: org.id,
    organisation: org.name,
    ...(live ? {} : run.topLevel ? { topLevel: run.topLevel } : {}),
    explicitName: explicit !== undefined || unnamed,
  }));
}

/**
 * A new client whose name is close to an existing one is probably that one under another
 * spelling — unmapped, or mapped with a typo (client: Contosso beside Contoso): a warning each.
 */
export function warnSimilarClients(run: CustomerRun): void {
  for (const client of run.clients.values()) {
    if (client.live || client.organisation === undefined) continue;
    const near = run.halo.clients.filter((c) => !c.inactive && c.rmmId === undefined && similarNames(c.name, client.name));
    if (near.length === 0) continue;
    const entry = findEntry(run.spec.customers.map, { id: client.rmmId!, name: client.organisation });
    const mapped = client.explicitName && entry?.client !== undefined;
    run.report.warnings.push({
      ...warning(
        'Similar Halo client exists',
        mapped
          ? `customers.map names client "${client.name}" for ${run.ninja.provider.name} organisation "${client.organisation}", which haloform will create, but Halo already has ${near.map((c) => `"${c.name}" (id ${c.id})`).join(' and ')}. If you meant that client, correct the name: client: ${yamlScalar(near[0]!.name)}.`
          : `haloform will create client "${client.name}" for ${run.ninja.provider.name} organisation "${client.organisation}", but Halo already has ${near.map((c) => `"${c.name}" (id ${c.id})`).join(' and ')}. If that is the same customer, map it: customers.map: - { organisation: ${yamlScalar(client.organisation)}, client: ${yamlScalar(near[0]!.name)} }.`,
        mapped ? [...entry!.path, 'client'] : entry?.path,
      ),
      address: client.address,
    });
  }
}
