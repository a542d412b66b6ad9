import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { Harness } from './fixtures.js';
import { HALO_REQUEST_SHAPES } from './request-shapes.js';
import { SUBSET_FILE, extractSwaggerSubset, formatSubset, validateHaloRequest } from './swagger-contract.js';

// The full swagger is outside the repository (reference/ beside it); HALO_SWAGGER overrides the path.
const FULL_SWAGGER = process.env['HALO_SWAGGER'] ?? new URL('../../../../shared/reference/halopsa/swagger-2025-03.json', import.meta.url).pathname;

describe('the swagger subset', () => {
  it.skipIf(!existsSync(FULL_SWAGGER))('is what extractSwaggerSubset takes from swagger-2025-03.json', () => {
    const expected = formatSubset(extractSwaggerSubset(JSON.parse(readFileSync(FULL_SWAGGER, 'utf8'))));
    if (process.env['HALO_SWAGGER_UPDATE'] === '1') writeFileSync(SUBSET_FILE, expected);

    expect(readFileSync(SUBSET_FILE, 'utf8')).toBe(expected);
  });
});

describe("haloform's request bodies", () => {
  it.each(HALO_REQUEST_SHAPES.map((s) => [s.name, s] as const))('%s conforms to the swagger', (_name, shape) => {
    expect(validateHaloRequest(shape.method, shape.path, shape.body)).toEqual([]);
  });

  it('are all accepted by the simulator, in order', async () => {
    const h = await (await Harness.start()).login();
    try {
      const statuses = [];
      for (const shape of HALO_REQUEST_SHAPES) {
        const answer = await h.request(shape.method, shape.path, shape.body);
        statuses.push([shape.name, answer.status, answer.status >= 400 ? answer.text : '']);
      }

      expect(statuses).toEqual(HALO_REQUEST_SHAPES.map((s) => [s.name, s.status, '']));
    } finally {
      await h.stop();
    }
  });
});

describe('validateHaloRequest', () => {
  it.each([
    ['an object instead of an array', '/api/Client', { name: 'x' }, ['(body): must be array']],
    ['a name that is a number', '/api/Client', [{ name: 42 }], ['[0].name: must be string,null']],
    ['an unknown property', '/api/Client', [{ name: 'x', colour_hex: '#fff' }], ['[0]: unknown property "colour_hex"']],
    ['ninjarmmid as a string', '/api/Site', [{ name: 'x', client_id: 1, ninjarmmid: '601' }], ['[0].ninjarmmid: must be integer,null']],
    ['a fraction in an int32', '/api/Asset', [{ client_id: 1.5 }], ['[0].client_id: must be integer,null', '[0].client_id: must match format "int32"']],
    ['an int32 out of range', '/api/Asset', [{ ninjarmm_id: 2 ** 31 }], ['[0].ninjarmm_id: must match format "int32"']],
    ['an unknown property inside fields[]', '/api/Asset', [{ id: 1, fields: [{ id: 117, value: 'x', label: 'y' }] }], ['[0].fields[0]: unknown property "label"']],
    ['userlookup, which Faults does not declare', '/api/Tickets', [{ summary: 'x', userlookup: { id: -1 } }], ['[0]: unknown property "userlookup"']],
    ['an action with the outcome as a number string', '/api/Actions', [{ ticket_id: 1, outcome_id: '7' }], ['[0].outcome_id: must be integer,null']],
    ['a body for AddFieldToAll', '/api/Field/AddFieldToAll/3', [], ['POST /Field/AddFieldToAll/{id} takes no body']],
    ['a path not in the subset', '/api/Invoice', [], ['swagger-2025-03 has no POST /api/Invoice (in the subset: /Client, /Site, /Users, /Asset, /AssetType, /AssetGroup, /Field, /Field/AddFieldToAll/{id}, /TicketType, /Status, /Priority, /Outcome, /TopLevel, /Tickets, /Actions, /Control, /Notify/Ninja/Alerts, /Notify/Ninja)']],
  ])('rejects %s', (_name, path, body, errors) => {
    expect(validateHaloRequest('POST', path, body)).toEqual(errors);
  });

  it('accepts null for nullable properties and Halo-style dates', () => {
    expect(validateHaloRequest('POST', '/api/Asset', [{ id: 1, notes: null, warranty_end: '2027-01-31T00:00:00.000', inventory_number: null }])).toEqual([]);
  });

  it('matches paths case-insensitively, with or without /api', () => {
    expect(validateHaloRequest('POST', '/api/asset', [{ id: 1 }])).toEqual([]);
    expect(validateHaloRequest('POST', '/Asset', [{ id: 1 }])).toEqual([]);
  });
});
