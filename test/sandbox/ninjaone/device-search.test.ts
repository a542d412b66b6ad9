import { describe, expect, it } from 'vitest';
import { call, get, startSim, token } from './helpers.js';
import { buildSeed, deviceId } from './seed-builder.js';

interface SearchAnswer {
  query: string;
  devices: (Record<string, unknown> & { id: number; score: number; matchAttr: string; matchAttrValue: string })[];
}

async function search(path: string) {
  const sim = await startSim(buildSeed({ devices: 10 }));
  const bearer = await token(sim);
  return get<SearchAnswer>(sim, bearer, path);
}

describe('/v2/devices/search', () => {
  it('answers {query, devices}: brief nodes with score, matchAttr and matchAttrValue, best match first', async () => {
    const answer = await search('/v2/devices/search?q=DEV-1');

    expect(Object.keys(answer)).toEqual(['query', 'devices']);
    expect(answer.query).toBe('DEV-1');
    expect(answer.devices.map((d) => [d.id, d.score, d.matchAttr, d.matchAttrValue])).toEqual([
      [deviceId(0), 75, 'displayName', 'DEV-10'],
      [deviceId(1), 75, 'displayName', 'DEV-13'],
      [deviceId(2), 75, 'displayName', 'DEV-16'],
      [deviceId(3), 75, 'displayName', 'DEV-19'],
    ]);
    expect(Object.keys(answer.devices[0]!).slice(-4)).toEqual(['lastUpdate', 'score', 'matchAttr', 'matchAttrValue']);
    expect(answer.devices[0]).not.toHaveProperty('os');
  });

  it.each([
    ['an exact name, any case', 'dev-13', [[deviceId(1), 100, 'displayName', 'DEV-13']]],
    ['an IP address', '192.168.50.43', [[deviceId(4), 100, 'displayName', '192.168.50.43']]],
    ['a logged-on user', 'jsmith', [deviceId(0), deviceId(1), deviceId(2), deviceId(3)].map((id) => [id, 50, 'lastLoggedInUser', 'CORP\\jsmith'])],
    ['a MAC address', 'aa:bb:cc', [[deviceId(8), 75, 'macAddress', 'aa:bb:cc:dd:ee:ff']]],
  ])('finds %s', async (_what, q, expected) => {
    const answer = await search(`/v2/devices/search?q=${encodeURIComponent(q)}`);

    expect(answer.devices.map((d) => [d.id, d.score, d.matchAttr, d.matchAttrValue])).toEqual(expected);
  });

  it('keeps to limit, and answers no devices for an empty query', async () => {
    const limited = await search('/v2/devices/search?q=dev&limit=2');
    const empty = await search('/v2/devices/search?q=');

    expect(limited.devices.map((d) => d.id)).toEqual([deviceId(0), deviceId(1)]);
    expect(empty).toEqual({ query: '', devices: [] });
  });

  it('answers 400 for a limit that is not an integer', async () => {
    const sim = await startSim(buildSeed({ devices: 2 }));
    const bearer = await token(sim);

    const response = await call(sim, bearer, '/v2/devices/search?q=dev&limit=many');

    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ errorMessage: 'limit must be an integer, got "many"' });
  });
});
