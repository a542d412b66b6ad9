/**
 * NinjaOne node classes to Halo asset types, and the Halo side of every mapping: which asset
 * fields and custom fields exist, what type each holds (so values are converted, or refused, per
 * type), which haloform creates (with their type), and which asset types lack a mapped field
 * (Halo's "Add to all asset types", or a plan error naming every type and field). Pure.
 */

import { error, warning, type Diagnostic } from '../diagnostics/diagnostic.js';
import { didYouMean } from '../diagnostics/suggest.js';
import type { FieldMapping, Spec, ValueType } from '../config/spec.js';
import type { HaloAssetType, HaloCustomField, HaloField, HaloFieldOption, HaloFieldType, HaloSnapshot } from '../halo/types.js';
import type { NinjaCustomFieldDefinition } from '../ninjaone/types.js';
import { address } from './address.js';
import type { TargetType } from './convert.js';
import { list } from './customers.js';
import type { DesiredAssetType, DesiredField } from './desired.js';
import { customFieldOf, pathIsTimestamp } from './device-values.js';
import { foldName, withName } from '../halo/names.js';

/** Halo asset properties that hold dates (Device schema: `warranty_end: string(date-time)`, ...). */
const DATE_PROPERTIES = new Set(['warranty_start', 'warranty_end', 'labour_warranty_start', 'labour_warranty_end', 'supplier_purchasedate', 'commissiondate']);

/** The Halo side of one mapping: where it is written and what it holds. */
export interface MappingTarget {
  kind: 'property' | 'field' | 'customfield';
  /** The property key, or the field's name as Halo spells it. */
  name: string;
  type: TargetType;
  /** The live field (asset field or custom field), when it exists. */
  live?: HaloField | HaloCustomField;
}

export interface Catalog {
  assetTypes: DesiredAssetType[];
  fields: DesiredField[];
  /** The type a node class's devices get, or why they are not synced. */
  typeFor(nodeClass: string | undefined): DesiredAssetType | { skipped: string };
  /** Where and as what a mapping writes; undefined when it cannot be written (an error says why). */
  targetOf(mapping: FieldMapping): MappingTarget | undefined;
  /** The live field that holds serials, when it exists. */
  serialField?: HaloField;
}

