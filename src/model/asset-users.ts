/**
 * The Halo user an asset is linked to: the device's user (assets.user.from) matched among the
 * active, non-general users of the asset's client; an ambiguous or unknown user leaves the asset
 * unlinked, gathered for one warning per kind. Pure.
 */

import { warning } from '../diagnostics/diagnostic.js';
import type { Spec } from '../config/spec.js';
import type { HaloSnapshot, HaloUser } from '../halo/types.js';
import type { RmmDevice } from '../rmm/snapshot.js';
import type { DesiredClient } from './desired.js';
import { readDevicePath, type DeviceContext } from './device-values.js';
import type { Report } from './report.js';
import { matchUser, parseUserName } from './users.js';
import { list } from './wording.js';

/** Halo users by client, and the devices whose user could not be linked. */
export interface UserLinks {
  usersByClient: Map<number, HaloUser[]>;
  unmatched: string[];
  ambiguous: string[];
  /** Clients without users (or that haloform creates), by name: how many devices could not be linked. */
  clientsWithoutUsers: Map<string, number>;
}

/** Active, non-general Halo users by their client (or their site's client). */
export function startUserLinks(halo: HaloSnapshot): UserLinks {
  const sitesById = new Map(halo.sites.map((s) => [s.id, s]));
  const usersByClient = new Map<number, HaloUser[]>();
  for (const u of halo.users) {
    if (u.inactive || u.isGeneralUser) continue;
    const clientId = u.clientId ?? (u.siteId !== undefined ? sitesById.get(u.siteId)?.clientId : undefined);
    if (clientId !== undefined) usersByClient.set(clientId, [...(usersByClient.get(clientId) ?? []), u]);
  }
  return { usersByClient, unmatched: [], ambiguous: [], clientsWithoutUsers: new Map() };
}

/** The user the device reports, when exactly one user of the asset's client matches it. */
export function userOf(links: UserLinks, spec: Spec, device: RmmDevice, context: DeviceContext, client: DesiredClient, label: string): HaloUser | undefined {
  if (!spec.assets.user) return undefined;
  const raw = readDevicePath(device, spec.assets.user.from, context);
  const parsed = typeof raw === 'string' ? parseUserName(raw) : undefined;
  if (!parsed) return undefined;
  const candidates = client.live ? links.usersByClient.get(client.live.id) ?? [] : [];
  if (candidates.length === 0) {
    // A client without users (or one haloform creates) cannot link anyone: one line per client, not per device.
    links.clientsWithoutUsers.set(client.name, (links.clientsWithoutUsers.get(client.name) ?? 0) + 1);
    return undefined;
  }
  const result = matchUser(parsed, candidates, spec.assets.user.matchBy);
  if (result.kind === 'matched') return result.user;
  if (result.kind === 'ambiguous') links.ambiguous.push(`"${label}": "${parsed.raw}" matches ${result.users.map((u) => `"${u.name}" (${u.id})`).join(' and ')} by ${result.by}`);
  else links.unmatched.push(`"${label}": "${parsed.raw}"`);
  return undefined;
}

/** One warning each for ambiguous users, unknown users and clients without users. */
export function warnUserLinks({ ambiguous, unmatched, clientsWithoutUsers }: UserLinks, report: Report): void {
  if (ambiguous.length > 0) {
    report.warnings.push(
      warning('Ambiguous asset users', `${ambiguous.length} device${ambiguous.length === 1 ? "'s user matches" : "s' users match"} more than one Halo user, so ${ambiguous.length === 1 ? 'its asset is' : 'their assets are'} left unlinked: ${list(ambiguous, 5, '; ')}. Make the users' logins and email addresses unique in Halo, or change assets.user.matchBy.`, ['assets', 'user']),
    );
  }
  if (unmatched.length > 0) {
    report.warnings.push(
      warning(
        'Asset users not found in Halo',
        `${unmatched.length} device${unmatched.length === 1 ? "'s user matches" : "s' users match"} no Halo user of the asset's client, so ${unmatched.length === 1 ? 'its asset is' : 'their assets are'} left unlinked: ${list(unmatched, 5)}. Add the users in Halo (or sync them from Entra ID), or change assets.user.matchBy.`,
        ['assets', 'user'],
      ),
    );
  }
  if (clientsWithoutUsers.size > 0) {
    const names = [...clientsWithoutUsers].map(([client, n]) => `"${client}" (${n} device${n === 1 ? '' : 's'})`);
    report.warnings.push(
      warning(
        'Clients without Halo users',
        `${clientsWithoutUsers.size} client${clientsWithoutUsers.size === 1 ? ' has' : 's have'} no users in Halo yet, so devices that report a user cannot be linked to one: ${list(names)}. Add the users in Halo, or sync them from Entra ID (for a client haloform creates, once apply has created it), and plan again to link them.`,
        ['assets', 'user'],
      ),
    );
  }
}
