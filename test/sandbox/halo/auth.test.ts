import { afterEach, describe, expect, it } from 'vitest';
import { APP, Harness } from './fixtures.js';

let h: Harness;
afterEach(async () => h?.stop());

describe('POST /auth/token', () => {
  it('issues a bearer token for client credentials', async () => {
    h = await Harness.start();

    const answer = await h.tokenRequest({ grant_type: 'client_credentials', client_id: 'haloform', client_secret: 's3cret', scope: 'all' });

    expect(answer.status).toBe(200);
    expect(Object.keys(answer.body)).toEqual(['scope', 'token_type', 'access_token', 'expires_in', 'refresh_token', 'id_token']);
    expect(answer.body).toMatchObject({ scope: 'all', token_type: 'Bearer', expires_in: 3600 });
    expect(answer.body.access_token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    const idToken = JSON.parse(Buffer.from(answer.body.id_token.split('.')[1], 'base64url').toString());
    expect(idToken.agent_id).toBe(APP.agentId);
  });

  it('grants the app its own scopes when none are asked for, and edit:X brings read:X', async () => {
    h = await Harness.start();

    const all = await h.tokenRequest({ grant_type: 'client_credentials', client_id: 'operator', client_secret: 'o' });
    const read = await h.tokenRequest({ grant_type: 'client_credentials', client_id: 'operator', client_secret: 'o', scope: 'read:assets' });

    expect(all.body.scope).toBe('edit:customers edit:assets edit:tickets');
    expect(read.status).toBe(200);
    expect(read.body.scope).toBe('read:assets');
  });

  it.each([
    ['an unknown client', { grant_type: 'client_credentials', client_id: 'nobody', client_secret: 'x' }, 401, 'invalid_client'],
    ['a wrong secret', { grant_type: 'client_credentials', client_id: 'haloform', client_secret: 'wrong' }, 401, 'invalid_client'],
    ['an unknown scope', { grant_type: 'client_credentials', client_id: 'haloform', client_secret: 's3cret', scope: 'read:actions' }, 400, 'invalid_scope'],
    ['a scope the app lacks', { grant_type: 'client_credentials', client_id: 'reader', client_secret: 'r', scope: 'edit:assets' }, 400, 'invalid_scope'],
    ['admin for an all:standard-less app', { grant_type: 'client_credentials', client_id: 'operator', client_secret: 'o', scope: 'admin' }, 400, 'invalid_scope'],
    ['a password grant', { grant_type: 'password', client_id: 'haloform', client_secret: 's3cret' }, 400, 'unsupported_grant_type'],
    ['no grant type', { client_id: 'haloform', client_secret: 's3cret' }, 400, 'unsupported_grant_type'],
  ])('refuses %s with an OAuth error', async (_name, form, status, error) => {
    h = await Harness.start();

    const answer = await h.tokenRequest(form);

    expect(answer.status).toBe(status);
    expect(answer.body.error).toBe(error);
    expect(typeof answer.body.error_description).toBe('string');
  });

  it.each([
    ['a wrong tenant', 'other'],
    ['no tenant', null],
  ])('refuses %s with invalid_request', async (_name, tenant) => {
    h = await Harness.start();

    const answer = await h.tokenRequest({ grant_type: 'client_credentials', client_id: 'haloform', client_secret: 's3cret' }, tenant);

    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe('invalid_request');
  });

  it('needs no tenant on a self-hosted instance (tenant: null)', async () => {
    h = await Harness.start(undefined, { tenant: null });

    const answer = await h.tokenRequest({ grant_type: 'client_credentials', client_id: 'haloform', client_secret: 's3cret' }, null);

    expect(answer.status).toBe(200);
  });

  it('checks the tenant it was given', async () => {
    h = await Harness.start(undefined, { tenant: 'acme' });

    const wrong = await h.tokenRequest({ grant_type: 'client_credentials', client_id: 'haloform', client_secret: 's3cret' }, 'demo');
    const right = await h.tokenRequest({ grant_type: 'client_credentials', client_id: 'haloform', client_secret: 's3cret' }, 'acme');

    expect(wrong.status).toBe(400);
    expect(right.status).toBe(200);
  });

  it('refuses a JSON body: the token endpoint takes a form', async () => {
    h = await Harness.start();

    const answer = await h.request('POST', '/auth/token?tenant=demo', { grant_type: 'client_credentials', client_id: 'haloform', client_secret: 's3cret' });

    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe('invalid_request');
  });

  it('accepts the client credentials as HTTP Basic', async () => {
    h = await Harness.start();

    const answer = await h.request('POST', '/auth/token?tenant=demo', 'grant_type=client_credentials', {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from('haloform:s3cret').toString('base64')}`,
    });

    expect(answer.status).toBe(200);
  });

  it('exchanges its refresh token for a new access token', async () => {
    h = await Harness.start();
    const first = await h.tokenRequest({ grant_type: 'client_credentials', client_id: 'reader', client_secret: 'r' });

    const second = await h.tokenRequest({ grant_type: 'refresh_token', refresh_token: first.body.refresh_token });

    expect(second.status).toBe(200);
    expect(second.body.scope).toBe(first.body.scope);
    expect(second.body.access_token).not.toBe(first.body.access_token);
  });
});

describe('GET /api/authinfo', () => {
  it('answers without a token with the auth URL and tenant', async () => {
    h = await Harness.start();

    const answer = await h.get('/api/authinfo');

    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ auth_url: `${h.url}/auth`, tenant_id: 'demo' });
  });
});

describe('the bearer check', () => {
  it('answers 401 with a Bearer challenge without a token', async () => {
    h = await Harness.start();

    const answer = await h.get('/api/Client');

    expect(answer.status).toBe(401);
    expect(answer.headers.get('www-authenticate')).toBe('Bearer');
  });

  it('answers 401 for a token it did not issue', async () => {
    h = await Harness.start();
    h.token = 'not.a.token';

    const answer = await h.get('/api/Client');

    expect(answer.status).toBe(401);
    expect(answer.headers.get('www-authenticate')).toContain('invalid_token');
  });

  it('answers 401 once the injected clock passes the expiry, and 200 just before', async () => {
    h = await Harness.start(undefined, { tokenTtlSeconds: 60 });
    await h.login();

    h.clock += 59_999;
    const before = await h.get('/api/Client');
    h.clock += 1;
    const after = await h.get('/api/Client');

    expect(before.status).toBe(200);
    expect(after.status).toBe(401);
    expect(after.headers.get('www-authenticate')).toContain('The token expired');
  });

  it('answers 401 after the control API expires every token', async () => {
    h = await Harness.start();
    await h.login();

    await h.request('POST', '/_sandbox/tokens/expire');
    const answer = await h.get('/api/Client');

    expect(answer.status).toBe(401);
  });
});

describe('scope gating', () => {
  it.each([
    ['reader', 'read:customers', 'GET', '/api/Client', 200],
    ['reader', 'read:customers', 'POST', '/api/Client', 403],
    ['reader', 'read:assets', 'GET', '/api/Client', 403],
    ['reader', 'read:assets', 'GET', '/api/Asset', 200],
    ['reader', 'read:assets', 'GET', '/api/AssetType', 200],
    ['reader', 'read:assets', 'GET', '/api/Field', 200],
    ['reader', 'read:tickets', 'GET', '/api/Tickets', 200],
    ['reader', 'read:tickets', 'GET', '/api/Actions', 200],
    ['reader', 'read:tickets', 'GET', '/api/TicketType', 200],
    ['reader', 'read:tickets', 'GET', '/api/Status', 200],
    ['reader', 'read:tickets', 'GET', '/api/Outcome', 200],
    ['reader', 'read:tickets', 'GET', '/api/Site', 403],
    ['customers', 'edit:customers', 'GET', '/api/Site', 200],
    ['customers', 'edit:customers', 'GET', '/api/Users', 200],
    ['customers', 'edit:customers', 'GET', '/api/Asset', 403],
    ['operator', 'edit:assets', 'POST', '/api/AssetType', 403],
    ['operator', 'edit:assets', 'POST', '/api/Field', 403],
    ['operator', 'edit:assets', 'POST', '/api/Field/AddFieldToAll/117', 403],
    ['operator', 'edit:customers edit:assets edit:tickets', 'GET', '/api/Control', 403],
    ['haloform', 'admin', 'GET', '/api/Control', 200],
    ['haloform', 'admin', 'GET', '/api/Client', 403],
    ['haloform', 'all', 'GET', '/api/Control', 200],
  ])('%s with "%s": %s %s → %i', async (clientId, scope, method, path, status) => {
    h = await Harness.start();
    const secret = { haloform: 's3cret', reader: 'r', customers: 'c', operator: 'o' }[clientId]!;
    await h.login({ clientId, clientSecret: secret }, scope);

    const answer = await h.request(method, path, method === 'POST' ? [] : undefined);

    expect(answer.status).toBe(status);
    if (status === 403) expect(answer.body.Message).toContain('scope');
  });

  it('says which scope is missing', async () => {
    h = await Harness.start();
    await h.login({ clientId: 'reader', clientSecret: 'r' });

    const edit = await h.post('/api/Asset', []);
    const admin = await h.get('/api/Control');

    expect(edit.body).toEqual({
      ClassName: 'System.Exception',
      Message: 'The application\'s token does not allow this request: it needs the scope edit:assets (or all); it has "read:customers read:assets read:tickets".',
    });
    expect(admin.body.Message).toContain('it needs the scope admin (or all)');
  });

  it('matches paths case-insensitively', async () => {
    h = await Harness.start();
    await h.login();

    const lower = await h.get('/api/asset');
    const upper = await h.get('/API/ASSET');

    expect(lower.status).toBe(200);
    expect(upper.text).toBe(lower.text);
  });
});
