/**
 * The programmatic control API of the Datto simulator: what a test (or, later, `haloform
 * sandbox`) does to the account that the real API cannot — add sites and devices, change, move and
 * delete devices, raise and resolve alerts, register the global alert webhook and watch its
 * deliveries, read and tune the request budget, move the clock. The `/_sandbox/` HTTP routes
 * (control-routes.ts) are a thin JSON layer over it.
 */

import type { Random } from '../random.js';
import type { DeliveryOptions, DeliveryQueue, WebhookDelivery } from '../webhook-delivery.js';
import type { AlertLifecycle, TriggerAlertInput } from './alerts.js';
import type { DattoClock } from './clock.js';
import { ControlError, deliveryOptions, newDevice, newSite, patchedDevice, patchedSite, triggerInput, type DeviceInput, type SiteInput } from './control-input.js';
import type { DattoTokens } from './oauth.js';
import { checkRateLimit, DEFAULT_RATE_LIMIT, type DattoRateLimit, type DattoRateLimiter, type RateLimitStatus } from './rate-limit.js';
import type { DattoAccount, DattoAlert, DattoAudit, DattoDevice, DattoSite } from './seed.js';
import { renderAlert } from './shapes.js';
import type { DattoStore } from './store.js';
import { parseWebhookConfig, redactedWebhook, type AlertWebhooks, type DattoWebhookConfig, type DattoWebhookSubject } from './webhooks.js';

/** What `setWebhook` takes: templates as JSON text or as objects; only url and alertTemplate are required. */
export interface WebhookInput {
  url: string;
  alertTemplate: string | Record<string, unknown>;
  resolvedTemplate?: string | Record<string, unknown> | null;
  headers?: { name: string; value: string }[];
  escapeValues?: boolean;
  contentType?: string;
}

/** Everything the simulator holds, seed-shaped (secrets, tokens and webhook header values left out). */
export interface DattoRmmState {
  account: DattoAccount;
  apiUsers: { username: string; key: string }[];
  sites: DattoSite[];
  devices: DattoDevice[];
  audits: Record<string, DattoAudit>;
  /** As the API renders them, responseActions of webhook posts included. */
  alerts: Record<string, unknown>[];
  webhook: DattoWebhookConfig | null;
  webhookDelivery: DeliveryOptions;
  rateLimit: RateLimitStatus;
  activeTokens: number;
  /** The simulator clock, epoch milliseconds. */
  clockMs: number;
}

export interface DattoRmmControl {
  state(): DattoRmmState;
  /** Adds a site (id: the next free one; uid: a seeded GUID). */
  addSite(site: SiteInput): DattoSite;
  /** Changes fields of a site (not its id or uid). */
  updateSite(uid: string, patch: Partial<DattoSite>): DattoSite;
  /** Adds a device (id, uid, links and dates filled in; `audit` stored as its audit). */
  addDevice(device: DeviceInput): DattoDevice;
  /** Changes fields of a device; `udf` keys merge (null clears one). */
  updateDevice(uid: string, patch: Partial<DattoDevice>): DattoDevice;
  /** Moves a device to another site, as `PUT /v2/device/{uid}/site/{siteUid}` does. */
  moveDevice(uid: string, siteUid: string): DattoDevice;
  /**
   * Deletes a device the way Datto does: it moves to the "Deleted Devices" system site with
   * `deleted: true` (the site is made when the account has none). `purge` removes it, its audit
   * and its alerts altogether.
   */
  deleteDevice(uid: string, options?: { purge?: boolean }): void;
  /** Replaces a device's audit. */
  setAudit(uid: string, audit: DattoAudit): void;
  /** Raises an alert: it joins the open alerts and the webhook's alert template is posted. */
  triggerAlert(input: TriggerAlertInput): DattoAlert;
  /** Resolves an open alert (resolvedBy default "system"): the resolved template is posted. */
  resolveAlert(uid: string, options?: { resolvedBy?: string }): DattoAlert;
  /** Registers the global alert webhook (null removes it); returns it with header values hidden. */
  setWebhook(config: WebhookInput | null): DattoWebhookConfig | null;
  webhook(): DattoWebhookConfig | null;
  /** Posts a template with its placeholders unsubstituted, as Datto's test button does. */
  testWebhook(which?: 'alert' | 'resolved'): void;
  setWebhookDelivery(options: Partial<DeliveryOptions>): DeliveryOptions;
  webhookDelivery(): DeliveryOptions;
  /** Every post so far, in queue order, with its outcome. */
  webhookDeliveries(): WebhookDelivery<DattoWebhookSubject>[];
  clearWebhookDeliveries(): void;
  /** Resolves when every queued, delayed, held or retrying post is done. */
  flushWebhooks(): Promise<void>;
  /** The budget, the counts in the window, delays, 429s and blocks so far. */
  rateLimit(): RateLimitStatus;
  /** Changes some numbers of the budget (null: stop enforcing, keep counting). */
  setRateLimit(config: Partial<DattoRateLimit> | null): RateLimitStatus;
  /** Forgets the counts and lifts an IP block. */
  resetRateLimit(): void;
  /** Moves the simulator clock forward (token expiry, the rate-limit window, new timestamps). */
  advanceClock(ms: number): void;
}

