/**
 * What the fuzz tests share: the seed (HALOFORM_FUZZ_SEED, else a fixed default, so a run is
 * repeatable) and a small seeded PRNG (mulberry32) that gives each case its own stream, so one
 * case can be replayed alone.
 */

export const DEFAULT_SEED = 0x5eed_2024;

export function parseSeed(text: string | undefined): number | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const n = Number(text.trim());
  if (!Number.isFinite(n)) throw new Error(`HALOFORM_FUZZ_SEED must be a number, got ${JSON.stringify(text)}`);
  return n >>> 0;
}

/** The run's seed, and how reports write it. */
export const SEED = parseSeed(process.env.HALOFORM_FUZZ_SEED) ?? DEFAULT_SEED;
export const seedText = `0x${SEED.toString(16)}`;

export interface Rng {
  next(): number;
  int(n: number): number;
  range(lo: number, hi: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
}

/** Case `index` of `stream`: the same numbers for the same seed, unrelated ones for neighbours. */
export function rngFor(seed: number, stream: number, index: number): Rng {
  let a = (seed ^ Math.imul(stream + 1, 0x85ebca6b) ^ Math.imul(index + 1, 0x9e3779b9)) >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  // Warm up: neighbouring seeds give unrelated streams.
  for (let i = 0; i < 4; i++) next();
  const int = (n: number) => Math.floor(next() * n);
  return {
    next,
    int,
    range: (lo, hi) => lo + int(hi - lo + 1),
    pick: (items) => items[int(items.length)]!,
    chance: (p) => next() < p,
  };
}
