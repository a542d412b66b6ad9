/**
 * Halo's outgoing webhooks (`/api/Webhook`, swagger schema `Webhook`): the registered hooks, and
 * the posts they make when a ticket is created or changed, through the shared delivery queue.
 * Halo documents neither the event names nor the payload; both are modelled here and
 * [unverified]: `{"id": "<event uuid>", "event": "ticket.updated", "timestamp": "<ISO>",
 * "ticket": <the ticket as GET /api/Tickets/{id} renders it>}`, and `authentication_type` 1 =
 * HTTP Basic, 0 or absent = none.
 */

import type { Random } from '../random.js';
import { seededUuid } from '../uuid.js';
import type { DeliveryOptions, DeliveryQueue } from '../webhook-delivery.js';
import type { HaloContext } from './context.js';
import { toJsonText } from './json-text.js';
import { renderTicket } from './resources/tickets.js';
import type { Journal } from './table.js';
import type { TicketEventName } from './ticket-changes.js';

/** `authentication_type` values the simulator knows [unverified numbers]: 0 none, 1 HTTP Basic. */
export const WEBHOOK_AUTHENTICATION_TYPES: Readonly<Record<number, string>> = { 0: 'none', 1: 'basic' };

/** One registered webhook, as POST /api/Webhook saved it. */
export interface WebhookRecord {
  /** A uuid, lower case. */
  id: string;
  name?: string;
  /** An absolute http(s) URL. */
  url: string;
  /** An inactive webhook never fires. */
  active: boolean;
  /** A key of WEBHOOK_AUTHENTICATION_TYPES. */
  authentication_type: number;
  basic_username?: string;
  /** Never rendered: no answer, log or state dump shows it. */
  basic_password?: string;
  /** The event names subscribed to; names the simulator does not raise are kept and never fire. */
  events: string[];
  /** Stored and shown; the simulator always posts JSON. */
  content_type?: string;
  /** Stored and shown; the simulator always POSTs. */
  method?: number;
}

/** What the delivery log says a Halo post is about. */
export interface HaloEventSubject {
  /** The event's uuid: the payload's `id`, the same for every webhook and every duplicate of it. */
  eventId: string;
  event: TicketEventName;
  ticketId: number;
  webhookId: string;
}

export class HaloWebhooks {
  readonly #records = new Map<string, WebhookRecord>();
  readonly #ids: Random;
  readonly #eventIds: Random;

  constructor(
    private readonly journal: Journal,
    readonly queue: DeliveryQueue<HaloEventSubject>,
    random: Random,
  ) {
    this.#ids = random.fork('webhook-ids');
    this.#eventIds = random.fork('webhook-events');
  }

  get(id: string): WebhookRecord | undefined {
    return this.#records.get(id.toLowerCase());
  }

  /** Every webhook, in the order they were created. */
  all(): WebhookRecord[] {
    return [...this.#records.values()];
  }

  /** A fresh id for a new webhook (seeded, so the same requests give the same ids). */
  newId(): string {
    return seededUuid(this.#ids);
  }

  /** Saves a webhook (journaled like table writes, so an atomic batch can undo it). */
  put(record: WebhookRecord): void {
    const previous = this.#records.get(record.id);
    this.#records.set(record.id, record);
    this.journal.record(() => {
      if (previous) this.#records.set(record.id, previous);
      else this.#records.delete(record.id);
    });
  }

  remove(id: string): void {
    const previous = this.#records.get(id);
    if (!previous) return;
    this.#records.delete(id);
    this.journal.record(() => this.#records.set(id, previous));
  }

  options(): DeliveryOptions {
    return this.queue.options();
  }

  /**
   * Posts the ticket events raised since the last call to every active webhook subscribed to
   * them: one event id per event, the ticket as it is now. Called once at the end of each request
   * and control call, so a batch that changes a ticket twice posts once.
   */
  publish(ctx: HaloContext): void {
    const events = ctx.store.ticketChanges.take();
    if (events.length === 0) return;
    const hooks = this.all().filter((w) => w.active);
    const timestamp = new Date(ctx.now()).toISOString();
    for (const [ticketId, event] of events) {
      const ticket = ctx.store.tickets.get(ticketId);
      const targets = hooks.filter((w) => w.events.includes(event));
      if (!ticket || targets.length === 0) continue;
      const id = seededUuid(this.#eventIds);
      const body = toJsonText({ id, event, timestamp, ticket: ctx.row('Tickets', renderTicket(ctx, ticket)) });
      for (const hook of targets) {
        this.queue.enqueue({ url: hook.url, headers: authHeaders(hook) }, { eventId: id, event, ticketId, webhookId: hook.id }, body);
      }
    }
  }
}

/** `Authorization: Basic base64(user:password)` for authentication_type 1; nothing otherwise. */
function authHeaders(hook: WebhookRecord): { name: string; value: string }[] {
  if (hook.authentication_type !== 1) return [];
  const credentials = Buffer.from(`${hook.basic_username ?? ''}:${hook.basic_password ?? ''}`, 'utf8').toString('base64');
  return [{ name: 'Authorization', value: `Basic ${credentials}` }];
}
