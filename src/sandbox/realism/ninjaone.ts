/** Placeholder: filled in by the NinjaOne realism work (issue 13). */
import type { Random } from '../random.js';
import type { NinjaSeed } from '../seed.js';

export function applyNinjaRealism(seed: NinjaSeed, _random: Random): NinjaSeed {
  return seed;
}
