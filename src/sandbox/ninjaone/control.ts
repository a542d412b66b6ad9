/**
 * The programmatic control API: what a test (or `haloform sandbox`) does to the tenant that the
 * real NinjaOne API cannot — add, move and delete devices, add organisations and locations, set
 * custom field values, raise and reset alerts, fire activities, tune and inspect webhook delivery,
 * move the clock. The `/_sandbox/` HTTP routes (control-routes.ts) are a thin JSON layer over it.
 */

import type { RowOverlays } from '../overlays.js';
import type { NinjaAlert, NinjaClientApp, NinjaDevice, NinjaLocation, NinjaOrganization, NinjaSeed } from '../seed.js';
import type { ActivityFeed, ActivitySubject, TriggerAlertInput } from './activity-feed.js';
import type { SimClock } from './clock.js';
import {
  activityInput,
  applyFieldValues,
  ControlError,
  deliveryOptions,
  fieldValues,
  newDevice,
  newLocation,
  newOrganization,
  patchedLocation,
  patchedOrganization,
  overlayOutput,
  patchedDevice,
  triggerInput,
} from './control-input.js';
import type { TokenIssuer } from './oauth.js';
import type { FieldValues, NinjaStore } from './store.js';
import { redactedConfig, type NinjaActivity, type WebhookConfig } from './webhook-config.js';
import type { DeliveryOptions, DeliveryQueue, WebhookDelivery } from '../webhook-delivery.js';

/** A device as the control API takes it: like a seed device, but only organisation (or location) and nodeClass are required. */
export type DeviceInput = Partial<NinjaDevice> & { organizationId: number; nodeClass: string };

/** Runtime knobs of the error answers. */
export interface ErrorSettings {
  /** Seconds in `Retry-After` on an injected 429; undefined sends no header. */
  retryAfterSeconds?: number;
}

/** Everything the simulator holds, seed-shaped (app secrets, tokens and webhook header values left out). */
export interface NinjaOneState extends Omit<NinjaSeed, 'apps'> {
  apps: Omit<NinjaClientApp, 'clientSecret'>[];
  organizationCustomFields: Record<number, FieldValues>;
  locationCustomFields: Record<number, FieldValues>;
  webhooks: (WebhookConfig & { clientId: string })[];
  webhookDelivery: DeliveryOptions;
  activities: NinjaActivity[];
  /** The row overlays in force, as `GET /_sandbox/overlays` shows them. */
  overlays: Record<string, unknown>[];
  activeTokens: number;
  /** The simulator clock, epoch milliseconds. */
  clockMs: number;
}

export interface NinjaOneControl {
  /** Adds a device (id defaults to the next free one; location to the organisation's first). Returns the stored record. */
  addDevice(device: DeviceInput): NinjaDevice;
  /** Changes fields of a device (`null` removes one); moving it to another organisation needs a location there. */
  updateDevice(id: number, patch: Record<string, unknown>): NinjaDevice;
  /** Deletes a device with its custom field values and alerts. */
  deleteDevice(id: number): void;
  addOrganization(org: Partial<NinjaOrganization> & { name: string }): NinjaOrganization;
  /** Renames or describes an organisation (CLIENT_UPDATED to the webhooks). */
  updateOrganization(id: number, patch: { name?: string; description?: string }): NinjaOrganization;
  addLocation(location: Partial<NinjaLocation> & { organizationId: number; name: string }): NinjaLocation;
  /** Renames, addresses or describes a location (LOCATION_UPDATED to the webhooks). */
  updateLocation(id: number, patch: { name?: string; address?: string; description?: string }): NinjaLocation;
  /** Sets custom field values (`null` clears one); returns the entity's stored values. */
  setDeviceCustomFields(deviceId: number, values: FieldValues): FieldValues;
  setOrganizationCustomFields(organizationId: number, values: FieldValues): FieldValues;
  setLocationCustomFields(locationId: number, values: FieldValues): FieldValues;
  /** Raises an alert on a device: it appears in `/v2/alerts` and TRIGGERED goes to the webhooks. */
  triggerAlert(input: TriggerAlertInput): { alert: NinjaAlert; activity: NinjaActivity };
  /** Resets an active alert: it leaves `/v2/alerts` and RESET (same seriesUid) goes to the webhooks. */
  resetAlert(uid: string): NinjaActivity;
  /** Posts any activity (e.g. MONITOR/SYSTEM_REBOOTED) to the webhooks; `id` and `activityTime` are filled in when missing. */
  fireActivity(activity: Record<string, unknown>): NinjaActivity;
  /** Changes delivery knobs (dropRate, duplicateRate, delayMs, reorderWindow, maxAttempts, retryBackoffMs, timeoutMs, concurrency). */
  setWebhookDelivery(options: Partial<DeliveryOptions>): DeliveryOptions;
  webhookDelivery(): DeliveryOptions;
  /** Every delivery so far, in queue order, with its outcome. */
  webhookDeliveries(): WebhookDelivery<ActivitySubject>[];
  clearWebhookDeliveries(): void;
  /** Resolves when every queued, delayed, held or retrying delivery is done. */
  flushWebhooks(): Promise<void>;
  /** The registered webhooks, header values hidden. */
  webhooks(): (WebhookConfig & { clientId: string })[];
  /** Sets the Retry-After seconds of injected 429s (undefined: no header). */
  setRetryAfter(seconds: number | undefined): void;
  /** Moves the simulator clock forward (token expiry, timestamps of new records). */
  advanceClock(ms: number): void;
  /**
   * Row overlays applied to every row the API renders (lists: OVERLAY_LISTS in api-routes.ts):
   * `overlays.add({list: 'devices', id: 12, field: 'system.serialNumber', op: {value: ''}})`,
   * `overlays.clear()`. Stored data is never changed.
   */
  readonly overlays: RowOverlays;
  state(): NinjaOneState;
}

