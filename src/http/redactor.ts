/**
 * Redaction: the one place that knows which strings must never be printed — the client secrets
 * and every access token issued so far — plus patterns that catch credentials it was not told
 * about (`client_secret=…`, `Bearer …`, `"access_token":"…"`, `?token=…`, JWTs). Every ApiError
 * and every log line of the HTTP layer goes through it (STYLE.md, Errors: never print a secret).
 */

import type { Secret } from '../config/secret.js';
import { maskUserinfo } from '../config/secret-values.js';

/** What a secret is replaced with. */
export const REDACTED = '[redacted]';

/** Query and form parameters whose values are credentials wherever they appear. */
const SENSITIVE_PARAMS = [
  'client_secret',
  'access_token',
  'refresh_token',
  'id_token',
  'token',
  'code',
  'password',
  'api_key',
  'apikey',
  'secret',
  'sessionKey',
  'assertion',
];

/**
 * Each pattern with a cheap test of whether it can match at all: most log fields are ids and
 * plain words, and skipping a regex that cannot match keeps serve's per-request log line cheap.
 */
const PATTERNS: readonly [RegExp, string, (text: string) => boolean][] = [
  // Authorization: Bearer abc / "authorization":"Basic abc" / Bearer abc on its own.
  [/\b(Bearer|Basic)(\s+)[A-Za-z0-9\-._~+/]+=*/gi, `$1$2${REDACTED}`, () => true],
  // "access_token":"…" and friends in JSON text (also with escaped quotes inside a JSON string).
  [
    /(\\?"(?:access_token|refresh_token|id_token|client_secret|password|token|secret|authorization)\\?"\s*:\s*\\?")((?:[^"\\]|\\(?!")|\\\\)*)(\\?")/gi,
    `$1${REDACTED}$3`,
    (text) => text.includes('"'),
  ],
  // client_secret=… in a form body or query string, ?token=… and the other sensitive parameters.
  // The value stops before punctuation that ends a sentence ("?token=abc: bad request").
  [new RegExp(`([?&;\\s]|^)(${SENSITIVE_PARAMS.join('|')})=([^&\\s"'<>#]*[^&\\s"'<>#:,.;)])`, 'gi'), `$1$2=${REDACTED}`, (text) => text.includes('=')],
  // A JWT (Halo's access and id tokens) wherever it turns up.
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, REDACTED, (text) => text.includes('eyJ')],
];

/** Shorter values are not treated as secrets: replacing every "abc" would mangle messages and protect nothing. */
const MIN_SECRET_LENGTH = 4;

/** How many issued tokens are remembered; older ones have long expired. */
const MAX_TOKENS = 64;

/** How many distinct log field names are remembered redacted (they are a fixed handful in practice). */
const MAX_KEYS = 512;

/**
 * Replaces known secrets and credential-shaped text with `[redacted]`. One redactor is shared by
 * everything that talks to the APIs, so a token issued to one client is hidden in every log line.
 */
export class Redactor {
  /** Literal secret values, each also in its URL- and JSON-encoded forms; longest first when applied. */
  readonly #secrets = new Set<string>();
  readonly #tokens: string[] = [];
  /** Every literal form of the secrets and tokens, longest first: built on first use after a change. */
  #literals: string[] | undefined;
  /** Log field names already redacted, until the next secret or token changes what redaction does. */
  readonly #keys = new Map<string, string>();

  /** With `patterns: false` only the known secrets (and URL userinfo passwords) are hidden: for a command's own output, where text shaped like a credential may be a device's name. */
  readonly #patterns: boolean;

  constructor(secrets: readonly (Secret | string)[] = [], options: { patterns?: boolean } = {}) {
    this.#patterns = options.patterns ?? true;
    for (const secret of secrets) this.addSecret(secret);
  }

  /** Remembers a secret (a client secret, a webhook secret) for the life of the process. */
  addSecret(secret: Secret | string): void {
    const value = typeof secret === 'string' ? secret : secret.reveal();
    for (const form of encodings(value)) this.#secrets.add(form);
    this.#changed();
  }

  /** Remembers an issued token; only the most recent tokens are kept. */
  addToken(token: string): void {
    if (token.length < MIN_SECRET_LENGTH || this.#tokens.includes(token)) return;
    this.#tokens.push(token);
    if (this.#tokens.length > MAX_TOKENS) this.#tokens.shift();
    this.#changed();
  }

  /** The text with every known secret and credential pattern replaced. */
  redact(text: string): string {
    let out = text;
    this.#literals ??= [...this.#secrets, ...this.#tokens.flatMap(encodings)].sort((a, b) => b.length - a.length);
    for (const literal of this.#literals) {
      if (out.includes(literal)) out = out.split(literal).join(REDACTED);
    }
    if (out.includes('://')) out = maskUserinfo(out, REDACTED);
    if (this.#patterns) for (const [pattern, replacement, mayMatch] of PATTERNS) if (mayMatch(out)) out = out.replace(pattern, replacement);
    return out;
  }

  /** A copy of a value with every string in it (keys too) redacted; for log fields. */
  redactValue(value: unknown, depth = 0): unknown {
    if (typeof value === 'string') return this.redact(value);
    if (value === null || typeof value !== 'object') return value;
    if (depth > 8) return '[too deep]';
    if (value instanceof Error) {
      const code = (value as { code?: unknown }).code;
      return { name: value.name, message: this.redact(value.message), ...(typeof code === 'string' ? { code } : {}) };
    }
    if (Array.isArray(value)) return value.map((v) => this.redactValue(v, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      // A field named like a credential is dropped whole, whatever its value looks like.
      out[this.#redactKey(k)] = /^(authorization|client_?secret|access_?token|refresh_?token|id_?token|password|secret)$/i.test(k) ? REDACTED : this.redactValue(v, depth + 1);
    }
    return out;
  }

  #redactKey(key: string): string {
    const known = this.#keys.get(key);
    if (known !== undefined) return known;
    const redacted = this.redact(key);
    if (this.#keys.size < MAX_KEYS) this.#keys.set(key, redacted);
    return redacted;
  }

  /** A secret or token was added or forgotten: what redaction replaces has changed. */
  #changed(): void {
    this.#literals = undefined;
    this.#keys.clear();
  }
}

/** The ways a value can appear in text we print: as is, URL-encoded (form bodies, queries) and JSON-escaped. */
function encodings(value: string): string[] {
  if (value.length < MIN_SECRET_LENGTH) return [];
  const forms = new Set([value, encodeURIComponent(value), new URLSearchParams({ v: value }).toString().slice(2), JSON.stringify(value).slice(1, -1)]);
  return [...forms];
}
