/**
 * Is a saved plan still true? Compares the fingerprints of the live objects a plan read with
 * Halo as it is now, and checks that nothing a plan would create exists already — a plan made
 * from another state is refused ("plan is stale, run plan again"), as Terraform refuses one. Pure.
 */

import type { HaloSnapshot } from '../halo/types.js';
import { assetFingerprint, fingerprint } from './make-plan.js';
import type { Change, Plan } from './plan.js';
import { foldName } from '../halo/names.js';

export interface StaleReason {
  address: string;
  reason: string;
}

export function staleReasons(plan: Plan, live: HaloSnapshot): StaleReason[] {
  const byId = {
    client: new Map(live.clients.map((o) => [o.id, fingerprint(o)])),
    site: new Map(live.sites.map((o) => [o.id, fingerprint(o)])),
    asset_type: new Map(live.assetTypes.map((o) => [o.id, fingerprint(o)])),
    asset_field: new Map(live.fields.map((o) => [o.id, fingerprint(o)])),
    asset: new Map(live.assets.map((o) => [o.id, assetFingerprint(o)])),
  };
  const out: StaleReason[] = [];
  for (const change of plan.changes) {
    if (change.action === 'no-op' && change.kind !== 'client' && change.kind !== 'site') continue;
    if (change.fingerprint !== undefined && change.haloId !== undefined && change.kind in byId) {
      const now = byId[change.kind as keyof typeof byId].get(change.haloId);
      if (now === undefined) out.push({ address: change.address, reason: `Halo ${label(change)} ${change.haloId} no longer exists` });
      // An unchanged client or site only has to exist: the plan writes nothing to it, its dependents only need its id.
      else if (now !== change.fingerprint && change.action !== 'no-op') out.push({ address: change.address, reason: `Halo ${label(change)} ${change.haloId} was changed since the plan was made` });
      continue;
    }
    if (change.action !== 'create') continue;
    const exists = existsAlready(change, live);
    if (exists) out.push({ address: change.address, reason: `${exists} already exists in Halo, though the plan would create it` });
  }
  return out;
}

function label(change: Change): string {
  return change.kind.replace('_', ' ');
}

function existsAlready(change: Change, live: HaloSnapshot): string | undefined {
  switch (change.kind) {
    case 'client': {
      const hit = live.clients.find((c) => (change.ninjaId !== undefined && c.ninjaId === change.ninjaId) || (!c.inactive && foldName(c.name) === foldName(change.name)));
      return hit ? `client "${hit.name}" (id ${hit.id})` : undefined;
    }
    case 'site': {
      const hit = change.ninjaId !== undefined ? live.sites.find((s) => s.ninjaId === change.ninjaId) : undefined;
      return hit ? `site "${hit.name}" (id ${hit.id}) with NinjaOne location ${change.ninjaId}` : undefined;
    }
    case 'asset': {
      const hit = live.assets.find((a) => a.ninjaId === change.ninjaId);
      return hit ? `asset ${hit.id} with NinjaOne device ${change.ninjaId}` : undefined;
    }
    case 'asset_type': {
      const hit = live.assetTypes.find((t) => foldName(t.name) === foldName(change.name));
      return hit ? `asset type "${hit.name}" (id ${hit.id})` : undefined;
    }
    case 'asset_field': {
      const hit = live.fields.find((f) => foldName(f.name) === foldName(change.name));
      return hit ? `asset field "${hit.name}" (id ${hit.id})` : undefined;
    }
    default:
      return undefined;
  }
}