/** NinjaOne custom field types as Halo field types, for fields haloform creates. */
const NINJA_TYPES: Readonly<Record<string, HaloFieldType>> = {
  DATE: 'date',
  DATE_TIME: 'datetime',
  NUMERIC: 'number',
  DECIMAL: 'number',
  CHECKBOX: 'boolean',
  DROPDOWN: 'select',
  MULTI_SELECT: 'multiselect',
  TEXT_MULTILINE: 'memo',
  WYSIWYG: 'memo',
};

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
  ninjaDefinitions: ReadonlyMap<string, NinjaCustomFieldDefinition> = new Map(),
): Catalog {
  const typesByName = new Map<string, HaloAssetType[]>();
  for (const t of halo.assetTypes) typesByName.set(foldName(t.name), [...(typesByName.get(foldName(t.name)) ?? []), t]);
  const fieldsByName = new Map<string, HaloField[]>();
  for (const f of halo.fields) fieldsByName.set(foldName(f.name), [...(fieldsByName.get(foldName(f.name)) ?? []), f]);

  // A type or field Halo listed without its id or name may be the one haloform would create: create none until Halo sends it whole.
  const typesHeld = incomplete(halo, 'asset type');
  const fieldsHeld = incomplete(halo, 'asset field');

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
      if (!typesByName.has(foldName(name))) unmappedCreated.push(`${nodeClass} → "${name}" (${count} device${count === 1 ? '' : 's'})`);
    }
    const live = typesByName.get(foldName(name)) ?? [];
    if (live.length > 1) {
      report.errors.push({
        ...error('Ambiguous Halo asset type', `${live.length} Halo asset types are named "${name}" (ids ${live.map((t) => t.id).join(', ')}); rename one of them in Halo.`, entry?.path),
        address: address('asset_type', name),
      });
      perClass.set(nodeClass, { skipped: `the asset type name "${name}" is ambiguous (see the error)` });
      continue;
    }
    if (live.length === 0 && typesHeld) {
      perClass.set(nodeClass, { skipped: `${typesHeld} (asset type "${name}")` });
      continue;
    }
    const key = foldName(name);
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
  const targets = new Map<FieldMapping, MappingTarget>();
  const seen = new Map<string, DesiredField>();
  const receiving = [...types.values()].filter((t) => t.live);
  const devicesWithValue = (type: DesiredAssetType, field: string) =>
    type.nodeClasses.reduce((sum, c) => sum + (valuesByClass ? valuesByClass.get(c)?.get(foldName(field)) ?? 0 : classesInUse.get(c) ?? 0), 0);
  const liveNames = (keep: (t: HaloAssetType) => boolean) => halo.assetTypes.filter(keep).map((t) => t.name).sort((a, b) => a.localeCompare(b));
  for (const mapping of spec.assets.fields) {
    if (mapping.target === 'property') {
      targets.set(mapping, { kind: 'property', name: mapping.to, type: { type: DATE_PROPERTIES.has(mapping.to) ? 'date' : 'text', options: [], label: `Halo asset property ${mapping.to}` } });
      continue;
    }
    if (mapping.target === 'customfield') {
      const target = customFieldTarget(mapping, halo, report);
      if (target) targets.set(mapping, target);
      continue;
    }
    const known = seen.get(foldName(mapping.to));
    if (known) {
      targets.set(mapping, fieldTarget(known, mapping, report));
      continue;
    }
    const live = fieldsByName.get(foldName(mapping.to)) ?? [];
    const where = [...mapping.path, 'to'];
    if (live.length > 1) {
      report.errors.push({
        ...error('Ambiguous Halo asset field', `${live.length} Halo asset fields are named "${mapping.to}" (ids ${live.map((f) => f.id).join(', ')}); rename one of them in Halo.`, where),
        address: address('asset_field', mapping.to),
      });
      continue;
    }
    const field = live[0];
    if (!field && fieldsHeld) {
      report.warnings.push({
        ...warning('Asset field not created', `No Halo asset field is named "${mapping.to}", but ${fieldsHeld}, so its values are not written this run. Fix that row in Halo (see the incomplete rows), or create the field.`, where),
        address: address('asset_field', mapping.to),
      });
      continue;
    }
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
      const created = createdFieldType(mapping, ninjaDefinitions);
      const desired: DesiredField = {
        address: address('asset_field', mapping.to),
        name: mapping.to,
        type: created.type,
        options: created.options,
        missingFrom: receiving.map((t) => t.live!),
        presentOn: [],
        addToAll: true,
      };
      fields.push(desired);
      seen.set(foldName(mapping.to), desired);
      targets.set(mapping, fieldTarget(desired, mapping, report));
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
    const desired: DesiredField = {
      address: address('asset_field', field.name),
      name: field.name,
      live: field,
      type: field.type,
      options: field.options,
      missingFrom,
      presentOn: liveNames((t) => t.fieldIds.includes(field.id)),
      addToAll: missingFrom.length > 0 && spec.assets.addMissingFieldsToTypes,
    };
    fields.push(desired);
    seen.set(foldName(mapping.to), desired);
    targets.set(mapping, fieldTarget(desired, mapping, report));
  }

  let serialField: HaloField | undefined;
  if (spec.assets.match.includes('serialNumber')) {
    const live = fieldsByName.get(foldName(spec.assets.serialField)) ?? [];
    if (live.length === 1) serialField = live[0];
    else if (live.length === 0 && !fields.some((f) => foldName(f.name) === foldName(spec.assets.serialField))) {
      report.warnings.push(
        warning(
          'Serial field not in Halo',
          `assets.match uses serialNumber, but Halo has no asset field named "${spec.assets.serialField}", so no asset can be matched by serial.${didYouMean(spec.assets.serialField, halo.fields.map((f) => f.name))} Set assets.serialField to the field that holds serials.`,
          ['assets', 'serialField'],
        ),
      );
    }
  }

  return {
    assetTypes: [...types.values()].sort((a, b) => a.name.localeCompare(b.name)),
    fields,
    typeFor: (nodeClass) => (nodeClass === undefined ? { skipped: 'NinjaOne did not say its node class' } : perClass.get(nodeClass) ?? { skipped: `node class ${nodeClass} was not planned` }),
    targetOf: (mapping) => targets.get(mapping),
    ...(serialField ? { serialField } : {}),
  };
}

/**
 * The target of a mapping to an asset field. Halo's own type wins; a mapping's `type:` decides
 * only where Halo does not say (its API gives asset fields no type), and contradicting a type
 * Halo states is an error.
 */
