/**
 * The two API clients against the sandbox over real HTTP: complete reads at the minimum request
 * count, reads that survive faults, re-authentication, the rate limit, clear failures — and no
 * secret or token in anything they log or throw.
 */

import { afterEach, describe, expect, it } from 'vitest';
import { loadSpecText } from '../../src/config/load.js';
import type { Spec } from '../../src/config/spec.js';
import { HaloApiClient } from '../../src/halo/client.js';
import { Accounting, ApiError, createJsonLogger, Redactor, type SharedHttpOptions } from '../../src/http/index.js';
import { NinjaOneClient } from '../../src/rmm/ninjaone/client.js';
import type { FaultRule } from '../../src/sandbox/faults.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { NINJAONE } from '../../src/rmm/ninjaone/provider.js';

const sandboxes: Sandbox[] = [];
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
  await Promise.all(sandboxes.splice(0).map((s) => s.stop()));
});

function specFor(s: Sandbox, extra = ''): Spec {
  const text = `version: 1
connections:
  ninjaone:
    url: ${s.ninjaone.url}
    clientId: ${s.ninjaone.clientId}
    clientSecret: \${NINJA_SECRET}
  halo:
    url: ${s.halo.url}
    tenant: ${s.halo.tenant}
    clientId: ${s.halo.clientId}
    clientSecret: \${HALO_SECRET}
${extra}`;
  const loaded = loadSpecText('spec.yaml', text, { NINJA_SECRET: s.ninjaone.clientSecret, HALO_SECRET: s.halo.clientSecret });
  if (!loaded.spec) throw new Error(loaded.diagnostics.map((d) => d.detail).join('\n'));
  return loaded.spec;
}

interface Rig {
  ninja: NinjaOneClient;
  halo: HaloApiClient;
  accounting: Accounting;
  logs: string[];
}

function clients(spec: Spec, shared: SharedHttpOptions = {}): Rig {
  const redactor = new Redactor([spec.connections.ninjaone.clientSecret, spec.connections.halo.clientSecret]);
  const logs: string[] = [];
  const accounting = new Accounting();
  const options = { redactor, accounting, logger: createJsonLogger({ redactor, sink: (l) => logs.push(l), level: 'debug' }), ...shared };
  const ninja = new NinjaOneClient(spec.connections.ninjaone, options);
  const halo = new HaloApiClient(spec.connections.halo, NINJAONE.halo, options);
  closers.push(async () => {
    await Promise.all([ninja.close(), halo.close()]);
  });
  return { ninja, halo, accounting, logs };
}

async function sandbox(options: Parameters<typeof startSandbox>[0]): Promise<Sandbox> {
  const s = await startSandbox(options);
  sandboxes.push(s);
  return s;
}

/** Fast back-offs: the retry paths run, without the real waits. */
const FAST: SharedHttpOptions = { backoff: { baseDelayMs: 1, maxDelayMs: 5, minRateLimitWaitMs: 0 }, maxAttempts: 8 };

describe('a full read of a 5,000-device sandbox', () => {
  it('returns every organisation, location, device and mapped custom field exactly once, in the fewest requests', async () => {
    const s = await sandbox({ devices: 5000 });
    const { ninja, halo, accounting } = clients(specFor(s, 'assets:\n  fields:\n    - { to: warranty_end, from: customFields.warrantyEnd }\n'));

    const [n, h] = await Promise.all([ninja.readSnapshot({ customFields: ['warrantyEnd'] }), halo.readSnapshot()]);

    const seed = s.data.ninjaone;
    expect(n.organizations.map((o) => o.id)).toEqual(seed.organizations.map((o) => o.id));
    expect(n.locations.map((l) => l.id)).toEqual(seed.locations.map((l) => l.id));
    expect(n.devices.map((d) => d.id)).toEqual(seed.devices.map((d) => d.id));
    const withWarranty = Object.entries(seed.customFields).filter(([, f]) => f.warrantyEnd !== undefined);
    expect([...n.customFields.keys()].sort((a, b) => Number(a) - Number(b))).toEqual(withWarranty.map(([id]) => Number(id)));
    expect(withWarranty.every(([id, f]) => n.customFields.get(Number(id))!.warrantyEnd === f.warrantyEnd)).toBe(true);
    expect(h.clients).toHaveLength(s.data.halo.clients.length);
    expect(h.assets).toHaveLength(s.data.halo.assets.length);

    // The minimum: NinjaOne pages of 1000 (a full last page needs one more, empty), Halo one page a list.
    const calls = Object.fromEntries(accounting.snapshot().map((r) => [r.label, r.calls]));
    const pages = (rows: number) => Math.floor(rows / 1000) + 1;
    expect(calls['GET /v2/organizations']).toBe(pages(seed.organizations.length));
    expect(calls['GET /v2/locations']).toBe(pages(seed.locations.length));
    expect(calls['GET /v2/devices-detailed']).toBe(pages(seed.devices.length));
    expect(calls['GET /v2/queries/custom-fields']).toBe(pages(withWarranty.length));
    expect(calls['GET /api/Asset']).toBe(s.data.halo.assetTypes.length);
    expect(calls['POST /ws/oauth/token']).toBe(1);
    expect(calls['POST /auth/token']).toBe(1);
    // What haloform counted is what the sandbox saw.
    const logged = s.ninjaone.server.requests().length + s.halo.server.requests().length;
    expect(accounting.snapshot().reduce((sum, r) => sum + r.requests, 0)).toBe(logged);
  });
});

