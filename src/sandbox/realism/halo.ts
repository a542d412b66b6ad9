/** Placeholder: filled in by the Halo realism work (issue 13). */
import type { Random } from '../random.js';
import type { HaloSeed, NinjaSeed } from '../seed.js';

export function applyHaloRealism(seed: HaloSeed, _ninja: NinjaSeed, _random: Random): HaloSeed {
  return seed;
}
