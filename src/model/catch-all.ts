/**
 * The catch-all client and site of customers.catchAll, where locations with the catch-all policy
 * send their devices: each matched by name among active Halo objects, created when missing. Pure.
 */

import { error } from '../diagnostics/diagnostic.js';
import { foldName } from '../halo/names.js';
import { address } from './address.js';
import { bindClient, type CustomerRun } from './customer-run.js';
import type { DesiredSite } from './desired.js';

/** The catch-all client and site (the site kept in the run), or undefined when the spec has none or its client name is ambiguous. */
export function catchAllOf(run: CustomerRun): CustomerRun['catchAll'] {
  const wanted = run.spec.customers.catchAll;
  if (!wanted) return undefined;
  const candidates = run.activeClientsByName.get(foldName(wanted.client)) ?? [];
  if (candidates.length > 1) {
    run.report.errors.push({
      ...error('Ambiguous Halo client name', `customers.catchAll.client "${wanted.client}" matches ${candidates.length} Halo clients (ids ${candidates.map((c) => c.id).join(', ')}). Rename one of them in Halo.`, ['customers', 'catchAll', 'client']),
      address: address('client', wanted.client),
    });
    return undefined;
  }
  const live = candidates[0];
  const client = bindClient(run, live ? `live:${live.id}` : `new:${foldName(wanted.client)}`, () => ({
    address: address('client', live?.name ?? wanted.client),
    name: live?.name ?? wanted.client,
    ...(live ? { live } : {}),
    match: live ? 'name' : 'new',
    ...(live ? {} : run.topLevel ? { topLevel: run.topLevel } : {}),
    explicitName: false,
  }));
  const liveSite = (live ? run.sitesByClient.get(String(live.id)) ?? [] : []).filter((s) => !s.inactive && foldName(s.name) === foldName(wanted.site))[0];
  const site: DesiredSite = {
    address: address('site', `${client.name}/${liveSite?.name ?? wanted.site}`),
    name: liveSite?.name ?? wanted.site,
    client,
    ...(liveSite ? { live: liveSite } : {}),
    match: liveSite ? 'name' : 'new',
    asMainSite: false,
    explicitName: false,
  };
  run.sites.set(site.address, site);
  return { client, site };
}
