import { describe, expect, it } from 'vitest';
import { NGINX_NOT_FOUND_HTML, NOT_AUTHENTICATED_BODY } from '../../../src/sandbox/ninjaone/index.js';
import { call, manualClock, startSim, token, tokenRequest } from './helpers.js';
import { buildSeed, CLIENT, READER } from './seed-builder.js';

const grant = (extra: Record<string, string> = {}) => ({ grant_type: 'client_credentials', client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret, ...extra });

describe('the NinjaOne token endpoint', () => {
  it('issues a bearer token for client credentials with the scopes asked for', async () => {
    const sim = await startSim();

    const response = await tokenRequest(sim, grant({ scope: 'monitoring management' }));
    const body = (await response.json()) as Record<string, unknown>;

    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(Object.keys(body)).toEqual(['access_token', 'token_type', 'expires_in', 'scope']);
    expect(body).toEqual({ access_token: expect.stringMatching(/^[\w-]{40,}$/), token_type: 'Bearer', expires_in: 3600, scope: 'monitoring management' });
  });

  it('grants the app its own scopes when none are asked for, and honours tokenTtlSeconds', async () => {
    const sim = await startSim(buildSeed(), { tokenTtlSeconds: 120 });

    const body = (await (await tokenRequest(sim, grant())).json()) as Record<string, unknown>;

    expect(body).toMatchObject({ expires_in: 120, scope: 'monitoring management' });
  });

  it.each([
    ['a wrong secret', grant({ client_secret: 'nope' }), 401, 'invalid_client'],
    ['an unknown client', grant({ client_id: 'stranger' }), 401, 'invalid_client'],
    ['no grant_type', { client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret }, 400, 'invalid_request'],
    ['the password grant', grant({ grant_type: 'password' }), 400, 'unsupported_grant_type'],
    ['the refresh_token grant', grant({ grant_type: 'refresh_token', refresh_token: 'x' }), 400, 'unsupported_grant_type'],
    ['no client_id', { grant_type: 'client_credentials', client_secret: 'x' }, 400, 'invalid_request'],
    ['no client_secret', { grant_type: 'client_credentials', client_id: CLIENT.clientId }, 400, 'invalid_request'],
    ['offline_access (refused by the EU instance)', grant({ scope: 'monitoring offline_access' }), 400, 'invalid_scope'],
    ['a scope the app lacks', grant({ scope: 'monitoring control' }), 400, 'invalid_scope'],
    ['an unknown scope', grant({ scope: 'everything' }), 400, 'invalid_scope'],
  ])('refuses %s with an OAuth error', async (_what, form, status, error) => {
    const sim = await startSim();

    const response = await tokenRequest(sim, form);
    const body = (await response.json()) as Record<string, unknown>;

    expect(response.status).toBe(status);
    expect(body).toEqual({ error, error_description: expect.any(String) });
    expect(JSON.stringify(body)).not.toContain(CLIENT.clientSecret);
  });

  it('refuses a JSON body: the endpoint takes a form', async () => {
    const sim = await startSim();

    const response = await fetch(`${sim.url}/ws/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(grant()) });

    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'invalid_request', error_description: 'token requests must be sent as application/x-www-form-urlencoded' });
  });

  it('answers the legacy /oauth/token path with nginx HTML 404, unless legacyTokenPath is set', async () => {
    const strict = await startSim();
    const lenient = await startSim(buildSeed(), { legacyTokenPath: true });

    const refused = await tokenRequest(strict, grant(), '/oauth/token');
    const served = await tokenRequest(lenient, grant(), '/oauth/token');

    expect(refused.status).toBe(404);
    expect(refused.headers.get('content-type')).toBe('text/html');
    expect(await refused.text()).toBe(NGINX_NOT_FOUND_HTML);
    expect(served.status).toBe(200);
  });

  it('keeps client secrets out of the request log', async () => {
    const sim = await startSim();

    await tokenRequest(sim, grant());

    expect(JSON.stringify(sim.server.requests())).not.toContain(CLIENT.clientSecret);
  });
});

describe('bearer tokens on the API', () => {
  it.each([
    ['no Authorization header', undefined],
    ['an unknown token', 'not-a-token'],
  ])('answers 401 with the not_authenticated body for %s', async (_what, bearer) => {
    const sim = await startSim();

    const response = await call(sim, bearer, '/v2/organizations');

    expect(response.status).toBe(401);
    expect(response.body).toEqual(NOT_AUTHENTICATED_BODY);
    expect(response.body).toEqual({ error: 'not_authenticated', error_description: 'Invalid credentials', error_code: 10 });
  });

  it('accepts a token until tokenTtlSeconds have passed on the injected clock, then answers 401', async () => {
    const clock = manualClock();
    const sim = await startSim(buildSeed(), { now: clock.now, tokenTtlSeconds: 60 });
    const bearer = await token(sim);

    const fresh = await call(sim, bearer, '/v2/organizations');
    clock.advance(59_999);
    const nearlyExpired = await call(sim, bearer, '/v2/organizations');
    clock.advance(1);
    const expired = await call(sim, bearer, '/v2/organizations');

    expect(fresh.status).toBe(200);
    expect(nearlyExpired.status).toBe(200);
    expect(expired.status).toBe(401);
    expect(expired.body).toEqual(NOT_AUTHENTICATED_BODY);
  });

  it('expires tokens when the clock is advanced through the control API', async () => {
    const sim = await startSim();
    const bearer = await token(sim);

    sim.control.advanceClock(3600 * 1000);
    const response = await call(sim, bearer, '/v2/devices');

    expect(response.status).toBe(401);
  });

  it('serves /api/v2 exactly like /v2', async () => {
    const sim = await startSim();
    const bearer = await token(sim);

    const plain = await call(sim, bearer, '/v2/devices-detailed?pageSize=5');
    const prefixed = await call(sim, bearer, '/api/v2/devices-detailed?pageSize=5');

    expect(prefixed.status).toBe(200);
    expect(prefixed.text).toBe(plain.text);
  });

  it('answers 401 before 404 for an unknown API path', async () => {
    const sim = await startSim();
    const bearer = await token(sim);

    const anonymous = await call(sim, undefined, '/v2/no-such-thing');
    const known = await call(sim, bearer, '/v2/no-such-thing');

    expect(anonymous.status).toBe(401);
    expect(known.status).toBe(404);
    expect(known.body).toEqual({ resultCode: 'FAILURE', errorMessage: 'HTTP 404 Not Found', incidentId: expect.stringMatching(/^WEB_MGMT_SERVICE-[0-9a-f]+-\d+-[A-Z]{8}$/) });
  });
});

describe('scopes', () => {
  it.each([
    ['PUT', '/v2/webhook', { url: 'http://127.0.0.1:9/hook' }],
    ['DELETE', '/v2/webhook', undefined],
    ['POST', '/v2/alert/0b0c2f8e-0c41-4a8e-9a51-5d1c5a0f3e11/reset', {}],
    ['DELETE', '/v2/alert/0b0c2f8e-0c41-4a8e-9a51-5d1c5a0f3e11', undefined],
  ])('%s %s needs the management scope: 403 in the API error shape', async (method, path, body) => {
    const sim = await startSim();
    const readOnly = await token(sim, READER, 'monitoring');

    const response = await call(sim, readOnly, path, { method, body });

    expect(response.status).toBe(403);
    expect(response.body).toEqual({ resultCode: 'FAILURE', errorMessage: 'HTTP 403 Forbidden', incidentId: expect.stringMatching(/^WEB_MGMT_SERVICE-/) });
    expect(sim.control.state().alerts).toHaveLength(1);
  });

  it('reads need the monitoring scope', async () => {
    const sim = await startSim();
    const managementOnly = await token(sim, CLIENT, 'management');

    const response = await call(sim, managementOnly, '/v2/devices');

    expect(response.status).toBe(403);
  });
});
