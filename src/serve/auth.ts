/**
 * Webhook authentication: a shared secret from the environment (a second one allowed while it is
 * rotated), presented as `Authorization: Bearer <secret>`, in the header the spec names
 * (`alerts.webhook.header`), or as `?token=<secret>` for channels that cannot set headers
 * (reference/ninjaone/NOTES.md §6: NinjaOne authenticates webhooks only by headers you choose).
 * Compared in constant time: both sides are hashed first, so neither length nor content leaks.
 */

import { createHash, timingSafeEqual } from 'node:crypto';

/** The environment variables serve reads its secrets from. */
export const SECRET_ENV = 'HALOFORM_WEBHOOK_SECRET';
export const PREVIOUS_SECRET_ENV = 'HALOFORM_WEBHOOK_SECRET_PREVIOUS';

/** Shorter secrets are refused at start: they can be guessed. */
export const MIN_SECRET_LENGTH = 16;

export type AuthVia = 'bearer' | 'header' | 'query';

export type AuthResult = { ok: true; via: AuthVia | 'none' } | { ok: false; presented: boolean };

export interface WebhookAuthOptions {
  /** Accepted secrets (the current one, and the previous one during a rotation). Empty = no authentication. */
  secrets: readonly string[];
  /** The spec's header (`alerts.webhook.header`, default Authorization). */
  header?: string;
}

export class WebhookAuth {
  readonly #digests: Buffer[];
  readonly #header: string;
  readonly enabled: boolean;

  constructor(options: WebhookAuthOptions) {
    this.#digests = options.secrets.filter((s) => s.length > 0).map(digest);
    this.#header = (options.header ?? 'authorization').toLowerCase();
    this.enabled = this.#digests.length > 0;
  }

  /** The header names that carry a secret: never logged or stored. */
  get sensitiveHeaders(): string[] {
    return [...new Set(['authorization', this.#header])];
  }

  check(headers: Record<string, string | string[] | undefined>, query: URLSearchParams): AuthResult {
    if (!this.enabled) return { ok: true, via: 'none' };
    const candidates: { value: string; via: AuthVia }[] = [];
    const authorization = single(headers.authorization);
    const bearer = authorization === undefined ? undefined : /^\s*Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1];
    if (bearer !== undefined) candidates.push({ value: bearer, via: 'bearer' });
    if (this.#header !== 'authorization') {
      const custom = single(headers[this.#header]);
      if (custom !== undefined) candidates.push({ value: custom.trim(), via: 'header' });
    }
    const token = query.get('token');
    if (token !== null) candidates.push({ value: token, via: 'query' });
    // Every candidate is compared with every secret, whatever matched first: the time taken
    // depends only on how many were presented.
    let match: AuthVia | undefined;
    for (const candidate of candidates) {
      const d = digest(candidate.value);
      for (const secret of this.#digests) if (timingSafeEqual(d, secret) && match === undefined) match = candidate.via;
    }
    if (match !== undefined) return { ok: true, via: match };
    return { ok: false, presented: candidates.length > 0 || authorization !== undefined };
  }
}

/** Problems with the configured secrets, as messages; empty when they can be used. */
export function checkSecrets(secrets: readonly { name: string; value: string | undefined }[]): string[] {
  const problems: string[] = [];
  for (const { name, value } of secrets) {
    if (value === undefined || value === '') continue;
    if (value.length < MIN_SECRET_LENGTH) {
      problems.push(`${name} is ${value.length} characters long; use at least ${MIN_SECRET_LENGTH} random characters (e.g. openssl rand -hex 32).`);
    }
    if (/\s/.test(value)) problems.push(`${name} contains whitespace, which does not survive an HTTP header; use a random hex or base64url string.`);
  }
  return problems;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
