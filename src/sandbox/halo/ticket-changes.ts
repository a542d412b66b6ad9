/**
 * Which tickets changed since the outgoing webhooks last published, and how: a new ticket is
 * `ticket.created`; any other change to a ticket — a field, its status, an action added to it or
 * edited — is `ticket.updated` (event names [unverified]: Halo documents none). The store feeds it
 * from its tables; webhooks.ts drains it once per request.
 */

import type { ActionRecord, TicketRecord } from './records.js';
import type { Table } from './table.js';

/** The ticket events the simulator raises [unverified names]. */
export type TicketEventName = 'ticket.created' | 'ticket.updated';

export const TICKET_EVENTS: readonly TicketEventName[] = ['ticket.created', 'ticket.updated'];

export class TicketChanges {
  /** Ticket id → its event, in the order tickets first changed. A created ticket stays `ticket.created`. */
  readonly #pending = new Map<number, TicketEventName>();

  /** Starts watching the tables; rows already in them raise nothing. */
  watch(tickets: Table<TicketRecord>, actions: Table<ActionRecord>): void {
    tickets.watch((previous, row) => {
      if (!previous) this.#mark(row.id, 'ticket.created');
      else if (!sameRow(previous, row)) this.#mark(row.id, 'ticket.updated');
    });
    actions.watch((previous, row) => {
      if (!previous || !sameRow(previous, row)) this.#mark(row.ticket_id, 'ticket.updated');
    });
  }

  /** The pending events, oldest first; none are left. */
  take(): [number, TicketEventName][] {
    const taken = [...this.#pending];
    this.#pending.clear();
    return taken;
  }

  /** Forgets the pending events: the writes that raised them were undone (an atomic batch that failed). */
  discard(): void {
    this.#pending.clear();
  }

  #mark(ticketId: number, event: TicketEventName): void {
    if (this.#pending.get(ticketId) !== 'ticket.created') this.#pending.set(ticketId, event);
  }
}

/** Rows are plain JSON data, so their text compares them (a key removed and added back counts as a change). */
function sameRow(a: object, b: object): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
