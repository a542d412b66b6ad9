/**
 * The values an asset should carry: each mapping's value read from the device and converted to
 * the type of its Halo target (or refused, gathered for one warning per mapping), and the
 * device's RMM links. A placeholder serial is never written. Pure.
 */

import { warning } from '../diagnostics/diagnostic.js';
import type { FieldMapping, Spec } from '../config/spec.js';
import type { RmmDevice, RmmId, RmmSnapshot } from '../rmm/snapshot.js';
import type { Catalog, MappingTarget } from './catalog.js';
import { convert, type SourceMeta, type TargetType } from './convert.js';
import type { DesiredValue } from './desired.js';
import { deviceDisplayName } from './device-names.js';
import { customFieldOf, pathIsTimestamp, readMappedPath, type DeviceContext } from './device-values.js';
import type { Report } from './report.js';
import { placeholderReason, type DeviceSerial, type SerialRules } from './serials.js';
import { list } from './wording.js';
import { deviceKey, linkFiller, type LinkProperty, type RmmProvider } from '../rmm/provider.js';

/** A value that does not convert to its Halo field's type: not written. */
interface RefusedValue {
  device: string;
  shown: string;
  why: string;
  holds: string;
}

/** What the value steps read, and the values refused so far, by mapping. */
export interface AssetValues {
  spec: Spec;
  ninja: RmmSnapshot;
  catalog: Catalog;
  rules: SerialRules;
  /** The mappings that write the serial (source serial, or the serial field): never with a placeholder. */
  serialMappings: FieldMapping[];
  /** The mappings that can be written, in spec order, with what each needs worked out once for every device. */
  writes: MappingWrite[];
  /** The device links the spec asks for, their templates filled with the RMM's address. */
  links: DeviceLink[];
  refused: Map<FieldMapping, RefusedValue[]>;
}

/** A mapping with a Halo target: where it writes, and how its values are converted. */
interface MappingWrite {
  mapping: FieldMapping;
  target: MappingTarget;
  /** It writes the serial: a placeholder is never written. */
  writesSerial: boolean;
  meta: SourceMeta;
}

/** A link property the spec asks for, and how a device's value of it is made. */
interface DeviceLink {
  target: LinkProperty;
  fill: (id: RmmId, uid: string | undefined) => string | undefined;
}

/** What a link value holds. */
const LINK_TYPE: TargetType = { type: 'text', options: [], label: 'Halo asset link' };

/** The value steps before the first device: each mapping's target and conversion, each link's template. */
export function startValues(spec: Spec, ninja: RmmSnapshot, catalog: Catalog, rules: SerialRules, serialMappings: FieldMapping[]): AssetValues {
  const writes: MappingWrite[] = [];
  for (const mapping of spec.assets.fields) {
    const target = catalog.targetOf(mapping);
    if (!target) continue;
    const field = customFieldOf(mapping.from);
    const definition = mapping.source === 'path' && field !== undefined ? ninja.customFieldDefinitions.get(field) : undefined;
    const meta: SourceMeta = {
      ...(definition ? { definition } : {}),
      timestamp: mapping.source === 'path' && pathIsTimestamp(mapping.from, ninja.provider),
      ...(mapping.dateFormat ? { dateFormat: mapping.dateFormat } : {}),
    };
    writes.push({ mapping, target, writesSerial: serialMappings.includes(mapping), meta });
  }
  const links: DeviceLink[] = [];
  const { deviceUrl, remoteUrl } = spec.assets.links;
  const targets = ninja.provider.halo.links;
  if (deviceUrl) links.push({ target: targets.device, fill: linkFiller(deviceUrl, ninja.webUrl) });
  if (remoteUrl) links.push({ target: targets.remote, fill: linkFiller(remoteUrl, ninja.webUrl) });
  return { spec, ninja, catalog, rules, serialMappings, writes, links, refused: new Map() };
}

/** What a mapping reads for a device, before conversion (its serial, its name, or its path). */
export function sourceValue(device: RmmDevice, mapping: FieldMapping, spec: Spec, context: DeviceContext, serial: DeviceSerial, provider: RmmProvider): unknown {
  if (mapping.source === 'serial') return serial.serial;
  if (mapping.source === 'name') return deviceDisplayName(provider, device.record, device.id, spec.assets.name.from);
  return readMappedPath(device, mapping, context);
}

