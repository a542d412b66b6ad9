import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { Secret } from '../../src/config/secret.js';
import { ApiError } from '../../src/http/api-error.js';
import { Redactor } from '../../src/http/redactor.js';
import { CLIENT_SECRET, fakeClock, startToyApi, toyClient, type ToyApi } from './helpers.js';

const opened: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((o) => o.close()));
});

/** A server that misbehaves in every way at once, and echoes credentials back in its errors. */
async function leakyApi(clock = fakeClock()): Promise<ToyApi> {
  return startToyApi({
    clock,
    faults: [
      { route: '/api/Asset', method: 'GET', errorRate: 0.3, dropRate: 0.2, timeoutRate: 0.1 },
      { route: '/api/Asset', method: 'POST', dropRate: 1, count: 1 },
    ],
    routes: (router, api) => {
      router.on('GET', '/api/Echo', (req) => ({ status: 500, body: { Message: `Request failed for ${req.headers.authorization} (token ${api.tokens.at(-1)})` } }));
      router.on('GET', '/api/EchoHtml', (req) => ({
        status: 502,
        text: `<html><title>Bad gateway for ${req.headers.authorization}</title><body>${req.headers.authorization}</body></html>`,
        contentType: 'text/html',
      }));
      router.on('GET', '/api/EchoQuery', (req) => ({ status: 400, body: { error: 'invalid_request', error_description: `bad token=${req.query.get('token')}`, access_token: api.tokens.at(-1) } }));
      router.on('POST', '/auth/echo', (req) => ({ status: 500, text: `could not parse ${req.body.toString('utf8')}` }));
      router.on('GET', '/api/Revoke', () => {
        api.revokeTokens();
        return { status: 401, body: { error: 'not_authenticated' } };
      });
    },
  });
}

describe('redaction', () => {
  it('keeps the client secret and every issued token out of every log line and error', async () => {
    const clock = fakeClock();
    const api = await leakyApi(clock);
    const redactor = new Redactor();
    const { http, lines } = toyClient(api, clock, { redactor, timeoutMs: 150 });
    const echoToken = toyClient(api, clock, {
      redactor,
      credentials: { tokenUrl: `${api.url}/auth/echo`, clientId: 'haloform-test', clientSecret: new Secret(CLIENT_SECRET, '${HALO_CLIENT_SECRET}') },
    });
    const wrong = toyClient(api, clock, { redactor }, 'wrong-secret-for-test');
    opened.push(api, http, echoToken.http, wrong.http);

    const outcomes = await Promise.allSettled([
      ...Array.from({ length: 15 }, () => http.request({ method: 'GET', path: '/api/Asset', label: 'GET /api/Asset' })),
      http.request({ method: 'POST', path: '/api/Asset', json: [{}], label: 'POST /api/Asset' }),
      http.request({ method: 'GET', path: '/api/Echo', label: 'GET /api/Echo', idempotent: false }),
      http.request({ method: 'GET', path: '/api/EchoHtml', label: 'GET /api/EchoHtml', maxAttempts: 1 }),
      http.request({ method: 'GET', path: '/api/EchoQuery', query: { token: 'placeholder' }, label: 'GET /api/EchoQuery' }),
      echoToken.http.request({ method: 'GET', path: '/api/Asset', label: 'GET /api/Asset' }),
      wrong.http.request({ method: 'GET', path: '/api/Asset', label: 'GET /api/Asset' }),
    ]);
    // Revoke mid-run, then use the new token in a query string too.
    await Promise.allSettled([http.request({ method: 'GET', path: '/api/Revoke', label: 'GET /api/Revoke' })]);
    const last = await Promise.allSettled([
      http.request({ method: 'GET', path: '/api/EchoQuery', query: { token: api.tokens.at(-1) }, label: 'GET /api/EchoQuery' }),
      http.request({ method: 'GET', path: '/api/Echo', label: 'GET /api/Echo' }),
    ]);

    const errors = [...outcomes, ...last].filter((o): o is PromiseRejectedResult => o.status === 'rejected').map((o) => o.reason as ApiError);
    const printed = [
      ...lines,
      ...echoToken.lines,
      ...wrong.lines,
      ...errors.flatMap((e) => [e.message, String(e), JSON.stringify(e), inspect(e, { depth: 5 }), e.path, e.bodyExcerpt ?? '', e.vendorMessage ?? '']),
    ].join('\n');
    const forbidden = [CLIENT_SECRET, encodeURIComponent(CLIENT_SECRET), new URLSearchParams({ s: CLIENT_SECRET }).toString().slice(2), 'wrong-secret-for-test', ...api.tokens];

    // The run exercised what it claims: tokens were issued (and re-issued), errors carried echoes.
    expect(api.tokens.length).toBeGreaterThanOrEqual(2);
    expect(errors.map((e) => e.label)).toEqual(expect.arrayContaining(['GET /api/Echo', 'GET /api/EchoHtml', 'GET /api/EchoQuery', 'POST /auth/echo', 'POST /auth/token']));
    expect(lines.some((l) => l.includes('"msg":"retrying"'))).toBe(true);
    expect(printed).toContain('[redacted]');
    for (const secret of forbidden) expect(printed).not.toContain(secret);
  });

  it('sends the token for real (redaction is on output only)', async () => {
    const clock = fakeClock();
    const api = await startToyApi({ clock });
    const { http } = toyClient(api, clock);
    opened.push(api, http);

    const response = await http.request({ method: 'GET', path: '/api/Asset', label: 'GET /api/Asset' });

    expect(response.status).toBe(200);
    expect(http.redactor.redact(`token ${api.tokens[0]}`)).toBe('token [redacted]');
  });
});

