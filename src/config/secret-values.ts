/**
 * Which values are secrets, so every output can hide them wherever they land — a webhook URL's
 * `?token=`, a URL's userinfo, a header: the values of the spec's secret fields, of every
 * variable named like a secret (`HALOFORM_WEBHOOK_SECRET`, `GITHUB_TOKEN`, `DB_PASSWORD`), and
 * the password of any URL with userinfo (`postgres://user:pw@host`). Pure.
 */

/** Variable names that hold secrets. PWD (the working directory) and PASS alone are not among them. */
export const SECRET_NAME = /(SECRET|TOKEN|PASSWORD|PASSWD|API_?KEY|CREDENTIAL|PRIVATE_?KEY)/i;

/** `scheme://user:password@host`: the password. */
const USERINFO = /\b[a-z][a-z0-9+.-]*:\/\/([^\s/?#@:]*):([^\s/?#@]+)@/gi;

/** Shorter values are not hidden: replacing every "abc" would mangle output and protect nothing. */
const MIN_LENGTH = 4;

/** The passwords in the userinfo of the URLs in `text`. */
export function urlPasswords(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(USERINFO)) {
    const password = m[2]!;
    out.push(password);
    try {
      const decoded = decodeURIComponent(password);
      if (decoded !== password) out.push(decoded);
    } catch {
      // Not percent-encoded text: the literal is enough.
    }
  }
  return out.filter((p) => p.length >= MIN_LENGTH);
}

/** Secrets the environment holds: secret-named variables, and passwords in URL-valued ones. */
export function environmentSecrets(env: Readonly<Record<string, string | undefined>>): string[] {
  const out = new Set<string>();
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || value.length < MIN_LENGTH) continue;
    if (SECRET_NAME.test(name)) out.add(value);
    for (const p of urlPasswords(value)) out.add(p);
  }
  return [...out];
}

/** `https://user:pw@host/x` → `https://user:[redacted]@host/x`, for any URL in the text. */
export function maskUserinfo(text: string, replacement: string): string {
  return text.replace(USERINFO, (whole, _user: string, password: string) => (PLACEHOLDER_PASSWORD.test(password) ? whole : whole.replace(/:[^:@]*@$/, `:${replacement}@`)));
}

/** What help texts and examples write where a password goes: left as it is. */
const PLACEHOLDER_PASSWORD = /^(password|passwd|pass|secret|pw|x+|\*+|<[^>]*>|\$\{[^}]*\}|\[redacted\])$/i;

/** Every string in a value, with its path. */
export function* stringsIn(value: unknown, path: (string | number)[] = []): Generator<[(string | number)[], string]> {
  if (typeof value === 'string') yield [path, value];
  else if (Array.isArray(value)) for (const [i, v] of value.entries()) yield* stringsIn(v, [...path, i]);
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) yield* stringsIn(v, [...path, k]);
}
