/**
 * What the customer steps (organisations → clients, locations → sites) share: the inputs, Halo's
 * clients and sites indexed the ways the steps look them up, and the clients and sites decided so
 * far — keyed, so that two organisations or locations that land on one Halo object share it. Pure.
 */

import type { NinjaRef, OrganisationMapping, Spec } from '../config/spec.js';
import type { HaloClient, HaloSite, HaloSnapshot } from '../halo/types.js';
import type { RmmOrganization, RmmSnapshot } from '../rmm/snapshot.js';
import { foldName } from '../halo/names.js';
import type { DesiredClient, DesiredSite } from './desired.js';
import { lookalikes } from './read-problems.js';
import type { Report } from './report.js';
import type { RmmId } from '../rmm/snapshot.js';
import { sameRmmId } from '../rmm/provider.js';
import type { Lookalike } from './read-problems.js';

/** Why an organisation or location gets no client or site, so its devices are not synced. */
export interface Skipped {
  skipped: string;
}

/** What a left-out Halo row still says it is (src/model/read-problems.ts). */
export interface CustomerRun {
  spec: Spec;
  ninja: RmmSnapshot;
  halo: HaloSnapshot;
  report: Report;
  /** Active Halo clients by folded name; a row without a name (real tenants have them) is found by its RMM id only. */
  activeClientsByName: Map<string, HaloClient[]>;
  /** Halo clients by the RMM organisation id they carry. */
  clientsByNinja: Map<string, HaloClient[]>;
  /** Halo sites by their client's id. */
  sitesByClient: Map<string, HaloSite[]>;
  /** Halo sites by the RMM location id they carry. */
  sitesByNinja: Map<string, HaloSite[]>;
  sitesById: Map<number, HaloSite>;
  /** The top level of the clients haloform creates; undefined when the spec names none (or an unknown one). */
  topLevel: { id: number; name: string } | undefined;
  droppedClients: Lookalike[];
  droppedSites: Lookalike[];
  /** The clients decided so far, by `live:<id>` or `new:<folded name>`, in the order first decided. */
  clients: Map<string, DesiredClient>;
  /** The sites decided so far, by address, in the order first decided. */
  sites: Map<string, DesiredSite>;
  /** The catch-all client and site, once decided (src/model/catch-all.ts). */
  catchAll?: { client: DesiredClient; site: DesiredSite };
}

/** A run with Halo indexed and nothing decided yet. */
export function startCustomerRun(spec: Spec, ninja: RmmSnapshot, halo: HaloSnapshot, report: Report, topLevel: CustomerRun['topLevel']): CustomerRun {
  return {
    spec,
    ninja,
    halo,
    report,
    activeClientsByName: groupBy(halo.clients.filter((c) => !c.inactive && c.name.trim() !== ''), (c) => foldName(c.name)),
    clientsByNinja: groupBy(halo.clients, (c) => (c.rmmId === undefined ? '' : String(c.rmmId))),
    sitesByClient: groupBy(halo.sites, (s) => String(s.clientId)),
    sitesByNinja: groupBy(halo.sites, (s) => (s.rmmId === undefined ? '' : String(s.rmmId))),
    sitesById: new Map(halo.sites.map((s) => [s.id, s])),
    topLevel,
    droppedClients: lookalikes(halo.problems, 'client'),
    droppedSites: lookalikes(halo.problems, 'site'),
    clients: new Map(),
    sites: new Map(),
  };
}

/** The client decided under `key`, made (and kept) the first time the key comes up. */
export function bindClient(run: CustomerRun, key: string, make: () => DesiredClient): DesiredClient {
  const existing = run.clients.get(key);
  if (existing) return existing;
  const made = make();
  run.clients.set(key, made);
  return made;
}

/** The customers.map entry of an organisation: by its id first, then by its name. */
export function findEntry(map: readonly OrganisationMapping[], org: Pick<RmmOrganization, 'id' | 'name'>): OrganisationMapping | undefined {
  return map.find((e) => e.organisation.kind === 'id' && sameRmmId(e.organisation.id, org.id)) ?? map.find((e) => refMatches(e.organisation, org));
}

export function refMatches(ref: NinjaRef, object: { id: RmmId; name: string }): boolean {
  return ref.kind === 'id' ? sameRmmId(ref.id, object.id) : ref.name === object.name;
}

/** Items by key; an item whose key is '' is left out. */
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
