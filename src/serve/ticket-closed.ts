/**
 * "A person closed an alert's ticket in Halo" as an inbox event (alerts.onTicketClosed): the
 * Halo webhook and the poller both queue it for the series, and a worker resets the alert in
 * NinjaOne through the same durable inbox — retried, then dead-lettered, like any delivery. It is
 * haloform's own event, not a NinjaOne activity: its activityType `HALO` is no NinjaOne type.
 */

import type { NewDelivery } from '../store/inbox-store.js';
import type { Activity } from '../rmm/ninjaone/activity.js';

export const TICKET_CLOSED = 'HALO_TICKET_CLOSED';
const ACTIVITY_TYPE = 'HALO';

export function isTicketClosedEvent(activity: Pick<Activity, 'activityType' | 'statusCode'>): boolean {
  return activity.activityType === ACTIVITY_TYPE && activity.statusCode === TICKET_CLOSED;
}

/** The ticket the stored event names. */
export function ticketIdOf(body: string): number | undefined {
  try {
    const id = (JSON.parse(body) as { haloTicketId?: unknown }).haloTicketId;
    return typeof id === 'number' && Number.isInteger(id) ? id : undefined;
  } catch {
    return undefined;
  }
}

/** The event for `seriesKey`'s ticket `ticketId`, as `source` (poller, or halo-webhook) stores it. */
export function ticketClosedEvent(seriesKey: string, ticketId: number, source: 'poller' | 'halo', receivedAt: number, extra: { path: string; headers?: Record<string, string> } = { path: source }): NewDelivery {
  const body = { activityType: ACTIVITY_TYPE, statusCode: TICKET_CLOSED, status: 'Ticket closed in Halo', seriesUid: seriesKey, haloTicketId: ticketId, origin: `haloform-${source}` };
  return {
    receivedAt,
    source,
    path: extra.path,
    headers: extra.headers ?? {},
    body: JSON.stringify(body),
    seriesKey,
    statusCode: TICKET_CLOSED,
    activityType: ACTIVITY_TYPE,
    status: 'pending',
    orderKey: 0,
  };
}
