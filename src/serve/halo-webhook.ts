/**
 * `POST /halo/webhook`: Halo's outgoing webhook (the fast path of alerts.onTicketClosed). Halo
 * posts when a ticket changes; a haloform alert ticket now closed becomes a "ticket closed" event
 * in the inbox (src/serve/ticket-closed.ts), and a worker resets the alert in NinjaOne. Every
 * other post — another ticket, an open one — is answered 200 and dropped: Halo posts on every
 * change, haloform's own notes included.
 *
 * The payload is [unverified]: no public capture of Halo's webhook body was found. haloform reads
 * `ticket` (the ticket as `GET /api/Tickets/{id}` renders it), else the body itself as the ticket,
 * and needs only its `id`, `status_id` and the field that ties it to its series
 * (`third_party_id_string` or `ninja_alert_id`). Authentication: HTTP Basic with the password
 * HALOFORM_HALO_WEBHOOK_SECRET (Halo's `authentication_type` 1 [unverified number]), any user name.
 */

import { createHash, timingSafeEqual } from 'node:crypto';
import { ticketFromRecord } from '../halo/tickets.js';
import type { Logger } from '../http/index.js';
import type { HaloIdentity } from '../rmm/provider.js';
import type { InboxStore } from '../store/inbox-store.js';
import type { HaloDirectory } from './directory.js';
import { ticketKey } from './poller.js';
import { ticketClosedEvent } from './ticket-closed.js';

import { HALO_WEBHOOK_PATH } from '../halo/webhooks.js';

export { HALO_WEBHOOK_PATH, HALO_WEBHOOK_SECRET_ENV } from '../halo/webhooks.js';

/** Whether the Authorization header is Basic with `secret` as its password (or a Bearer of it). */
export function haloWebhookAuthorized(header: string | string[] | undefined, secret: string): { ok: boolean; presented: boolean } {
  const value = (Array.isArray(header) ? header[0] : header)?.trim() ?? '';
  let presented: string | undefined;
  const basic = /^Basic\s+(\S+)$/i.exec(value)?.[1];
  if (basic) {
    const decoded = Buffer.from(basic, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    presented = colon >= 0 ? decoded.slice(colon + 1) : undefined;
  } else {
    presented = /^Bearer\s+(.+)$/i.exec(value)?.[1]?.trim();
  }
  if (!presented) return { ok: false, presented: value !== '' };
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return { ok: timingSafeEqual(digest(presented), digest(secret)), presented: true };
}

export interface HaloWebhookDeps {
  store: InboxStore;
  directory: Pick<HaloDirectory, 'lookups'>;
  identity: HaloIdentity;
  logger: Logger;
  now: () => number;
  onAccepted(): void;
}

/** What to answer a post whose JSON is `body`; a closed haloform ticket is queued first. */
export async function acceptHaloWebhook(deps: HaloWebhookDeps, body: unknown, headers: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }> {
  const record = objectOf(body);
  const inner = objectOf(record?.ticket);
  const ticketRecord = inner ?? record;
  const where = inner ? '$.ticket' : '$';
  const ticket = ticketRecord ? ticketFromRecord(ticketRecord, deps.identity, where) : undefined;
  if (!ticket) {
    return { status: 422, body: { status: 422, error: `Unprocessable Content: not a Halo ticket event: ${where}.id must be the ticket's id (a whole number)` } };
  }
  const key = ticketKey(ticket);
  if (key === undefined) return { status: 200, body: { status: 'ignored', reason: `ticket ${ticket.id} is not an alert ticket haloform made` } };
  const { closedStatusId } = await deps.directory.lookups();
  if (ticket.statusId !== closedStatusId) return { status: 200, body: { status: 'ignored', reason: `ticket ${ticket.id} is not closed` } };
  const result = await deps.store.accept(ticketClosedEvent(key, ticket.id, 'halo', deps.now(), { path: HALO_WEBHOOK_PATH, headers }));
  deps.logger.log('info', 'Halo says an alert ticket was closed', { deliveryId: result.deliveryId, seriesKey: key, ticketId: ticket.id });
  deps.onAccepted();
  return { status: 202, body: { status: 'accepted', deliveryId: result.deliveryId, seriesKey: key } };
}

function objectOf(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}