export interface ControlDeps {
  store: DattoStore;
  clock: DattoClock;
  random: Random;
  platform: string;
  alerts: AlertLifecycle;
  webhooks: AlertWebhooks;
  queue: DeliveryQueue<DattoWebhookSubject>;
  limiter: DattoRateLimiter;
  tokens: DattoTokens;
}

export function createControl(deps: ControlDeps): DattoRmmControl {
  return {
    ...accountControls(deps),
    ...alertControls(deps),
    ...webhookControls(deps),
    ...runtimeControls(deps),
    state: () => controlState(deps),
  };
}

/** Sites, devices and audits. */
function accountControls({ store, clock, random, platform }: ControlDeps) {
  const device = (uid: string) => {
    const found = store.devices.get(uid);
    if (!found) throw new ControlError(404, `device ${uid} does not exist`);
    return found;
  };
  const site = (uid: string) => {
    const found = store.sites.get(uid);
    if (!found) throw new ControlError(404, `site ${uid} does not exist`);
    return found;
  };
  return {
    addSite(input: SiteInput) {
      const record = newSite(input, store, random, platform);
      store.putSite(record);
      return structuredClone(record);
    },
    updateSite(uid: string, patch: Partial<DattoSite>) {
      const record = patchedSite(site(uid), patch);
      store.putSite(record);
      return structuredClone(record);
    },
    addDevice(input: DeviceInput) {
      const { device: record, audit } = newDevice(input, store, random, clock, platform);
      store.putDevice(record);
      if (audit) store.audits.set(record.uid, audit);
      return structuredClone(record);
    },
    updateDevice(uid: string, patch: Partial<DattoDevice>) {
      const record = patchedDevice(device(uid), patch);
      store.putDevice(record);
      return structuredClone(record);
    },
    moveDevice(uid: string, siteUid: string) {
      const record = { ...device(uid), siteUid: site(siteUid).uid };
      store.putDevice(record);
      return structuredClone(record);
    },
    deleteDevice(uid: string, options: { purge?: boolean } = {}) {
      const record = device(uid);
      if (options.purge) {
        store.removeDevice(uid);
        return;
      }
      let bin = store.systemSite('deleted-devices');
      if (!bin) {
        // The Deleted Devices site's uid is no GUID: the account uid and zeros [observed-weak: '49a10001-00000000' in one client].
        bin = newSite({ name: 'Deleted Devices', uid: `${store.account.uid}-00000000`, system: 'deleted-devices', portalUrl: null }, store, random, platform);
        store.putSite(bin);
      }
      store.putDevice({ ...record, siteUid: bin.uid, deleted: true, online: false });
    },
    setAudit(uid: string, audit: DattoAudit) {
      device(uid);
      if (typeof audit !== 'object' || audit === null || Array.isArray(audit)) throw new ControlError(400, 'audit: must be an object (systemInfo, bios, nics, …)', 'audit');
      store.audits.set(uid, structuredClone(audit));
    },
  } satisfies Partial<DattoRmmControl>;
}