export interface ControlDeps {
  store: NinjaStore;
  clock: SimClock;
  feed: ActivityFeed;
  queue: DeliveryQueue<ActivitySubject>;
  tokens: TokenIssuer;
  errors: ErrorSettings;
  overlays: RowOverlays;
}

export function createControl(deps: ControlDeps): NinjaOneControl {
  return {
    ...tenantControls(deps),
    ...activityControls(deps),
    ...webhookControls(deps),
    ...runtimeControls(deps),
    overlays: deps.overlays,
    state: () => controlState(deps),
  };
}

/** Adding, changing and deleting devices, organisations and locations, and their custom field values. */
function tenantControls({ store, clock, feed }: ControlDeps) {
  const device = (id: number) => {
    const found = store.devices.get(id);
    if (!found) throw new ControlError(404, `device ${id} does not exist`);
    return found;
  };
  /** Applies `values` to the stored values of entity `id` in `map`; returns a copy of the result. */
  const setFields = (map: Map<number, FieldValues>, id: number, values: FieldValues) => {
    const next = applyFieldValues(map.get(id), fieldValues(values, store));
    map.set(id, next);
    return { ...next };
  };

  return {
    addDevice(input: DeviceInput) {
      const record = newDevice(input, store, clock);
      store.putDevice(record);
      feed.lifecycle('NODE_CREATED', record.id);
      return structuredClone(record);
    },
    updateDevice(id: number, patch: Record<string, unknown>) {
      const record = patchedDevice(device(id), patch, store);
      store.putDevice(record);
      feed.lifecycle('NODE_UPDATED', id);
      return structuredClone(record);
    },
    deleteDevice(id: number) {
      device(id);
      // Published before the device goes, so a webhook that expands `device` still has it.
      feed.lifecycle('NODE_DELETED', id);
      store.removeDevice(id);
    },
    addOrganization(input: Partial<NinjaOrganization> & { name: string }) {
      const org = newOrganization(input, store);
      store.putOrganization(org);
      feed.placeLifecycle('CLIENT_CREATED', { organizationId: org.id });
      return structuredClone(org);
    },
    updateOrganization(id: number, patch: { name?: string; description?: string }) {
      const existing = store.organizations.get(id);
      if (!existing) throw new ControlError(404, `organization ${id} does not exist`);
      const org = patchedOrganization(existing, patch);
      store.putOrganization(org);
      feed.placeLifecycle('CLIENT_UPDATED', { organizationId: id });
      return structuredClone(org);
    },
    addLocation(input: Partial<NinjaLocation> & { organizationId: number; name: string }) {
      const location = newLocation(input, store);
      store.putLocation(location);
      feed.placeLifecycle('LOCATION_CREATED', { organizationId: location.organizationId, locationId: location.id });
      return structuredClone(location);
    },
    updateLocation(id: number, patch: { name?: string; address?: string; description?: string }) {
      const existing = store.locations.get(id);
      if (!existing) throw new ControlError(404, `location ${id} does not exist`);
      const location = patchedLocation(existing, patch);
      store.putLocation(location);
      feed.placeLifecycle('LOCATION_UPDATED', { organizationId: location.organizationId, locationId: id });
      return structuredClone(location);
    },
    setDeviceCustomFields(deviceId: number, values: FieldValues) {
      device(deviceId);
      const set = setFields(store.deviceFields, deviceId, values);
      store.deviceFieldsUpdatedAt.set(deviceId, clock.nowMs());
      return set;
    },
    setOrganizationCustomFields(organizationId: number, values: FieldValues) {
      if (!store.organizations.has(organizationId)) throw new ControlError(404, `organization ${organizationId} does not exist`);
      return setFields(store.organizationFields, organizationId, values);
    },
    setLocationCustomFields(locationId: number, values: FieldValues) {
      if (!store.locations.has(locationId)) throw new ControlError(404, `location ${locationId} does not exist`);
      return setFields(store.locationFields, locationId, values);
    },
  } satisfies Partial<NinjaOneControl>;
}

