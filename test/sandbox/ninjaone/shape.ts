/**
 * Compares the shape of two JSON values — the same keys, in the same order, with the same value
 * types, recursively — so the simulator's output can be held to a real captured response.
 */

type Kind = 'string' | 'number' | 'boolean' | 'null' | 'array' | 'object' | 'undefined';

function kind(value: unknown): Kind {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value as Kind;
}

/**
 * Differences between a real `sample` and our `actual`, as readable lines ([] when the shapes
 * match). `allowExtra` lists paths (like `$.severity`) that may appear in ours only — each must
 * be justified where it is used. Array items of ours are compared with the sample's first item.
 */
export function shapeDiff(sample: unknown, actual: unknown, allowExtra: readonly string[] = [], path = '$'): string[] {
  const expected = kind(sample);
  const got = kind(actual);
  if (expected !== got) return [`${path}: the sample has ${expected}, ours has ${got}`];
  if (expected === 'array') {
    const items = sample as unknown[];
    if (items.length === 0) return [];
    return (actual as unknown[]).flatMap((item, i) => shapeDiff(items[0], item, allowExtra, `${path}[${i}]`).map((d) => d.replace(`${path}[${i}]`, `${path}[]`)));
  }
  if (expected !== 'object') return [];
  const s = sample as Record<string, unknown>;
  const a = actual as Record<string, unknown>;
  const diffs: string[] = [];
  for (const key of Object.keys(s)) {
    if (!(key in a)) diffs.push(`${path}.${key}: missing from ours`);
    else diffs.push(...shapeDiff(s[key], a[key], allowExtra, `${path}.${key}`));
  }
  for (const key of Object.keys(a)) if (!(key in s) && !allowExtra.includes(`${path}.${key}`)) diffs.push(`${path}.${key}: ours has it, the sample does not`);
  const common = Object.keys(a).filter((k) => k in s);
  const sampleOrder = Object.keys(s).filter((k) => k in a);
  if (common.join() !== sampleOrder.join()) diffs.push(`${path}: keys in another order (sample: ${sampleOrder.join(', ')}; ours: ${common.join(', ')})`);
  return [...new Set(diffs)];
}
