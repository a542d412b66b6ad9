/**
 * RMM devices to Halo assets (DESIGN.md §3), device by device in id order: where it goes
 * (its location's site, its node class's type), which asset it is (asset-identity.ts), the
 * values it should carry (asset-values.ts) and the user it is linked to (asset-users.ts); then
 * one warning per kind of problem met; then the managed assets whose device is gone
 * (deactivations.ts). Pure.
 */

import { warning } from '../diagnostics/diagnostic.js';
import type { Spec } from '../config/spec.js';
import type { HaloSnapshot } from '../halo/types.js';
import type { RmmDevice, RmmSnapshot } from '../rmm/snapshot.js';
import { address } from './address.js';
import { identityOf, startIdentities, warnIdentities, type AssetIdentities } from './asset-identity.js';
import { startUserLinks, userOf, warnUserLinks, type UserLinks } from './asset-users.js';
import { startValues, valuesOf, warnRefusedValues, type AssetValues } from './asset-values.js';
import type { Catalog } from './catalog.js';
import type { CustomerModel } from './customers.js';
import { deactivationsOf } from './deactivations.js';
import type { Deactivation, DesiredAsset } from './desired.js';
import { deviceDisplayName } from './device-names.js';
import { deviceContexts, type DeviceContext } from './device-values.js';
import { heldBy, lookalikes } from './read-problems.js';
import type { Report } from './report.js';
import { deviceSerial, serialRules, type DeviceSerial, type SerialRules } from './serials.js';
import { list } from './wording.js';
import { sameName } from '../halo/names.js';
import type { RmmId } from '../rmm/snapshot.js';
import { compareRmmIds, deviceKey, type RmmProvider } from '../rmm/provider.js';
import type { Lookalike } from './read-problems.js';

export { hasMappedValue, sourceValue } from './asset-values.js';
export { MASS_DEACTIVATION_SHARE } from './deactivations.js';
export { deviceContexts, readDevicePath } from './device-values.js';

export interface AssetOptions {
  /** --allow-mass-deactivate: more than 10% of managed assets may be deactivated. */
  allowMassDeactivate?: boolean;
}

/** What the device steps share: the inputs, each step's own state, and the devices not synced. */
interface AssetRun {
  spec: Spec;
  /** The RMM the devices are from: their names, addresses and wording. */
  provider: RmmProvider;
  customers: CustomerModel;
  catalog: Catalog;
  contextOf: (device: RmmDevice) => DeviceContext;
  serials: Map<RmmId, DeviceSerial>;
  /** What left-out Halo asset rows still say they are. */
  droppedAssets: Lookalike[];
  identities: AssetIdentities;
  values: AssetValues;
  users: UserLinks;
  /** Devices not synced, by why: `"CON-PC01" (ninja:11)`. */
  skipped: Map<string, string[]>;
  /** Devices that report only placeholders where a serial should be. */
  placeholderOnly: string[];
}

/** What more than one step reads of each device, read once a plan: its context and its serial. */
export interface DeviceReadings {
  contextOf: (device: RmmDevice) => DeviceContext;
  /** Each device's serial (assets.serial.from), by device record. */
  serials: ReadonlyMap<RmmDevice, DeviceSerial>;
  rules: SerialRules;
}

/** Each device's serial, and its context as each step asks: the type catalog counts values with them, then the assets are made. */
export function readDevices(spec: Spec, ninja: RmmSnapshot): DeviceReadings {
  const rules = serialRules(spec, ninja.provider);
  const serials = new Map<RmmDevice, DeviceSerial>();
  for (const d of ninja.devices) serials.set(d, deviceSerial(d, spec.assets.serial.from, spec.assets.serial.fromText, rules));
  return { contextOf: deviceContexts(ninja), serials, rules };
}

export function resolveAssets(
  spec: Spec,
  ninja: RmmSnapshot,
  halo: HaloSnapshot,
  customers: CustomerModel,
  catalog: Catalog,
  readings: DeviceReadings,
  report: Report,
  options: AssetOptions = {},
): { assets: DesiredAsset[]; deactivations: Deactivation[] } {
  const run = startAssetRun(spec, ninja, halo, customers, catalog, readings);
  const assets: DesiredAsset[] = [];
  for (const device of [...ninja.devices].sort((a, b) => compareRmmIds(a.id, b.id))) {
    const asset = assetOf(run, device);
    if (asset) assets.push(asset);
  }

  // Loud warnings first: what a reviewer must look at.
  warnIdentities(run.identities, report, (d) => nameOf(run, d));
  warnUserLinks(run.users, report);
  warnRefusedValues(run.values.refused, report, run.provider);
  warnPlaceholderOnly(run, report);
  warnSkipped(run, report);

  return { assets, deactivations: deactivationsOf(spec, ninja, halo, report, options.allowMassDeactivate ?? false) };
}