/** Whether a device has a value for a mapping (for which asset types need a field). */
export function hasMappedValue(device: RmmDevice, mapping: FieldMapping, spec: Spec, context: DeviceContext, serial: DeviceSerial, provider: RmmProvider): boolean {
  const raw = sourceValue(device, mapping, spec, context, serial, provider);
  return raw !== undefined && raw !== null && !(typeof raw === 'string' && raw.trim() === '') && !(Array.isArray(raw) && raw.length === 0);
}

/** The device's mapped values in spec order (refused ones noted), then its RMM links unless a mapping writes that property. */
export function valuesOf(run: AssetValues, device: RmmDevice, label: string, context: DeviceContext, serial: DeviceSerial): DesiredValue[] {
  const values: DesiredValue[] = [];
  for (const write of run.writes) {
    const value = mappedValueOf(run, device, write, context, serial);
    if (value === undefined) continue;
    if ('refused' in value) {
      const refused = run.refused.get(write.mapping) ?? [];
      refused.push({ device: `"${label}" (${deviceKey(run.ninja.provider, device.id)})`, ...value.refused });
      run.refused.set(write.mapping, refused);
    } else values.push(value);
  }
  for (const link of deviceLinks(device, run.links)) if (!values.some((v) => v.kind === 'property' && v.target === link.target)) values.push(link);
  return values;
}

/**
 * One mapping's value for a device, converted to its Halo target's type; `refused` when it does
 * not convert; undefined when there is nothing to write. A placeholder serial is never written.
 */
function mappedValueOf(
  { spec, ninja, rules }: AssetValues,
  device: RmmDevice,
  { mapping, target, writesSerial, meta }: MappingWrite,
  context: DeviceContext,
  serial: DeviceSerial,
): DesiredValue | { refused: Omit<RefusedValue, 'device'> } | undefined {
  const raw = sourceValue(device, mapping, spec, context, serial, ninja.provider);
  if (writesSerial && (typeof raw === 'string' || typeof raw === 'number') && placeholderReason(String(raw).trim(), rules)) return undefined;
  const converted = convert(raw, target.type, meta);
  if (converted === undefined) return undefined;
  if (!converted.ok) return { refused: { shown: converted.shown, why: converted.why, holds: converted.holds } };
  return { target: target.name, kind: target.kind, value: converted.value, type: target.type };
}

/** The device's links into its RMM (NinjaOne: ninja_url, ninja_remote_url) from the spec's templates. */
function deviceLinks(device: RmmDevice, links: readonly DeviceLink[]): DesiredValue[] {
  const out: DesiredValue[] = [];
  const uid = typeof device.record.uid === 'string' ? device.record.uid : undefined;
  for (const link of links) {
    const value = link.fill(device.id, uid);
    if (value) out.push({ target: link.target, kind: 'property', value, type: LINK_TYPE });
  }
  return out;
}

/** One warning per mapping whose values did not convert, grouped by why. */
export function warnRefusedValues(refused: ReadonlyMap<FieldMapping, RefusedValue[]>, report: Report, rmm: RmmProvider): void {
  for (const [mapping, entries] of refused) {
    const byWhy = new Map<string, string[]>();
    for (const e of entries) byWhy.set(e.why, [...(byWhy.get(e.why) ?? []), `${e.device} ${e.shown}`]);
    const groups = [...byWhy].map(([why, items]) => `${items.length} ${why}: ${list(items, 5)}`);
    report.warnings.push(
      warning(
        'Values not written',
        `${entries.length} value${entries.length === 1 ? '' : 's'} of ${mapping.to} ← ${mapping.fromText} ${entries.length === 1 ? 'does' : 'do'} not convert (${entries[0]!.holds}), so ${entries.length === 1 ? 'it is' : 'they are'} not written and Halo keeps what it has — ${groups.join('; ')}. Correct the values in ${rmm.name}, or the mapping (type:, dateFormat:).`,
        mapping.path,
      ),
    );
  }
}
