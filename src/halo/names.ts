/**
 * How Halo compares names: case and surrounding spaces do not count ("Contoso " is "contoso").
 * Every lookup of a Halo object by the name a spec or the RMM gives it goes through here, so
 * plan, apply and serve can never disagree on whether two names are the same.
 */

/** The form names are compared in. */
export function foldName(name: string): string {
  return name.trim().toLowerCase();
}

export function sameName(a: string | undefined | null, b: string | undefined | null): boolean {
  return a != null && b != null && foldName(a) === foldName(b);
}

/** Every item whose name is `wanted`, in list order. */
export function withName<T extends { name: string }>(items: readonly T[], wanted: string): T[] {
  const key = foldName(wanted);
  return items.filter((item) => foldName(item.name) === key);
}

/** The first item whose name is `wanted`. */
export function findByName<T extends { name: string }>(items: readonly T[], wanted: string): T | undefined {
  const key = foldName(wanted);
  return items.find((item) => foldName(item.name) === key);
}

/** The items by folded name; the first of equal names wins, as `findByName` would find it. */
export function indexByName<T extends { name: string }>(items: readonly T[]): Map<string, T> {
  const out = new Map<string, T>();
  for (const item of items) if (!out.has(foldName(item.name))) out.set(foldName(item.name), item);
  return out;
}
