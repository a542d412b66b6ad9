/**
 * startSandbox: both simulators, seeded with the demo MSP (or a given seed), on local ports —
 * what `haloform sandbox`, `npm start` and every end-to-end test run against. DESIGN.md §6.
 */

import { SANDBOX_CREDENTIALS, generateDemo, type Realism } from './demo-data.js';
import type { FaultRule } from './faults.js';
import { startHaloSimulator, type HaloControl, type HaloSimulatorOptions } from './halo/index.js';
import { startNinjaOneSimulator, type NinjaOneControl, type NinjaOneSimulatorOptions } from './ninjaone/index.js';
import type { Seed } from './seed.js';
import type { SimServer } from './sim-server.js';

export interface SandboxOptions {
  host?: string;
  /** 0 (the default) picks a free port; `haloform sandbox` uses 7101. */
  ninjaonePort?: number;
  /** 0 (the default) picks a free port; `haloform sandbox` uses 7102. */
  haloPort?: number;
  /** Demo generator seed (default 1); also seeds the fault dice. */
  seed?: number;
  /** Demo size (default 200 devices). */
  devices?: number;
  /** How messy the demo data is (default `real`). */
  realism?: Realism;
  /** Data to serve instead of the demo MSP. */
  data?: Seed;
  /** Added to every API request of both simulators. */
  latencyMs?: number;
  /** Halo's request budget; null or undefined = none (tests), `haloform sandbox` defaults to 300 per 300 s. */
  haloRateLimit?: { requests: number; perSeconds: number } | null;
  faults?: { ninjaone?: FaultRule[]; halo?: FaultRule[] };
  /** Anything else either simulator takes. */
  ninjaone?: Omit<NinjaOneSimulatorOptions, 'host' | 'port' | 'faults' | 'seed'>;
  halo?: Omit<HaloSimulatorOptions, 'host' | 'port' | 'faults' | 'seed' | 'rateLimit'>;
}

export interface Sandbox {
  ninjaone: { url: string; clientId: string; clientSecret: string; server: SimServer; control: NinjaOneControl };
  halo: { url: string; tenant: string; clientId: string; clientSecret: string; server: SimServer; control: HaloControl };
  /** What the demo spec reads: NINJAONE_URL, HALO_URL, the client ids and secrets. */
  env: Record<string, string>;
  /** The data it started from. */
  data: Seed;
  stop(): Promise<void>;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const seed = options.seed ?? 1;
  const data = options.data ?? generateDemo({ seed, devices: options.devices ?? 200, ...(options.realism ? { realism: options.realism } : {}) });
  const latency = options.latencyMs ? [{ latencyMs: options.latencyMs }] : [];
  const host = options.host ?? '127.0.0.1';
  const tenant = SANDBOX_CREDENTIALS.halo.tenant;

  const ninja = await startNinjaOneSimulator(data.ninjaone, {
    ...options.ninjaone,
    host,
    port: options.ninjaonePort ?? 0,
    seed,
    faults: [...latency, ...(options.faults?.ninjaone ?? [])],
  });
  let halo;
  try {
    halo = await startHaloSimulator(data.halo, {
      tenant,
      ...options.halo,
      host,
      port: options.haloPort ?? 0,
      seed,
      rateLimit: options.haloRateLimit ?? null,
      faults: [...latency, ...(options.faults?.halo ?? [])],
    });
  } catch (e) {
    await ninja.stop();
    throw e;
  }

  const ninjaApp = data.ninjaone.apps[0] ?? { ...SANDBOX_CREDENTIALS.ninjaone };
  const haloApp = data.halo.apps[0] ?? { ...SANDBOX_CREDENTIALS.halo };
  return {
    ninjaone: { url: ninja.url, clientId: ninjaApp.clientId, clientSecret: ninjaApp.clientSecret, server: ninja.server, control: ninja.control },
    halo: { url: halo.url, tenant, clientId: haloApp.clientId, clientSecret: haloApp.clientSecret, server: halo.server, control: halo.control },
    env: {
      NINJAONE_URL: ninja.url,
      NINJAONE_CLIENT_ID: ninjaApp.clientId,
      NINJAONE_CLIENT_SECRET: ninjaApp.clientSecret,
      HALO_URL: halo.url,
      HALO_CLIENT_ID: haloApp.clientId,
      HALO_CLIENT_SECRET: haloApp.clientSecret,
    },
    data,
    stop: async () => {
      await Promise.all([ninja.stop(), halo.stop()]);
    },
  };
}
