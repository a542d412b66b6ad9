/**
 * NinjaOne devices to Halo assets (DESIGN.md §3): identity by the NinjaOne id Halo stores, then
 * by a serial that is no placeholder and names exactly one device and one asset, else a new
 * asset; the mapped values each asset should carry, converted to the type of their Halo field
 * (or refused and listed); its NinjaOne links and user link; managed assets whose device is gone.
 * Pure.
 */

import { error, warning, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { FieldMapping, Spec } from '../config/spec.js';
import type { HaloAsset, HaloSnapshot, HaloUser } from '../halo/types.js';
import type { NinjaDevice, NinjaSnapshot } from '../ninjaone/types.js';
import { address } from './address.js';
import type { Catalog, MappingTarget } from './catalog.js';
import { convert } from './convert.js';
import { list, type CustomerModel } from './customers.js';
import type { Deactivation, DesiredAsset, DesiredValue } from './desired.js';
import { deviceDisplayName } from './device-names.js';
import { heldBy, lookalikes } from './read-problems.js';
import { customFieldOf, deviceContexts, pathIsTimestamp, readDevicePath, readMappedPath, type DeviceContext } from './device-values.js';
import { deviceSerial, placeholderReason, serialKey, sharedSerialReason, type DeviceSerial } from './serials.js';
import { matchUser, parseUserName } from './users.js';
import { sameName } from '../halo/names.js';

interface Report {
  errors: Diagnostic[];
  warnings: Diagnostic[];
}

export interface AssetOptions {
  /** --allow-mass-deactivate: more than 10% of managed assets may be deactivated. */
  allowMassDeactivate?: boolean;
}

/** More than this share of managed assets deactivated at once needs --allow-mass-deactivate (DESIGN.md §3). */
export const MASS_DEACTIVATION_SHARE = 0.1;

/** `7 "SPARE-01", 8` — Halo assets as a person finds them: id and asset tag. */
function haloAssetNames(assets: readonly HaloAsset[]): string {
  return assets.map((a) => `${a.id}${a.inventoryNumber ? ` "${a.inventoryNumber}"` : ''}`).join(', ');
}

/** What a mapping reads for a device, before conversion (its serial, its name, or its path). */
export function sourceValue(device: NinjaDevice, mapping: FieldMapping, spec: Spec, context: DeviceContext, serial: DeviceSerial): unknown {
  if (mapping.source === 'serial') return serial.serial;
  if (mapping.source === 'name') return deviceDisplayName(device.record, device.id, spec.assets.name.from);
  return readMappedPath(device, mapping, context);
}

/** The device's NinjaOne links (ninja_url, ninja_remote_url) from the spec's templates. */
function deviceLinks(device: NinjaDevice, spec: Spec): DesiredValue[] {
  const out: DesiredValue[] = [];
  const uid = typeof device.record.uid === 'string' ? device.record.uid : undefined;
  const fill = (template: string) =>
    template.includes('{uid}') && !uid ? undefined : template.replaceAll('{url}', spec.connections.ninjaone.webUrl).replaceAll('{id}', String(device.id)).replaceAll('{uid}', uid ?? '');
  const text = { type: 'text' as const, options: [], label: 'Halo asset link' };
  const { deviceUrl, remoteUrl } = spec.assets.links;
  const url = deviceUrl ? fill(deviceUrl) : undefined;
  const remote = remoteUrl ? fill(remoteUrl) : undefined;
  if (url) out.push({ target: 'ninja_url', kind: 'property', value: url, type: text });
  if (remote) out.push({ target: 'ninja_remote_url', kind: 'property', value: remote, type: text });
  return out;
}

export function resolveAssets(
  spec: Spec,
  ninja: NinjaSnapshot,
  halo: HaloSnapshot,
  customers: CustomerModel,
  catalog: Catalog,
  report: Report,
  options: AssetOptions = {},
): { assets: DesiredAsset[]; deactivations: Deactivation[] } {
  const contextOf = deviceContexts(ninja);
  const deviceIds = new Set(ninja.devices.map((d) => d.id));
  const droppedAssets = lookalikes(halo.problems, 'asset');
  const ignore = new Set(spec.assets.ignoreSerials.map(serialKey));
  const serials = new Map(ninja.devices.map((d) => [d.id, deviceSerial(d, spec.assets.serial.from, spec.assets.serial.fromText, ignore)]));

  // Halo assets by the NinjaOne id they carry.
  const byNinja = new Map<number, HaloAsset[]>();
  for (const a of halo.assets) if (a.ninjaId !== undefined) byNinja.set(a.ninjaId, [...(byNinja.get(a.ninjaId) ?? []), a]);

  // Serials: how many devices report each, and which unmanaged Halo assets hold each.
  const matchBySerial = spec.assets.match.includes('serialNumber') && catalog.serialField !== undefined;
  const devicesBySerial = new Map<string, NinjaDevice[]>();
  for (const d of ninja.devices) {
    const s = serials.get(d.id)!.serial;
    if (s) devicesBySerial.set(serialKey(s), [...(devicesBySerial.get(serialKey(s)) ?? []), d]);
  }
  const sharedCounts = new Map([...devicesBySerial].map(([k, v]) => [k, v.length]));
  const assetsBySerial = new Map<string, HaloAsset[]>();
  if (matchBySerial) {
    const fieldId = catalog.serialField!.id;
    for (const a of halo.assets) {
      if (a.ninjaId !== undefined && deviceIds.has(a.ninjaId)) continue;
      if (a.ninjaId !== undefined) continue;
      const v = a.fields.get(fieldId);
      if (typeof v !== 'string' || v.trim() === '') continue;
      assetsBySerial.set(serialKey(v), [...(assetsBySerial.get(serialKey(v)) ?? []), a]);
    }
  }

  // Users by client, for linking.
  const sitesById = new Map(halo.sites.map((s) => [s.id, s]));
  const usersByClient = new Map<number, HaloUser[]>();
  for (const u of halo.users) {
    if (u.inactive || u.isGeneralUser) continue;
    const clientId = u.clientId ?? (u.siteId !== undefined ? sitesById.get(u.siteId)?.clientId : undefined);
    if (clientId !== undefined) usersByClient.set(clientId, [...(usersByClient.get(clientId) ?? []), u]);
  }

  /** Devices not synced, by why: `"CON-PC01" (ninja:11)`. */
  const skipped = new Map<string, string[]>();
  /** Unusable serials that unmanaged Halo assets hold too, by serial: the devices reporting each. */
  const unusableSerials = new Map<string, { serial: string; why: string; devices: string[]; assets: HaloAsset[] }>();
  const sharedSerials = new Map<string, NinjaDevice[]>();
  const ambiguousAssets: string[] = [];
  const duplicateLinks: string[] = [];
  const unmatchedUsers: string[] = [];
  const ambiguousUsers: string[] = [];
  const clientsWithoutUsers = new Map<string, number>();
  /** Values that do not convert to their Halo field's type: not written, listed by mapping. */
  const refused = new Map<FieldMapping, { device: string; shown: string; why: string; holds: string }[]>();
  /** Devices that report only placeholders where a serial should be. */
  const placeholderOnly: string[] = [];
  const assets: DesiredAsset[] = [];
  const name = (d: NinjaDevice) => deviceDisplayName(d.record, d.id, spec.assets.name.from);
  const serialMappings = spec.assets.fields.filter((m) => m.source === 'serial' || sameName(m.to, spec.assets.serialField));

  for (const device of [...ninja.devices].sort((a, b) => a.id - b.id)) {
    const placement = device.locationId === undefined ? { skipped: 'NinjaOne did not say which location it is in' } : customers.placement(device.locationId);
    if ('skipped' in placement) {
      skipped.set(placement.skipped, [...(skipped.get(placement.skipped) ?? []), `"${name(device)}" (ninja:${device.id})`]);
      continue;
    }
    const type = catalog.typeFor(device.nodeClass);
    if ('skipped' in type) {
      skipped.set(type.skipped, [...(skipped.get(type.skipped) ?? []), `"${name(device)}" (ninja:${device.id})`]);
      continue;
    }
    const deviceLabel = name(device);
    const serialInfo = serials.get(device.id)!;
    if (!serialInfo.serial && serialInfo.placeholders.length > 0 && serialMappings.length > 0) {
      placeholderOnly.push(`"${deviceLabel}" (ninja:${device.id}, ${serialInfo.placeholders.map((p) => `"${p}"`).join(', ')})`);
    }

    // Identity.
    let live: HaloAsset | undefined;
    let match: DesiredAsset['match'] = 'new';
    let matchedSerial: string | undefined;
    const linked = byNinja.get(device.id) ?? [];
    if (linked.length > 0) {
      const sorted = [...linked].sort((a, b) => Number(a.inactive) - Number(b.inactive) || a.id - b.id);
      live = sorted[0];
      match = 'ninja-id';
      if (linked.length > 1) duplicateLinks.push(`"${deviceLabel}" (ninja:${device.id}) → Halo assets ${sorted.map((a) => a.id).join(', ')}`);
    } else if (matchBySerial) {
      const serial = serialInfo.serial;
      // Placeholders a hand-made asset also holds: worth telling (they are never matched).
      for (const p of serialInfo.placeholders) {
        const candidates = assetsBySerial.get(serialKey(p)) ?? [];
        if (candidates.length === 0) continue;
        const entry = unusableSerials.get(serialKey(p)) ?? { serial: p, why: placeholderReason(p, ignore)!, devices: [], assets: candidates };
        entry.devices.push(`"${deviceLabel}" (ninja:${device.id})`);
        unusableSerials.set(serialKey(p), entry);
      }
      if (serial) {
        const key = serialKey(serial);
        const shared = sharedSerialReason(serial, sharedCounts);
        const candidates = assetsBySerial.get(key) ?? [];
        if (shared && key.startsWith('vmware-')) {
          if (candidates.length > 0) {
            const entry = unusableSerials.get(key) ?? { serial, why: shared, devices: [], assets: candidates };
            entry.devices.push(`"${deviceLabel}" (ninja:${device.id})`);
            unusableSerials.set(key, entry);
          }
        } else if (shared) {
          if (candidates.length > 0) sharedSerials.set(key, devicesBySerial.get(key)!);
        } else if (candidates.length > 1) {
          ambiguousAssets.push(`"${deviceLabel}" (ninja:${device.id}, serial ${serial}) ↔ Halo assets ${candidates.map((a) => `${a.id}${a.inventoryNumber ? ` "${a.inventoryNumber}"` : ''}`).join(', ')}`);
        } else if (candidates.length === 1) {
          live = candidates[0];
          match = 'serial';
          matchedSerial = serial;
        }
      }
    }

    if (!live) {
      const held = heldBy(droppedAssets, 'asset', { ninjaId: device.id });
      if (held) {
        skipped.set(held, [...(skipped.get(held) ?? []), `"${deviceLabel}" (ninja:${device.id})`]);
        continue;
      }
    }

    // Values.
    const context = contextOf(device);
    const values: DesiredValue[] = [];
    for (const mapping of spec.assets.fields) {
      const target = catalog.targetOf(mapping);
      if (!target) continue;
      const value = mappedValueOf(device, mapping, target, spec, context, ninja, serialInfo, ignore, serialMappings.includes(mapping));
      if (value === undefined) continue;
      if ('refused' in value) refused.set(mapping, [...(refused.get(mapping) ?? []), { device: `"${deviceLabel}" (ninja:${device.id})`, ...value.refused }]);
      else values.push(value);
    }
    for (const link of deviceLinks(device, spec)) if (!values.some((v) => v.kind === 'property' && v.target === link.target)) values.push(link);

    // User link.
    let user: HaloUser | undefined;
    if (spec.assets.user) {
      const raw = readDevicePath(device, spec.assets.user.from, context);
      const parsed = typeof raw === 'string' ? parseUserName(raw) : undefined;
      if (parsed) {
        const candidates = placement.client.live ? usersByClient.get(placement.client.live.id) ?? [] : [];
        if (candidates.length === 0) {
          // A client without users (or one haloform creates) cannot link anyone: one line per client, not per device.
          clientsWithoutUsers.set(placement.client.name, (clientsWithoutUsers.get(placement.client.name) ?? 0) + 1);
        } else {
          const result = matchUser(parsed, candidates, spec.assets.user.matchBy);
          if (result.kind === 'matched') user = result.user;
          else if (result.kind === 'ambiguous') ambiguousUsers.push(`"${deviceLabel}": "${parsed.raw}" matches ${result.users.map((u) => `"${u.name}" (${u.id})`).join(' and ')} by ${result.by}`);
          else unmatchedUsers.push(`"${deviceLabel}": "${parsed.raw}"`);
        }
      }
    }

    assets.push({
      address: address('asset', `ninja:${device.id}`),
      name: deviceLabel,
      device,
      ...(live ? { live } : {}),
      match,
      ...(matchedSerial ? { serial: matchedSerial } : {}),
      client: placement.client,
      site: placement.site,
      type,
      values,
      ...(user ? { user } : {}),
    });
  }

  // Loud warnings first: what a reviewer must look at.
  for (const [key, devices] of sharedSerials) {
    const candidates = assetsBySerial.get(key) ?? [];
    report.warnings.push(
      warning(
        'Serial shared by several devices',
        `Serial "${serials.get(devices[0]!.id)!.serial}" is reported by ${devices.length} NinjaOne devices (${list(devices.map((d) => `"${name(d)}" (ninja:${d.id})`))}) and held by Halo asset${candidates.length === 1 ? '' : 's'} ${haloAssetNames(candidates)}. A serial that several machines report cannot tell them apart, so no asset is matched by it: each device gets a new asset. If it is a chassis or template serial, add it to assets.ignoreSerials; if the Halo asset is one of these devices, deactivate it (or merge it into the new asset) after apply.`,
        ['assets', 'ignoreSerials'],
      ),
    );
  }
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
        'Several Halo assets carry one NinjaOne id',
        `${duplicateLinks.length} device${duplicateLinks.length === 1 ? ' is' : 's are'} linked to more than one Halo asset; haloform manages the oldest active one and leaves the others: ${list(duplicateLinks, 5, '; ')}. Deactivate the duplicates in Halo.`,
      ),
    );
  }
  if (ambiguousUsers.length > 0) {
    report.warnings.push(
      warning('Ambiguous asset users', `${ambiguousUsers.length} device${ambiguousUsers.length === 1 ? "'s user matches" : "s' users match"} more than one Halo user, so ${ambiguousUsers.length === 1 ? 'its asset is' : 'their assets are'} left unlinked: ${list(ambiguousUsers, 5, '; ')}. Make the users' logins and email addresses unique in Halo, or change assets.user.matchBy.`, ['assets', 'user']),
    );
  }
  if (unmatchedUsers.length > 0) {
    report.warnings.push(
      warning(
        'Asset users not found in Halo',
        `${unmatchedUsers.length} device${unmatchedUsers.length === 1 ? "'s user matches" : "s' users match"} no Halo user of the asset's client, so ${unmatchedUsers.length === 1 ? 'its asset is' : 'their assets are'} left unlinked: ${list(unmatchedUsers, 5)}. Add the users in Halo (or sync them from Entra ID), or change assets.user.matchBy.`,
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
  for (const [mapping, entries] of refused) {
    const byWhy = new Map<string, string[]>();
    for (const e of entries) byWhy.set(e.why, [...(byWhy.get(e.why) ?? []), `${e.device} ${e.shown}`]);
    const groups = [...byWhy].map(([why, items]) => `${items.length} ${why}: ${list(items, 5)}`);
    report.warnings.push(
      warning(
        'Values not written',
        `${entries.length} value${entries.length === 1 ? '' : 's'} of ${mapping.to} ← ${mapping.fromText} ${entries.length === 1 ? 'does' : 'do'} not convert (${entries[0]!.holds}), so ${entries.length === 1 ? 'it is' : 'they are'} not written and Halo keeps what it has — ${groups.join('; ')}. Correct the values in NinjaOne, or the mapping (type:, dateFormat:).`,
        mapping.path,
      ),
    );
  }
  if (placeholderOnly.length > 0) {
    report.warnings.push(
      warning(
        'Devices without a usable serial',
        `${placeholderOnly.length} device${placeholderOnly.length === 1 ? ' reports' : 's report'} only placeholder serials in ${spec.assets.serial.fromText.join(', ')}, so ${placeholderOnly.length === 1 ? 'it' : 'they'} cannot be matched by serial and no serial is written for ${placeholderOnly.length === 1 ? 'it' : 'them'}: ${list(placeholderOnly, 5)}. If a real serial is elsewhere on the device, add its path to assets.serial.from.`,
        ['assets', 'serial'],
      ),
    );
  }
  if (skipped.size > 0) {
    const total = [...skipped.values()].reduce((n, d) => n + d.length, 0);
    const why = [...skipped].map(([reason, devices]) => `${devices.length} because ${reason}: ${list(devices, 5)}`);
    report.warnings.push(
      warning(
        'Devices not synced',
        `${total} device${total === 1 ? ' is' : 's are'} not synced, so haloform writes nothing for ${total === 1 ? 'it' : 'them'} in Halo: ${list(why, 8, '; ')}. If ${total === 1 ? 'it' : 'they'} should be synced, change the setting or the Halo object each reason names.`,
      ),
    );
  }

  // Managed assets whose device is gone.
  const deactivations: Deactivation[] = [];
  if (spec.assets.removed === 'deactivate') {
    const managed = halo.assets.filter((a) => a.ninjaId !== undefined && !a.inactive);
    const gone = managed.filter((a) => !deviceIds.has(a.ninjaId!));
    if (ninja.devices.length === 0 && gone.length > 0) {
      report.warnings.push(
        warning('Nothing deactivated', `NinjaOne returned no devices at all, so haloform deactivates none of the ${gone.length} managed Halo assets: an empty read is never trusted to mean every device was removed. Check that the NinjaOne API app can see the devices; if every device really is gone, deactivate the assets in Halo by hand.`, ['assets', 'removed']),
      );
    } else if (gone.length > 0) {
      const clients = new Map(halo.clients.map((c) => [c.id, c]));
      for (const a of gone.sort((x, y) => x.ninjaId! - y.ninjaId!)) {
        const client = a.clientId === undefined ? undefined : clients.get(a.clientId);
        deactivations.push({ address: address('asset', `ninja:${a.ninjaId}`), name: a.inventoryNumber ?? `Halo asset ${a.id}`, live: a, ...(client ? { client } : {}) });
      }
      const share = gone.length / managed.length;
      // By client: a whole client gone at once points at the API app's access, not at real removals.
      const byClient = new Map<number, HaloAsset[]>();
      for (const a of gone) byClient.set(a.clientId ?? -1, [...(byClient.get(a.clientId ?? -1) ?? []), a]);
      const perClient = [...byClient].map(([clientId, assets]) => {
        const of = managed.filter((a) => (a.clientId ?? -1) === clientId).length;
        const names = assets.map((a) => `"${a.inventoryNumber ?? `Halo asset ${a.id}`}" (ninja:${a.ninjaId})`);
        return `${clientId === -1 ? 'no client' : clients.get(clientId)?.name || `client ${clientId}`}: ${assets.length} of its ${of} (${list(names, 5)})`;
      });
      const detail = `${gone.length} of ${managed.length} managed Halo assets (${Math.round(share * 100)}%) would be deactivated because their NinjaOne devices are gone — ${list(perClient, 8, '; ')}`;
      if (share > MASS_DEACTIVATION_SHARE && !options.allowMassDeactivate) {
        report.errors.push(
          error(
            'Mass deactivation',
            `${detail}. That is more than ${MASS_DEACTIVATION_SHARE * 100}%, which usually means a NinjaOne permission or filter problem rather than real removals. Check the NinjaOne API app can see every organisation; if the removals are real, plan again with --allow-mass-deactivate.`,
            ['assets', 'removed'],
          ),
        );
      } else if (share > MASS_DEACTIVATION_SHARE) {
        report.warnings.push(warning('Mass deactivation', `${detail}; allowed by --allow-mass-deactivate.`, ['assets', 'removed']));
      }
    }
  }

  return { assets, deactivations };
}

/**
 * One mapping's value for a device, converted to its Halo target's type; `refused` when it does
 * not convert; undefined when there is nothing to write. A placeholder serial is never written.
 */
function mappedValueOf(
  device: NinjaDevice,
  mapping: FieldMapping,
  target: MappingTarget,
  spec: Spec,
  context: DeviceContext,
  ninja: NinjaSnapshot,
  serial: DeviceSerial,
  ignore: ReadonlySet<string>,
  writesSerial: boolean,
): DesiredValue | { refused: { shown: string; why: string; holds: string } } | undefined {
  const raw = sourceValue(device, mapping, spec, context, serial);
  if (writesSerial && (typeof raw === 'string' || typeof raw === 'number') && placeholderReason(String(raw).trim(), ignore)) return undefined;
  const field = customFieldOf(mapping.from);
  const definition = mapping.source === 'path' && field !== undefined ? ninja.customFieldDefinitions.get(field) : undefined;
  const converted = convert(raw, target.type, {
    ...(definition ? { definition } : {}),
    timestamp: mapping.source === 'path' && pathIsTimestamp(mapping.from),
    ...(mapping.dateFormat ? { dateFormat: mapping.dateFormat } : {}),
  });
  if (converted === undefined) return undefined;
  if (!converted.ok) return { refused: { shown: converted.shown, why: converted.why, holds: converted.holds } };
  return { target: target.name, kind: target.kind, value: converted.value, type: target.type };
}

/** Whether a device has a value for a mapping (for which asset types need a field). */
export function hasMappedValue(device: NinjaDevice, mapping: FieldMapping, spec: Spec, context: DeviceContext, serial: DeviceSerial): boolean {
  const raw = sourceValue(device, mapping, spec, context, serial);
  return raw !== undefined && raw !== null && !(typeof raw === 'string' && raw.trim() === '') && !(Array.isArray(raw) && raw.length === 0);
}

export { deviceContexts, readDevicePath };
