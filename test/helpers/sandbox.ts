/** Running the CLI against a sandbox started in the test process. */

import type { Sandbox } from '../../src/sandbox/index.js';

export const ROOT = new URL('../../', import.meta.url).pathname;

/** What config/demo.yaml reads, pointed at this sandbox; the webhook secret apply needs. */
export function demoEnv(sandbox: Sandbox, extra: Record<string, string> = {}): Record<string, string> {
  return { ...sandbox.env, HALOFORM_WEBHOOK_SECRET: 'test-webhook-secret-0123456789', HALOFORM_HALO_WEBHOOK_SECRET: 'test-halo-webhook-secret-0123456789', ...extra };
}

/** Requests other than GETs and the two token requests: what a read-only run must never send. */
export function writes(sandbox: Sandbox): string[] {
  return [...sandbox.ninjaone.server.requests(), ...sandbox.halo.server.requests()]
    .filter((r) => r.method !== 'GET' && r.path !== '/ws/oauth/token' && r.path !== '/auth/token')
    .map((r) => `${r.method} ${r.path}`);
}
