import { describe, expect, it } from 'vitest';
import { suggest } from '../../src/diagnostics/suggest.js';

describe('suggest', () => {
  it.each([
    { value: 'clsoe', candidates: ['close', 'note', 'none'], expected: 'close' },
    { value: 'ticketTyp', candidates: ['ticketType', 'priority'], expected: 'ticketType' },
    { value: 'main_site', candidates: ['create', 'main-site', 'catch-all'], expected: 'main-site' },
    { value: 'Deactivate', candidates: ['deactivate', 'keep'], expected: 'deactivate' },
    { value: 'banana', candidates: ['close', 'note', 'none'], expected: undefined },
    { value: 'x', candidates: ['close'], expected: undefined },
  ])('$value → $expected', ({ value, candidates, expected }) => {
    expect(suggest(value, candidates)).toBe(expected);
  });
});
