/**
 * The Halo side of every mapping in assets.fields: a Halo asset property, an asset field or an
 * asset custom field; what type each holds (so values are converted, or refused, per type);
 * which fields haloform creates (with their type); which asset types lack a mapped field (Halo's
 * "Add to all asset types", or a plan error naming every type and field); the serial field. Pure.
 */

import { error, warning, type SpecPath } from '../diagnostics/diagnostic.js';
import { didYouMean } from '../diagnostics/suggest.js';
import type { FieldMapping, Spec, ValueType } from '../config/spec.js';
import type { HaloCustomField, HaloField, HaloFieldOption, HaloFieldType, HaloSnapshot } from '../halo/types.js';
import type { RmmSnapshot } from '../rmm/snapshot.js';
import { foldName } from '../halo/names.js';
import { address } from './address.js';
import type { TargetType } from './convert.js';
import type { DesiredAssetType, DesiredField } from './desired.js';
import { customFieldOf, pathIsTimestamp } from './device-values.js';
import type { Report } from './report.js';
import { list } from './wording.js';

/** Halo asset properties that hold dates (Device schema: `warranty_end: string(date-time)`, ...). */
const DATE_PROPERTIES = new Set(['warranty_start', 'warranty_end', 'labour_warranty_start', 'labour_warranty_end', 'supplier_purchasedate', 'commissiondate']);

/** What the catalog reads of the RMM. */
export type CatalogRmm = Pick<RmmSnapshot, 'provider' | 'customFieldDefinitions'>;

/** The Halo side of one mapping: where it is written and what it holds. */
export interface MappingTarget {
  kind: 'property' | 'field' | 'customfield';
  /** The property key, or the field's name as Halo spells it. */
  name: string;
  type: TargetType;
  /** The live field (asset field or custom field), when it exists. */
  live?: HaloField | HaloCustomField;
}

/** What the field steps look at. */
export interface FieldInputs {
  spec: Spec;
  halo: HaloSnapshot;
  report: Report;
  /** Halo asset fields by folded name. */
  fieldsByName: Map<string, HaloField[]>;
  /** Why no asset field is created this run, when Halo sent one incomplete. */
  fieldsHeld: string | undefined;
  /** The asset types that exist in Halo and receive devices. */
  receiving: DesiredAssetType[];
  /** How many devices of a type have a value for a field. */
  devicesWithValue(type: DesiredAssetType, field: string): number;
  /** The RMM: its custom field definitions (what a field haloform creates holds) and its timestamp keys. */
  rmm: CatalogRmm;
}

/** Each mapping's target, in spec order; an asset field two mappings write is decided once. */
export function mappingTargetsOf(inputs: FieldInputs): { fields: DesiredField[]; targets: Map<FieldMapping, MappingTarget> } {
  const { spec, halo, report } = inputs;
  const fields: DesiredField[] = [];
  const targets = new Map<FieldMapping, MappingTarget>();
  const seen = new Map<string, DesiredField>();
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
    const field = known ?? assetFieldOf(inputs, mapping);
    if (!field) continue;
    if (!known) {
      fields.push(field);
      seen.set(foldName(mapping.to), field);
    }
    targets.set(mapping, fieldTarget(field, mapping, report));
  }
  return { fields, targets };
}

/** The asset field a mapping writes: the one Halo field of that name, else one haloform creates; undefined (with a diagnostic) when neither can be. */
function assetFieldOf(inputs: FieldInputs, mapping: FieldMapping): DesiredField | undefined {
  const live = inputs.fieldsByName.get(foldName(mapping.to)) ?? [];
  const where = [...mapping.path, 'to'];
  if (live.length > 1) {
    inputs.report.errors.push({
      ...error('Ambiguous Halo asset field', `${live.length} Halo asset fields are named "${mapping.to}" (ids ${live.map((f) => f.id).join(', ')}); rename one of them in Halo.`, where),
      address: address('asset_field', mapping.to),
    });
    return undefined;
  }
  return live[0] ? liveAssetField(inputs, mapping, live[0], where) : newAssetField(inputs, mapping, where);
}

