/**
 * Halo objects the spec names, found the one way plan and serve both use: the alert ticket type,
 * and the catch-all client and site among active ones. Plan reports what is missing as an error;
 * serve dead-letters the alert with the same words. Pure.
 */

import { didYouMean } from '../diagnostics/suggest.js';
import { foldName, withName } from './names.js';
import type { HaloClient, HaloSite, HaloTicketType } from './types.js';

/** The ticket type named `wanted`, or a sentence saying Halo has none (with a near name, and what it has). */
export function ticketTypeNamed(types: readonly HaloTicketType[], wanted: string): { type: HaloTicketType } | { missing: string } {
  const hit = withName(types, wanted)[0];
  if (hit) return { type: hit };
  const names = types.map((t) => `"${t.name}"`);
  return { missing: `No ticket type named "${wanted}" exists in Halo.${didYouMean(wanted, types.map((t) => t.name))} Ticket types in Halo: ${names.length === 0 ? 'none' : names.length <= 8 ? names.join(', ') : `${names.slice(0, 8).join(', ')} and ${names.length - 8} more`}.` };
}

/** The active catch-all client named `client`, and its active site named `site`. */
export function catchAllIn(list: { clients: readonly HaloClient[]; sites: readonly HaloSite[] }, catchAll: { client: string; site: string }): { client?: HaloClient; site?: HaloSite } {
  const client = list.clients.find((c) => !c.inactive && foldName(c.name) === foldName(catchAll.client));
  const site = client ? list.sites.find((s) => s.clientId === client.id && !s.inactive && foldName(s.name) === foldName(catchAll.site)) : undefined;
  return { ...(client ? { client } : {}), ...(site ? { site } : {}) };
}
