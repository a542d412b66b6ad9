/**
 * The Halo simulator's control API, for tests and the demo: the whole state, the request budget,
 * a technician's action on a ticket, direct edits of any record, and token expiry — both as an
 * object (`HaloControl`) and as routes under `/_sandbox/` (no auth, no budget, not logged; the
 * shared server adds `/_sandbox/requests` and `/_sandbox/faults`). Errors are `{"error": "…"}`.
 */

import { SimHttpError, type Router, type SimRequest } from '../sim-server.js';
import { json } from './api.js';
import type { HaloContext } from './context.js';
import { readObjectBody } from './json-body.js';
import type { RateLimit } from './rate-limit.js';
import { editRecord, resourceName } from './record-edit.js';
import type { ActionRecord, ControlRecord, HaloResourceName, HaloState } from './records.js';
import { addAction } from './resources/actions.js';

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

export interface HaloControl {
  /** A deep copy of every table (seed shape; API apps left out). */
  state(): HaloState;
  rateLimit(): RateLimit | null;
  /** Sets or (null) removes the request budget. */
  setRateLimit(limit: RateLimit | null): void;
  /** Adds an action by another agent, optionally changing the ticket's status. */
  technicianAction(ticketId: number, input?: TechnicianActionInput): ActionRecord;
  /** Edits one record directly (state keys); returns it. Throws TypeError/RangeError naming the bad field. */
  patch(resource: HaloResourceName, id: number, changes: Record<string, unknown>): unknown;
  /** Merges settings into `/api/Control` directly. */
  patchControl(changes: Record<string, unknown>): ControlRecord;
  /** Makes every issued token invalid: the next API call answers 401. */
  expireTokens(): void;
}

export function createControl(ctx: HaloContext, agentIds: readonly number[]): HaloControl {
  const { store } = ctx;
  const technician = Math.max(0, ...agentIds) + 1;
  return {
    state: () => store.state(),
    rateLimit: () => ctx.limiter.limit,
    setRateLimit: (limit) => ctx.limiter.set(limit),
    technicianAction: (ticketId, input = {}) => {
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
    },
    patch: (resource, id, changes) => editRecord(store, resource, id, changes),
    patchControl: (changes) => {
      if ('allowduplicateinv' in changes && typeof changes['allowduplicateinv'] !== 'boolean') {
        throw new TypeError(`control.allowduplicateinv must be true or false, got ${JSON.stringify(changes['allowduplicateinv'])}`);
      }
      store.setControl({ ...store.control, ...changes });
      return structuredClone(store.control);
    },
    expireTokens: () => ctx.authority.expireAll(),
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
        const input = body(req) as TechnicianActionInput;
        const known = ['agent_id', 'outcome_id', 'note', 'note_html', 'hiddenfromuser', 'new_status'];
        const unknown = Object.keys(input).filter((k) => !known.includes(k));
        if (unknown.length > 0) throw new TypeError(`unknown field(s) ${unknown.join(', ')}; known: ${known.join(', ')}`);
        const id = Number(req.params['id']);
        if (!Number.isInteger(id)) throw new RangeError(`tickets has no record with id ${req.params['id']}`);
        return { status: 201, body: control.technicianAction(id, input) };
      }),
    )
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