/** The run before the first device: every device's serial, and Halo indexed for each step. */
function startAssetRun(spec: Spec, ninja: RmmSnapshot, halo: HaloSnapshot, customers: CustomerModel, catalog: Catalog, readings: DeviceReadings): AssetRun {
  const { rules, contextOf } = readings;
  const serials = new Map<RmmId, DeviceSerial>();
  for (const d of ninja.devices) serials.set(d.id, readings.serials.get(d)!);
  const serialMappings = spec.assets.fields.filter((m) => m.source === 'serial' || sameName(m.to, spec.assets.serialField));
  return {
    spec,
    provider: ninja.provider,
    customers,
    catalog,
    contextOf,
    serials,
    droppedAssets: lookalikes(halo.problems, 'asset'),
    identities: startIdentities(spec, ninja, halo, catalog, serials, rules),
    values: startValues(spec, ninja, catalog, rules, serialMappings),
    users: startUserLinks(halo),
    skipped: new Map(),
    placeholderOnly: [],
  };
}

/** What a device is called (assets.name.from): the asset's name in the plan and in messages. */
function nameOf(run: AssetRun, device: RmmDevice): string {
  return deviceDisplayName(run.provider, device.record, device.id, run.spec.assets.name.from);
}

/** A device as messages name it: `"CON-PC01" (ninja:11)`. */
function named(run: AssetRun, device: RmmDevice, label: string, more = ''): string {
  return `"${label}" (${deviceKey(run.provider, device.id)}${more})`;
}

/** One device's asset: placed, typed, identified, valued and linked; undefined (noted as not synced) when any of the first three says no. */
function assetOf(run: AssetRun, device: RmmDevice): DesiredAsset | undefined {
  const label = nameOf(run, device);
  const placement = device.locationId === undefined ? { skipped: `${run.provider.name} did not say which location it is in` } : run.customers.placement(device.locationId);
  if ('skipped' in placement) return noteSkipped(run, placement.skipped, device, label);
  const type = run.catalog.typeFor(device.nodeClass);
  if ('skipped' in type) return noteSkipped(run, type.skipped, device, label);
  const serial = run.serials.get(device.id)!;
  if (!serial.serial && serial.placeholders.length > 0 && run.values.serialMappings.length > 0) {
    run.placeholderOnly.push(named(run, device, label, `, ${serial.placeholders.map((p) => `"${p}"`).join(', ')}`));
  }

  const { live, match, serial: matchedSerial } = identityOf(run.identities, device, label);
  const held = live ? undefined : heldBy(run.droppedAssets, 'asset', { rmmId: device.id }, run.provider);
  if (held) return noteSkipped(run, held, device, label);
  const context = run.contextOf(device);
  const values = valuesOf(run.values, device, label, context, serial);
  const user = userOf(run.users, run.spec, device, context, placement.client, label);

  return {
    address: address('asset', deviceKey(run.provider, device.id)),
    name: label,
    device,
    ...(live ? { live } : {}),
    match,
    ...(matchedSerial ? { serial: matchedSerial } : {}),
    client: placement.client,
    site: placement.site,
    type,
    values,
    ...(user ? { user } : {}),
  };
}

/** Notes a device as not synced, for the warning; returns no asset. */
function noteSkipped(run: AssetRun, reason: string, device: RmmDevice, label: string): undefined {
  const devices = run.skipped.get(reason) ?? [];
  devices.push(named(run, device, label));
  run.skipped.set(reason, devices);
  return undefined;
}

/** One warning naming the devices that report only placeholder serials, when a mapping writes the serial. */
function warnPlaceholderOnly({ spec, placeholderOnly }: AssetRun, report: Report): void {
  if (placeholderOnly.length === 0) return;
  report.warnings.push(
    warning(
      'Devices without a usable serial',
      `${placeholderOnly.length} device${placeholderOnly.length === 1 ? ' reports' : 's report'} only placeholder serials in ${spec.assets.serial.fromText.join(', ')}, so ${placeholderOnly.length === 1 ? 'it' : 'they'} cannot be matched by serial and no serial is written for ${placeholderOnly.length === 1 ? 'it' : 'them'}: ${list(placeholderOnly, 5)}. If a real serial is elsewhere on the device, add its path to assets.serial.from.`,
      ['assets', 'serial'],
    ),
  );
}

/** One warning naming the devices not synced, grouped by why. */
function warnSkipped({ skipped }: AssetRun, report: Report): void {
  if (skipped.size === 0) return;
  const total = [...skipped.values()].reduce((n, d) => n + d.length, 0);
  const why = [...skipped].map(([reason, devices]) => `${devices.length} because ${reason}: ${list(devices, 5)}`);
  report.warnings.push(
    warning(
      'Devices not synced',
      `${total} device${total === 1 ? ' is' : 's are'} not synced, so haloform writes nothing for ${total === 1 ? 'it' : 'them'} in Halo: ${list(why, 8, '; ')}. If ${total === 1 ? 'it' : 'they'} should be synced, change the setting or the Halo object each reason names.`,
    ),
  );
}
