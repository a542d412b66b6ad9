/**
 * NinjaOne node classes to Halo asset types, and the Halo asset fields the spec writes: which
 * exist, which haloform creates, and which types lack a mapped field (Halo's "Add to all asset
 * types", or a plan error naming every type and field). Pure.
 */

import { error, warning, type Diagnostic } from '../diagnostics/diagnostic.js';
import { didYouMean } from '../diagnostics/suggest.js';
import type { Spec } from '../config/spec.js';
import type { HaloAssetType, HaloField, HaloSnapshot } from '../halo/types.js';
import { address } from '../plan/plan.js';
import { list } from './customers.js';
import type { DesiredAssetType, DesiredField } from './desired.js';
import type { TargetFormat } from './device-values.js';

/** Halo asset properties that hold dates (Device schema: `warranty_end: string(date-time)`, ...). */
const DATE_PROPERTIES = new Set(['warranty_start', 'warranty_end', 'labour_warranty_start', 'labour_warranty_end', 'supplier_purchasedate', 'commissiondate']);

/** Halo's field type code for dates (reference/halopsa: Field.type; 1 in the sandbox). */
const HALO_DATE_FIELD_TYPE = 1;

export interface Catalog {
  assetTypes: DesiredAssetType[];
  fields: DesiredField[];
  /** The type a node class's devices get, or why they are not synced. */
  typeFor(nodeClass: string): DesiredAssetType | { skipped: string };
  /** The format a mapped target is written in. */
  formatOf(target: string, isProperty: boolean): TargetFormat;
  /** The live field that holds serials, when it exists. */
  serialField?: HaloField;
}

interface Report {
  errors: Diagnostic[];
  warnings: Diagnostic[];
}

/** "WINDOWS_WORKSTATION" → "Windows Workstation", "NMS_SWITCH" → "NMS Switch". */
export function assetTypeNameFor(nodeClass: string): string {
  const special: Record<string, string> = {
    NMS: 'NMS', VM: 'VM', VMM: 'VMM', IOS: 'iOS', IPADOS: 'iPadOS', VMWARE: 'VMware', HYPERV: 'Hyper-V', WAP: 'WAP', IPSLA: 'IP SLA', MAC: 'Mac', AOSP: 'AOSP',
  };
  return nodeClass
    .split('_')
    .filter(Boolean)
    .map((w) => special[w] ?? w.charAt(0) + w.slice(1).toLowerCase())
    .join(' ');
}

/**
 * @param classesInUse node class → number of devices (in synced organisations) that have it.
 * @param valuesByClass node class → mapped asset field (folded name) → how many of those devices
 *   have a value for it. A type whose devices have no value for a field (a switch has no
 *   operating system) loses nothing without it. When absent, every device counts as having one.
 */
