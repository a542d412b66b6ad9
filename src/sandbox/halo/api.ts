/**
 * The plumbing every Halo endpoint goes through, in Halo's order: the request budget (every call
 * counts, the token endpoint too), the bearer token, the scope the endpoint needs; then JSON
 * answers written by the decimal-aware writer, and the array-upsert of POST
 * (reference/halopsa/NOTES.md §1, §2, §5).
 */

import type { Handler, SimRequest, SimResponse } from '../sim-server.js';
import { scopeAllows, type Access, type ScopeArea, type TokenGrant } from './auth.js';
import type { HaloContext } from './context.js';
import { haloErrorBody, notFound, rateLimitResponse } from './errors.js';
import { ItemReader } from './item-reader.js';
import { readArrayBody } from './json-body.js';
import { toJsonText } from './json-text.js';

export type ApiHandler = (req: SimRequest, grant: TokenGrant) => SimResponse;

/** A JSON answer, written by toJsonText (so JsonDouble values keep their decimal point). */
export function json(status: number, value: unknown): SimResponse {
  return { status, text: toJsonText(value), contentType: 'application/json; charset=utf-8' };
}

/** Applies the request budget; the rest is the handler's. */
export function budgeted(ctx: HaloContext, handler: Handler): Handler {
  return (req) => {
    const limit = ctx.limiter.limit;
    if (limit !== null && !ctx.limiter.take(ctx.now())) return rateLimitResponse(limit.requests, limit.perSeconds);
    return handler(req);
  };
}

/** A resource-server endpoint: budget, then bearer token (401), then scope (403); after it, the ticket events its writes raised go to the webhooks. */
export function api(ctx: HaloContext, area: ScopeArea, access: Access, handler: ApiHandler): Handler {
  return budgeted(ctx, (req) => {
    const grant = ctx.authority.verify(req.headers.authorization);
    if ('error' in grant) {
      // ASP.NET's JwtBearer answers 401 with an empty body and the reason in WWW-Authenticate.
      const challenge = req.headers.authorization ? `Bearer error="invalid_token", error_description="${grant.error}"` : 'Bearer';
      return { status: 401, headers: { 'www-authenticate': challenge } };
    }
    if (!scopeAllows(grant.scopes, area, access)) {
      const needs = area === 'admin' ? 'admin (or all)' : access === 'read' ? `read:${area} (or edit:${area}, or all)` : `edit:${area} (or all)`;
      return { status: 403, body: haloErrorBody(`The application's token does not allow this request: it needs the scope ${needs}; it has "${[...grant.scopes].join(' ')}".`) };
    }
    try {
      return handler(req, grant);
    } finally {
      ctx.publishEvents();
    }
  });
}

/** A route's `:id` as an int; anything else is an unknown record (404). */
export function routeId(req: SimRequest, what: string): number {
  const raw = req.params['id'] ?? '';
  if (!/^-?\d+$/.test(raw)) throw notFound(`${what} ${raw} not found`);
  return Number(raw);
}

/**
 * POST: a JSON array of objects; each with an `id` updates, without (or id 0) creates. Items are
 * saved in order; when one fails the error is the answer, and the items before it stay saved
 * (`batchFailure: 'partial'`) or are undone (`'atomic'`, and the ticket events they raised with
 * them). The answer is 201 with the saved object for one item, an array (or the first, per
 * `multiPostResponse`) for several. Ids are numbers, but a webhook's is a uuid (`K`).
 */
export function upsert<K>(ctx: HaloContext, req: SimRequest, typeName: string, save: (item: ItemReader) => K, render: (id: K) => unknown): SimResponse {
  const body = readArrayBody(req, typeName);
  const ids: K[] = [];
  const atomic = ctx.behaviour.batchFailure === 'atomic';
  try {
    ctx.store.journal.run(atomic, () => {
      body.items.forEach((item, i) => ids.push(save(new ItemReader(item, `[${i}]`, body.decimals))));
    });
  } catch (e) {
    if (atomic) ctx.store.ticketChanges.discard();
    throw e;
  }
  const saved = ids.map(render);
  if (saved.length === 0) return json(201, []);
  if (saved.length === 1 || ctx.behaviour.multiPostResponse === 'first') return json(201, saved[0]);
  return json(201, saved);
}
