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

interface ScopedPage {
  cursor: { name: string; offset: number; count: number; expires: number };
  results: { scope: string; entityId: number; fields: Record<string, unknown> }[];
}

/** 25 organisations of 2 locations; every organisation and odd location has values from the seed, with a hidden one. */
function scopedSeed() {
  const seed = buildSeed({ devices: 6, organizations: 25 });
  seed.organizationCustomFields = Object.fromEntries(seed.organizations.map((o) => [o.id, { assetTag: `ORG-${o.id}`, secretKey: 'hidden' }]));
  seed.locationCustomFields = Object.fromEntries(seed.locations.filter((l) => l.id % 2 === 1).map((l) => [l.id, { warrantyEnd: T0 + l.id }]));
  return seed;
}

describe('/v2/queries/scoped-custom-fields', () => {
  it('pages organisations then locations with the cursor, as the device query does', async () => {
    const sim = await startSim(scopedSeed());
    const bearer = await token(sim);

    const pages: ScopedPage[] = [await get<ScopedPage>(sim, bearer, '/v2/queries/scoped-custom-fields?scopes=organization,location&pageSize=10')];
    while (pages[pages.length - 1]!.results.length > 0) {
      pages.push(await get<ScopedPage>(sim, bearer, `/v2/queries/scoped-custom-fields?cursor=${pages[0]!.cursor.name}`));
    }

    const rows = pages.flatMap((p) => p.results);
    expect(pages.map((p) => [p.cursor.offset, p.cursor.count])).toEqual([[0, 10], [10, 10], [20, 10], [30, 10], [40, 10], [50, 0]]);
    expect(new Set(pages.map((p) => p.cursor.name)).size).toBe(1);
    expect(Object.keys(pages[0]!)).toEqual(['cursor', 'results']);
    expect(Object.keys(rows[0]!)).toEqual(['scope', 'entityId', 'fields']);
    // Spec enum order (NODE, END_USER, LOCATION, ORGANIZATION), then ascending id.
    expect(rows.map((r) => `${r.scope[0]}${r.entityId}`)).toEqual([
      ...Array.from({ length: 25 }, (_, i) => `L${2 * i + 1}`),
      ...Array.from({ length: 25 }, (_, i) => `O${i + 1}`),
    ]);
    expect(rows.find((r) => r.scope === 'ORGANIZATION')).toEqual({ scope: 'ORGANIZATION', entityId: 1, fields: { assetTag: 'ORG-1' } });
    expect(rows.find((r) => r.scope === 'LOCATION')).toEqual({ scope: 'LOCATION', entityId: 1, fields: { warrantyEnd: T0 + 1 } });
  });

  it.each([
    ['organization', ['ORGANIZATION'], 25],
    ['LOCATION', ['LOCATION'], 25],
    ['node', ['NODE'], 3],
    ['end_user', [], 0],
    ['all', ['NODE', 'LOCATION', 'ORGANIZATION'], 53],
    ['', ['NODE', 'LOCATION', 'ORGANIZATION'], 53],
  ])('scopes=%s answers rows of %j only (%i)', async (scopes, expected, count) => {
    const sim = await startSim(scopedSeed());
    const bearer = await token(sim);

    const page = await get<ScopedPage>(sim, bearer, `/v2/queries/scoped-custom-fields?scopes=${scopes}`);

    expect([...new Set(page.results.map((r) => r.scope))]).toEqual(expected);
    expect(page.results).toHaveLength(count);
  });

  it('keeps only the fields= asked for, never shows NONE or WRITE_ONLY fields, and skips entities with nothing readable', async () => {
    const seed = scopedSeed();
    seed.organizationCustomFields![3] = { secretKey: 'only hidden', writeOnlyField: 'also hidden' };
    const sim = await startSim(seed);
    const bearer = await token(sim);

    const some = await get<ScopedPage>(sim, bearer, '/v2/queries/scoped-custom-fields?scopes=organization&fields=assetTag');
    const hidden = await get<ScopedPage>(sim, bearer, '/v2/queries/scoped-custom-fields?scopes=organization&fields=secretKey');
    const all = await get<ScopedPage>(sim, bearer, '/v2/queries/scoped-custom-fields');

    expect(some.results.map((r) => r.entityId)).not.toContain(3);
    expect(some.results.every((r) => Object.keys(r.fields).join() === 'assetTag')).toBe(true);
    expect(hidden.results).toEqual([]);
    expect(JSON.stringify(all)).not.toMatch(/secretKey|writeOnlyField|hidden/);
  });

  it('reads values when a page is read, so a value set between pages shows', async () => {
    const sim = await startSim(scopedSeed());
    const bearer = await token(sim);

    const first = await get<ScopedPage>(sim, bearer, '/v2/queries/scoped-custom-fields?scopes=organization&pageSize=10');
    sim.control.setOrganizationCustomFields(15, { assetTag: 'CHANGED' });
    const second = await get<ScopedPage>(sim, bearer, `/v2/queries/scoped-custom-fields?cursor=${first.cursor.name}`);

    expect(second.results.find((r) => r.entityId === 15)?.fields).toEqual({ assetTag: 'CHANGED' });
  });

  it.each([
    ['/v2/queries/scoped-custom-fields?scopes=organisation', 'scopes: unknown scope "organisation"; use all, node, location, organization or end_user'],
    ['/v2/queries/scoped-custom-fields?pageSize=ten', 'pageSize must be an integer, got "ten"'],
    ['/v2/queries/scoped-custom-fields?cursor=nope', 'cursor "nope" has expired or does not exist'],
  ])('%s answers 400: %s', async (path, message) => {
    const sim = await startSim(scopedSeed());
    const bearer = await token(sim);

    const response = await call(sim, bearer, path);

    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ resultCode: 'FAILURE', errorMessage: message });
  });

  it('takes no cursor of the device query, nor the device query one of its own', async () => {
    const sim = await startSim(scopedSeed());
    const bearer = await token(sim);
    const devices = await get<QueryPage>(sim, bearer, '/v2/queries/custom-fields?pageSize=10');
    const scoped = await get<ScopedPage>(sim, bearer, '/v2/queries/scoped-custom-fields?pageSize=10');

    const crossed = await call(sim, bearer, `/v2/queries/scoped-custom-fields?cursor=${devices.cursor.name}`);
    const back = await call(sim, bearer, `/v2/queries/custom-fields?cursor=${scoped.cursor.name}`);

    expect([crossed.status, back.status]).toEqual([400, 400]);
  });

  it('needs a token, like every read', async () => {
    const sim = await startSim(scopedSeed());

    const response = await call(sim, undefined, '/v2/queries/scoped-custom-fields');

    expect(response.status).toBe(401);
  });
});

