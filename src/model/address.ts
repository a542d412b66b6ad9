/**
 * Addresses: the names a plan gives the Halo resources haloform manages — `client["Contoso"]`,
 * `asset["ninja:1234"]` — unique within a plan. The model names what it resolves with them; the
 * plan, apply and the renderers read them.
 */

/** Resource kinds, in the order apply processes them. */
export const KINDS = ['setting', 'asset_field', 'asset_type', 'client', 'site', 'asset', 'ninja_webhook', 'halo_webhook'] as const;
export type Kind = (typeof KINDS)[number];

/** The webhook registrations: sent on every apply, not counted as changes (src/plan/plan.ts). */
export const WEBHOOK_KINDS: ReadonlySet<Kind> = new Set(['ninja_webhook', 'halo_webhook']);

export function isWebhookKind(kind: Kind): kind is 'ninja_webhook' | 'halo_webhook' {
  return WEBHOOK_KINDS.has(kind);
}

export function address(kind: Exclude<Kind, 'ninja_webhook' | 'halo_webhook'>, key: string): string {
  return `${kind}[${JSON.stringify(key)}]`;
}

/** The name inside an address: `client["Contoso"]` → `Contoso`. */
export function addressName(addr: string): string {
  const m = /^[a-z_]+\[(".*")\]$/.exec(addr);
  if (!m) return addr;
  // An address made safe for display carries `\u{202E}` escapes, which JSON does not know: keep them as text.
  const quoted = m[1]!.replace(/\\u\{([0-9A-F]+)\}/g, '\\\\u{$1}');
  try {
    return JSON.parse(quoted) as string;
  } catch {
    return m[1]!.slice(1, -1);
  }
}