function fieldTarget(field: DesiredField, mapping: FieldMapping, report: Report): MappingTarget {
  const known = field.live ? field.live.typeKnown : true;
  let type: HaloFieldType | ValueType = field.type;
  if (mapping.type !== undefined && mapping.type !== field.type) {
    if (known && !(mapping.type === 'text' && field.type === 'memo')) {
      report.errors.push({
        ...error(
          'Mapping type contradicts Halo',
          `The mapping says "${mapping.to}" holds ${mapping.type}, but Halo says the field is ${field.type}. Remove type: from the mapping (Halo's own type is used), or map another field.`,
          [...mapping.path, 'type'],
        ),
        address: field.address,
      });
    } else type = mapping.type;
  }
  return { kind: 'field', name: field.name, type: { type, options: field.options, label: `Halo field "${field.name}"` }, ...(field.live ? { live: field.live } : {}) };
}

/** What a field haloform creates holds: the mapping's type:, else what the NinjaOne source is, else text. */
function createdFieldType(mapping: FieldMapping, definitions: ReadonlyMap<string, NinjaCustomFieldDefinition>): { type: HaloFieldType; options: HaloFieldOption[] } {
  const definition = customFieldOf(mapping.from) !== undefined ? definitions.get(customFieldOf(mapping.from)!) : undefined;
  const type: HaloFieldType = mapping.type ?? (definition ? NINJA_TYPES[definition.type] : undefined) ?? (mapping.source === 'path' && pathIsTimestamp(mapping.from) ? 'datetime' : 'text');
  // A selection haloform creates gets the NinjaOne field's options (ids come from Halo once it exists).
  const options = (type === 'select' || type === 'multiselect') && definition ? [...definition.options.values()].map((name, i) => ({ id: -(i + 1), name })) : [];
  return { type, options };
}

/** A mapping to `customfields.<name>`: the asset custom field of that API name or label. */
function customFieldTarget(mapping: FieldMapping, halo: HaloSnapshot, report: Report): MappingTarget | undefined {
  const byName = halo.customFields.filter((f) => foldName(f.name) === foldName(mapping.to));
  const hits = byName.length > 0 ? byName : halo.customFields.filter((f) => foldName(f.label) === foldName(mapping.to));
  const where = [...mapping.path, 'to'];
  if (hits.length !== 1) {
    report.errors.push(
      error(
        hits.length === 0 ? 'Unknown Halo custom field' : 'Ambiguous Halo custom field',
        hits.length === 0
          ? `No Halo asset custom field is named or labelled "${mapping.to}".${didYouMean(mapping.to, halo.customFields.map((f) => f.name))} haloform does not create custom fields: create it in Halo (Configuration > Custom Objects > Custom Fields > Assets), or correct the name (customfields.<API name>, e.g. customfields.CFcontractTier).`
          : `${hits.length} Halo asset custom fields are labelled "${mapping.to}" (${hits.map((f) => `${f.name}, id ${f.id}`).join('; ')}); name one by its API name: customfields.${hits[0]!.name}.`,
        where,
      ),
    );
    return undefined;
  }
  const field = hits[0]!;
  let type: HaloFieldType | ValueType = field.type;
  if (mapping.type !== undefined && mapping.type !== field.type) {
    if (field.typeKnown) {
      report.errors.push(error('Mapping type contradicts Halo', `The mapping says custom field "${field.name}" holds ${mapping.type}, but Halo says it is ${field.type}. Remove type: from the mapping.`, [...mapping.path, 'type']));
    } else type = mapping.type;
  }
  return { kind: 'customfield', name: field.name, type: { type, options: field.options, label: `Halo custom field "${field.label || field.name}"` }, live: field };
}

function resolveGroup(spec: Spec, halo: HaloSnapshot, report: Report): { id: number; name: string } | undefined {
  const wanted = spec.assetTypes.group;
  if (wanted === undefined) {
    const first = [...halo.assetGroups].sort((a, b) => a.id - b.id)[0];
    return first ? { id: first.id, name: first.name } : undefined;
  }
  const hit = withName(halo.assetGroups, wanted);
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

/** Why haloform creates no object of a kind this run: Halo listed a row of it without its id or its name, which may be the very one. */
function incomplete(halo: HaloSnapshot, noun: 'asset type' | 'asset field'): string | undefined {
  const row = halo.problems.find((p) => p.api === 'Halo' && p.noun === noun && (p.dropped || p.field === 'name'));
  return row ? `Halo sent an ${noun} row without its ${row.dropped ? 'id' : 'name'} (${row.row}), which may be this one, so haloform creates no ${noun} until Halo sends it whole` : undefined;
}
