/**
 * The API webhook each client app registers with `PUT /v2/webhook` (reference/ninjaone/NOTES.md
 * §6A): where to post, which activities (`{"statusCode": [...]}`, `{"activityType": [...]}`),
 * which organisations, what to expand, and the custom headers that authenticate the post.
 */

import type { NinjaDevice, NinjaLocation, NinjaOrganization } from '../seed.js';
import { redactUrl } from '../webhook-delivery.js';
import { renderDevice } from './device-shapes.js';

/** One app's registration, as PUT /v2/webhook sent it. */
export interface WebhookConfig {
  url: string;
  /** Activity field → accepted values; every key must match (absent = every activity). */
  activities?: Record<string, string[]>;
  /** Absent = expand the device (the default seen in captures); present without "device" = no device. */
  expand?: string[];
  headers: { name: string; value: string }[];
  /** Only activities of devices in these organisations (absent or empty = all). */
  organizationIds?: number[];
}

/** An activity as the API and webhooks write it (spec Activity; NOTES §5, §7). */
export interface NinjaActivity {
  id: number;
  activityTime: number;
  deviceId?: number;
  severity?: string;
  priority?: string;
  seriesUid?: string;
  activityType?: string;
  statusCode?: string;
  status?: string;
  activityResult?: string;
  sourceConfigUid?: string;
  sourceName?: string;
  subject?: string;
  /** The alert's condition, on CONDITION activities of an alert that has one ([unverified]: not in the spec's Activity). */
  conditionName?: string;
  userId?: number;
  message?: string;
  type?: string;
  data?: Record<string, unknown>;
  [key: string]: unknown;
}

/** Checks a PUT /v2/webhook body; returns the config or a message naming the bad field. */
export function parseWebhookConfig(body: unknown): WebhookConfig | { error: string } {
  if (!isObject(body)) return { error: 'the body must be a JSON object with at least "url"' };
  const { url, activities, expand, headers, organizationIds } = body;
  if (typeof url !== 'string' || url.trim() === '') return { error: 'url is required: the address NinjaOne posts activities to' };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { error: `url "${url}" is not an absolute URL` };
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return { error: `url must be http or https, got ${parsed.protocol}` };
  const config: WebhookConfig = { url, headers: [] };
  if (activities !== undefined && activities !== null) {
    if (!isObject(activities)) return { error: 'activities must be an object like {"statusCode": ["TRIGGERED", "RESET"]}' };
    const filter: Record<string, string[]> = {};
    for (const [key, values] of Object.entries(activities)) {
      if (!Array.isArray(values) || !values.every((v) => typeof v === 'string')) return { error: `activities.${key} must be an array of strings` };
      filter[key] = [...values];
    }
    config.activities = filter;
  }
  if (expand !== undefined && expand !== null) {
    if (!Array.isArray(expand) || !expand.every((v) => typeof v === 'string')) return { error: 'expand must be an array of strings' };
    config.expand = [...expand];
  }
  if (headers !== undefined && headers !== null) {
    if (!Array.isArray(headers)) return { error: 'headers must be an array of {name, value}' };
    for (const [i, h] of headers.entries()) {
      if (!isObject(h) || typeof h.name !== 'string' || typeof h.value !== 'string' || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(h.name)) {
        return { error: `headers[${i}] must be {"name": "<header name>", "value": "<string>"}` };
      }
      config.headers.push({ name: h.name, value: h.value });
    }
  }
  if (organizationIds !== undefined && organizationIds !== null) {
    if (!Array.isArray(organizationIds) || !organizationIds.every((v) => Number.isInteger(v))) return { error: 'organizationIds must be an array of integers' };
    config.organizationIds = [...new Set(organizationIds as number[])];
  }
  return config;
}

/** Whether `config` wants `activity`; `organizationId` is that of the activity's device, if known. */
export function wantsActivity(config: WebhookConfig, activity: NinjaActivity, organizationId: number | undefined): boolean {
  if (config.organizationIds && config.organizationIds.length > 0) {
    if (organizationId === undefined || !config.organizationIds.includes(organizationId)) return false;
  }
  for (const [key, values] of Object.entries(config.activities ?? {})) {
    if (values.length === 0) continue;
    const actual = activity[key];
    if (typeof actual !== 'string' || !values.includes(actual)) return false;
  }
  return true;
}

/** Whether the payload carries the `device` node (with organisation and location references). */
export function expandsDevice(config: WebhookConfig): boolean {
  return config.expand === undefined || config.expand.includes('device');
}

/**
 * The body posted for `activity`: the activity, then `device` (brief node with
 * `references.organization` and `.location`) when expanded, as in the real TRIGGERED capture.
 */
export function webhookPayload(
  config: WebhookConfig,
  activity: NinjaActivity,
  device: { node: NinjaDevice; organization?: NinjaOrganization; location?: NinjaLocation } | undefined,
): Record<string, unknown> {
  if (!device || !expandsDevice(config) || 'device' in activity) return { ...activity };
  return { ...activity, device: renderDevice(device.node, 'brief', { organization: device.organization, location: device.location }) };
}

/** The config with header values hidden, for the state dump. */
export function redactedConfig(config: WebhookConfig): WebhookConfig {
  return { ...config, url: redactUrl(config.url), headers: config.headers.map((h) => ({ name: h.name, value: '(sensitive)' })) };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
