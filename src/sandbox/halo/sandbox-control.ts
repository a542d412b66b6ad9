/**
 * The Halo simulator's control API, for tests and the demo: the whole state, the request budget,
 * a technician's action on a ticket (or closing it), direct edits of any record, row overlays,
 * token expiry and the outgoing webhooks' delivery — a change to a ticket here fires the webhooks
 * as one through the API does —
 * both as an object (`HaloControl`) and as routes under `/_sandbox/` (no auth, no budget, not
 * logged; the shared server adds `/_sandbox/requests` and `/_sandbox/faults`). `GET /_sandbox/`
 * and any unknown control path list the routes. Errors are `{"error": "…"}`.
 */

import { RowOverlays, type Overlay } from '../overlays.js';
import { parseJson, SimHttpError, type Router, type SimRequest, type SimResponse } from '../sim-server.js';
import { checkDeliveryOptions, type DeliveryOptions, type WebhookDelivery } from '../webhook-delivery.js';
import { json } from './api.js';
import type { HaloContext } from './context.js';
import { readObjectBody } from './json-body.js';
import { HALO_OVERLAY_LISTS } from './overlay-rows.js';
import type { RateLimit } from './rate-limit.js';
import { editRecord, resourceName, RESOURCE_NAMES } from './record-edit.js';
import type { ActionRecord, ControlRecord, HaloResourceName, HaloState, TicketRecord } from './records.js';
import { addAction } from './resources/actions.js';
import { renderWebhook } from './resources/webhooks.js';
import type { HaloEventSubject } from './webhooks.js';

/** A technician's action (`POST /_sandbox/tickets/{id}/technician-action`); every field optional. */
export interface TechnicianActionInput {
  /** Default: an agent id no API app logs in as (highest app agent id + 1). */
  agent_id?: number;
  /** Default: the first outcome. */
  outcome_id?: number;
  note?: string;
  note_html?: string;
  hiddenfromuser?: boolean;
  /** Moves the ticket, e.g. 9 to close it. */
  new_status?: number;
}

/** One Halo webhook delivery as the log shows it: seq, the event (eventId, event, ticketId, webhookId), the outcome. */
export type HaloWebhookDelivery = WebhookDelivery<HaloEventSubject>;

/** The status `closeTicket` moves a ticket to: 9 (Closed on stock installs) when it is a closed status, else the first closed one. */
const STOCK_CLOSED_STATUS = 9;

export interface HaloControl {
  /** A deep copy of every table (seed shape; API apps left out). */
  state(): HaloState;
  rateLimit(): RateLimit | null;
  /** Sets or (null) removes the request budget. */
  setRateLimit(limit: RateLimit | null): void;
  /** Adds an action by another agent, optionally changing the ticket's status. */
  technicianAction(ticketId: number, input?: TechnicianActionInput): ActionRecord;
  /**
   * Closes a ticket as a technician would: their action moving it to a closed status (9 when that
   * is one, else the first closed status), which stamps dateclosed. Returns the ticket as stored.
   */
  closeTicket(ticketId: number, input?: Omit<TechnicianActionInput, 'new_status'>): TicketRecord;
  /** Edits one record directly (state keys); returns it. Throws TypeError/RangeError naming the bad field. */
  patch(resource: HaloResourceName, id: number, changes: Record<string, unknown>): unknown;
  /** Merges settings into `/api/Control` directly. */
  patchControl(changes: Record<string, unknown>): ControlRecord;
  /** Makes every issued token invalid: the next API call answers 401. */
  expireTokens(): void;
  /** The row overlays applied to every row a read renders (lists: HALO_OVERLAY_LISTS). */
  readonly overlays: RowOverlays;
  /** The registered webhooks (`/api/Webhook`), as GET renders them: passwords never shown. */
  webhooks(): Record<string, unknown>[];
  /** Changes delivery knobs (dropRate, duplicateRate, delayMs, reorderWindow, maxAttempts, retryBackoffMs, timeoutMs, concurrency); a bad one is a TypeError naming it. */
  setWebhookDelivery(options: Partial<DeliveryOptions>): DeliveryOptions;
  webhookDelivery(): DeliveryOptions;
  /** Every delivery so far, in queue order, with its outcome. */
  webhookDeliveries(): HaloWebhookDelivery[];
  clearWebhookDeliveries(): void;
  /** Resolves when every queued, delayed, held or retrying delivery is done. */
  flushWebhooks(): Promise<void>;
}

