/**
 * How a delivery is stored, shared by the SQLite and PostgreSQL stores: the same columns, and
 * the same mapping between a row and the interface's `Delivery`.
 */

import type { Delivery, DeliverySource, DeliveryStatus, WorkItem } from './inbox-store.js';

/** A `deliveries` row as both stores read it (times as epoch milliseconds). */
export interface DeliveryRow {
  id: number;
  received_at: number;
  source: string;
  status: string;
  path: string;
  headers: string;
  body: string | null;
  body_bytes: number;
  http_status: number;
  reason: string | null;
  message: string | null;
  activity_id: number | null;
  series_key: string | null;
  status_code: string | null;
  activity_type: string | null;
  device_id: number | null;
  duplicate_of: number | null;
  attempts: number;
  next_attempt_at: number | null;
  last_error: string | null;
  ticket_id: number | null;
  finished_at: number | null;
}

/** What a claim reads of a delivery, as both stores select it. */
export interface WorkItemRow {
  delivery_id: number;
  series_key: string;
  order_key: number;
  attempts: number;
  activity_id: number | null;
  source: string;
  body: string | null;
  received_at: number;
}

/** A claimed delivery, leased until `leaseUntil` (this process's clock). */
export function workItemFrom(row: WorkItemRow, leaseUntil: number): WorkItem {
  return {
    deliveryId: row.delivery_id,
    seriesKey: row.series_key,
    ...(row.activity_id !== null ? { activityId: row.activity_id } : {}),
    orderKey: row.order_key,
    source: row.source as DeliverySource,
    body: row.body ?? '',
    receivedAt: row.received_at,
    attempts: row.attempts,
    leaseUntil,
  };
}

/** A JSON column: null for an empty object. */
export function json(value: Record<string, unknown>): string | null {
  return Object.keys(value).length === 0 ? null : JSON.stringify(value);
}

export function deliveryFrom(r: DeliveryRow): Delivery {
  const d: Delivery = {
    id: r.id,
    receivedAt: r.received_at,
    source: r.source as DeliverySource,
    status: r.status as DeliveryStatus,
    path: r.path,
    headers: JSON.parse(r.headers) as Record<string, string>,
    bodyBytes: r.body_bytes,
    httpStatus: r.http_status,
    attempts: r.attempts,
  };
  if (r.body !== null) d.body = r.body;
  if (r.reason !== null) d.reason = r.reason;
  if (r.message !== null) d.message = r.message;
  if (r.activity_id !== null) d.activityId = r.activity_id;
  if (r.series_key !== null) d.seriesKey = r.series_key;
  if (r.status_code !== null) d.statusCode = r.status_code;
  if (r.activity_type !== null) d.activityType = r.activity_type;
  if (r.device_id !== null) d.deviceId = r.device_id;
  if (r.duplicate_of !== null) d.duplicateOf = r.duplicate_of;
  if (r.next_attempt_at !== null) d.nextAttemptAt = r.next_attempt_at;
  if (r.last_error !== null) d.lastError = r.last_error;
  if (r.ticket_id !== null) d.ticketId = r.ticket_id;
  if (r.finished_at !== null) d.finishedAt = r.finished_at;
  return d;
}
