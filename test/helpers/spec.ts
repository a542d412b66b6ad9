/** Building specs and reading their diagnostics in tests. */

import { loadSpecText, type LoadOptions } from '../../src/config/load.js';
import { renderDiagnosticLine } from '../../src/diagnostics/render.js';

/** A minimal valid spec; tests append sections to it. Lines 1–11. */
export const BASE = `version: 1
connections:
  ninjaone:
    instance: eu
    clientId: ninja-id
    clientSecret: \${NINJA_SECRET}
  halo:
    url: https://acme.halopsa.com
    tenant: acme
    clientId: halo-id
    clientSecret: \${HALO_SECRET}
`;

export const ENV = { NINJA_SECRET: 'n-secret-value', HALO_SECRET: 'h-secret-value' };

export function load(text: string, env: Record<string, string | undefined> = ENV, options: LoadOptions = {}) {
  return loadSpecText('spec.yaml', text, env, options);
}

/** Each diagnostic as `file:line:col: severity: summary: detail`. */
export function lines(text: string, env: Record<string, string | undefined> = ENV, options: LoadOptions = {}): string[] {
  return load(text, env, options).diagnostics.map(renderDiagnosticLine);
}