/** A field Halo lacks: created and added to all asset types when the spec allows it and no incomplete row may be it. */
function newAssetField({ spec, halo, report, fieldsHeld, receiving, rmm }: FieldInputs, mapping: FieldMapping, where: SpecPath): DesiredField | undefined {
  if (fieldsHeld) {
    report.warnings.push({
      ...warning('Asset field not created', `No Halo asset field is named "${mapping.to}", but ${fieldsHeld}, so its values are not written this run. Fix that row in Halo (see the incomplete rows), or create the field.`, where),
      address: address('asset_field', mapping.to),
    });
    return undefined;
  }
  if (!spec.assets.addMissingFieldsToTypes) {
    report.errors.push({
      ...error(
        'Unknown Halo asset field',
        `No Halo asset field is named "${mapping.to}".${didYouMean(mapping.to, halo.fields.map((f) => f.name))} Create it in Halo (Configuration > Asset Management > Fields), or set assets.addMissingFieldsToTypes: true to let haloform create it and add it to all asset types.`,
        where,
      ),
      address: address('asset_field', mapping.to),
    });
    return undefined;
  }
  const created = createdFieldType(mapping, rmm);
  return {
    address: address('asset_field', mapping.to),
    name: mapping.to,
    type: created.type,
    options: created.options,
    missingFrom: receiving.map((t) => t.live!),
    presentOn: [],
    addToAll: true,
  };
}

/** A field Halo has, and the asset types that lack it but receive devices with a value for it: added to them, or an error naming each. */
function liveAssetField({ spec, halo, report, receiving, devicesWithValue }: FieldInputs, mapping: FieldMapping, field: HaloField, where: SpecPath): DesiredField {
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
  return {
    address: address('asset_field', field.name),
    name: field.name,
    live: field,
    type: field.type,
    options: field.options,
    missingFrom,
    presentOn: halo.assetTypes
      .filter((t) => t.fieldIds.includes(field.id))
      .map((t) => t.name)
      .sort((a, b) => a.localeCompare(b)),
    addToAll: missingFrom.length > 0 && spec.assets.addMissingFieldsToTypes,
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

/** What a field haloform creates holds: the mapping's type:, else what the RMM's source field is, else text. */
function createdFieldType(mapping: FieldMapping, rmm: CatalogRmm): { type: HaloFieldType; options: HaloFieldOption[] } {
  const definition = customFieldOf(mapping.from) !== undefined ? rmm.customFieldDefinitions.get(customFieldOf(mapping.from)!) : undefined;
  const type: HaloFieldType = mapping.type ?? definition?.kind ?? (mapping.source === 'path' && pathIsTimestamp(mapping.from, rmm.provider) ? 'datetime' : 'text');
  // A selection haloform creates gets the RMM field's options (ids come from Halo once it exists).
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

/** The live field that holds serials, when assets.match uses serials; a warning when Halo has none and haloform creates none. */
export function serialFieldOf({ spec, halo, report, fieldsByName }: FieldInputs, fields: readonly DesiredField[]): HaloField | undefined {
  if (!spec.assets.match.includes('serialNumber')) return undefined;
  const live = fieldsByName.get(foldName(spec.assets.serialField)) ?? [];
  if (live.length === 1) return live[0];
  if (live.length === 0 && !fields.some((f) => foldName(f.name) === foldName(spec.assets.serialField))) {
    report.warnings.push(
      warning(
        'Serial field not in Halo',
        `assets.match uses serialNumber, but Halo has no asset field named "${spec.assets.serialField}", so no asset can be matched by serial.${didYouMean(spec.assets.serialField, halo.fields.map((f) => f.name))} Set assets.serialField to the field that holds serials.`,
        ['assets', 'serialField'],
      ),
    );
  }
  return undefined;
}
