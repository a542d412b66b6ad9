/**
 * HaloApiClient.registerWebhook against a Halo that answers GET /api/Webhook in an envelope
 * (`{record_count, webhooks: [...]}`) rather than the simulator's bare array: the existing
 * webhook is still found and updated — apply never adds a second one — and a body that is no list
 * is an error before anything is posted.
 */

import { afterEach, describe, expect, it } from 'vitest';
import { Secret } from '../../src/config/secret.js';
import { HaloApiClient } from '../../src/halo/client.js';
import { NINJAONE } from '../../src/rmm/ninjaone/provider.js';
import { CLIENT_ID, CLIENT_SECRET, fakeClock, startToyApi, type ToyApi } from '../http/helpers.js';

let api: ToyApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

async function haloWith(listed: unknown): Promise<{ halo: HaloApiClient; posted: unknown[] }> {
  const posted: unknown[] = [];
  api = await startToyApi({
    clock: fakeClock(),
    routes: (router, toy) => {
      router.on('GET', '/api/Webhook', (req) => (toy.authorised(req) ? { status: 200, body: listed } : { status: 401, body: {} }));
      router.on('POST', '/api/Webhook', (req) => {
        posted.push(JSON.parse(req.body.toString('utf8')));
        return { status: 201, body: {} };
      });
    },
  });
  const halo = new HaloApiClient(
    { url: api.url, authUrl: `${api.url}/auth`, clientId: CLIENT_ID, clientSecret: new Secret(CLIENT_SECRET, '${HALO_CLIENT_SECRET}'), scope: 'all', batchSize: 50, timeoutSeconds: 5 },
    NINJAONE.halo,
    { maxAttempts: 1 },
  );
  return { halo, posted };
}

const hook = { name: 'haloform alert tickets', url: 'https://serve.example/halo/webhook', events: ['ticket.updated'], username: 'haloform', password: 'pw-0123456789' };

describe('registerWebhook', () => {
  it('updates the webhook it finds by name in an envelope, by its id', async () => {
    const { halo, posted } = await haloWith({ record_count: 2, webhooks: [{ id: 'aaaa-1', name: 'other' }, { id: 'bbbb-2', name: 'haloform alert tickets' }] });
    await halo.registerWebhook(hook);
    await halo.close();
    expect(posted).toEqual([[expect.objectContaining({ id: 'bbbb-2', name: 'haloform alert tickets', url: hook.url, authentication_type: 1, basic_password: 'pw-0123456789' })]]);
  });

  it('adds one when none has the name', async () => {
    const { halo, posted } = await haloWith([{ id: 'aaaa-1', name: 'other' }]);
    await halo.registerWebhook(hook);
    await halo.close();
    expect((posted[0] as Record<string, unknown>[])[0]).not.toHaveProperty('id');
  });

  it('posts nothing when the list is not a list', async () => {
    const { halo, posted } = await haloWith('maintenance mode');
    await expect(halo.registerWebhook(hook)).rejects.toThrow(/GET \/api\/Webhook/);
    await halo.close();
    expect(posted).toEqual([]);
  });
});