/** Method, path and a line on the body: what `GET /_sandbox/` answers, and the 404 of an unknown control path. */
export const HALO_CONTROL_ROUTES: readonly (readonly [string, string, string])[] = [
  ['GET', '/_sandbox/', 'this list'],
  ['GET', '/_sandbox/state', 'every table, in the seed shape (API apps left out)'],
  ['GET', '/_sandbox/rate-limit', 'the request budget: {rateLimit: {requests, perSeconds} | null}'],
  ['PUT', '/_sandbox/rate-limit', 'set the request budget: {requests, perSeconds} or {rateLimit: null}'],
  ['DELETE', '/_sandbox/rate-limit', 'remove the request budget'],
  ['POST', '/_sandbox/tokens/expire', 'make every issued token invalid (the next API call answers 401)'],
  ['POST', '/_sandbox/tickets/:id/technician-action', "a technician's action on a ticket: {agent_id?, outcome_id?, note?, note_html?, hiddenfromuser?, new_status?}"],
  ['POST', '/_sandbox/tickets/:id/close', 'close a ticket as a technician would (an action moving it to a closed status): {agent_id?, outcome_id?, note?, note_html?, hiddenfromuser?}'],
  ['PATCH', '/_sandbox/control', 'merge settings into /api/Control: {allowduplicateinv?, <setting>: value}'],
  ['PATCH', '/_sandbox/:resource/:id', `edit a record directly: {<state key>: value | null}; resource: ${RESOURCE_NAMES.join(', ')}; a ticket or action edited fires ticket.updated`],
  ['GET', '/_sandbox/webhooks', 'the registered webhooks (/api/Webhook), passwords hidden'],
  ['GET', '/_sandbox/webhook-delivery', 'webhook delivery options'],
  ['PATCH', '/_sandbox/webhook-delivery', 'change delivery options: {dropRate?, duplicateRate?, delayMs?, reorderWindow?, maxAttempts?, retryBackoffMs?, timeoutMs?, concurrency?}'],
  ['GET', '/_sandbox/webhook-deliveries', 'the webhook delivery log'],
  ['DELETE', '/_sandbox/webhook-deliveries', 'clear the webhook delivery log'],
  ['POST', '/_sandbox/webhooks/flush', 'wait until every pending webhook delivery is done; answers the log'],
  [
    'POST',
    '/_sandbox/overlays',
    `make rows look like a real tenant's: {list, id, field, drop?: true, value?} or a list of them; list: ${Object.keys(HALO_OVERLAY_LISTS).join(', ')}; id "*" = every row; field may be a dotted path into nested objects; applied to reads (lists and by-id GETs), not to POST answers`,
  ],
  ['GET', '/_sandbox/overlays', 'the row overlays in force'],
  ['DELETE', '/_sandbox/overlays', 'remove every row overlay'],
  // Served by the shared simulator server (sim-server.ts), listed here so the list shows every route.
  ['GET', '/_sandbox/requests', 'the request log (DELETE clears it)'],
  ['PUT', '/_sandbox/faults', 'replace fault rules: [{route?, method?, errorRate?, rateLimitRate?, latencyMs?, count?, ...}] (GET lists, POST adds, DELETE clears)'],
];

/** The control routes as lines: `GET /_sandbox/state — every table, …`. */
export function controlRouteLines(): string[] {
  return HALO_CONTROL_ROUTES.map(([method, path, what]) => `${method} ${path} — ${what}`);
}

/** The answer for a `/_sandbox/` path no route serves: the list of routes. */
export function controlNotFound(req: SimRequest): SimResponse {
  return { status: 404, body: { error: `no control route ${req.method} ${req.path}`, routes: controlRouteLines() } };
}

/**
 * The body of `POST /_sandbox/overlays`, checked whole before any is added: each names a list of
 * HALO_OVERLAY_LISTS (any case; kept in its canonical spelling), a row id (or "*") and a field.
 */
export function overlayInput(body: unknown): Overlay[] {
  const overlays = RowOverlays.parse(body);
  const lists = Object.keys(HALO_OVERLAY_LISTS);
  return overlays.map((o, i) => {
    const at = Array.isArray(body) ? `overlay ${i}: ` : '';
    const list = typeof o.list === 'string' ? lists.find((l) => l.toLowerCase() === o.list.toLowerCase()) : undefined;
    if (list === undefined) throw new TypeError(`${at}list: ${typeof o.list === 'string' ? `no list "${o.list}"` : 'required'}; use one of ${lists.join(', ')}`);
    if (typeof o.id !== 'number' && typeof o.id !== 'string') throw new TypeError(`${at}id: required, the row's id or "*" for every row`);
    if (typeof o.field !== 'string' || o.field === '' || o.field.split('.').includes('')) {
      throw new TypeError(`${at}field: required, a key or a dotted path into nested objects ("a.b")`);
    }
    return { ...o, list };
  });
}

/** An overlay as `GET /_sandbox/overlays` shows it: the shape POST takes. */
export function overlayOutput(overlay: Overlay): Record<string, unknown> {
  const { list, id, field, op } = overlay;
  return 'drop' in op ? { list, id, field, drop: true } : { list, id, field, value: op.value };
}

