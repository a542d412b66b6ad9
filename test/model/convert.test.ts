import { describe, expect, it } from 'vitest';
import { comparable, convert, toWire, type TargetType } from '../../src/model/convert.js';
import type { NinjaCustomFieldDefinition } from '../../src/rmm/ninjaone/types.js';

const target = (type: TargetType['type'], options: { id: number; name: string }[] = []): TargetType => ({ type, options, label: `Halo field "${type}"` });
const tiers = target('select', [
  { id: 1, name: 'Bronze' },
  { id: 2, name: 'Silver' },
  { id: 3, name: 'Gold' },
]);
const services = target('multiselect', [
  { id: 11, name: 'Backup' },
  { id: 12, name: 'Antivirus' },
  { id: 13, name: 'Patching' },
]);
const dropdown: NinjaCustomFieldDefinition = {
  name: 'supportTier',
  type: 'DROPDOWN',
  kind: 'select',
  options: new Map([
    ['6f1c2d3e-aaaa-4bbb-8ccc-000000000001', 'Bronze'],
    ['6f1c2d3e-aaaa-4bbb-8ccc-000000000003', 'Gold'],
  ]),
};
const multi: NinjaCustomFieldDefinition = {
  name: 'managedServices',
  type: 'MULTI_SELECT',
  kind: 'multiselect',
  options: new Map([
    ['uuid-backup', 'Backup'],
    ['uuid-av', 'Antivirus'],
  ]),
};

describe('converting a NinjaOne value to its Halo field type', () => {
  it.each([
    { name: 'text from a string, trimmed', raw: '  Latitude 5440 ', to: target('text'), expected: 'Latitude 5440' },
    { name: 'text from a boolean', raw: true, to: target('text'), expected: 'Yes' },
    { name: 'text from a list, "" and repeats dropped', raw: ['10.0.0.5', '', '10.0.0.5', 'fe80::1'], to: target('text'), expected: '10.0.0.5, fe80::1' },
    { name: 'date from epoch seconds', raw: 1830297600, to: target('date'), expected: '2028-01-01' },
    { name: 'date from epoch milliseconds', raw: 1830297600000, to: target('date'), expected: '2028-01-01' },
    { name: 'date from an ISO date-time', raw: '2028-04-15T10:00:00Z', to: target('date'), expected: '2028-04-15' },
    { name: 'date-time from epoch seconds with a fraction', raw: 1788220800.5, to: target('datetime'), expected: '2026-09-01T00:00:00Z' },
    { name: 'date-time from an ISO date', raw: '2028-04-15', to: target('datetime'), expected: '2028-04-15T00:00:00Z' },
    { name: 'date-time with an offset, in UTC', raw: '2028-04-15T10:00:00+02:00', to: target('datetime'), expected: '2028-04-15T08:00:00Z' },
    { name: 'number from a number', raw: 4, to: target('number'), expected: '4' },
    { name: 'number from numeric text', raw: ' 3.50 ', to: target('number'), expected: '3.5' },
    { name: 'boolean from a checkbox', raw: false, to: target('boolean'), expected: 'false' },
    { name: 'boolean from "Yes"', raw: 'Yes', to: target('boolean'), expected: 'true' },
    { name: 'boolean from 1', raw: 1, to: target('boolean'), expected: 'true' },
    { name: 'selection by its label, any case', raw: 'gold', to: tiers, expected: 'Gold' },
    { name: 'multiple selection from a list, in the field order', raw: ['Patching', 'Backup'], to: services, expected: 'Backup, Patching' },
    { name: 'multiple selection from comma-separated text', raw: 'Antivirus, Backup', to: services, expected: 'Backup, Antivirus' },
  ])('$name', ({ raw, to, expected }) => {
    expect(convert(raw, to)).toEqual({ ok: true, value: expected });
  });

  it.each([
    { name: 'a small number is no date (never 1970-01-01)', raw: 42, to: target('date'), reason: '42 is a number, not a point in time (Halo field "date" holds a date)' },
    {
      name: 'a text date that reads two ways',
      raw: '04/05/2028',
      to: target('date'),
      reason: '"04/05/2028" could be read as DD/MM/YYYY or MM/DD/YYYY; set dateFormat on the mapping to say which (Halo field "date" holds a date)',
    },
    { name: 'a date that does not exist', raw: '2028-02-30', to: target('date'), reason: '"2028-02-30" is not a real date (Halo field "date" holds a date)' },
    { name: 'words in a number field', raw: '42 GB', to: target('number'), reason: '"42 GB" is not a number (Halo field "number" holds a number)' },
    { name: 'words in a checkbox', raw: 'maybe', to: target('boolean'), reason: '"maybe" is not true or false (Halo field "boolean" holds a checkbox (true or false))' },
    { name: 'an option Halo does not have', raw: 'Platinum', to: tiers, reason: '"Platinum" is not an option of it (its options: Bronze, Silver, Gold) (Halo field "select" holds one of its options)' },
    { name: 'two values for one selection', raw: ['Gold', 'Silver'], to: tiers, reason: '["Gold","Silver"] holds several values, and the field takes one (Halo field "select" holds one of its options)' },
    { name: 'one unknown option among several', raw: ['Backup', 'Firewall'], to: services, reason: '"Firewall" is not an option of it (its options: Backup, Antivirus, Patching) (Halo field "multiselect" holds some of its options)' },
  ])('refuses $name, saying why', ({ raw, to, reason }) => {
    expect(convert(raw, to)).toMatchObject({ ok: false, reason });
  });

  it.each([undefined, null, '', '   ', []])('writes nothing for %j: the Halo value is left alone', (raw) => {
    expect(convert(raw, target('text'))).toBeUndefined();
    expect(convert(raw, tiers)).toBeUndefined();
  });

  it('reads text dates in the mapping dateFormat, and only then', () => {
    expect(convert('15/04/2028', target('date'), { dateFormat: 'DD/MM/YYYY' })).toEqual({ ok: true, value: '2028-04-15' });
    expect(convert('04/15/2028', target('date'), { dateFormat: 'MM/DD/YYYY' })).toEqual({ ok: true, value: '2028-04-15' });
    expect(convert('15/04/2028', target('date'), { dateFormat: 'MM/DD/YYYY' })).toMatchObject({ ok: false });
    expect(convert('15/04/2028', target('date'))).toMatchObject({ ok: false });
  });

  it('reads DROPDOWN and MULTI_SELECT option ids as their labels, for any target', () => {
    expect(convert('6f1c2d3e-aaaa-4bbb-8ccc-000000000003', tiers, { definition: dropdown })).toEqual({ ok: true, value: 'Gold' });
    expect(convert('6f1c2d3e-aaaa-4bbb-8ccc-000000000003', target('text'), { definition: dropdown })).toEqual({ ok: true, value: 'Gold' });
    expect(convert(['uuid-av', 'uuid-backup'], services, { definition: multi })).toEqual({ ok: true, value: 'Backup, Antivirus' });
    expect(convert('uuid-av,uuid-backup', target('text'), { definition: multi })).toEqual({ ok: true, value: 'Antivirus, Backup' });
    // A label where an id was expected still reads.
    expect(convert('Bronze', tiers, { definition: dropdown })).toEqual({ ok: true, value: 'Bronze' });
  });

  it('writes epoch values of DATE fields and timestamp paths as dates, other numbers as numbers, into text', () => {
    const date: NinjaCustomFieldDefinition = { name: 'warrantyEnd', type: 'DATE', kind: 'date', options: new Map() };
    expect(convert(1830297600, target('text'), { definition: date })).toEqual({ ok: true, value: '2028-01-01' });
    expect(convert(1788220800, target('text'), { timestamp: true })).toEqual({ ok: true, value: '2026-09-01T00:00:00Z' });
    expect(convert(1788220800, target('text'))).toEqual({ ok: true, value: '1788220800' });
  });
});