describe('/v2/device-custom-fields with options and scopes', () => {
  function optionSeed() {
    const seed = buildSeed({ devices: 1 });
    seed.customFieldDefinitions = [
      ...seed.customFieldDefinitions,
      {
        id: 41,
        name: 'supportTier',
        label: 'Support Tier',
        type: 'DROPDOWN',
        apiPermission: 'READ_ONLY',
        definitionScope: ['NODE', 'LOCATION', 'ORGANIZATION'],
        content: { values: [{ id: '0e3c1a52-8a4e-4f0b-9b1d-2c6f7a8b9c0d', name: 'Gold', active: true, system: false }] },
      },
      { id: 42, name: 'contractTier', label: 'Contract Tier', type: 'DROPDOWN', apiPermission: 'READ_ONLY', definitionScope: ['ORGANIZATION'], content: { values: [] } },
    ];
    return seed;
  }

  it('renders definitionScope and content.values in the spec order, without the seed id', async () => {
    const sim = await startSim(optionSeed());
    const bearer = await token(sim);

    const definitions = await get<Record<string, unknown>[]>(sim, bearer, '/v2/device-custom-fields?scopes=all');

    expect(definitions.slice(4)).toEqual([
      {
        definitionScope: ['NODE', 'LOCATION', 'ORGANIZATION'],
        type: 'DROPDOWN',
        label: 'Support Tier',
        name: 'supportTier',
        apiPermission: 'READ_ONLY',
        content: { values: [{ id: '0e3c1a52-8a4e-4f0b-9b1d-2c6f7a8b9c0d', name: 'Gold', active: true, system: false }] },
      },
      { definitionScope: ['ORGANIZATION'], type: 'DROPDOWN', label: 'Contract Tier', name: 'contractTier', apiPermission: 'READ_ONLY', content: { values: [] } },
    ]);
    expect(Object.keys(definitions[4]!)).toEqual(['definitionScope', 'type', 'label', 'name', 'apiPermission', 'content']);
  });

  it.each([
    ['all', ['assetTag', 'warrantyEnd', 'secretKey', 'writeOnlyField', 'supportTier', 'contractTier']],
    ['organization', ['supportTier', 'contractTier']],
    ['location', ['supportTier']],
    // A definition without definitionScope holds device values (seed.ts: "Left out: NODE").
    ['node', ['assetTag', 'warrantyEnd', 'secretKey', 'writeOnlyField', 'supportTier']],
  ])('scopes=%s keeps the definitions of that scope: %j', async (scopes, names) => {
    const sim = await startSim(optionSeed());
    const bearer = await token(sim);

    const definitions = await get<{ name: string }[]>(sim, bearer, `/v2/device-custom-fields?scopes=${scopes}`);

    expect(definitions.map((d) => d.name)).toEqual(names);
  });
});

describe('/v2/queries/custom-fields?updatedAfter=', () => {
  it('answers only devices whose values changed at or after the time (epoch ms); a time that is not one is a 400', async () => {
    const sim = await startSim(buildSeed({ devices: 4 }));
    const bearer = await token(sim);
    const before = sim.control.state().clockMs;
    sim.control.setDeviceCustomFields(deviceId(2), { assetTag: 'CHANGED' });

    const changed = await get<QueryPage>(sim, bearer, `/v2/queries/custom-fields?fields=assetTag&updatedAfter=${before}`);
    const later = await get<QueryPage>(sim, bearer, `/v2/queries/custom-fields?fields=assetTag&updatedAfter=${before + 60_000}`);
    const everything = await get<QueryPage>(sim, bearer, '/v2/queries/custom-fields?fields=assetTag');
    const bad = await call(sim, bearer, '/v2/queries/custom-fields?updatedAfter=yesterday');

    expect(changed.results.map((r) => [r.deviceId, r.fields])).toEqual([[deviceId(2), { assetTag: 'CHANGED' }]]);
    expect(later.results).toEqual([]);
    expect(everything.results.length).toBeGreaterThan(1);
    expect(bad.status).toBe(400);
  });
});
