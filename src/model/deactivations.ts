/**
 * Managed Halo assets whose RMM device is gone, deactivated when assets.removed says so —
 * but never on an empty RMM read, and more than MASS_DEACTIVATION_SHARE of them only with
 * --allow-mass-deactivate (DESIGN.md §3). Pure.
 */

import { error, warning } from '../diagnostics/diagnostic.js';
import type { Spec } from '../config/spec.js';
import type { HaloAsset, HaloClient, HaloSnapshot } from '../halo/types.js';
import { compareRmmIds, deviceKey, type RmmProvider } from '../rmm/provider.js';
import type { RmmId, RmmSnapshot } from '../rmm/snapshot.js';
import { address } from './address.js';
import type { Deactivation } from './desired.js';
import type { Report } from './report.js';
import { list } from './wording.js';

/** More than this share of managed assets deactivated at once needs --allow-mass-deactivate (DESIGN.md §3). */
export const MASS_DEACTIVATION_SHARE = 0.1;

/** The summary of the guard's diagnostic: an error (a warning when allowed); a sync cycle holds the deactivations it names. */
export const MASS_DEACTIVATION = 'Mass deactivation';

/** The active managed assets whose device the RMM no longer has, in RMM id order. */
export function deactivationsOf(spec: Spec, ninja: RmmSnapshot, halo: HaloSnapshot, report: Report, allowMassDeactivate: boolean): Deactivation[] {
  if (spec.assets.removed !== 'deactivate') return [];
  const rmm = ninja.provider;
  const deviceIds = new Set<RmmId>(ninja.devices.map((d) => d.id));
  const managed = halo.assets.filter((a) => a.rmmId !== undefined && !a.inactive);
  const gone = managed.filter((a) => !deviceIds.has(a.rmmId!)).sort((x, y) => compareRmmIds(x.rmmId!, y.rmmId!));
  if (gone.length === 0) return [];
  // A device row the RMM sent without its id may be the device of any of these assets: none goes on a read that lost one.
  const unreadable = ninja.problems.filter((p) => p.api === rmm.name && p.noun === 'device' && p.dropped);
  if (unreadable.length > 0) {
    report.warnings.push(
      warning(
        'Nothing deactivated',
        `${rmm.name} sent ${unreadable.length === 1 ? 'a device row' : `${unreadable.length} device rows`} haloform could not read as a device (${list(unreadable.map((p) => p.row), 3)}; see the incomplete rows), and ${unreadable.length === 1 ? 'it' : 'any of them'} may be the device of one of the ${gone.length} managed Halo asset${gone.length === 1 ? '' : 's'} that would be deactivated, so none is this time. They are deactivated once ${rmm.name} sends every device row whole.`,
        ['assets', 'removed'],
      ),
    );
    return [];
  }
  if (ninja.devices.length === 0) {
    report.warnings.push(
      warning('Nothing deactivated', `${rmm.name} returned no devices at all, so haloform deactivates none of the ${gone.length} managed Halo assets: an empty read is never trusted to mean every device was removed. Check that the ${rmm.name} API app can see the devices; if every device really is gone, deactivate the assets in Halo by hand.`, ['assets', 'removed']),
    );
    return [];
  }
  const clients = new Map(halo.clients.map((c) => [c.id, c]));
  const deactivations = gone.map((a): Deactivation => {
    const client = a.clientId === undefined ? undefined : clients.get(a.clientId);
    return { address: address('asset', deviceKey(rmm, a.rmmId!)), name: a.inventoryNumber ?? `Halo asset ${a.id}`, live: a, ...(client ? { client } : {}) };
  });
  checkMassDeactivation(rmm, managed, gone, clients, report, allowMassDeactivate);
  return deactivations;
}

/** More than the allowed share gone at once: an error (a warning with --allow-mass-deactivate) naming how much of each client goes. */
function checkMassDeactivation(rmm: RmmProvider, managed: readonly HaloAsset[], gone: readonly HaloAsset[], clients: ReadonlyMap<number, HaloClient>, report: Report, allowMassDeactivate: boolean): void {
  const share = gone.length / managed.length;
  // By client: a whole client gone at once points at the API app's access, not at real removals.
  const byClient = new Map<number, HaloAsset[]>();
  for (const a of gone) byClient.set(a.clientId ?? -1, [...(byClient.get(a.clientId ?? -1) ?? []), a]);
  const perClient = [...byClient].map(([clientId, assets]) => {
    const of = managed.filter((a) => (a.clientId ?? -1) === clientId).length;
    const names = assets.map((a) => `"${a.inventoryNumber ?? `Halo asset ${a.id}`}" (${deviceKey(rmm, a.rmmId!)})`);
    return `${clientId === -1 ? 'no client' : clients.get(clientId)?.name || `client ${clientId}`}: ${assets.length} of its ${of} (${list(names, 5)})`;
  });
  const detail = `${gone.length} of ${managed.length} managed Halo assets (${Math.round(share * 100)}%) would be deactivated because their ${rmm.name} devices are gone — ${list(perClient, 8, '; ')}`;
  if (share > MASS_DEACTIVATION_SHARE && !allowMassDeactivate) {
    report.errors.push(
      error(
        MASS_DEACTIVATION,
        `${detail}. That is more than ${MASS_DEACTIVATION_SHARE * 100}%, which usually means a ${rmm.name} permission or filter problem rather than real removals. Check the ${rmm.name} API app can see every organisation; if the removals are real, plan again with --allow-mass-deactivate.`,
        ['assets', 'removed'],
      ),
    );
  } else if (share > MASS_DEACTIVATION_SHARE) {
    report.warnings.push(warning(MASS_DEACTIVATION, `${detail}; allowed by --allow-mass-deactivate.`, ['assets', 'removed']));
  }
}
