/**
 * The values an asset should carry: each mapping's value read from the device and converted to
 * the type of its Halo target (or refused, gathered for one warning per mapping), and the
 * device's RMM links. A placeholder serial is never written. Pure.
 */

import { warning } from '../diagnostics/diagnostic.js';
import type { FieldMapping, Spec } from '../config/spec.js';
import type { RmmDevice, RmmSnapshot } from '../rmm/snapshot.js';
import type { Catalog, MappingTarget } from './catalog.js';
import { convert } from './convert.js';
import type { DesiredValue } from './desired.js';
import { deviceDisplayName } from './device-names.js';
import { customFieldOf, pathIsTimestamp, readMappedPath, type DeviceContext } from './device-values.js';
import type { Report } from './report.js';
import { placeholderReason, type DeviceSerial, type SerialRules } from './serials.js';
import { list } from './wording.js';
import { deviceKey, fillLink, type RmmProvider } from '../rmm/provider.js';

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
  refused: Map<FieldMapping, RefusedValue[]>;
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
  for (const mapping of run.spec.assets.fields) {
    const target = run.catalog.targetOf(mapping);
    if (!target) continue;
    const value = mappedValueOf(run, device, mapping, target, context, serial);
    if (value === undefined) continue;
    if ('refused' in value) run.refused.set(mapping, [...(run.refused.get(mapping) ?? []), { device: `"${label}" (${deviceKey(run.ninja.provider, device.id)})`, ...value.refused }]);
    else values.push(value);
  }
  for (const link of deviceLinks(device, run.spec, run.ninja)) if (!values.some((v) => v.kind === 'property' && v.target === link.target)) values.push(link);
  return values;
}

/**
 * One mapping's value for a device, converted to its Halo target's type; `refused` when it does
 * not convert; undefined when there is nothing to write. A placeholder serial is never written.
 */
function mappedValueOf(
  { spec, ninja, rules, serialMappings }: AssetValues,
  device: RmmDevice,
  mapping: FieldMapping,
  target: MappingTarget,
  context: DeviceContext,
  serial: DeviceSerial,
): DesiredValue | { refused: Omit<RefusedValue, 'device'> } | undefined {
  const raw = sourceValue(device, mapping, spec, context, serial, ninja.provider);
  if (serialMappings.includes(mapping) && (typeof raw === 'string' || typeof raw === 'number') && placeholderReason(String(raw).trim(), rules)) return undefined;
  const field = customFieldOf(mapping.from);
  const definition = mapping.source === 'path' && field !== undefined ? ninja.customFieldDefinitions.get(field) : undefined;
  const converted = convert(raw, target.type, {
    ...(definition ? { definition } : {}),
    timestamp: mapping.source === 'path' && pathIsTimestamp(mapping.from, ninja.provider),
    ...(mapping.dateFormat ? { dateFormat: mapping.dateFormat } : {}),
  });
  if (converted === undefined) return undefined;
  if (!converted.ok) return { refused: { shown: converted.shown, why: converted.why, holds: converted.holds } };
  return { target: target.name, kind: target.kind, value: converted.value, type: target.type };
}

/** The device's links into its RMM (NinjaOne: ninja_url, ninja_remote_url) from the spec's templates. */
function deviceLinks(device: RmmDevice, spec: Spec, rmm: RmmSnapshot): DesiredValue[] {
  const out: DesiredValue[] = [];
  const uid = typeof device.record.uid === 'string' ? device.record.uid : undefined;
  const fill = (template: string) => fillLink(template, rmm.webUrl, device.id, uid);
  const text = { type: 'text' as const, options: [], label: 'Halo asset link' };
  const { deviceUrl, remoteUrl } = spec.assets.links;
  const url = deviceUrl ? fill(deviceUrl) : undefined;
  const remote = remoteUrl ? fill(remoteUrl) : undefined;
  const { links } = rmm.provider.halo;
  if (url) out.push({ target: links.device, kind: 'property', value: url, type: text });
  if (remote) out.push({ target: links.remote, kind: 'property', value: remote, type: text });
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
