import { describe, expect, it } from 'vitest';
import { call, get, startReceiver, startSim, token } from './helpers.js';
import { buildSeed, deviceId } from './seed-builder.js';

/** One fixed script of requests; returns every response body as text. */
async function transcript(seedSize: number) {
  const sim = await startSim(buildSeed({ devices: seedSize }), { seed: 42 });
  const receiver = await startReceiver();
  const tokenResponse = await fetch(`${sim.url}/ws/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials&client_id=test-client&client_secret=test-secret-value&scope=monitoring%20management',
  });
  const tokenText = await tokenResponse.text();
  const bearer = (JSON.parse(tokenText) as { access_token: string }).access_token;
  const texts = [tokenText];
  await call(sim, bearer, '/v2/webhook', { method: 'PUT', body: { url: receiver.url } });
  sim.control.triggerAlert({ deviceId: deviceId(3) });
  for (const path of [
    '/v2/organizations',
    '/v2/organizations-detailed',
    '/v2/organization/2',
    '/v2/locations',
    '/v2/devices?pageSize=50',
    '/v2/devices-detailed?pageSize=50&after=100',
    `/v2/device/${deviceId(4)}`,
    `/v2/device/${deviceId(0)}/custom-fields`,
    '/v2/device-custom-fields',
    '/v2/queries/custom-fields?pageSize=10',
    '/v2/queries/scoped-custom-fields?pageSize=10',
    '/v2/devices/search?q=dev-1',
    '/v2/alerts',
    '/v2/device/999999',
    '/v2/devices?df=nonsense',
  ]) {
    texts.push((await call(sim, bearer, path)).text);
  }
  await sim.control.flushWebhooks();
  texts.push(...receiver.received.map((r) => JSON.stringify(r.body)));
  return texts;
}

describe('determinism', () => {
  it('gives byte-identical responses and webhooks for the same seed and requests', async () => {
    const first = await transcript(200);
    const second = await transcript(200);

    expect(first).toHaveLength(17);
    expect(second).toEqual(first);
  });

  it('serves a 10,000-device tenant: a full devices-detailed walk returns every device', async () => {
    const sim = await startSim(buildSeed({ devices: 10_000 }));
    const bearer = await token(sim);

    let count = 0;
    let last = 0;
    for (let pages = 0; pages < 20; pages++) {
      const rows = await get<{ id: number }[]>(sim, bearer, `/v2/devices-detailed?pageSize=1000&after=${last}`);
      count += rows.length;
      if (rows.length < 1000) break;
      last = rows[rows.length - 1]!.id;
    }

    expect(count).toBe(10_000);
    expect(last).toBe(deviceId(9_999));
  });
});
