/**
 * What a plan reads of NinjaOne, from the spec: the device fields it uses (identity, the serial
 * and name sources, the roots of every mapped path), and only the custom fields it maps — device,
 * organisation and location ones. Everything else is dropped as pages arrive.
 */

import type { Spec } from '../../config/spec.js';
import type { NinjaOneClient } from './client.js';
import type { RmmSnapshot } from '../snapshot.js';
import type { NinjaSnapshot } from './types.js';

/** The NinjaOne snapshot a plan of `spec` needs; with `since`, device custom fields only where they changed (`updatedAfter`). */
export function readForSpec(client: NinjaOneClient, spec: Spec, since?: { at: number; previous: RmmSnapshot }): Promise<NinjaSnapshot> {
  return client.readSnapshot({
    customFields: mappedCustomFields(spec),
    scopedCustomFields: scopedCustomFields(spec),
    deviceKeys: deviceKeysFor(spec),
    ...(since ? { customFieldsSince: { at: since.at, previous: since.previous.customFields } } : {}),
  });
}

/**
 * The device fields plan needs: identity (ids, names, serials — reference/ninjaone/NOTES.md §3),
 * the roots of the serial and name sources, and the roots of every path the spec maps. Everything
 * else is dropped as pages arrive.
 */
export function deviceKeysFor(spec: Spec): Set<string> {
  const keys = new Set(['id', 'uid', 'organizationId', 'locationId', 'nodeClass', 'deviceType', 'displayName', 'systemName', 'dnsName', 'netbiosName', 'system', 'serviceTag']);
  for (const path of [...spec.assets.fields.map((f) => f.from), ...spec.assets.serial.from, ...(spec.assets.user ? [spec.assets.user.from] : [])]) {
    const root = path[0]?.name;
    if (root && root !== 'customFields' && root !== 'organization' && root !== 'location') keys.add(root);
  }
  for (const source of spec.assets.name.from) keys.add(source.split('.')[0]!);
  return keys;
}

/** Device custom fields the spec reads: only these are fetched from NinjaOne. */
export function mappedCustomFields(spec: Spec): string[] {
  const paths = [...spec.assets.fields.filter((f) => f.source === 'path').map((f) => f.from), ...(spec.assets.user ? [spec.assets.user.from] : [])];
  return [...new Set(paths.filter((p) => p[0]?.name === 'customFields' && p[1]).map((p) => p[1]!.name))];
}

/** Organisation and location custom fields the spec reads: inherited device fields, and organization/location.customFields.* paths. */
export function scopedCustomFields(spec: Spec): string[] {
  const out = new Set<string>();
  for (const m of spec.assets.fields) {
    if (m.source !== 'path') continue;
    const [root, second, third] = m.from;
    if (root?.name === 'customFields' && m.inherit && second) out.add(second.name);
    if ((root?.name === 'organization' || root?.name === 'location') && second?.name === 'customFields' && third) out.add(third.name);
  }
  return [...out];
}
