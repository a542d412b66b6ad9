import { describe, expect, it } from 'vitest';
import { call, get, manualClock, startSim, token } from './helpers.js';
import { buildSeed, deviceId, T0 } from './seed-builder.js';

interface QueryPage {
  cursor: { name: string; offset: number; count: number; expires: number };
  results: { deviceId: number; fields: Record<string, unknown> }[];
}

describe('per-device custom fields', () => {
  it('answers an object map of readable fields by name; NONE and WRITE_ONLY fields are hidden', async () => {
    const sim = await startSim(buildSeed({ devices: 4 }));
    const bearer = await token(sim);

    const withValues = await get(sim, bearer, `/v2/device/${deviceId(0)}/custom-fields`);
    const onlyHidden = await get(sim, bearer, `/v2/device/${deviceId(3)}/custom-fields`);
    const none = await get(sim, bearer, `/v2/device/${deviceId(1)}/custom-fields`);

    expect(withValues).toEqual({ assetTag: `A-${deviceId(0)}`, warrantyEnd: T0 });
    expect(onlyHidden).toEqual({});
    expect(none).toEqual({});
  });

  it('falls back to location then organisation values withInheritance=true', async () => {
    const sim = await startSim(buildSeed({ devices: 4 }));
    const bearer = await token(sim);
    sim.control.setOrganizationCustomFields(1, { assetTag: 'ORG', warrantyEnd: 1 });
    sim.control.setLocationCustomFields(2, { warrantyEnd: 2 });
    const device = deviceId(3); // organisation 1, location 2, no readable values of its own

    const own = await get(sim, bearer, `/v2/device/${device}/custom-fields`);
    const inherited = await get(sim, bearer, `/v2/device/${device}/custom-fields?withInheritance=true`);
    const location = await get(sim, bearer, '/v2/organization/1/location/2/custom-fields?withInheritance=true');
    const org = await get(sim, bearer, '/v2/organization/1/custom-fields');

    expect(own).toEqual({});
    expect(inherited).toEqual({ warrantyEnd: 2, assetTag: 'ORG' });
    expect(location).toEqual({ warrantyEnd: 2, assetTag: 'ORG' });
    expect(org).toEqual({ assetTag: 'ORG', warrantyEnd: 1 });
  });

  it('lists the field definitions with their apiPermission', async () => {
    const sim = await startSim(buildSeed({ devices: 1 }));
    const bearer = await token(sim);

    const definitions = await get<Record<string, unknown>[]>(sim, bearer, '/v2/device-custom-fields?scopes=all,node,location,organization');

    expect(definitions).toEqual([
      { type: 'TEXT', label: 'Asset Tag', name: 'assetTag', apiPermission: 'READ_WRITE' },
      { type: 'DATE', label: 'Warranty End', name: 'warrantyEnd', apiPermission: 'READ_ONLY' },
      { type: 'TEXT', label: 'Secret Key', name: 'secretKey', apiPermission: 'NONE' },
      { type: 'TEXT', label: 'Write Only', name: 'writeOnlyField', apiPermission: 'WRITE_ONLY' },
    ]);
  });
});

describe('/v2/queries/custom-fields', () => {
  it('pages with the cursor to the end: every device with readable values once, then empty results', async () => {
    const sim = await startSim(buildSeed({ devices: 45 }));
    const bearer = await token(sim);

    const pages: QueryPage[] = [await get<QueryPage>(sim, bearer, '/v2/queries/custom-fields?pageSize=10')];
    while (pages[pages.length - 1]!.results.length > 0) {
      pages.push(await get<QueryPage>(sim, bearer, `/v2/queries/custom-fields?cursor=${pages[0]!.cursor.name}`));
    }

    const expected = Array.from({ length: 45 }, (_, i) => i).filter((i) => i % 2 === 0).map(deviceId);
    expect(pages.map((p) => p.results.length)).toEqual([10, 10, 3, 0]);
    expect(pages.flatMap((p) => p.results.map((r) => r.deviceId))).toEqual(expected);
    expect(pages.map((p) => [p.cursor.offset, p.cursor.count])).toEqual([[0, 10], [10, 10], [20, 3], [23, 0]]);
    // The name stays, the offset moves — as a live tenant does (Servosity/msp-skills#179).
    expect(new Set(pages.map((p) => p.cursor.name)).size).toBe(1);
    expect(Object.keys(pages[0]!)).toEqual(['cursor', 'results']);
    expect(Object.keys(pages[0]!.cursor)).toEqual(['name', 'offset', 'count', 'expires']);
    expect(pages[0]!.results[0]).toEqual({ deviceId: deviceId(0), fields: { assetTag: `A-${deviceId(0)}`, warrantyEnd: T0 } });
  });

  it('keeps only the fields= asked for and never shows NONE or WRITE_ONLY fields', async () => {
    const sim = await startSim(buildSeed({ devices: 6 }));
    const bearer = await token(sim);

    const some = await get<QueryPage>(sim, bearer, '/v2/queries/custom-fields?fields=warrantyEnd');
    const hidden = await get<QueryPage>(sim, bearer, '/v2/queries/custom-fields?fields=secretKey,writeOnlyField');
    const all = await get<QueryPage>(sim, bearer, '/v2/queries/custom-fields');

    expect(some.results).toEqual([
      { deviceId: deviceId(0), fields: { warrantyEnd: T0 } },
      { deviceId: deviceId(2), fields: { warrantyEnd: T0 + 2 * 86400 } },
      { deviceId: deviceId(4), fields: { warrantyEnd: T0 + 4 * 86400 } },
    ]);
    expect(hidden.results).toEqual([]);
    expect(JSON.stringify(all)).not.toMatch(/secretKey|writeOnlyField/);
  });

  it('applies df before paging, and clamps pageSize to 10..10000 (default 1000)', async () => {
    const sim = await startSim(buildSeed({ devices: 1200 }));
    const bearer = await token(sim);

    const org2 = await get<QueryPage>(sim, bearer, `/v2/queries/custom-fields?df=${encodeURIComponent('org = 2')}&pageSize=5000`);
    const small = await get<QueryPage>(sim, bearer, '/v2/queries/custom-fields?pageSize=3');
    const defaulted = await get<QueryPage>(sim, bearer, '/v2/queries/custom-fields');

    expect(org2.results.length).toBeGreaterThan(0);
    expect(org2.results.every((r) => (r.deviceId - 10) / 3 % 3 === 1)).toBe(true);
    expect(small.results).toHaveLength(10);
    expect(defaulted.results).toHaveLength(600);
  });

  it('cursors expire cursorTtlSeconds after their last use by the injected clock', async () => {
    const clock = manualClock();
    const sim = await startSim(buildSeed({ devices: 40 }), { now: clock.now, cursorTtlSeconds: 60, tokenTtlSeconds: 86400 });
    const bearer = await token(sim);

    const first = await get<QueryPage>(sim, bearer, '/v2/queries/custom-fields?pageSize=10');
    clock.advance(59_000);
    const second = await call(sim, bearer, `/v2/queries/custom-fields?cursor=${first.cursor.name}`);
    clock.advance(60_000);
    const expired = await call(sim, bearer, `/v2/queries/custom-fields?cursor=${first.cursor.name}`);

    expect(first.cursor.expires).toBe(T0 + 60);
    expect(second.status).toBe(200);
    expect(expired.status).toBe(400);
    expect(expired.body).toMatchObject({ resultCode: 'FAILURE', errorMessage: `cursor "${first.cursor.name}" has expired or does not exist` });
  });
});
