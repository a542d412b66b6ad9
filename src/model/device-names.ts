/**
 * What a NinjaOne device is called: the first of `assets.name.from` it has (default displayName,
 * then systemName, then dnsName), else "NinjaOne device <id>". Cloud monitors carry only a
 * systemName and some unmanaged devices only a displayName, so no single field names every
 * device. Used for asset tags, plan lines and alert tickets alike. Pure.
 */

/** The default `assets.name.from`. */
export const DEFAULT_NAME_SOURCES = ['displayName', 'systemName', 'dnsName'] as const;

/** The name of a device that has none of the sources. */
export function fallbackDeviceName(id: number | undefined): string {
  return id === undefined ? 'NinjaOne device' : `NinjaOne device ${id}`;
}

/**
 * The first non-empty string among `sources` (top-level keys, or dotted paths such as
 * `system.name`) of `record`, trimmed; undefined when it has none.
 */
export function nameFrom(record: Readonly<Record<string, unknown>>, sources: readonly string[] = DEFAULT_NAME_SOURCES): string | undefined {
  for (const source of sources) {
    let value: unknown = record;
    for (const key of source.split('.')) {
      value = value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>)[key] : undefined;
    }
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
  }
  return undefined;
}

/** `nameFrom`, else "NinjaOne device <id>". */
export function deviceDisplayName(record: Readonly<Record<string, unknown>>, id: number | undefined, sources: readonly string[] = DEFAULT_NAME_SOURCES): string {
  return nameFrom(record, sources) ?? fallbackDeviceName(id);
}
