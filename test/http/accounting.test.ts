import { afterEach, describe, expect, it } from 'vitest';
import { Accounting, renderStatsTable } from '../../src/http/accounting.js';
import { fakeClock, startToyApi, toyClient } from './helpers.js';

const opened: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((o) => o.close()));
});

describe('accounting', () => {
  it('counts what the server saw, per label', async () => {
    const clock = fakeClock();
    const api = await startToyApi({
      clock,
      faults: [
        { route: '/api/Asset', method: 'GET', errorRate: 0.3, dropRate: 0.1, rateLimitRate: 0.1 },
        { route: '/api/Asset', method: 'POST', errorRate: 0.3 },
      ],
    });
    const { http } = toyClient(api, clock);
    opened.push(api, http);

    const calls = [
      ...Array.from({ length: 30 }, () => http.request({ method: 'GET', path: '/api/Asset', query: { pageinate: true, page_no: 1 }, label: 'GET /api/Asset' })),
      ...Array.from({ length: 10 }, () => http.request({ method: 'POST', path: '/api/Asset', json: [{}], label: 'POST /api/Asset' })),
      ...Array.from({ length: 3 }, (_, i) => http.request({ method: 'GET', path: `/api/Missing/${i}`, label: 'GET /api/Missing/{id}' })),
    ];
    const results = await Promise.allSettled(calls);

    const log = api.server.requests();
    const seen = (method: string, test: (path: string) => boolean) => log.filter((r) => r.method === method && test(r.path));
    const stats = Object.fromEntries(http.accounting.snapshot().map((s) => [s.label, s]));
    const gets = seen('GET', (p) => p === '/api/Asset');
    const posts = seen('POST', (p) => p === '/api/Asset');
    expect(stats['GET /api/Asset']).toMatchObject({
      calls: 30,
      requests: gets.length,
      retries: gets.length - 30,
      rateLimited: gets.filter((r) => r.status === 429).length,
      errors: results.slice(0, 30).filter((r) => r.status === 'rejected').length,
    });
    expect(stats['POST /api/Asset']).toMatchObject({
      calls: 10,
      requests: posts.length,
      retries: 0,
      errors: posts.filter((r) => r.status === 500).length,
    });
    expect(stats['GET /api/Missing/{id}']).toMatchObject({ calls: 3, requests: seen('GET', (p) => p.startsWith('/api/Missing/')).length, errors: 3 });
    expect(stats['POST /auth/token']).toMatchObject({ calls: 1, requests: seen('POST', (p) => p === '/auth/token').length });
    expect(http.accounting.total().requests).toBe(log.length);
    // The faults really fired, so the counts above compared more than zeros.
    expect(gets.length).toBeGreaterThan(30);
    expect(stats['GET /api/Asset']!.bytesReceived).toBeGreaterThan(0);
  });

  it('renders a plain-text table for --stats', () => {
    const accounting = new Accounting();
    accounting.call('GET /api/Asset');
    accounting.attempt('GET /api/Asset', 120, 2048, 200);
    accounting.attempt('GET /api/Asset', 1500, 0, 429);
    accounting.retry('GET /api/Asset', 30_000);
    accounting.limiterWait('GET /api/Asset', 65_000);
    accounting.limiterWait('GET /api/Asset', 20_000);
    accounting.call('POST /auth/token');
    accounting.attempt('POST /auth/token', 80, 512, 200);
    accounting.error('GET /api/Asset');

    const text = renderStatsTable(accounting.snapshot(), 'Halo');

    expect(text).toBe(
      [
        'Halo',
        'Endpoint          Requests  Retries  429s  Errors  Received   Time     Avg    Max  Held  Longest hold',
        '----------------  --------  -------  ----  ------  --------  -----  ------  -----  ----  ------------',
        'GET /api/Asset           2        1     1       1    2.0 KB  1.6 s  810 ms  1.5 s     2        1m 05s',
        'POST /auth/token         1        0     0       0     512 B  80 ms   80 ms  80 ms     0             -',
        '----------------  --------  -------  ----  ------  --------  -----  ------  -----  ----  ------------',
        'Total                    3        1     1       1    2.5 KB  1.7 s  567 ms  1.5 s     2        1m 05s',
        '',
      ].join('\n'),
    );
  });
});
