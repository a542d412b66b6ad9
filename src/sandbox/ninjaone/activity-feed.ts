/**
 * Alerts and the activities they cause (reference/ninjaone/NOTES.md §5, §7): raising an alert
 * adds it to `/v2/alerts` and publishes a CONDITION/TRIGGERED activity; resetting removes it and
 * publishes RESET with the same `seriesUid`. Published activities go to every registered webhook
 * that wants them, through the delivery queue.
 */

import type { Random } from '../random.js';
import type { NinjaAlert } from '../seed.js';
import { seededUuid } from '../uuid.js';
import type { DeliveryQueue } from '../webhook-delivery.js';
import type { SimClock } from './clock.js';
import type { NinjaStore } from './store.js';
import { webhookPayload, wantsActivity, type NinjaActivity, type WebhookConfig } from './webhook-config.js';

/** What raising an alert needs; everything but `deviceId` has a default. */
export interface TriggerAlertInput {
  deviceId: number;
  /** The alert uid = the activities' seriesUid. Default: a seeded UUID. */
  uid?: string;
  sourceType?: string;
  /** Default: a UUID derived from `sourceType`, the same for every alert of that condition. */
  sourceConfigUid?: string;
  sourceName?: string;
  subject?: string;
  message?: string;
  /** `data.message.code`. */
  code?: string;
  /** `data.message.params`. */
  params?: Record<string, unknown>;
  /** The whole `data` object; overrides code and params. */
  data?: Record<string, unknown>;
  severity?: NinjaAlert['severity'];
  priority?: NinjaAlert['priority'];
  /**
   * Default: DEFAULT_ALERT's, but only for an alert that is the default one (no message, code or
   * data given) — a condition name belongs to its message; an alert given only a message has none.
   */
  conditionName?: string;
  conditionHealthStatus?: NinjaAlert['conditionHealthStatus'];
}

/**
 * The alert every default is taken from: the real one in NOTES §5 (no OS patch in 30 days),
 * so an alert raised with only a device id looks exactly like a captured one.
 */
export const DEFAULT_ALERT = {
  sourceType: 'CONDITION_AGENT_PATCH_LAST_INSTALLED',
  sourceName: '',
  subject: '',
  message: 'Last Patch Condition: No OS patch installed in last 30 days',
  code: 'agent_cond_os_last_patch',
  params: { threshold: '30' },
  priority: 'NONE',
  severity: 'NONE',
  conditionName: 'Device has not installed an Operating System patch in 30 day(s)',
  conditionHealthStatus: 'NEEDS_ATTENTION',
} as const;

/** What the delivery log says a NinjaOne post is about: the activity, and its statusCode (TRIGGERED, RESET, ...) for reading the log. */
export interface ActivitySubject {
  activityId: number;
  statusCode?: string;
}

function activitySubject(activity: NinjaActivity): ActivitySubject {
  return { activityId: activity.id, ...(activity.statusCode === undefined ? {} : { statusCode: activity.statusCode }) };
}

/** Activity ids start here and only grow (int64 in the spec; real ones are six digits and up). */
const FIRST_ACTIVITY_ID = 100_001;

export class ActivityFeed {
  /** Registered webhooks by client app id (one per app — NOTES §6A). */
  readonly webhooks = new Map<string, WebhookConfig>();
  /** Every activity published, oldest first. */
  readonly published: NinjaActivity[] = [];
  #nextId = FIRST_ACTIVITY_ID;

  constructor(
    private readonly store: NinjaStore,
    private readonly clock: SimClock,
    private readonly random: Random,
    private readonly queue: DeliveryQueue<ActivitySubject>,
  ) {}