export function resolveCatalog(
  spec: Spec,
  halo: HaloSnapshot,
  classesInUse: ReadonlyMap<string, number>,
  report: Report,
  valuesByClass?: ReadonlyMap<string, ReadonlyMap<string, number>>,
): Catalog {
  const fold = (s: string) => s.trim().toLowerCase();
  const typesByName = new Map<string, HaloAssetType[]>();
  for (const t of halo.assetTypes) typesByName.set(fold(t.name), [...(typesByName.get(fold(t.name)) ?? []), t]);
  const fieldsByName = new Map<string, HaloField[]>();
  for (const f of halo.fields) fieldsByName.set(fold(f.name), [...(fieldsByName.get(fold(f.name)) ?? []), f]);

  // Asset types.
  const group = resolveGroup(spec, halo, report);
  const types = new Map<string, DesiredAssetType>();
  const perClass = new Map<string, DesiredAssetType | { skipped: string }>();
  const unmappedCreated: string[] = [];
  const unmappedSkipped: string[] = [];
  const mapped = new Map(spec.assetTypes.map.map((m) => [m.nodeClass, m]));
  for (const [nodeClass, count] of [...classesInUse].sort(([a], [b]) => a.localeCompare(b))) {
    const entry = mapped.get(nodeClass);
    let name = entry?.assetType;
    if (name === undefined) {
      if (spec.assetTypes.unmapped === 'skip') {
        perClass.set(nodeClass, { skipped: `node class ${nodeClass} is not in assetTypes.map and assetTypes.unmapped is skip` });
        unmappedSkipped.push(`${nodeClass} (${count} device${count === 1 ? '' : 's'})`);
        continue;
      }
      if (spec.assetTypes.unmapped === 'error') {
        report.errors.push(
          error(
            'Unmapped node class',
            `${count} device${count === 1 ? ' has' : 's have'} node class ${nodeClass}, which assetTypes.map does not list, and assetTypes.unmapped is error. Add ${nodeClass}: <Halo asset type> to assetTypes.map, or set assetTypes.unmapped to create or skip.`,
            ['assetTypes', 'map'],
          ),
        );
        perClass.set(nodeClass, { skipped: `node class ${nodeClass} is not mapped (see the error)` });
        continue;
      }
      name = assetTypeNameFor(nodeClass);
      // Only worth saying while the type is new: once it exists, this is the spec working as written.
      if (!typesByName.has(fold(name))) unmappedCreated.push(`${nodeClass} → "${name}" (${count} device${count === 1 ? '' : 's'})`);
    }
    const live = typesByName.get(fold(name)) ?? [];
    if (live.length > 1) {
      report.errors.push({
        ...error('Ambiguous Halo asset type', `${live.length} Halo asset types are named "${name}" (ids ${live.map((t) => t.id).join(', ')}); rename one of them in Halo.`, entry?.path),
        address: address('asset_type', name),
      });
      perClass.set(nodeClass, { skipped: `the asset type name "${name}" is ambiguous (see the error)` });
      continue;
    }
    const key = fold(name);
    let desired = types.get(key);
    if (!desired) {
      desired = {
        address: address('asset_type', live[0]?.name ?? name),
        name: live[0]?.name ?? name,
        ...(live[0] ? { live: live[0] } : group ? { group } : {}),
        nodeClasses: [],
      };
      types.set(key, desired);
    }
    desired.nodeClasses.push(nodeClass);
    perClass.set(nodeClass, desired);
  }
  if (unmappedCreated.length > 0) {
    report.warnings.push(
      warning(
        'Unmapped node classes',
        unmappedCreated.length === 1
          ? `assetTypes.map does not list 1 node class in use, so haloform will create an asset type named after it (assetTypes.unmapped: create): ${unmappedCreated[0]}. Map it in assetTypes.map to use an existing type instead.`
          : `assetTypes.map does not list ${unmappedCreated.length} node classes in use, so haloform will create asset types named after them (assetTypes.unmapped: create): ${list(unmappedCreated)}. Map them in assetTypes.map to use existing types instead.`,
        ['assetTypes', 'map'],
      ),
    );
  }
  if (unmappedSkipped.length > 0) {
    report.warnings.push(
      warning(
        'Devices of unmapped node classes not synced',
        `assetTypes.unmapped is skip, so devices of these classes are not synced: ${list(unmappedSkipped)}. Map a class in assetTypes.map to sync its devices.`,
        ['assetTypes', 'unmapped'],
      ),
    );
  }
  if ([...types.values()].some((t) => !t.live) && !group) {
    report.errors.push(error('No Halo asset group', 'haloform needs an asset group for the asset types it creates, but Halo lists none. Create one in Halo (Configuration > Asset Management > Asset Groups).', ['assetTypes']));
  }

  // Asset fields written by the spec.
  const fields: DesiredField[] = [];
  const seen = new Set<string>();
  const receiving = [...types.values()].filter((t) => t.live);
  const devicesWithValue = (type: DesiredAssetType, field: string) =>
    type.nodeClasses.reduce((sum, c) => sum + (valuesByClass ? valuesByClass.get(c)?.get(fold(field)) ?? 0 : classesInUse.get(c) ?? 0), 0);
  const liveNames = (keep: (t: HaloAssetType) => boolean) => halo.assetTypes.filter(keep).map((t) => t.name).sort((a, b) => a.localeCompare(b));
  for (const mapping of spec.assets.fields) {
    if (mapping.toProperty || seen.has(fold(mapping.to))) continue;
    seen.add(fold(mapping.to));
    const live = fieldsByName.get(fold(mapping.to)) ?? [];
    const where = [...mapping.path, 'to'];
    if (live.length > 1) {
      report.errors.push({
        ...error('Ambiguous Halo asset field', `${live.length} Halo asset fields are named "${mapping.to}" (ids ${live.map((f) => f.id).join(', ')}); rename one of them in Halo.`, where),
        address: address('asset_field', mapping.to),
      });
      continue;
    }
    const field = live[0];
    const format: TargetFormat = field?.type === HALO_DATE_FIELD_TYPE ? 'date' : 'text';
    if (!field) {
      if (!spec.assets.addMissingFieldsToTypes) {
        report.errors.push({
          ...error(
            'Unknown Halo asset field',
            `No Halo asset field is named "${mapping.to}".${didYouMean(mapping.to, halo.fields.map((f) => f.name))} Create it in Halo (Configuration > Asset Management > Fields), or set assets.addMissingFieldsToTypes: true to let haloform create it and add it to all asset types.`,
            where,
          ),
          address: address('asset_field', mapping.to),
        });
        continue;
      }
      fields.push({ address: address('asset_field', mapping.to), name: mapping.to, format, missingFrom: receiving.map((t) => t.live!), presentOn: [], addToAll: true });
      continue;
    }
    const lacking = receiving.filter((t) => !t.live!.fieldIds.includes(field.id) && devicesWithValue(t, mapping.to) > 0);
    const missingFrom = lacking.map((t) => t.live!);
    if (missingFrom.length > 0 && !spec.assets.addMissingFieldsToTypes) {
      const names = lacking.map((t) => {
        const devices = devicesWithValue(t, mapping.to);
        return `"${t.name}" (${devices} device${devices === 1 ? '' : 's'} with a value)`;
      });
      report.errors.push({
        ...error(
          'Mapped field missing from asset types',
          `Halo asset field "${field.name}" is not on asset type${missingFrom.length === 1 ? '' : 's'} ${list(names)}, so Halo would drop the value for those devices. Add the field to ${missingFrom.length === 1 ? 'that type' : 'those types'} in Halo, or set assets.addMissingFieldsToTypes: true.`,
          where,
        ),
        address: address('asset_field', field.name),
      });
    }
    fields.push({
      address: address('asset_field', field.name),
      name: field.name,
      live: field,
      format,
      missingFrom,
      presentOn: liveNames((t) => t.fieldIds.includes(field.id)),
      addToAll: missingFrom.length > 0 && spec.assets.addMissingFieldsToTypes,
    });
  }

  let serialField: HaloField | undefined;
  if (spec.assets.match.includes('serialNumber')) {
    const live = fieldsByName.get(fold(spec.assets.serialField)) ?? [];
    if (live.length === 1) serialField = live[0];
    else if (live.length === 0 && !fields.some((f) => fold(f.name) === fold(spec.assets.serialField))) {
      report.warnings.push(
        warning(
          'Serial field not in Halo',
          `assets.match uses serialNumber, but Halo has no asset field named "${spec.assets.serialField}", so no asset can be matched by serial.${didYouMean(spec.assets.serialField, halo.fields.map((f) => f.name))} Set assets.serialField to the field that holds serials.`,
          ['assets', 'serialField'],
        ),
      );
    }
  }

  const formats = new Map(fields.map((f) => [fold(f.name), f.format]));
  return {
    assetTypes: [...types.values()].sort((a, b) => a.name.localeCompare(b.name)),
    fields,
    typeFor: (nodeClass) => perClass.get(nodeClass) ?? { skipped: `node class ${nodeClass} was not planned` },
    formatOf: (target, isProperty) => (isProperty ? (DATE_PROPERTIES.has(target) ? 'date' : 'text') : formats.get(fold(target)) ?? 'text'),
    ...(serialField ? { serialField } : {}),
  };
}

function resolveGroup(spec: Spec, halo: HaloSnapshot, report: Report): { id: number; name: string } | undefined {
  const wanted = spec.assetTypes.group;
  if (wanted === undefined) {
    const first = [...halo.assetGroups].sort((a, b) => a.id - b.id)[0];
    return first ? { id: first.id, name: first.name } : undefined;
  }
  const hit = halo.assetGroups.filter((g) => g.name.trim().toLowerCase() === wanted.trim().toLowerCase());
  if (hit.length === 1) return { id: hit[0]!.id, name: hit[0]!.name };
  report.errors.push(
    error(
      'Unknown Halo asset group',
      `No single asset group named "${wanted}" exists in Halo.${didYouMean(wanted, halo.assetGroups.map((g) => g.name))} Asset groups in Halo: ${list(halo.assetGroups.map((g) => `"${g.name}"`))}.`,
      ['assetTypes', 'group'],
    ),
  );
  return undefined;
}
