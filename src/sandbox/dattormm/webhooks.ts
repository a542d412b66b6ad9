/**
 * Datto's global alert webhook (Setup > Integrations > Global Webhooks; reference/dattormm/NOTES.md
 * §8): a URL, a user-written JSON template posted when an alert is raised and, optionally, one
 * posted when it is resolved, with `[placeholder]` variables replaced by the alert's values as
 * strings. A "test" send posts a template with its placeholders left as they are. Each post's
 * outcome shows in the alert's `responseActions` as WEBHOOK_EXECUTED or WEBHOOK_EXECUTION_ERROR —
 * the only trace the API gives (NOTES §6.3). Posts go through the shared delivery queue, so they
 * can be dropped, duplicated, delayed and reordered on purpose.
 */

import { redactUrl, type DeliveryQueue, type WebhookDelivery } from '../webhook-delivery.js';
import { alertText } from './alert-text.js';
import type { DattoClock } from './clock.js';
import type { DattoAlert } from './seed.js';
import type { DattoStore } from './store.js';

/**
 * The placeholders the simulator fills in: those seen in real templates (NOTES §8.1 [observed]),
 * `[device_uid]` and `[site_uid]` ([unverified], also in Halo's DattoRMMWebhook body), and
 * `[alert_message_en]` (a real template uses it; taken to be the English message). Any other
 * `[word]` is left as written.
 */
export const WEBHOOK_PLACEHOLDERS = [
  'alert_uid',
  'alert_message',
  'alert_message_en',
  'alert_type',
  'alert_category',
  'alert_priority',
  'platform',
  'sitename',
  'site_name',
  'site_id',
  'site_uid',
  'device_id',
  'device_uid',
  'device_hostname',
  'device_ip',
  'device_os',
  'device_description',
  'last_user',
  'timestamp',
] as const;

export type WebhookPlaceholder = (typeof WEBHOOK_PLACEHOLDERS)[number];

/** How `[timestamp]` is written ([unverified]: the only hint is a Slack template that puts it in `ts`, epoch seconds). */
export type TimestampFormat = 'epoch-seconds' | 'epoch-ms' | 'iso';

/** The registered global webhook. */
export interface DattoWebhookConfig {
  url: string;
  /** The JSON text posted when an alert is raised. */
  alertTemplate: string;
  /** The JSON text posted when an alert is resolved; null sends nothing then ("optionally", NOTES §8.1). */
  resolvedTemplate: string | null;
  /** Extra headers (a shared secret, a bearer token) — [unverified] whether Datto lets you set any. */
  headers: { name: string; value: string }[];
  /**
   * Escape values for a JSON string (quotes, backslashes, newlines) — [unverified]: Datto may paste
   * them raw, which breaks the JSON of a message with a quote in it. Default true.
   */
  escapeValues: boolean;
  /** The post's Content-Type ([unverified], NOTES §8.1: receivers parse the raw body). Default application/json. */
  contentType: string;
}

/** What the delivery log says a Datto post is about. */
export interface DattoWebhookSubject {
  /** The alert, or null for a test send. */
  alertUid: string | null;
  kind: 'alert' | 'resolved' | 'test';
}

export interface WebhookSettings {
  /** `[platform]`: the platform name (merlot, pinotage, …). */
  platform: string;
  timestampFormat: TimestampFormat;
}

/** One post made for an alert, for its responseActions. */
interface TrackedPost {
  /** Simulator time of the event that caused the post (the action's actionTime). */
  atMs: number;
  entry: WebhookDelivery<DattoWebhookSubject>;
}

export class AlertWebhooks {
  #config: DattoWebhookConfig | null = null;
  readonly #posts = new Map<string, TrackedPost[]>();

  constructor(
    private readonly store: DattoStore,
    private readonly queue: DeliveryQueue<DattoWebhookSubject>,
    private readonly clock: DattoClock,
    readonly settings: WebhookSettings,
  ) {}

  get config(): DattoWebhookConfig | null {
    return this.#config;
  }

  set(config: DattoWebhookConfig | null): void {
    this.#config = config;
  }