describe('reading a live Halo value in the same form', () => {
  it.each([
    { live: 3, to: tiers, expected: 'Gold' },
    { live: '3', to: tiers, expected: 'Gold' },
    { live: 'Gold', to: tiers, expected: 'Gold' },
    { live: [13, 11], to: services, expected: 'Backup, Patching' },
    { live: [{ id: 12 }], to: services, expected: 'Antivirus' },
    { live: '2028-04-15T00:00:00', to: target('date'), expected: '2028-04-15' },
    { live: '2028-04-15T08:00:00', to: target('datetime'), expected: '2028-04-15T08:00:00Z' },
    { live: 'True', to: target('boolean'), expected: 'true' },
    { live: '4.0', to: target('number'), expected: '4' },
    { live: 99, to: tiers, expected: '99' },
    { live: '', to: target('text'), expected: undefined },
  ])('$live as $to.type → $expected', ({ live, to, expected }) => {
    expect(comparable(live, to)).toBe(expected);
  });

  it('reads a selection by its own options, however many times and whichever field asked first', () => {
    const renamed = target('select', [
      { id: 3, name: 'Platinum' },
      { id: 4, name: 'Gold' },
    ]);
    const answers = () => [comparable(3, tiers), comparable('3', tiers), comparable(3, renamed), comparable('Gold', renamed), comparable(4, tiers)];

    const first = answers();
    const second = answers();

    expect(first).toEqual(['Gold', 'Gold', 'Platinum', 'Gold', '4']);
    expect(second).toEqual(first);
  });

  it('so an unchanged value is no change, in every type', () => {
    for (const [raw, to] of [
      ['Gold', tiers],
      [['Backup', 'Patching'], services],
      ['2028-04-15', target('date')],
      [true, target('boolean')],
      [4, target('number')],
    ] as const) {
      const converted = convert(raw, to);
      expect(converted?.ok).toBe(true);
      const display = (converted as { value: string }).value;
      expect(comparable(toWire(display, to), to)).toBe(display);
    }
  });
});

describe("what Halo is sent", () => {
  it('option ids for selections, booleans and numbers as such, text as text', () => {
    expect(toWire('Gold', tiers)).toBe(3);
    expect(toWire('Backup, Patching', services)).toEqual([11, 13]);
    expect(toWire('true', target('boolean'))).toBe(true);
    expect(toWire('3.5', target('number'))).toBe(3.5);
    expect(toWire('2028-04-15', target('date'))).toBe('2028-04-15');
  });

  it('an option whose own name holds ", " is still one option', () => {
    const odd = target('multiselect', [
      { id: 1, name: 'Name, Short' },
      { id: 2, name: 'Other' },
    ]);
    expect(toWire('Name, Short, Other', odd)).toEqual([1, 2]);
  });
});
