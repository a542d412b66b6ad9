import { afterEach, describe, expect, it } from 'vitest';
import { Secret } from '../../src/config/secret.js';
import { ApiError } from '../../src/http/api-error.js';
import { Router } from '../../src/sandbox/sim-server.js';
import { CLIENT_SECRET, fakeClock, rejection, startToyApi, toyClient, type ToyApi } from './helpers.js';

const opened: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((o) => o.close()));
});

async function setup(options: Partial<Parameters<typeof startToyApi>[0]> = {}, secret?: string) {
  const clock = fakeClock();
  const api = await startToyApi({ clock, ...options });
  const { http, lines } = toyClient(api, clock, {}, secret);
  opened.push(api, http);
  return { clock, api, http, lines };
}

function tokenRequests(api: ToyApi): number {
  return api.server.requests().filter((r) => r.path === '/auth/token').length;
}

describe('client-credentials tokens', () => {
  it('fetches one token for 20 concurrent calls', async () => {
    const { api, http } = await setup();

    const responses = await Promise.all(Array.from({ length: 20 }, () => http.request({ method: 'GET', path: '/api/Asset', label: 'GET /api/Asset' })));

    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(tokenRequests(api)).toBe(1);
    expect(api.tokens).toHaveLength(1);
  });

  it('reuses the cached token until shortly before it expires', async () => {
    const { api, http, clock } = await setup();

    await http.request({ method: 'GET', path: '/api/Asset', label: 'GET /api/Asset' });
    clock.advance(3_500_000); // 58 min 20 s: still more than the 60 s margin left
    await http.request({ method: 'GET', path: '/api/Asset', label: 'GET /api/Asset' });
    const beforeExpiry = tokenRequests(api);
    clock.advance(60_000); // inside the margin
    await http.request({ method: 'GET', path: '/api/Asset', label: 'GET /api/Asset' });

    expect(beforeExpiry).toBe(1);
    expect(tokenRequests(api)).toBe(2);
  });

  it('refreshes once when tokens are revoked mid-run, and every call succeeds', async () => {
    const { api, http } = await setup();
    await http.request({ method: 'GET', path: '/api/Asset', label: 'GET /api/Asset' });

    api.revokeTokens();
    const responses = await Promise.all(Array.from({ length: 20 }, () => http.request({ method: 'GET', path: '/api/Asset', label: 'GET /api/Asset' })));

    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(tokenRequests(api)).toBe(2);
    const unauthorised = api.server.requests().filter((r) => r.status === 401);
    expect(unauthorised.length).toBeGreaterThan(0);
    expect(unauthorised.length).toBeLessThanOrEqual(20);
  });

  it('ignores a late 401 for a token that has already been replaced', async () => {
    const { api, http } = await setup();
    const tokens = http.tokens!;
    const first = await tokens.token();
    tokens.invalidate(first);
    const second = await tokens.token();

    tokens.invalidate(first); // a call sent with the old token answers 401 only now
    const third = await tokens.token();

    expect(second).not.toBe(first);
    expect(third).toBe(second);
    expect(tokenRequests(api)).toBe(2);
  });

  it('repeats a POST after a 401, since the server rejected it unapplied', async () => {
    const { api, http } = await setup();
    await http.request({ method: 'GET', path: '/api/Asset', label: 'GET /api/Asset' });
    api.revokeTokens();

    const response = await http.request({ method: 'POST', path: '/api/Asset', json: [{ inventory_number: 'PC-2' }], label: 'POST /api/Asset' });

    expect(response.status).toBe(201);
    expect(api.server.requests().filter((r) => r.method === 'POST' && r.path === '/api/Asset').map((r) => r.status)).toEqual([401, 201]);
  });

  it('gives up with auth_failed when a new token is refused too', async () => {
    const clock = fakeClock();
    const api = await startToyApi({
      clock,
      routes: (router: Router) => router.on('GET', '/api/Control', () => ({ status: 401, body: { error: 'not_authenticated', error_description: 'Invalid credentials' } })),
    });
    const { http } = toyClient(api, clock);
    opened.push(api, http);

    const error = await rejection(http.request({ method: 'GET', path: '/api/Control', label: 'GET /api/Control' }));

    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'auth_failed', status: 401, attempts: 2, retryable: false });
    expect((error as ApiError).message).toBe(
      'Halo answered 401 Unauthorized to GET /api/Control: Invalid credentials (not_authenticated) — a newly issued token was refused too: check that the API application is enabled and allowed to use this API (after 2 attempts)',
    );
    expect(tokenRequests(api)).toBe(2);
  });

  it('fails fast with auth_failed and names the credential when the secret is wrong', async () => {
    const { api, http } = await setup({}, 'wrong-secret-value');

    const errors = await Promise.all(Array.from({ length: 5 }, () => rejection(http.request({ method: 'GET', path: '/api/Asset', label: 'GET /api/Asset' }))));

    expect(tokenRequests(api)).toBe(1);
    for (const error of errors) {
      expect(error).toBeInstanceOf(ApiError);
      expect(error).toMatchObject({ code: 'auth_failed', status: 401, attempts: 1, retryable: false, label: 'POST /auth/token' });
    }
    const message = (errors[0] as ApiError).message;
    expect(message).toBe(
      'Halo refused the client credentials (401 Unauthorized from POST /auth/token: Client authentication failed (invalid_client)) — check connections.halo.clientId ("haloform-test") and the client secret from ${HALO_CLIENT_SECRET}, and that the API application is enabled',
    );
    expect(message).not.toContain('wrong-secret-value');
    expect(api.server.requests().filter((r) => r.path === '/api/Asset')).toHaveLength(0);
  });

  it('names the scope when the token endpoint refuses it', async () => {
    const clock = fakeClock();
    const api = await startToyApi({ clock });
    const { http } = toyClient(api, clock, {
      credentials: { tokenUrl: `${api.url}/auth/token`, clientId: 'haloform-test', clientSecret: new Secret(CLIENT_SECRET, '${S}'), scope: 'read:nothing', configPath: 'connections.halo' },
    });
    opened.push(api, http);

    const error = await rejection(http.request({ method: 'GET', path: '/api/Asset', label: 'GET /api/Asset' }));

    expect(error).toMatchObject({ code: 'auth_failed', status: 400 });
    expect((error as Error).message).toContain('check connections.halo.scope ("read:nothing")');
  });

  it('sends the tenant as a query parameter and the secret only in the form body', async () => {
    const clock = fakeClock();
    const seen: { query: string; body: string }[] = [];
    const api = await startToyApi({
      clock,
      routes: (router) =>
        router.on('POST', '/tenant/token', (req) => {
          seen.push({ query: req.query.toString(), body: req.body.toString('utf8') });
          return { status: 200, body: { access_token: 'tenant-token-1234', expires_in: 3600 } };
        }),
    });
    const { http } = toyClient(api, clock, {
      credentials: { tokenUrl: `${api.url}/tenant/token`, clientId: 'id-1', clientSecret: new Secret('abc def+ghi', '${S}'), scope: 'all', query: { tenant: 'acme' } },
    });
    opened.push(api, http);

    await http.tokens!.token();

    expect(seen).toEqual([{ query: 'tenant=acme', body: 'grant_type=client_credentials&client_id=id-1&client_secret=abc+def%2Bghi&scope=all' }]);
    expect(api.server.requests().find((r) => r.path === '/tenant/token')?.query).toBe('?tenant=acme');
  });

  it('says which url to check when the token endpoint is not there', async () => {
    const clock = fakeClock();
    const api = await startToyApi({ clock });
    const { http } = toyClient(api, clock, { credentials: { tokenUrl: `${api.url}/oauth/token`, clientId: 'id', clientSecret: new Secret(CLIENT_SECRET, '${S}') } });
    opened.push(api, http);

    const error = await rejection(http.request({ method: 'GET', path: '/api/Asset', label: 'GET /api/Asset' }));

    expect(error).toMatchObject({ code: 'http_404', vendorMessage: '404 Not Found', attempts: 1 });
    expect((error as Error).message).toBe(`Halo answered 404 Not Found to POST /oauth/token: 404 Not Found — check the token url ${api.url}/oauth/token`);
  });
});
