/**
 * What a device is called: the first of `assets.name.from` it has (the provider's name sources
 * by default; NinjaOne's are displayName, systemName, dnsName), else "<RMM> device <id>". No
 * single field names every device (cloud monitors, unmanaged devices). Used for asset tags, plan
 * lines and alert tickets alike. Pure.
 */

import { deviceNoun, type RmmProvider } from '../rmm/provider.js';
import type { RmmId } from '../rmm/snapshot.js';

/**
 * The first non-empty string among `sources` (top-level keys, or dotted paths such as
 * `system.name`) of `record`, trimmed; undefined when it has none.
 */
export function nameFrom(record: Readonly<Record<string, unknown>>, sources: readonly string[]): string | undefined {
  for (const source of sources) {
    let value: unknown = record;
    for (const key of keysOf(source)) {
      value = value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>)[key] : undefined;
    }
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
  }
  return undefined;
}

/** A name source's keys (`system.name` → system, name), split once per source: names are read for every device. */
const sourceKeys = new Map<string, readonly string[]>();

function keysOf(source: string): readonly string[] {
  let keys = sourceKeys.get(source);
  if (keys === undefined) {
    keys = source.split('.');
    sourceKeys.set(source, keys);
  }
  return keys;
}

/** `nameFrom`, else "<RMM> device <id>". */
export function deviceDisplayName(provider: RmmProvider, record: Readonly<Record<string, unknown>>, id: RmmId | undefined, sources: readonly string[] = provider.devices.nameSources): string {
  return nameFrom(record, sources) ?? deviceNoun(provider, id);
}