export function createControl(ctx: HaloContext, agentIds: readonly number[]): HaloControl {
  const { store, webhooks } = ctx;
  const technician = Math.max(0, ...agentIds) + 1;
  /** Runs a change, then posts the ticket events it raised, as the end of an API request does. */
  const publishing = <T>(change: () => T): T => {
    try {
      return change();
    } finally {
      ctx.publishEvents();
    }
  };
  const technicianAction = (ticketId: number, input: TechnicianActionInput = {}): ActionRecord => {
    const ticket = store.tickets.get(ticketId);
    if (!ticket) throw new RangeError(`tickets has no record with id ${ticketId}`);
    for (const key of ['agent_id', 'outcome_id', 'new_status'] as const) {
      if (input[key] !== undefined && !Number.isInteger(input[key])) throw new TypeError(`${key} must be an integer, got ${JSON.stringify(input[key])}`);
    }
    for (const key of ['note', 'note_html'] as const) {
      if (input[key] !== undefined && typeof input[key] !== 'string') throw new TypeError(`${key} must be a string, got ${JSON.stringify(input[key])}`);
    }
    if (input.hiddenfromuser !== undefined && typeof input.hiddenfromuser !== 'boolean') {
      throw new TypeError(`hiddenfromuser must be true or false, got ${JSON.stringify(input.hiddenfromuser)}`);
    }
    const outcomeId = input.outcome_id ?? store.outcomes.all()[0]?.id;
    if (outcomeId === undefined || !store.outcomes.get(outcomeId)) throw new TypeError(`outcome_id ${String(outcomeId)} does not exist`);
    if (input.new_status !== undefined && !store.statuses.get(input.new_status)) throw new TypeError(`new_status ${input.new_status} does not exist`);
    const action = addAction(ctx, {
      ticket_id: ticketId,
      outcome_id: outcomeId,
      who_agentid: input.agent_id ?? technician,
      ...(input.note === undefined ? {} : { note: input.note }),
      ...(input.note_html === undefined ? {} : { note_html: input.note_html }),
      ...(input.hiddenfromuser === undefined ? {} : { hiddenfromuser: input.hiddenfromuser }),
      ...(input.new_status === undefined ? {} : { new_status: input.new_status }),
    });
    return structuredClone(action);
  };
  return {
    state: () => store.state(),
    rateLimit: () => ctx.limiter.limit,
    setRateLimit: (limit) => ctx.limiter.set(limit),
    technicianAction: (ticketId, input) => publishing(() => technicianAction(ticketId, input)),
    closeTicket: (ticketId, input = {}) =>
      publishing(() => {
        if ('new_status' in input) throw new TypeError('new_status: closing picks the closed status; use technicianAction to choose one');
        const closed = store.statuses.all().filter((s) => s.type === 'closed');
        const status = closed.find((s) => s.id === STOCK_CLOSED_STATUS) ?? closed[0];
        if (!status) throw new TypeError('no closed status: add a status with type "closed" to close a ticket');
        technicianAction(ticketId, { ...input, new_status: status.id });
        return structuredClone(store.tickets.get(ticketId)!);
      }),
    patch: (resource, id, changes) => publishing(() => editRecord(store, resource, id, changes)),
    patchControl: (changes) => {
      if ('allowduplicateinv' in changes && typeof changes['allowduplicateinv'] !== 'boolean') {
        throw new TypeError(`control.allowduplicateinv must be true or false, got ${JSON.stringify(changes['allowduplicateinv'])}`);
      }
      store.setControl({ ...store.control, ...changes });
      return structuredClone(store.control);
    },
    expireTokens: () => ctx.authority.expireAll(),
    overlays: ctx.overlays,
    webhooks: () => webhooks.all().map(renderWebhook),
    setWebhookDelivery: (options) => {
      if (typeof options !== 'object' || options === null || Array.isArray(options)) throw new TypeError('options: expected a JSON object');
      const checked = checkDeliveryOptions(options);
      if ('error' in checked) throw new TypeError(checked.error);
      return webhooks.queue.setOptions(checked.options);
    },
    webhookDelivery: () => webhooks.options(),
    webhookDeliveries: () => webhooks.queue.log().map((d) => ({ ...d })),
    clearWebhookDeliveries: () => webhooks.queue.clearLog(),
    flushWebhooks: () => webhooks.queue.flush(),
  };
}

/** Runs a control call, turning its TypeError/RangeError into 400/404 `{error}`. */
function attempt<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof RangeError) throw new SimHttpError(404, e.message, { error: e.message });
    if (e instanceof TypeError) throw new SimHttpError(400, e.message, { error: e.message });
    throw e;
  }
}

