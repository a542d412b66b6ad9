/**
 * `/api/Webhook` (swagger `Webhook`; ids are uuids, so its routes are made here rather than from
 * the resource table, whose ids are numbers): list, get, the array-POST upsert shared with every
 * resource, and DELETE. A password is stored but never answered. What a webhook posts is in
 * webhooks.ts; its event names and payload are [unverified].
 */

import type { Router, SimRequest } from '../../sim-server.js';
import { api, json, upsert } from '../api.js';
import type { HaloContext } from '../context.js';
import { badRequest, notFound } from '../errors.js';
import type { ItemReader } from '../item-reader.js';
import { WEBHOOK_AUTHENTICATION_TYPES, type WebhookRecord } from '../webhooks.js';
import { patched } from './common.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EMPTY_UUID = '00000000-0000-0000-0000-000000000000';

/** A webhook as GET and POST answer it: `basic_password` always null, events as `[{event}]`. */
export function renderWebhook(hook: WebhookRecord): Record<string, unknown> {
  return {
    id: hook.id,
    name: hook.name,
    url: hook.url,
    active: hook.active,
    authentication_type: hook.authentication_type,
    basic_username: hook.basic_username,
    basic_password: null,
    events: hook.events.map((event) => ({ event })),
    content_type: hook.content_type,
    method: hook.method,
  };
}

/**
 * Saves one posted webhook: without an id (or with the empty uuid) it is new and gets a fresh
 * uuid; with one it updates that webhook (404 when there is none). `url` is required and http(s);
 * `authentication_type` must be 0 or 1 and 1 needs `basic_username`. A password left out or null
 * keeps the stored one, since no answer ever shows it to send back ("" clears it) [unverified];
 * `active` defaults to true.
 */
export function saveWebhook(ctx: HaloContext, item: ItemReader): string {
  const hooks = ctx.webhooks;
  const idIn = item.string('id')?.trim();
  if (idIn && !UUID.test(idIn)) throw badRequest(`Could not convert "${idIn}" to a Guid: a webhook's id is a uuid. Path '${item.at('id')}'.`);
  const existing = idIn && idIn !== EMPTY_UUID ? hooks.get(idIn) : undefined;
  if (idIn && idIn !== EMPTY_UUID && !existing) throw notFound(`Webhook ${idIn} not found`);
  const url = readUrl(item, existing === undefined);
  const authentication = item.int('authentication_type');
  if (authentication !== undefined && authentication !== null && !(authentication in WEBHOOK_AUTHENTICATION_TYPES)) {
    const known = Object.entries(WEBHOOK_AUTHENTICATION_TYPES).map(([n, what]) => `${n} (${what})`).join(' or ');
    throw badRequest(`authentication_type ${authentication} is not one the simulator knows: use ${known}. Path '${item.at('authentication_type')}'.`);
  }
  const password = item.string('basic_password');
  const active = item.bool('active');
  const patch: Record<string, unknown> = {
    name: item.string('name'),
    url,
    active: active === null ? undefined : active,
    authentication_type: authentication === null ? 0 : authentication,
    basic_username: item.string('basic_username'),
    basic_password: password === null ? undefined : password === '' ? null : password,
    events: readEvents(item),
    content_type: item.string('content_type'),
    method: item.int('method'),
  };
  const base: WebhookRecord = existing ?? { id: hooks.newId(), url: url ?? '', active: true, authentication_type: 0, events: [] };
  const next = patched(base, patch);
  if (next.authentication_type === 1 && !next.basic_username) {
    throw badRequest(`basic_username is required when authentication_type is 1 (basic). Path '${item.at('basic_username')}'.`);
  }
  hooks.put(next);
  return next.id;
}

/** `url`: required on create, never null or empty, an absolute http or https URL. */
function readUrl(item: ItemReader, creating: boolean): string | undefined {
  const url = item.string('url');
  if (url === undefined && !creating) return undefined;
  if (url === undefined || url === null || url.trim() === '') throw badRequest(`url is required: the address Halo posts the webhook to. Path '${item.at('url')}'.`);
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    throw badRequest(`url "${url}" is not an absolute http or https URL. Path '${item.at('url')}'.`);
  }
  return url;
}

/** `events: [{"event": "ticket.updated"}]`; null subscribes to nothing. */
function readEvents(item: ItemReader): string[] | undefined {
  const entries = item.objects('events');
  if (entries === undefined) return undefined;
  if (entries === null) return [];
  const names: string[] = [];
  for (const entry of entries) {
    const name = entry.string('event')?.trim();
    if (!name) throw badRequest(`Each entry of events names its event: {"event": "ticket.updated"}. Path '${entry.at('event')}'.`);
    if (!names.includes(name)) names.push(name);
  }
  return names;
}

/** `GET/POST /api/Webhook`, `GET/DELETE /api/Webhook/{id}`; webhooks are configuration, so the admin scope. */
export function registerWebhookRoutes(router: Router, ctx: HaloContext): void {
  const byId = (req: SimRequest): WebhookRecord => {
    const id = req.params['id'] ?? '';
    const hook = UUID.test(id) ? ctx.webhooks.get(id) : undefined;
    if (!hook) throw notFound(`Webhook ${id} not found`);
    return hook;
  };
  router.on('GET', '/api/Webhook', api(ctx, 'admin', 'read', () => json(200, ctx.webhooks.all().map(renderWebhook))));
  router.on('GET', '/api/Webhook/:id', api(ctx, 'admin', 'read', (req) => json(200, renderWebhook(byId(req)))));
  router.on(
    'POST',
    '/api/Webhook',
    api(ctx, 'admin', 'edit', (req) => upsert(ctx, req, 'Webhook', (item) => saveWebhook(ctx, item), (id) => renderWebhook(ctx.webhooks.get(id)!))),
  );
  router.on(
    'DELETE',
    '/api/Webhook/:id',
    api(ctx, 'admin', 'edit', (req) => {
      ctx.webhooks.remove(byId(req).id);
      return { status: 200 };
    }),
  );
}
