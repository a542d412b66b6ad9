/**
 * The alert lifecycle (reference/dattormm/NOTES.md §6.3, §8): raising an alert puts it in the open
 * lists and posts the webhook's alert template; resolving it (through the API or the control API)
 * moves it to the resolved lists with `resolvedBy` and `resolvedOn` and posts the resolved template.
 */

import type { Random } from '../random.js';
import { seededUuid } from '../uuid.js';
import type { DattoClock } from './clock.js';
import type { DattoAlert, DattoAlertContext } from './seed.js';
import type { DattoStore } from './store.js';
import type { AlertWebhooks } from './webhooks.js';

/** What raising an alert needs; everything but `deviceUid` has a default. */
export interface TriggerAlertInput {
  deviceUid: string;
  /** `alertContext`, `@class` first. Default DEFAULT_ALERT_CONTEXT (the captured comp_script_ctx alert). */
  context?: DattoAlertContext;
  /** Critical, High, Moderate (default), Low, Information, Unknown — any string passes. */
  priority?: string;
  /** `[alert_message]` of the webhooks; derived from the context when absent. */
  message?: string;
  /** `[alert_type]`; derived from `@class` when absent. */
  alertType?: string;
  /** `[alert_category]`; derived from `@class` when absent. */
  category?: string;
  diagnostics?: string | null;
  /** Default: a seeded UUID. */
  alertUid?: string;
  /** Default 1, as in the captured alert. */
  autoresolveMins?: number | null;
  sendsEmails?: boolean;
  createsTicket?: boolean;
  /** Epoch ms; default the simulator clock. */
  timestamp?: number;
}

/** The captured alert's context (api-samples/alert.comp_script_ctx…): a component monitor's failure. */
export const DEFAULT_ALERT_CONTEXT: DattoAlertContext = { '@class': 'comp_script_ctx', samples: { Alert: 'BSODView Command has Failed: exit code 1' } };

export type ResolveOutcome = { alert: DattoAlert } | 'not-found' | 'already-resolved';

export class AlertLifecycle {
  constructor(
    private readonly store: DattoStore,
    private readonly clock: DattoClock,
    private readonly random: Random,
    private readonly webhooks: AlertWebhooks,
  ) {}

  /** Raises an alert on an existing device (checked by the caller) and posts the alert template. */
  trigger(input: TriggerAlertInput): DattoAlert {
    const device = this.store.devices.get(input.deviceUid)!;
    const site = this.store.sites.get(device.siteUid);
    const alert: DattoAlert = {
      alertUid: input.alertUid ?? seededUuid(this.random),
      priority: input.priority ?? 'Moderate',
      diagnostics: input.diagnostics ?? null,
      resolved: false,
      resolvedBy: null,
      resolvedOn: null,
      muted: false,
      ticketNumber: null,
      timestamp: input.timestamp ?? this.clock.nowMs(),
      alertMonitorInfo: { sendsEmails: input.sendsEmails ?? false, createsTicket: input.createsTicket ?? false },
      alertContext: structuredClone(input.context ?? DEFAULT_ALERT_CONTEXT),
      alertSourceInfo: { deviceUid: device.uid, deviceName: device.hostname, siteUid: device.siteUid, siteName: site?.name ?? null },
      responseActions: [],
      autoresolveMins: input.autoresolveMins === undefined ? 1 : input.autoresolveMins,
    };
    this.store.alerts.set(alert.alertUid, alert);
    const text = { message: input.message, alertType: input.alertType, category: input.category };
    if (Object.values(text).some((v) => v !== undefined)) this.store.alertText.set(alert.alertUid, Object.fromEntries(Object.entries(text).filter(([, v]) => v !== undefined)));
    this.webhooks.raised(alert);
    return alert;
  }

  /** Resolves an open alert and posts the resolved template. */
  resolve(alertUid: string, resolvedBy: string): ResolveOutcome {
    const open = this.store.alerts.get(alertUid);
    if (!open) return 'not-found';
    if (open.resolved) return 'already-resolved';
    const alert: DattoAlert = { ...open, resolved: true, resolvedBy, resolvedOn: this.clock.nowMs() };
    this.store.alerts.set(alertUid, alert);
    this.webhooks.resolved(alert);
    return { alert };
  }
}