function body(req: SimRequest): Record<string, unknown> {
  try {
    return readObjectBody(req);
  } catch (e) {
    const message = e instanceof SimHttpError ? e.message : String(e);
    throw new SimHttpError(400, message, { error: message });
  }
}

/** A technician's action body with only the `known` keys. */
function actionInput(req: SimRequest, known: readonly string[]): TechnicianActionInput {
  const input = body(req);
  const unknown = Object.keys(input).filter((k) => !known.includes(k));
  if (unknown.length > 0) throw new TypeError(`unknown field(s) ${unknown.join(', ')}; known: ${known.join(', ')}`);
  return input as TechnicianActionInput;
}

/** The route's ticket id; anything but an integer is no ticket (404). */
function ticketParam(req: SimRequest): number {
  const id = Number(req.params['id']);
  if (!Number.isInteger(id)) throw new RangeError(`tickets has no record with id ${req.params['id']}`);
  return id;
}

function readRateLimit(value: Record<string, unknown>): RateLimit | null {
  if ('rateLimit' in value) return value['rateLimit'] === null ? null : readRateLimit(value['rateLimit'] as Record<string, unknown>);
  const { requests, perSeconds, ...rest } = value;
  const extra = Object.keys(rest);
  if (extra.length > 0) throw new TypeError(`unknown rate limit key(s): ${extra.join(', ')}; send {"requests": 300, "perSeconds": 300} or {"rateLimit": null}`);
  return { requests: requests as number, perSeconds: perSeconds as number };
}

export function registerSandboxControl(router: Router, control: HaloControl): void {
  const ok = (value: unknown) => json(200, value);
  router
    .on('GET', '/_sandbox/', () => ok({ routes: controlRouteLines() }))
    .on('GET', '/_sandbox/state', () => ok(control.state()))
    .on('GET', '/_sandbox/rate-limit', () => ok({ rateLimit: control.rateLimit() }))
    .on('PUT', '/_sandbox/rate-limit', (req) =>
      attempt(() => {
        control.setRateLimit(readRateLimit(body(req)));
        return ok({ rateLimit: control.rateLimit() });
      }),
    )
    .on('DELETE', '/_sandbox/rate-limit', () => {
      control.setRateLimit(null);
      return ok({ rateLimit: null });
    })
    .on('POST', '/_sandbox/tokens/expire', () => {
      control.expireTokens();
      return { status: 204 };
    })
    .on('POST', '/_sandbox/tickets/:id/technician-action', (req) =>
      attempt(() => {
        const input = actionInput(req, ['agent_id', 'outcome_id', 'note', 'note_html', 'hiddenfromuser', 'new_status']);
        return { status: 201, body: control.technicianAction(ticketParam(req), input) };
      }),
    )
    .on('POST', '/_sandbox/tickets/:id/close', (req) =>
      attempt(() => {
        const input = actionInput(req, ['agent_id', 'outcome_id', 'note', 'note_html', 'hiddenfromuser']);
        return ok(control.closeTicket(ticketParam(req), input));
      }),
    )
    .on('GET', '/_sandbox/webhooks', () => ok(control.webhooks()))
    .on('GET', '/_sandbox/webhook-delivery', () => ok(control.webhookDelivery()))
    .on('PATCH', '/_sandbox/webhook-delivery', (req) => attempt(() => ok(control.setWebhookDelivery(body(req) as Partial<DeliveryOptions>))))
    .on('GET', '/_sandbox/webhook-deliveries', () => ok(control.webhookDeliveries()))
    .on('DELETE', '/_sandbox/webhook-deliveries', () => {
      control.clearWebhookDeliveries();
      return { status: 204 };
    })
    .on('POST', '/_sandbox/webhooks/flush', async () => {
      await control.flushWebhooks();
      return ok(control.webhookDeliveries());
    })
    .on('POST', '/_sandbox/overlays', (req) =>
      attempt(() => {
        for (const overlay of overlayInput(parseJson(req))) control.overlays.add(overlay);
        return json(201, control.overlays.all().map(overlayOutput));
      }),
    )
    .on('GET', '/_sandbox/overlays', () => ok(control.overlays.all().map(overlayOutput)))
    .on('DELETE', '/_sandbox/overlays', () => {
      control.overlays.clear();
      return { status: 204 };
    })
    .on('PATCH', '/_sandbox/control', (req) => attempt(() => ok(control.patchControl(body(req)))))
    .on('PATCH', '/_sandbox/:resource/:id', (req) =>
      attempt(() => {
        const resource = resourceName(req.params['resource'] ?? '');
        if (!resource) throw new RangeError(`unknown resource "${req.params['resource']}"`);
        const id = Number(req.params['id']);
        if (!Number.isInteger(id)) throw new RangeError(`${resource} has no record with id ${req.params['id']}`);
        return ok(control.patch(resource, id, body(req)));
      }),
    );
}