describe('Redactor', () => {
  const redactor = new Redactor([new Secret('p@ss word/+&=', '${X}'), 'plain-secret-1']);

  it.each([
    { text: 'secret is plain-secret-1.', out: 'secret is [redacted].' },
    { text: 'form client_id=a&client_secret=p%40ss+word%2F%2B%26%3D&scope=all', out: 'form client_id=a&client_secret=[redacted]&scope=all' },
    { text: 'json {"client_secret":"p@ss word/+&="}', out: 'json {"client_secret":"[redacted]"}' },
    { text: 'client_secret=unknown-value&x=1', out: 'client_secret=[redacted]&x=1' },
    { text: 'Authorization: Bearer abc.def-ghi', out: 'Authorization: Bearer [redacted]' },
    { text: '{"authorization":"Basic dXNlcjpwYXNz"}', out: '{"authorization":"[redacted]"}' },
    { text: '{"access_token":"zzz","expires_in":3600}', out: '{"access_token":"[redacted]","expires_in":3600}' },
    { text: 'GET /api/notify?token=abc123&x=2', out: 'GET /api/notify?token=[redacted]&x=2' },
    { text: 'GET /api/notify?token=abc123: refused', out: 'GET /api/notify?token=[redacted]: refused' },
    { text: 'id eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJl end', out: 'id [redacted] end' },
    { text: 'nothing here: error_code=10', out: 'nothing here: error_code=10' },
  ])('$text', ({ text, out }) => {
    expect(redactor.redact(text)).toBe(out);
  });

  it('redacts tokens it is told about, and log fields by name', () => {
    const r = new Redactor();
    r.addToken('opaque-token-123');

    expect(r.redact('x opaque-token-123 y')).toBe('x [redacted] y');
    expect(r.redactValue({ url: '/x?token=1', Authorization: 'anything', nested: ['opaque-token-123'] })).toEqual({
      url: '/x?token=[redacted]',
      Authorization: '[redacted]',
      nested: ['[redacted]'],
    });
  });

  it('redacts a secret or token added after it has already redacted lines, in values and field names', () => {
    const r = new Redactor(['first-secret']);
    expect(r.redactValue({ 'late-token-456': 'late-token-456 and late-secret-789' })).toEqual({ 'late-token-456': 'late-token-456 and late-secret-789' });

    r.addToken('late-token-456');
    r.addSecret('late-secret-789');

    expect(r.redactValue({ 'late-token-456': 'late-token-456 and late-secret-789' })).toEqual({ '[redacted]': '[redacted] and [redacted]' });
    expect(r.redactValue({ 'first-secret': 'first-secret' })).toEqual({ '[redacted]': '[redacted]' });
    expect(r.redact('late-token-456 late-secret-789 first-secret')).toBe('[redacted] [redacted] [redacted]');
  });
});
