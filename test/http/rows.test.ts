import { describe, expect, it } from 'vitest';
import { RowReader, type ReadProblem } from '../../src/http/rows.js';

function read(record: Record<string, unknown>, use: (row: RowReader) => unknown): { value: unknown; kept: boolean; problems: ReadProblem[] } {
  const problems: ReadProblem[] = [];
  const row = new RowReader(record, 'Halo', 'GET /api/Site', 'site', 'sites[3]');
  const value = use(row);
  const kept = row.report((p) => problems.push(p));
  return { value, kept, problems };
}

describe('reading one row as real tenants send it', () => {
  it.each([
    { raw: 21, expected: 21 },
    { raw: 21.0, expected: 21 },
    { raw: '21', expected: 21 },
    { raw: ' 21.0 ', expected: 21 },
  ])('reads the id $raw as $expected', ({ raw, expected }) => {
    expect(read({ id: raw }, (r) => r.int('id', { identity: 'left out' })).value).toBe(expected);
  });

  it.each([
    { raw: undefined, problem: 'is missing' },
    { raw: null, problem: 'is null' },
    { raw: '', problem: 'is empty' },
    { raw: -1, problem: 'is -1 (none)' },
    { raw: 'abc', problem: 'is "abc", not a whole number' },
    { raw: 2.5, problem: 'is 2.5, not a whole number' },
    { raw: {}, problem: 'is an object, not a whole number' },
  ])('a needed field that $problem is absent, the row kept, the problem said', ({ raw, problem }) => {
    const { value, kept, problems } = read({ id: 12, client_id: raw }, (r) => {
      r.name('site 12 "HQ"');
      return r.int('client_id', { needed: 'no device is placed on it' });
    });

    expect(value).toBeUndefined();
    expect(kept).toBe(true);
    expect(problems).toEqual([{ api: 'Halo', label: 'GET /api/Site', noun: 'site', row: 'site 12 "HQ"', field: 'client_id', problem, effect: 'no device is placed on it', dropped: false }]);
  });

  it('a row without its identity is left out, named by its position', () => {
    const { kept, problems } = read({ name: 'HQ' }, (r) => r.int('id', { identity: 'left out: no id' }));

    expect(kept).toBe(false);
    // What the row still says it is goes with it: nothing it could be is created while it is left out.
    expect(problems).toEqual([{ api: 'Halo', label: 'GET /api/Site', noun: 'site', row: 'sites[3]', field: 'id', problem: 'is missing', effect: 'left out: no id', dropped: true, lookalike: { name: 'HQ' } }]);
  });

  it('an optional field that is absent, null, "" or -1 is simply absent; a wrong type is said', () => {
    for (const raw of [undefined, null, '', -1]) expect(read({ ninjarmmid: raw }, (r) => r.int('ninjarmmid'))).toEqual({ value: undefined, kept: true, problems: [] });
    expect(read({ inactive: 'yes please' }, (r) => r.boolean('inactive')).problems.map((p) => `${p.field} ${p.problem}`)).toEqual(['inactive is "yes please", not true or false']);
  });

  it('reads booleans Halo spells as text or numbers', () => {
    expect(read({ a: 'True', b: 0, c: true }, (r) => [r.boolean('a'), r.boolean('b'), r.boolean('c')]).value).toEqual([true, false, true]);
  });
});
