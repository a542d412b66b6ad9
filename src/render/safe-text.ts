/**
 * Text shown as what it holds: control characters and the Unicode bidi controls (which make a
 * name display other than it reads — "U+202E" turns "exe.doc" around) are shown escaped in every
 * plan format and diagnostic, so what a reviewer reads is what is applied. Pure.
 */

/** C0 (but tab and newline), DEL, C1, and the bidi and invisible direction marks. */
// eslint-disable-next-line no-control-regex
export const CONTROLS = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

/** The same set, newline and tab included: for one-line values (names, ids). */
// eslint-disable-next-line no-control-regex
const CONTROLS_AND_BREAKS = /[\u0000-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

const code = (c: string) => c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');

/** `\u{202E}` for each control character; text without any is returned as is. */
export function escapeControls(text: string): string {
  return text.replace(CONTROLS, (c) => `\\u{${code(c)}}`);
}

/** A copy of a value with every string in it (keys too) escaped, newlines included: a plan, a change. */
export function displaySafe<T>(value: T): T {
  if (typeof value === 'string') return value.replace(CONTROLS_AND_BREAKS, (c) => `\\u{${code(c)}}`) as T;
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => displaySafe(v)) as T;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[displaySafe(k)] = displaySafe(v);
  return out as T;
}

/**
 * A value as a quoted literal for a plan: JSON's quoting, keeping the `\u{202E}` escapes
 * displaySafe put in as they are (JSON would double their backslash).
 */
export function quoted(value: unknown): string {
  return JSON.stringify(value).replace(/\\\\u\{([0-9A-F]+)\}/g, '\\u{$1}');
}

/** JSON text with the characters JSON leaves raw (DEL, C1, bidi) written as \uXXXX escapes: the same value, safe to display. */
export function jsonSafe(json: string): string {
  // eslint-disable-next-line no-control-regex
  return json.replace(/[\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069\u2028\u2029]/g, (c) => `\\u${code(c).toLowerCase()}`);
}

/** A plan as a person should see it: its changes with every string escaped, its diagnostics with controls escaped (their line breaks kept). */
export function displayPlan<T extends { changes: unknown[]; errors: D[]; warnings: D[]; routing?: unknown[] }, D extends { summary: string; detail: string }>(plan: T): T {
  const diagnostic = (d: D): D => ({ ...d, summary: escapeControls(d.summary), detail: escapeControls(d.detail) });
  return { ...plan, changes: displaySafe(plan.changes), errors: plan.errors.map(diagnostic), warnings: plan.warnings.map(diagnostic), ...(plan.routing ? { routing: displaySafe(plan.routing) } : {}) };
}