  /** Posts the alert template for a newly raised alert. */
  raised(alert: DattoAlert): void {
    if (this.#config) this.#post(alert, 'alert', this.#config.alertTemplate);
  }

  /** Posts the resolved template, when there is one, for an alert just resolved. */
  resolved(alert: DattoAlert): void {
    if (this.#config?.resolvedTemplate) this.#post(alert, 'resolved', this.#config.resolvedTemplate);
  }

  /** Posts a template with its placeholders unsubstituted, as Datto's test button does (NOTES §8.1). Returns false when none is set. */
  test(which: 'alert' | 'resolved'): boolean {
    const template = which === 'alert' ? this.#config?.alertTemplate : this.#config?.resolvedTemplate;
    if (!this.#config || !template) return false;
    this.queue.enqueue(this.#target(this.#config), { alertUid: null, kind: 'test' }, template);
    return true;
  }

  /** The WEBHOOK_EXECUTED / WEBHOOK_EXECUTION_ERROR actions of an alert's finished posts, oldest first. */
  responseActions(alertUid: string): Record<string, unknown>[] {
    const out: Record<string, unknown>[] = [];
    for (const { atMs, entry } of this.#posts.get(alertUid) ?? []) {
      if (entry.outcome === 'delivered') {
        out.push({ actionTime: atMs, actionType: 'WEBHOOK_EXECUTED', description: `Webhook executed (HTTP ${entry.responseStatus})`, actionReference: entry.url, actionReferenceInt: null });
      } else if (entry.outcome === 'failed') {
        const reason = entry.responseStatus === undefined ? (entry.error ?? 'no answer') : `HTTP ${entry.responseStatus}`;
        out.push({ actionTime: atMs, actionType: 'WEBHOOK_EXECUTION_ERROR', description: `Webhook execution failed (${reason})`, actionReference: entry.url, actionReferenceInt: null });
      }
      // A dropped post was never sent and a pending one has no outcome yet: no action.
    }
    return out;
  }

  #post(alert: DattoAlert, kind: 'alert' | 'resolved', template: string): void {
    const config = this.#config!;
    const body = substitute(template, placeholderValues(this.store, alert, this.settings), config.escapeValues);
    const log = this.queue.log();
    const before = log.length;
    this.queue.enqueue(this.#target(config), { alertUid: alert.alertUid, kind }, body);
    // The queue mutates its log entries as deliveries finish; keeping them is how outcomes reach responseActions.
    const posts = this.#posts.get(alert.alertUid) ?? [];
    for (const entry of log.slice(before)) posts.push({ atMs: this.clock.nowMs(), entry });
    this.#posts.set(alert.alertUid, posts);
  }

  #target(config: DattoWebhookConfig) {
    return { url: config.url, headers: [{ name: 'content-type', value: config.contentType }, ...config.headers.filter((h) => h.name.toLowerCase() !== 'content-type')] };
  }
}

/** The value of every placeholder for `alert`; missing values are "" (NOTES §8.1: values are strings). */
export function placeholderValues(store: DattoStore, alert: DattoAlert, settings: WebhookSettings): Record<WebhookPlaceholder, string> {
  const device = store.devices.get(alert.alertSourceInfo.deviceUid);
  const site = store.sites.get(device?.siteUid ?? alert.alertSourceInfo.siteUid);
  const text = alertText(alert, store.alertText.get(alert.alertUid));
  const str = (value: unknown) => (value === null || value === undefined ? '' : String(value));
  const siteName = str(site?.name ?? alert.alertSourceInfo.siteName);
  return {
    alert_uid: alert.alertUid,
    alert_message: text.message,
    alert_message_en: text.message,
    alert_type: text.alertType,
    alert_category: text.category,
    alert_priority: alert.priority,
    platform: settings.platform,
    sitename: siteName,
    site_name: siteName,
    // Numeric ids: templates build /device/[device_id] links from them (NOTES §8.1).
    site_id: str(site?.id),
    site_uid: str(site?.uid ?? alert.alertSourceInfo.siteUid),
    device_id: str(device?.id),
    device_uid: alert.alertSourceInfo.deviceUid,
    device_hostname: str(device?.hostname ?? alert.alertSourceInfo.deviceName),
    device_ip: str(device?.intIpAddress),
    device_os: str(device?.operatingSystem),
    device_description: str(device?.description),
    last_user: str(device?.lastLoggedInUser),
    timestamp: formatTimestamp(alert.resolved && alert.resolvedOn !== null ? alert.resolvedOn : alert.timestamp, settings.timestampFormat),
  };
}

/** `template` with each known `[placeholder]` replaced; values JSON-escaped (without quotes) when `escape`. */
export function substitute(template: string, values: Readonly<Record<string, string>>, escape: boolean): string {
  return template.replace(/\[([a-z_]+)\]/g, (whole, name: string) => {
    const value = values[name];
    if (value === undefined) return whole;
    return escape ? JSON.stringify(value).slice(1, -1) : value;
  });
}

function formatTimestamp(ms: number, format: TimestampFormat): string {
  if (format === 'epoch-ms') return String(ms);
  if (format === 'iso') return new Date(ms).toISOString();
  return String(Math.floor(ms / 1000));
}

/** Checks a webhook registration; returns the config or the first problem with its field. */
export function parseWebhookConfig(input: unknown): DattoWebhookConfig | { error: string; field: string } {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return { error: 'webhook: must be an object with url and alertTemplate', field: 'webhook' };
  const body = input as Record<string, unknown>;
  const known = new Set(['url', 'alertTemplate', 'resolvedTemplate', 'headers', 'escapeValues', 'contentType']);
  const unknown = Object.keys(body).find((k) => !known.has(k));
  if (unknown !== undefined) return { error: `${unknown}: unknown webhook key; known: ${[...known].join(', ')}`, field: unknown };
  if (typeof body.url !== 'string' || body.url.trim() === '') return { error: 'url: required, the address Datto posts alerts to', field: 'url' };
  let parsed: URL;
  try {
    parsed = new URL(body.url);
  } catch {
    return { error: `url: "${body.url}" is not an absolute URL`, field: 'url' };
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return { error: `url: must be http or https, got ${parsed.protocol}`, field: 'url' };
  const alertTemplate = template(body.alertTemplate);
  if (alertTemplate === undefined || alertTemplate === null) return { error: 'alertTemplate: required, the JSON text (or an object) posted when an alert is raised', field: 'alertTemplate' };
  const resolvedTemplate = template(body.resolvedTemplate);
  if (resolvedTemplate === undefined && body.resolvedTemplate !== undefined) return { error: 'resolvedTemplate: must be JSON text, an object or null', field: 'resolvedTemplate' };
  const headers: { name: string; value: string }[] = [];
  if (body.headers !== undefined && body.headers !== null) {
    if (!Array.isArray(body.headers)) return { error: 'headers: must be a list of {name, value}', field: 'headers' };
    for (const [i, h] of body.headers.entries()) {
      const header = h as Record<string, unknown> | null;
      if (typeof header?.name !== 'string' || typeof header.value !== 'string' || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(header.name)) {
        return { error: `headers[${i}]: must be {"name": "<header name>", "value": "<string>"}`, field: 'headers' };
      }
      headers.push({ name: header.name, value: header.value });
    }
  }
  if (body.escapeValues !== undefined && typeof body.escapeValues !== 'boolean') return { error: 'escapeValues: must be true or false', field: 'escapeValues' };
  if (body.contentType !== undefined && (typeof body.contentType !== 'string' || body.contentType === '')) return { error: 'contentType: must be a media type such as "application/json"', field: 'contentType' };
  return {
    url: body.url,
    alertTemplate,
    resolvedTemplate: resolvedTemplate ?? null,
    headers,
    escapeValues: body.escapeValues ?? true,
    contentType: (body.contentType as string | undefined) ?? 'application/json',
  };
}

/** A template as text: a string as is, an object as JSON; null stays null; anything else is undefined. */
function template(value: unknown): string | null | undefined {
  if (value === null) return null;
  if (typeof value === 'string') return value.trim() === '' ? null : value;
  if (typeof value === 'object') return JSON.stringify(value, null, 2);
  return undefined;
}

/** The config with the URL's query values and header values hidden, for the state dump. */
export function redactedWebhook(config: DattoWebhookConfig): DattoWebhookConfig {
  return { ...config, url: redactUrl(config.url), headers: config.headers.map((h) => ({ name: h.name, value: '(sensitive)' })) };
}