/** Raising and resolving alerts. */
function alertControls({ store, alerts }: ControlDeps) {
  return {
    triggerAlert(input: TriggerAlertInput) {
      return structuredClone(alerts.trigger(triggerInput(input, store)));
    },
    resolveAlert(uid: string, options: { resolvedBy?: string } = {}) {
      // [unverified] who Datto names when an alert is resolved outside the API.
      const outcome = alerts.resolve(uid, options.resolvedBy ?? 'system');
      if (outcome === 'not-found') throw new ControlError(404, `no alert with uid ${uid}`);
      if (outcome === 'already-resolved') throw new ControlError(409, `alert ${uid} is already resolved`);
      return structuredClone(outcome.alert);
    },
  } satisfies Partial<DattoRmmControl>;
}

/** The global webhook, its test send, and the delivery queue. */
function webhookControls({ webhooks, queue }: ControlDeps) {
  return {
    setWebhook(input: WebhookInput | null) {
      if (input === null) {
        webhooks.set(null);
        return null;
      }
      const config = parseWebhookConfig(input);
      if ('error' in config) throw new ControlError(400, config.error, config.field);
      webhooks.set(config);
      return redactedWebhook(config);
    },
    webhook: () => (webhooks.config === null ? null : redactedWebhook(webhooks.config)),
    testWebhook(which: 'alert' | 'resolved' = 'alert') {
      if (which !== 'alert' && which !== 'resolved') throw new ControlError(400, `which: "alert" or "resolved", got ${JSON.stringify(which)}`, 'which');
      if (!webhooks.test(which)) throw new ControlError(409, which === 'alert' ? 'no webhook is registered' : 'the webhook has no resolved template');
    },
    setWebhookDelivery: (options: Partial<DeliveryOptions>) => queue.setOptions(deliveryOptions(options)),
    webhookDelivery: () => queue.options(),
    webhookDeliveries: () => queue.log().map((d) => ({ ...d })),
    clearWebhookDeliveries: () => queue.clearLog(),
    flushWebhooks: () => queue.flush(),
  } satisfies Partial<DattoRmmControl>;
}

/** The request budget and the clock. */
function runtimeControls({ limiter, clock }: ControlDeps) {
  return {
    rateLimit: () => limiter.status(),
    setRateLimit(config: Partial<DattoRateLimit> | null) {
      try {
        if (config !== null) checkRateLimit({ ...DEFAULT_RATE_LIMIT, ...config });
        limiter.set(config);
      } catch (e) {
        const message = (e as Error).message;
        throw new ControlError(400, message, message.split(':')[0]);
      }
      return limiter.status();
    },
    resetRateLimit: () => limiter.reset(),
    advanceClock(ms: number) {
      if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) throw new ControlError(400, `advanceMs: the clock only moves forward; got ${ms}`, 'advanceMs');
      clock.advance(ms);
    },
  } satisfies Partial<DattoRmmControl>;
}

function controlState({ store, clock, webhooks, queue, limiter, tokens }: ControlDeps): DattoRmmState {
  return structuredClone({
    account: store.account,
    apiUsers: store.apiUsers.map(({ username, key }) => ({ username, key })),
    sites: [...store.siteList()],
    devices: [...store.deviceList()],
    audits: Object.fromEntries(store.audits),
    alerts: [...store.alerts.values()].map((a) => renderAlert(a, webhooks.responseActions(a.alertUid))),
    webhook: webhooks.config === null ? null : redactedWebhook(webhooks.config),
    webhookDelivery: queue.options(),
    rateLimit: limiter.status(),
    activeTokens: tokens.activeCount(),
    clockMs: clock.nowMs(),
  });
}
