/**
 * Spec reload for a running serve (SIGHUP, the spec file changing, `POST /admin/reload`): the new
 * spec is checked first, and replaces the running one only when it is valid, still has alerts,
 * and keeps the connections (serve reads those, and their secrets, only at start). Anything else
 * is refused with its reason, and the running spec keeps working.
 */

import { createHash, timingSafeEqual } from 'node:crypto';
import type { LoadedSpec } from '../config/load.js';
import { Secret } from '../config/secret.js';
import type { Spec } from '../config/spec.js';
import { hasErrors } from '../diagnostics/diagnostic.js';

export type ReloadResult = { ok: true; hash: string; changed: boolean } | { ok: false; reason: string };

/** Whether `next` may replace `current`, and the spec it brings. */
export function checkReload(current: Spec, next: LoadedSpec): { ok: true; loaded: LoadedSpec & { spec: Spec } } | { ok: false; reason: string } {
  const errors = next.diagnostics.filter((d) => d.severity === 'error');
  if (!next.spec || hasErrors(next.diagnostics)) {
    const first = errors[0];
    const where = first?.file && first.range ? `${first.file}:${first.range.start.line}: ` : '';
    return { ok: false, reason: `the new spec has ${errors.length === 1 ? 'an error' : `${errors.length} errors`}${first ? ` (first: ${where}${first.summary}: ${first.detail})` : ''}` };
  }
  if (!next.spec.alerts) return { ok: false, reason: 'the new spec has no alerts section, and serve needs one' };
  if (connectionsKey(current) !== connectionsKey(next.spec)) {
    return { ok: false, reason: 'the new spec changes connections, which serve reads only at start: restart serve to use them' };
  }
  return { ok: true, loaded: next as LoadedSpec & { spec: Spec } };
}

/** The connections as a comparable digest (secrets included, never shown). */
function connectionsKey(spec: Spec): string {
  const text = JSON.stringify(spec.connections, (_key, value: unknown) => (value instanceof Secret ? { secret: value.reveal() } : value));
  return createHash('sha256').update(text).digest('hex');
}

/** Whether an `Authorization: Bearer <token>` header carries `secret` (compared in constant time). */
export function bearerMatches(header: string | string[] | undefined, secret: string): boolean {
  const value = Array.isArray(header) ? header[0] : header;
  const token = /^Bearer\s+(.+)$/i.exec(value ?? '')?.[1]?.trim();
  if (!token) return false;
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(token), digest(secret));
}
