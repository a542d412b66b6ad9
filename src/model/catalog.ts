/**
 * RMM node classes to Halo asset types, and the Halo side of every mapping: which asset
 * fields and custom fields exist, what type each holds (so values are converted, or refused, per
 * type), which haloform creates (with their type), and which asset types lack a mapped field
 * (Halo's "Add to all asset types", or a plan error naming every type and field). The steps live
 * in asset-types.ts and asset-fields.ts. Pure.
 */

import type { FieldMapping, Spec } from '../config/spec.js';
import type { HaloField, HaloSnapshot } from '../halo/types.js';
import type { CatalogRmm } from './asset-fields.js';
import { foldName } from '../halo/names.js';
import { mappingTargetsOf, serialFieldOf, type FieldInputs, type MappingTarget } from './asset-fields.js';
import { assetTypesOf } from './asset-types.js';
import type { DesiredAssetType, DesiredField } from './desired.js';
import type { Report } from './report.js';

export type { MappingTarget } from './asset-fields.js';
export { assetTypeNameFor } from './asset-types.js';

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
  valuesByClass: ReadonlyMap<string, ReadonlyMap<string, number>> | undefined,
  rmm: CatalogRmm,
): Catalog {
  const fieldsByName = new Map<string, HaloField[]>();
  for (const f of halo.fields) fieldsByName.set(foldName(f.name), [...(fieldsByName.get(foldName(f.name)) ?? []), f]);
  // A type or field Halo listed without its id or name may be the one haloform would create: create none until Halo sends it whole.
  const typesHeld = incomplete(halo, 'asset type');
  const fieldsHeld = incomplete(halo, 'asset field');

  // Node classes → asset types, then mappings → the fields and properties they write.
  const { types, perClass } = assetTypesOf(spec, halo, classesInUse, typesHeld, report);
  const inputs: FieldInputs = {
    spec,
    halo,
    report,
    fieldsByName,
    fieldsHeld,
    receiving: [...types.values()].filter((t) => t.live),
    devicesWithValue: (type, field) => type.nodeClasses.reduce((sum, c) => sum + (valuesByClass ? valuesByClass.get(c)?.get(foldName(field)) ?? 0 : classesInUse.get(c) ?? 0), 0),
    rmm,
  };
  const { fields, targets } = mappingTargetsOf(inputs);
  const serialField = serialFieldOf(inputs, fields);

  return {
    assetTypes: [...types.values()].sort((a, b) => a.name.localeCompare(b.name)),
    fields,
    typeFor: (nodeClass) => (nodeClass === undefined ? { skipped: `${rmm.provider.name} did not say its node class` } : perClass.get(nodeClass) ?? { skipped: `node class ${nodeClass} was not planned` }),
    targetOf: (mapping) => targets.get(mapping),
    ...(serialField ? { serialField } : {}),
  };
}

/** Why haloform creates no object of a kind this run: Halo listed a row of it without its id or its name, which may be the very one. */
function incomplete(halo: HaloSnapshot, noun: 'asset type' | 'asset field'): string | undefined {
  const row = halo.problems.find((p) => p.api === 'Halo' && p.noun === noun && (p.dropped || p.field === 'name'));
  return row ? `Halo sent an ${noun} row without its ${row.dropped ? 'id' : 'name'} (${row.row}), which may be this one, so haloform creates no ${noun} until Halo sends it whole` : undefined;
}
