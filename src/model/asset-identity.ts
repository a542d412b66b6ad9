/**
 * Which Halo asset an RMM device is (DESIGN.md §3): the asset carrying its RMM id (the
 * oldest active one when several do), else — with serialNumber in assets.match — the one
 * unmanaged asset holding its serial, when that serial is no placeholder and no other device
 * reports it; else none, and the asset is created. What stood in the way is gathered, for one
 * warning per kind. Pure.
 */

import { warning } from '../diagnostics/diagnostic.js';
import type { Spec } from '../config/spec.js';
import type { HaloAsset, HaloSnapshot } from '../halo/types.js';
import type { RmmDevice, RmmSnapshot } from '../rmm/snapshot.js';
import type { Catalog } from './catalog.js';
import type { DesiredAsset } from './desired.js';
import type { Report } from './report.js';
import { placeholderReason, serialKey, sharedSerialReason, type DeviceSerial, type SerialRules } from './serials.js';
import { list } from './wording.js';
import type { RmmId } from '../rmm/snapshot.js';
import { deviceKey, type RmmProvider } from '../rmm/provider.js';

/** A serial that cannot identify a machine but that unmanaged Halo assets hold too: the devices reporting it. */
interface UnusableSerial {
  serial: string;
  why: string;
  devices: string[];
  assets: HaloAsset[];
}

/** Halo assets indexed for matching, and what matching found worth telling. */
export interface AssetIdentities {
  serials: ReadonlyMap<RmmId, DeviceSerial>;
  rules: SerialRules;
  /** The RMM the devices are from (its name and device addresses in messages). */
  provider: RmmProvider;
  /** Halo assets by the RMM id they carry. */
  byNinja: Map<RmmId, HaloAsset[]>;
  matchBySerial: boolean;
  /** Devices by serial key, and how many report each. */
  devicesBySerial: Map<string, RmmDevice[]>;
  sharedCounts: Map<string, number>;
  /** Unmanaged Halo assets by the serial key they hold (only when matching by serial). */
  assetsBySerial: Map<string, HaloAsset[]>;
  /** Unusable serials that unmanaged Halo assets hold too, by serial key. */
  unusableSerials: Map<string, UnusableSerial>;
  /** Serials several devices report that an unmanaged Halo asset holds: the devices, by serial key. */
  sharedSerials: Map<string, RmmDevice[]>;
  ambiguousAssets: string[];
  duplicateLinks: string[];
}

/** A device's asset (none: created), how it was found, and the serial it was matched by. */
export interface AssetIdentity {
  live?: HaloAsset;
  match: DesiredAsset['match'];
  serial?: string;
}

/** Halo assets by RMM id and (when assets.match uses serials and Halo has the field) by serial; devices by serial. */
export function startIdentities(spec: Spec, ninja: RmmSnapshot, halo: HaloSnapshot, catalog: Catalog, serials: ReadonlyMap<RmmId, DeviceSerial>, rules: SerialRules): AssetIdentities {
  const byNinja = new Map<RmmId, HaloAsset[]>();
  for (const a of halo.assets) if (a.rmmId !== undefined) addTo(byNinja, a.rmmId, a);
  const matchBySerial = spec.assets.match.includes('serialNumber') && catalog.serialField !== undefined;
  const devicesBySerial = new Map<string, RmmDevice[]>();
  for (const d of ninja.devices) {
    const s = serials.get(d.id)!.serial;
    if (s) addTo(devicesBySerial, serialKey(s), d);
  }
  const sharedCounts = new Map<string, number>();
  devicesBySerial.forEach((devices, key) => sharedCounts.set(key, devices.length));
  const assetsBySerial = new Map<string, HaloAsset[]>();
  if (matchBySerial) {
    const fieldId = catalog.serialField!.id;
    for (const a of halo.assets) {
      if (a.rmmId !== undefined) continue;
      const v = a.fields.get(fieldId);
      if (typeof v !== 'string' || v.trim() === '') continue;
      addTo(assetsBySerial, serialKey(v), a);
    }
  }
  return {
    serials,
    rules,
    provider: ninja.provider,
    byNinja,
    matchBySerial,
    devicesBySerial,
    sharedCounts,
    assetsBySerial,
    unusableSerials: new Map(),
    sharedSerials: new Map(),
    ambiguousAssets: [],
    duplicateLinks: [],
  };
}

function addTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const values = map.get(key);
  if (values) values.push(value);
  else map.set(key, [value]);
}

/** The device's asset: the one linked by RMM id, else one matched by serial, else none. */
export function identityOf(ids: AssetIdentities, device: RmmDevice, label: string): AssetIdentity {
  const linked = ids.byNinja.get(device.id) ?? [];
  if (linked.length === 1) return { live: linked[0]!, match: 'ninja-id' };
  if (linked.length > 1) {
    const sorted = [...linked].sort((a, b) => Number(a.inactive) - Number(b.inactive) || a.id - b.id);
    ids.duplicateLinks.push(`"${label}" (${deviceKey(ids.provider, device.id)}) → Halo assets ${sorted.map((a) => a.id).join(', ')}`);
    return { live: sorted[0]!, match: 'ninja-id' };
  }
  return ids.matchBySerial ? serialMatchOf(ids, device, label) : { match: 'new' };
}

