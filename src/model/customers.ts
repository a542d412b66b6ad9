/**
 * RMM organisations to Halo clients and locations to sites (DESIGN.md §3): the explicit
 * map, then the RMM id Halo stores, then a unique case-insensitive name (an adopt), then
 * the `unmapped` policies. Nothing ambiguous is ever guessed. The steps live in clients.ts,
 * catch-all.ts and sites.ts and share one CustomerRun (customer-run.ts). Pure.
 */

import type { Spec } from '../config/spec.js';
import type { HaloSnapshot } from '../halo/types.js';
import type { RmmSnapshot } from '../rmm/snapshot.js';
import { catchAllOf } from './catch-all.js';
import { clientsOfOrganisations, resolveTopLevel, warnSimilarClients } from './clients.js';
import { startCustomerRun } from './customer-run.js';
import type { DesiredClient, DesiredSite } from './desired.js';
import type { Report } from './report.js';
import { decideLocations, nameMainSites, placeLocations, type Placement } from './sites.js';
import type { RmmId } from '../rmm/snapshot.js';

export type { Placement } from './sites.js';
export { similarNames } from './similar-names.js';
export { list } from './wording.js';

export interface CustomerModel {
  clients: DesiredClient[];
  sites: DesiredSite[];
  /** Where a location's devices go, or why they are not synced. */
  placement(locationId: RmmId): Placement;
  /** The catch-all client and site, when the spec configures them. */
  catchAll?: { client: DesiredClient; site: DesiredSite };
}

export function resolveCustomers(spec: Spec, ninja: RmmSnapshot, halo: HaloSnapshot, report: Report): CustomerModel {
  const run = startCustomerRun(spec, ninja, halo, report, resolveTopLevel(spec, halo, report));
  // Organisations → clients, then the catch-all client and site.
  const orgClients = clientsOfOrganisations(run);
  run.catchAll = catchAllOf(run);
  // Locations → the site each goes to; the main sites of new clients follow from those.
  const decisions = decideLocations(run, orgClients);
  nameMainSites(run, decisions);
  warnSimilarClients(run);
  // Sites are materialised last: a new client's main site must be named first.
  const placements = placeLocations(run, decisions);

  const { catchAll } = run;
  return {
    clients: [...run.clients.values()],
    sites: [...run.sites.values()],
    placement: (locationId) => placements.get(locationId) ?? { skipped: `location ${locationId} was not read from ${ninja.provider.name}` },
    ...(catchAll ? { catchAll } : {}),
  };
}