  /** Raises an alert (the device must exist) and publishes TRIGGERED. */
  triggerAlert(input: TriggerAlertInput): { alert: NinjaAlert; activity: NinjaActivity } {
    const now = this.clock.epochSeconds();
    const sourceType = input.sourceType ?? DEFAULT_ALERT.sourceType;
    const isDefault = input.message === undefined && input.code === undefined && input.data === undefined;
    const conditionName = input.conditionName ?? (isDefault ? DEFAULT_ALERT.conditionName : undefined);
    const alert: NinjaAlert & { useGlobalHealthStatus?: boolean } = {
      uid: input.uid ?? seededUuid(this.random),
      deviceId: input.deviceId,
      message: input.message ?? DEFAULT_ALERT.message,
      createTime: now,
      updateTime: now,
      sourceType,
      sourceConfigUid: input.sourceConfigUid ?? seededUuid(this.random.fork(`source-config:${sourceType}`)),
      sourceName: input.sourceName ?? DEFAULT_ALERT.sourceName,
      subject: input.subject ?? DEFAULT_ALERT.subject,
      data: (input.data as NinjaAlert['data'] | undefined) ?? { message: { code: input.code ?? DEFAULT_ALERT.code, params: { ...(input.params ?? DEFAULT_ALERT.params) } } },
      priority: input.priority ?? DEFAULT_ALERT.priority,
      severity: input.severity ?? DEFAULT_ALERT.severity,
      ...(conditionName === undefined ? {} : { conditionName }),
      conditionHealthStatus: input.conditionHealthStatus ?? DEFAULT_ALERT.conditionHealthStatus,
      useGlobalHealthStatus: false,
    };
    this.store.alerts.set(alert.uid, alert);
    return { alert, activity: this.publish(this.#conditionActivity(alert, 'TRIGGERED')) };
  }

  /** Removes an active alert and publishes RESET with its seriesUid; undefined when no alert has that uid. */
  resetAlert(uid: string): NinjaActivity | undefined {
    const alert = this.store.alerts.get(uid);
    if (!alert) return undefined;
    this.store.alerts.delete(uid);
    return this.publish(this.#conditionActivity(alert, 'RESET'));
  }

  /**
   * A device's lifecycle activity (NOTES §5: statusCode NODE_CREATED, NODE_UPDATED, NODE_DELETED
   * are documented values; the rest of the shape — activityType SYSTEM, the status text — is
   * [unverified], modelled on the Activity schema).
   */
  lifecycle(statusCode: 'NODE_CREATED' | 'NODE_UPDATED' | 'NODE_DELETED', deviceId: number): NinjaActivity {
    const status = { NODE_CREATED: 'Node created', NODE_UPDATED: 'Node updated', NODE_DELETED: 'Node deleted' }[statusCode];
    return this.publish({ id: this.#nextId++, activityTime: this.clock.epochSeconds(), deviceId, activityType: 'SYSTEM', statusCode, status, activityResult: 'SUCCESS', message: status });
  }

  /**
   * An organisation's or location's lifecycle activity: CLIENT_* (NinjaOne's word for an
   * organisation here) and LOCATION_* are values of the spec's statusCode enum; the shape — no
   * deviceId, activityType SYSTEM, the ids in `data` — is [unverified], modelled on the schema.
   */
  placeLifecycle(statusCode: 'CLIENT_CREATED' | 'CLIENT_UPDATED' | 'LOCATION_CREATED' | 'LOCATION_UPDATED', data: { organizationId: number; locationId?: number }): NinjaActivity {
    const status = { CLIENT_CREATED: 'Organization created', CLIENT_UPDATED: 'Organization updated', LOCATION_CREATED: 'Location created', LOCATION_UPDATED: 'Location updated' }[statusCode];
    return this.publish({ id: this.#nextId++, activityTime: this.clock.epochSeconds(), activityType: 'SYSTEM', statusCode, status, activityResult: 'SUCCESS', message: status, data });
  }

  /**
   * `GET /v2/activities` (NOTES §5): newest first; `newerThan` / `olderThan` are activity ids
   * (exclusive; not both); `pageSize` 10–1000 (default 200); `class` DEVICE (those on a device),
   * SYSTEM (activityType SYSTEM) or ALL; `type` an activityType, `status` a statusCode.
   */
  list(query: { newerThan?: number; olderThan?: number; pageSize: number; class?: string; type?: string; status?: string }): { lastActivityId: number; activities: NinjaActivity[] } {
    const out: NinjaActivity[] = [];
    for (let i = this.published.length - 1; i >= 0 && out.length < query.pageSize; i--) {
      const a = this.published[i]!;
      if (query.newerThan !== undefined && a.id <= query.newerThan) break;
      if (query.olderThan !== undefined && a.id >= query.olderThan) continue;
      if (query.class === 'DEVICE' && a.deviceId === undefined) continue;
      if (query.class === 'SYSTEM' && a.activityType !== 'SYSTEM') continue;
      if (query.type !== undefined && a.activityType !== query.type) continue;
      if (query.status !== undefined && a.statusCode !== query.status) continue;
      out.push(a);
    }
    return { lastActivityId: this.#nextId - 1, activities: out };
  }

  /** Publishes an arbitrary activity, filling in `id` and `activityTime` when missing. */
  fire(input: Record<string, unknown>): NinjaActivity {
    const id = typeof input.id === 'number' ? input.id : this.#nextId;
    this.#nextId = Math.max(this.#nextId, id + 1);
    const { id: _id, activityTime, ...rest } = input;
    const activity: NinjaActivity = { id, activityTime: typeof activityTime === 'number' ? activityTime : this.clock.epochSeconds(), ...rest };
    return this.publish(activity);
  }

  /** Sends `activity` to every webhook that wants it. */
  publish(activity: NinjaActivity): NinjaActivity {
    this.published.push(activity);
    const node = activity.deviceId === undefined ? undefined : this.store.devices.get(activity.deviceId);
    const device = node && { node, organization: this.store.organizations.get(node.organizationId), location: this.store.locations.get(node.locationId) };
    for (const config of this.webhooks.values()) {
      if (!wantsActivity(config, activity, node?.organizationId)) continue;
      this.queue.enqueue(config, activitySubject(activity), JSON.stringify(webhookPayload(config, activity, device)));
    }
    return activity;
  }

  /** The activity for a condition changing state, keyed as the real TRIGGERED capture (NOTES §7), plus the alert's conditionName. */
  #conditionActivity(alert: NinjaAlert, statusCode: 'TRIGGERED' | 'RESET'): NinjaActivity {
    const id = this.#nextId++;
    return {
      id,
      activityTime: this.clock.epochSeconds(),
      deviceId: alert.deviceId,
      // Spec Activity order puts these two after deviceId; the capture had neither (NOTES §7: "may also appear").
      severity: alert.severity,
      priority: alert.priority,
      seriesUid: alert.uid,
      activityType: 'CONDITION',
      statusCode,
      // "Reset" is presumed: no real RESET payload has been captured (NOTES §7).
      status: statusCode === 'TRIGGERED' ? 'Triggered' : 'Reset',
      sourceConfigUid: alert.sourceConfigUid,
      // Always carried, even empty: real alerts often have "" for both (NOTES §5, §7).
      sourceName: alert.sourceName,
      subject: alert.subject,
      // The human-readable condition, as /v2/alerts shows it, when the alert has one. Not in the
      // spec's Activity and not in the one captured webhook (NOTES §7) — [unverified]; sent so a
      // receiver can title a ticket without reading /v2/alerts, and must stay optional there.
      ...(alert.conditionName ? { conditionName: alert.conditionName } : {}),
      message: alert.message,
      type: 'Condition',
      data: alert.data,
    };
  }
}