/**
 * The one unmanaged asset holding the device's serial. A placeholder, a VMware serial cloned VMs
 * share, a serial other devices report or one several assets hold matches nothing (noted).
 */
function serialMatchOf(ids: AssetIdentities, device: RmmDevice, label: string): AssetIdentity {
  const { serial, placeholders } = ids.serials.get(device.id)!;
  // Placeholders a hand-made asset also holds: worth telling (they are never matched).
  for (const p of placeholders) noteUnusable(ids, p, placeholderReason(p, ids.rules)!, device, label);
  if (!serial) return { match: 'new' };
  const key = serialKey(serial);
  const shared = sharedSerialReason(serial, ids.sharedCounts);
  const candidates = ids.assetsBySerial.get(key) ?? [];
  if (shared && key.startsWith('vmware-')) noteUnusable(ids, serial, shared, device, label);
  else if (shared) {
    if (candidates.length > 0) ids.sharedSerials.set(key, ids.devicesBySerial.get(key)!);
  } else if (candidates.length > 1) ids.ambiguousAssets.push(`"${label}" (${deviceKey(ids.provider, device.id)}, serial ${serial}) ↔ Halo assets ${haloAssetNames(candidates)}`);
  else if (candidates.length === 1) return { live: candidates[0]!, match: 'serial', serial };
  return { match: 'new' };
}

/** Notes a device reporting a serial that cannot identify it, when unmanaged Halo assets hold it too. */
function noteUnusable(ids: AssetIdentities, serial: string, why: string, device: RmmDevice, label: string): void {
  const key = serialKey(serial);
  const candidates = ids.assetsBySerial.get(key) ?? [];
  if (candidates.length === 0) return;
  const entry = ids.unusableSerials.get(key) ?? { serial, why, devices: [], assets: candidates };
  entry.devices.push(`"${label}" (${deviceKey(ids.provider, device.id)})`);
  ids.unusableSerials.set(key, entry);
}

/** `7 "SPARE-01", 8` — Halo assets as a person finds them: id and asset tag. */
function haloAssetNames(assets: readonly HaloAsset[]): string {
  return assets.map((a) => `${a.id}${a.inventoryNumber ? ` "${a.inventoryNumber}"` : ''}`).join(', ');
}

/** One warning per kind of obstacle matching met: shared serials, serials several assets hold, unusable serials, duplicate links. */
export function warnIdentities(ids: AssetIdentities, report: Report, name: (device: RmmDevice) => string): void {
  for (const [key, devices] of ids.sharedSerials) {
    const candidates = ids.assetsBySerial.get(key) ?? [];
    report.warnings.push(
      warning(
        'Serial shared by several devices',
        `Serial "${ids.serials.get(devices[0]!.id)!.serial}" is reported by ${devices.length} ${ids.provider.name} devices (${list(devices.map((d) => `"${name(d)}" (${deviceKey(ids.provider, d.id)})`))}) and held by Halo asset${candidates.length === 1 ? '' : 's'} ${haloAssetNames(candidates)}. A serial that several machines report cannot tell them apart, so no asset is matched by it: each device gets a new asset. If it is a chassis or template serial, add it to assets.ignoreSerials; if the Halo asset is one of these devices, deactivate it (or merge it into the new asset) after apply.`,
        ['assets', 'ignoreSerials'],
      ),
    );
  }
  const { ambiguousAssets, unusableSerials, duplicateLinks } = ids;
  if (ambiguousAssets.length > 0) {
    report.warnings.push(
      warning(
        'Serial held by several Halo assets',
        `${ambiguousAssets.length} device${ambiguousAssets.length === 1 ? "'s serial is" : "s' serials are"} held by more than one unmanaged Halo asset, so haloform does not pick one and creates a new asset: ${list(ambiguousAssets, 5, '; ')}. Merge or correct the duplicates in Halo, then plan again.`,
      ),
    );
  }
  if (unusableSerials.size > 0) {
    const count = [...unusableSerials.values()].reduce((n, e) => n + e.devices.length, 0);
    const items = [...unusableSerials.values()].map(
      (e) =>
        `${list(e.devices)} ${e.devices.length === 1 ? 'reports' : 'report'} "${e.serial}" (${e.why}), as ${e.assets.length === 1 ? 'does Halo asset' : 'do Halo assets'} ${haloAssetNames(e.assets)}`,
    );
    report.warnings.push(
      warning(
        'Placeholder serials not used for matching',
        `${count === 1 ? '1 device reports a serial that a hand-made Halo asset also holds but that cannot identify a machine, so it is not matched by it and gets a new asset' : `${count} devices report serials that hand-made Halo assets also hold but that cannot identify a machine, so they are not matched by them and get new assets`}: ${list(items, 5, '; ')}. If such a Halo asset is one of these machines, deactivate it (or merge it into the new asset) after apply; if not, there is nothing to do.`,
      ),
    );
  }
  if (duplicateLinks.length > 0) {
    report.warnings.push(
      warning(
        `Several Halo assets carry one ${ids.provider.name} id`,
        `${duplicateLinks.length} device${duplicateLinks.length === 1 ? ' is' : 's are'} linked to more than one Halo asset; haloform manages the oldest active one and leaves the others: ${list(duplicateLinks, 5, '; ')}. Deactivate the duplicates in Halo.`,
      ),
    );
  }
}
