/**
 * RMM node classes to Halo asset types (DESIGN.md §3): assetTypes.map, else a type named
 * after the class (or skipped, or an error) by assetTypes.unmapped; an existing type is found by
 * its unique case-insensitive name, a missing one is created in the asset group. Pure.
 */

import { error, warning, type SpecPath } from '../diagnostics/diagnostic.js';
import { didYouMean } from '../diagnostics/suggest.js';
import type { Spec } from '../config/spec.js';
import type { HaloAssetType, HaloSnapshot } from '../halo/types.js';
import { foldName, withName } from '../halo/names.js';
import { address } from './address.js';
import type { DesiredAssetType } from './desired.js';
import type { Report } from './report.js';
import { list } from './wording.js';

/** The asset types decided: by folded name (in the order first decided), and each node class's type or why its devices are not synced. */
export interface AssetTypes {
  types: Map<string, DesiredAssetType>;
  perClass: Map<string, DesiredAssetType | { skipped: string }>;
}

/** What the per-class steps share. */
interface TypeRun extends AssetTypes {
  spec: Spec;
  report: Report;
  typesByName: Map<string, HaloAssetType[]>;
  /** Why no asset type is created this run, when Halo sent one incomplete. */
  typesHeld: string | undefined;
  group: { id: number; name: string } | undefined;
  /** Unmapped classes whose type haloform creates, and unmapped classes skipped: for one warning each. */
  unmappedCreated: string[];
  unmappedSkipped: string[];
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
 * The type of each node class in use (in name order), then a warning each for unmapped classes
 * created and skipped, and an error when types must be created but Halo has no asset group.
 */
export function assetTypesOf(spec: Spec, halo: HaloSnapshot, classesInUse: ReadonlyMap<string, number>, typesHeld: string | undefined, report: Report): AssetTypes {
  const typesByName = new Map<string, HaloAssetType[]>();
  for (const t of halo.assetTypes) typesByName.set(foldName(t.name), [...(typesByName.get(foldName(t.name)) ?? []), t]);
  const group = resolveGroup(spec, halo, report);
  const run: TypeRun = { spec, report, typesByName, typesHeld, group, types: new Map(), perClass: new Map(), unmappedCreated: [], unmappedSkipped: [] };
  const mapped = new Map(spec.assetTypes.map.map((m) => [m.nodeClass, m]));
  for (const [nodeClass, count] of [...classesInUse].sort(([a], [b]) => a.localeCompare(b))) {
    const entry = mapped.get(nodeClass);
    const name = entry?.assetType ?? unmappedTypeName(run, nodeClass, count);
    run.perClass.set(nodeClass, typeof name === 'string' ? bindType(run, nodeClass, name, entry?.path) : name);
  }
  warnUnmappedClasses(run);
  if ([...run.types.values()].some((t) => !t.live) && !group) {
    report.errors.push(error('No Halo asset group', 'haloform needs an asset group for the asset types it creates, but Halo lists none. Create one in Halo (Configuration > Asset Management > Asset Groups).', ['assetTypes']));
  }
  return { types: run.types, perClass: run.perClass };
}

/** The asset group of the types haloform creates: the one the spec names, else Halo's first. */
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

/** The type name of a class assetTypes.map does not list, by assetTypes.unmapped, or why its devices are not synced. */
function unmappedTypeName(run: TypeRun, nodeClass: string, count: number): string | { skipped: string } {
  const { spec, report } = run;
  const devices = `${count} device${count === 1 ? '' : 's'}`;
  if (spec.assetTypes.unmapped === 'skip') {
    run.unmappedSkipped.push(`${nodeClass} (${devices})`);
    return { skipped: `node class ${nodeClass} is not in assetTypes.map and assetTypes.unmapped is skip` };
  }
  if (spec.assetTypes.unmapped === 'error') {
    report.errors.push(
      error(
        'Unmapped node class',
        `${count} device${count === 1 ? ' has' : 's have'} node class ${nodeClass}, which assetTypes.map does not list, and assetTypes.unmapped is error. Add ${nodeClass}: <Halo asset type> to assetTypes.map, or set assetTypes.unmapped to create or skip.`,
        ['assetTypes', 'map'],
      ),
    );
    return { skipped: `node class ${nodeClass} is not mapped (see the error)` };
  }
  const name = assetTypeNameFor(nodeClass);
  // Only worth saying while the type is new: once it exists, this is the spec working as written.
  if (!run.typesByName.has(foldName(name))) run.unmappedCreated.push(`${nodeClass} → "${name}" (${devices})`);
  return name;
}

/** The asset type of that name, shared by every class that names it; refused when Halo has several, held while Halo sent a type incomplete. */
function bindType(run: TypeRun, nodeClass: string, name: string, where: SpecPath | undefined): DesiredAssetType | { skipped: string } {
  const live = run.typesByName.get(foldName(name)) ?? [];
  if (live.length > 1) {
    run.report.errors.push({
      ...error('Ambiguous Halo asset type', `${live.length} Halo asset types are named "${name}" (ids ${live.map((t) => t.id).join(', ')}); rename one of them in Halo.`, where),
      address: address('asset_type', name),
    });
    return { skipped: `the asset type name "${name}" is ambiguous (see the error)` };
  }
  if (live.length === 0 && run.typesHeld) return { skipped: `${run.typesHeld} (asset type "${name}")` };
  const key = foldName(name);
  let desired = run.types.get(key);
  if (!desired) {
    desired = {
      address: address('asset_type', live[0]?.name ?? name),
      name: live[0]?.name ?? name,
      ...(live[0] ? { live: live[0] } : run.group ? { group: run.group } : {}),
      nodeClasses: [],
    };
    run.types.set(key, desired);
  }
  desired.nodeClasses.push(nodeClass);
  return desired;
}

/** One warning for the unmapped classes whose type haloform creates, one for those skipped. */
function warnUnmappedClasses({ report, unmappedCreated, unmappedSkipped }: TypeRun): void {
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
}