/** Raising and resetting alerts, and firing any other activity. */
function activityControls({ store, feed }: ControlDeps) {
  return {
    triggerAlert(input: TriggerAlertInput) {
      const { alert, activity } = feed.triggerAlert(triggerInput(input, store));
      return structuredClone({ alert, activity });
    },
    resetAlert(uid: string) {
      const activity = feed.resetAlert(uid);
      if (!activity) throw new ControlError(404, `no active alert with uid ${uid}`);
      return structuredClone(activity);
    },
    fireActivity(activity: Record<string, unknown>) {
      return structuredClone(feed.fire(activityInput(activity)));
    },
  } satisfies Partial<NinjaOneControl>;
}

/** The registered webhooks, header values hidden. */
function redactedWebhooks(feed: ActivityFeed): (WebhookConfig & { clientId: string })[] {
  return [...feed.webhooks].map(([clientId, config]) => ({ clientId, ...redactedConfig(config) }));
}

/** Webhook delivery knobs, its log, and the registered webhooks. */
function webhookControls({ feed, queue }: ControlDeps) {
  return {
    setWebhookDelivery(options: Partial<DeliveryOptions>) {
      return queue.setOptions(deliveryOptions(options));
    },
    webhookDelivery: () => queue.options(),
    webhookDeliveries: () => queue.log().map((d) => ({ ...d })),
    clearWebhookDeliveries: () => queue.clearLog(),
    flushWebhooks: () => queue.flush(),
    webhooks: () => redactedWebhooks(feed),
  } satisfies Partial<NinjaOneControl>;
}

/** The error answers' Retry-After, and the clock. */
function runtimeControls({ clock, errors }: ControlDeps) {
  return {
    setRetryAfter(seconds: number | undefined) {
      if (seconds !== undefined && (!Number.isFinite(seconds) || seconds < 0)) throw new ControlError(400, `retryAfterSeconds: must be a number of seconds ≥ 0, got ${seconds}`, 'retryAfterSeconds');
      errors.retryAfterSeconds = seconds;
    },
    advanceClock(ms: number) {
      if (!Number.isFinite(ms) || ms < 0) throw new ControlError(400, `ms: the clock only moves forward; got ${ms}`, 'ms');
      clock.advance(ms);
    },
  } satisfies Partial<NinjaOneControl>;
}

/** Everything the simulator holds, as `state()` returns it. */
function controlState({ store, clock, feed, queue, tokens, overlays }: ControlDeps): NinjaOneState {
  const byId = <T>(map: Map<number, T>, ids: readonly number[]) => ids.map((id) => map.get(id)!);
  const record = (map: Map<number, FieldValues>) => Object.fromEntries([...map].sort(([a], [b]) => a - b));
  return structuredClone({
    apps: store.apps.map(({ clientId, scopes }) => ({ clientId, scopes: [...scopes] })),
    organizations: byId(store.organizations, store.organizationIds),
    locations: byId(store.locations, store.locationIds),
    devices: byId(store.devices, store.deviceIds),
    customFieldDefinitions: store.definitions,
    customFields: record(store.deviceFields),
    organizationCustomFields: record(store.organizationFields),
    locationCustomFields: record(store.locationFields),
    alerts: [...store.alerts.values()],
    webhooks: redactedWebhooks(feed),
    webhookDelivery: queue.options(),
    activities: feed.published,
    overlays: overlays.all().map(overlayOutput),
    activeTokens: tokens.activeCount(),
    clockMs: clock.nowMs(),
  });
}