describe('reads under faults', () => {
  const faults: FaultRule[] = [{ errorRate: 0.2 }, { dropRate: 0.1 }];

  it('20% 500s and dropped connections on both APIs still give complete, correct reads', async () => {
    const s = await sandbox({ devices: 2500, faults: { ninjaone: faults, halo: faults } });
    const { ninja, halo, accounting } = clients(specFor(s), FAST);

    const [n, h] = await Promise.all([ninja.readSnapshot(), halo.readSnapshot()]);

    expect(n.devices.map((d) => d.id)).toEqual(s.data.ninjaone.devices.map((d) => d.id));
    expect(h.sites).toHaveLength(s.data.halo.sites.length);
    expect(accounting.snapshot().reduce((sum, r) => sum + r.retries, 0)).toBeGreaterThan(0);
  });

  it('re-authenticates once when tokens are revoked mid-run', async () => {
    const s = await sandbox({ devices: 10 });
    const { halo, accounting } = clients(specFor(s), FAST);
    await halo.readClients();

    s.halo.control.expireTokens();
    const again = await halo.readClients();

    expect(again).toHaveLength(s.data.halo.clients.length);
    expect(accounting.snapshot().find((r) => r.label === 'POST /auth/token')!.calls).toBe(2);
  });

  it('waits at least the configured back-off after a Halo 429', async () => {
    const s = await sandbox({ devices: 10, faults: { halo: [{ route: '/api/Client', rateLimitRate: 1, count: 1 }] } });
    const sleeps: number[] = [];
    let now = 0;
    const clock = {
      now: () => now,
      sleep: async (ms: number) => {
        sleeps.push(ms);
        now += ms;
      },
    };
    const { halo } = clients(specFor(s), { clock, backoff: { minRateLimitWaitMs: 30_000 } });

    const read = await halo.readClients();

    expect(read).toHaveLength(s.data.halo.clients.length);
    expect(Math.max(...sleeps)).toBeGreaterThanOrEqual(30_000);
  });

  it('fails fast and clearly on a permanent 403', async () => {
    const s = await sandbox({ devices: 10 });
    // A token for reading customers only cannot read /api/Control (admin).
    const spec = specFor(s);
    spec.connections.halo.scope = 'read:customers';
    const { halo, accounting } = clients(spec, FAST);

    const error = await halo.readSettings().catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(403);
    expect((error as ApiError).message).toContain("Halo answered 403 Forbidden to GET /api/Control");
    expect((error as ApiError).message).toContain("reading Halo's settings needs the API application's admin scope");
    expect(accounting.snapshot().find((r) => r.label === 'GET /api/Control')!.requests).toBe(1);
  });

  it('gives an ApiError with an excerpt when a body is not JSON', async () => {
    const s = await sandbox({ devices: 10 });
    const { ninja } = clients(specFor(s), FAST);

    // The legacy token path answers nginx's HTML 404 page (reference/ninjaone/NOTES.md §1).
    const error = await ninja.http.request({ method: 'POST', path: '/oauth/token', label: 'POST /oauth/token', auth: 'none' }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(404);
    expect((error as ApiError).bodyExcerpt).toContain('404 Not Found');
  });
});

describe("Halo's request budget", () => {
  it('paces a read heavier than the budget so that not one request gets a 429', async () => {
    // 25 requests per 1-second window (Halo's 300 per 300 s, scaled), and 80 reads at once.
    const budget = { requests: 25, perSeconds: 1 };
    const s = await sandbox({ devices: 10, haloRateLimit: budget });
    const spec = specFor(s);
    spec.connections.halo.rateLimit = budget;
    const { halo } = clients(spec, FAST);

    const reads = await Promise.all(Array.from({ length: 80 }, () => halo.readTopLevels()));

    expect(reads.every((r) => r.length === s.data.halo.topLevels.length)).toBe(true);
    expect(s.halo.server.requests()).toHaveLength(81);
    expect(s.halo.server.requests().filter((r) => r.status === 429)).toEqual([]);
  });
});

describe('secrets', () => {
  it('never appear in a log line or an error of the fault runs', async () => {
    const s = await sandbox({ devices: 500, faults: { ninjaone: [{ errorRate: 0.3 }], halo: [{ errorRate: 0.3 }, { dropRate: 0.1 }] } });
    const spec = specFor(s);
    const { ninja, halo, logs } = clients(spec, { ...FAST, maxAttempts: 2 });
    const errors: string[] = [];

    for (let i = 0; i < 5; i++) {
      await Promise.all([ninja.readSnapshot(), halo.readSnapshot()]).catch((e: unknown) => errors.push(String(e), JSON.stringify(e), (e as Error).stack ?? ''));
    }
    const tokens = await Promise.all([ninja.http.tokens!.token(), halo.http.tokens!.token()]);
    const everything = [...logs, ...errors].join('\n');
    expect(logs.length).toBeGreaterThan(0);
    expect(everything).not.toContain(s.ninjaone.clientSecret);
    expect(everything).not.toContain(s.halo.clientSecret);
    for (const token of tokens) expect(everything).not.toContain(token);
  });
});
