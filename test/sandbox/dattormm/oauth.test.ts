/** The token endpoint and the bearer check (reference/dattormm/NOTES.md §2). */

import { describe, expect, it } from 'vitest';
import { AUTHENTICATION_REQUIRED, BAD_CREDENTIALS } from '../../../src/sandbox/dattormm/index.js';
import { call, PUBLIC_BASIC, startSim, token, tokenRequest } from './helpers.js';
import { buildSeed, T0, USER } from './seed-builder.js';

const grant = (extra: Record<string, string> = {}) => ({ grant_type: 'password', username: USER.key, password: USER.secret, ...extra });
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('POST /auth/oauth/token', () => {
  it('issues a bearer token for the password grant with the public client', async () => {
    const sim = await startSim();

    const response = await tokenRequest(sim, grant());
    const body = (await response.json()) as Record<string, unknown>;

    expect(response.status).toBe(200);
    expect(Object.keys(body)).toEqual(['access_token', 'token_type', 'refresh_token', 'expires_in', 'scope']);
    expect(body).toEqual({ access_token: expect.stringMatching(UUID), token_type: 'bearer', refresh_token: expect.stringMatching(UUID), expires_in: 360000, scope: 'default' });
  });

  it.each([
    ['a wrong secret', grant({ password: 'nope' }), PUBLIC_BASIC],
    ['an unknown key', grant({ username: 'STRANGER' }), PUBLIC_BASIC],
    ['the secret with a trailing newline', grant({ password: `${USER.secret}\n` }), PUBLIC_BASIC],
    ['a wrong Basic client', grant(), `Basic ${Buffer.from('my-client:public').toString('base64')}`],
    ['no Basic client at all', grant(), null],
  ])('refuses %s with 401 invalid_grant "Bad credentials"', async (_what, form, basic) => {
    const sim = await startSim();

    const response = await tokenRequest(sim, form, { basic });

    expect(response.status).toBe(401);
    expect(await response.json()).toEqual(BAD_CREDENTIALS);
  });

  it('needs the secret URL-encoded: a raw "+" arrives as a space and is refused', async () => {
    const sim = await startSim();

    const raw = await fetch(`${sim.url}/auth/oauth/token`, {
      method: 'POST',
      headers: { authorization: PUBLIC_BASIC, 'content-type': 'application/x-www-form-urlencoded' },
      body: `grant_type=password&username=${USER.key}&password=${USER.secret}`,
    });
    const encoded = await tokenRequest(sim, grant());

    expect(raw.status).toBe(401);
    expect(encoded.status).toBe(200);
  });

  it('answers an unknown grant type and a missing one with 400', async () => {
    const sim = await startSim();

    const clientCredentials = await tokenRequest(sim, { grant_type: 'client_credentials' });
    const none = await tokenRequest(sim, { username: USER.key, password: USER.secret });

    expect(clientCredentials.status).toBe(400);
    expect(await clientCredentials.json()).toEqual({ error: 'unsupported_grant_type', error_description: 'Unsupported grant type: client_credentials' });
    expect(none.status).toBe(400);
    expect(await none.json()).toEqual({ error: 'invalid_request', error_description: 'Missing grant type' });
  });

  it('refuses the refresh_token grant unless refreshTokenGrant is set', async () => {
    const strict = await startSim();
    const lenient = await startSim(buildSeed(), { refreshTokenGrant: true });
    const refreshOf = async (sim: typeof strict) => ((await (await tokenRequest(sim, grant())).json()) as { refresh_token: string }).refresh_token;

    const refused = await tokenRequest(strict, { grant_type: 'refresh_token', refresh_token: await refreshOf(strict) });
    const refreshed = await tokenRequest(lenient, { grant_type: 'refresh_token', refresh_token: await refreshOf(lenient) });
    const bogus = await tokenRequest(lenient, { grant_type: 'refresh_token', refresh_token: 'nope' });

    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({ error: 'unsupported_grant_type', error_description: 'Unsupported grant type: refresh_token' });
    expect(refreshed.status).toBe(200);
    expect(bogus.status).toBe(400);
  });

  it('is not served under /api: /api/auth/oauth/token is a 404', async () => {
    const sim = await startSim();

    const response = await tokenRequest(sim, grant(), { path: '/api/auth/oauth/token' });

    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ status: 404, error: 'Not Found', path: '/api/auth/oauth/token' });
  });

  it('keeps secrets and tokens out of the request log', async () => {
    const sim = await startSim();
    const bearer = await token(sim);

    await call(sim, bearer, '/api/v2/account');

    const log = JSON.stringify(sim.server.requests());
    expect(log).not.toContain(USER.secret);
    expect(log).not.toContain(bearer);
  });
});

describe('the bearer check on /api/v2', () => {
  it('answers 401 without a token, with an unknown token, and on an unknown path without a token', async () => {
    const sim = await startSim();

    const missing = await call(sim, undefined, '/api/v2/account');
    const unknown = await call(sim, 'not-a-token', '/api/v2/account');
    const unknownPath = await call(sim, undefined, '/api/v2/nothing/here');

    expect(missing.status).toBe(401);
    expect(missing.body).toEqual(AUTHENTICATION_REQUIRED);
    expect(missing.headers.get('www-authenticate')).toContain('Bearer realm="oauth2-resource"');
    expect(unknown.status).toBe(401);
    expect(unknown.body).toEqual({ error: 'invalid_token', error_description: 'Invalid access token' });
    expect(unknownPath.status).toBe(401);
  });

  it('expires tokens after 100 hours (tokenTtlSeconds to change it), then answers 401', async () => {
    let now = T0;
    const sim = await startSim(buildSeed(), { now: () => now });
    const bearer = await token(sim);

    const fresh = await call(sim, bearer, '/api/v2/account');
    now += 100 * 3600 * 1000 - 1;
    const almost = await call(sim, bearer, '/api/v2/account');
    now += 1;
    const expired = await call(sim, bearer, '/api/v2/account');

    expect([fresh.status, almost.status, expired.status]).toEqual([200, 200, 401]);
    expect(expired.body).toEqual({ error: 'invalid_token', error_description: 'Access token expired' });
  });

  it('expires by the control clock too, and honours tokenTtlSeconds', async () => {
    const sim = await startSim(buildSeed(), { tokenTtlSeconds: 60 });
    const response = await tokenRequest(sim, grant());
    const { access_token: bearer, expires_in } = (await response.json()) as { access_token: string; expires_in: number };

    sim.control.advanceClock(60_000);
    const expired = await call(sim, bearer, '/api/v2/account');

    expect(expires_in).toBe(60);
    expect(expired.status).toBe(401);
  });

  it('lets GET /api/v2/system/status through without a token', async () => {
    const sim = await startSim();

    const response = await call(sim, undefined, '/api/v2/system/status');

    expect(response.status).toBe(200);
    expect(response.body).toEqual({ version: expect.stringContaining('2.0.0'), status: 'OK', started: T0 });
  });

  it('answers a known path with an unsupported method with 405 once authenticated', async () => {
    const sim = await startSim();
    const bearer = await token(sim);

    const response = await call(sim, bearer, '/api/v2/account', { method: 'DELETE' });

    expect(response.status).toBe(405);
    expect(response.body).toMatchObject({ status: 405, error: 'Method Not Allowed', path: '/api/v2/account' });
  });
});
