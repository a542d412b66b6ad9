/** planDifference (src/plan/compare.ts): the first way a saved plan differs from a fresh one, in words. */

import { describe, expect, it } from 'vitest';
import { planDifference } from '../../src/plan/compare.js';
import type { Change, Plan } from '../../src/plan/plan.js';

const field = (action: Change['action'], haloId = 101): Change => ({ address: 'asset_field["Model"]', kind: 'asset_field', action, name: 'Model', haloId, fingerprint: String(Math.random()) });
const plan = (...changes: Change[]) => ({ changes }) as Plan;

describe('planDifference', () => {
  it('agrees when only fingerprints and reasons differ', () => {
    expect(planDifference(plan(field('no-op')), plan({ ...field('no-op'), reason: 'other words' }))).toBeUndefined();
  });

  it('names a change the saved plan leaves out, an action that differs, a value that differs, and one a fresh plan lacks', () => {
    expect(planDifference(plan(), plan(field('no-op')))).toBe('asset_field["Model"]: a fresh plan would leave it unchanged, but the saved plan does not mention it');
    expect(planDifference(plan(field('update')), plan(field('no-op')))).toBe('asset_field["Model"]: the saved plan would update it, a fresh plan would leave it unchanged');
    expect(planDifference(plan(field('no-op', 7)), plan(field('no-op')))).toBe('asset_field["Model"]: haloId is 7 in the saved plan, 101 in a fresh plan');
    expect(planDifference(plan(field('create')), plan())).toBe('asset_field["Model"]: the saved plan would create it, but a fresh plan has no such change');
  });
});
