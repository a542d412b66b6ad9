/**
 * The control API over HTTP, under `/_sandbox/` (a prefix the real API cannot have): JSON in,
 * JSON out, `{"error": "<field>: <what is wrong>", "field": "<field>"}` with 400/404/409 on bad
 * input. Each route calls one method of the programmatic control (control.ts).
 */

import { parseJson, SimHttpError, type Handler, type Router, type SimRequest, type SimResponse } from '../sim-server.js';
import { OVERLAY_LISTS } from './api-routes.js';
import type { NinjaOneControl } from './control.js';
import { ControlError, overlayInput, overlayOutput } from './control-input.js';

/** Method, path and a line on the body: also the text of the 404 for an unknown control path. */
export const CONTROL_ROUTES: readonly (readonly [string, string, string])[] = [
  ['GET', '/_sandbox/state', 'everything the simulator holds'],
  ['POST', '/_sandbox/devices', 'add a device: {organizationId, nodeClass, locationId?, id?, displayName?, ...}'],
  ['PATCH', '/_sandbox/devices/:id', 'change a device: {organizationId?, locationId?, <field>: value | null}'],
  ['DELETE', '/_sandbox/devices/:id', 'delete a device'],
  ['PATCH', '/_sandbox/devices/:id/custom-fields', 'set custom field values: {<field name>: value | null}'],
  ['POST', '/_sandbox/organizations', 'add an organisation: {name, id?, description?, nodeApprovalMode?}'],
  ['PATCH', '/_sandbox/organizations/:id', 'rename an organisation: {name?, description?}'],
  ['PATCH', '/_sandbox/organizations/:id/custom-fields', 'set organisation custom field values'],
  ['POST', '/_sandbox/locations', 'add a location: {organizationId, name, id?, address?, description?}'],
  ['PATCH', '/_sandbox/locations/:id', 'rename a location: {name?, address?, description?}'],
  ['PATCH', '/_sandbox/locations/:id/custom-fields', 'set location custom field values'],
  ['POST', '/_sandbox/alerts', 'raise an alert: {deviceId, uid?, sourceType?, message?, code?, params?, severity?, priority?, ...}'],
  ['POST', '/_sandbox/alerts/:uid/reset', 'reset an alert'],
  ['POST', '/_sandbox/activities', 'post any activity to the webhooks: {activityType, statusCode, deviceId?, ...}'],
  ['GET', '/_sandbox/webhooks', 'registered webhooks (header values hidden)'],
  ['GET', '/_sandbox/webhook-delivery', 'delivery options'],
  ['PATCH', '/_sandbox/webhook-delivery', 'change delivery options: {dropRate?, duplicateRate?, delayMs?, reorderWindow?, maxAttempts?, retryBackoffMs?, timeoutMs?, concurrency?}'],
  ['GET', '/_sandbox/webhook-deliveries', 'the delivery log'],
  ['DELETE', '/_sandbox/webhook-deliveries', 'clear the delivery log'],
  ['POST', '/_sandbox/webhooks/flush', 'wait until every pending delivery is done; answers the log'],
  ['POST', '/_sandbox/clock', 'advance the clock: {advanceMs}'],
  ['PUT', '/_sandbox/retry-after', 'Retry-After of injected 429s: {seconds: number | null}'],
  ['POST', '/_sandbox/overlays', `make rows look like a real tenant's: {list, id, field, drop?: true, value?} or a list of them; list: ${Object.keys(OVERLAY_LISTS).join(', ')}; id "*" = every row; field may be a dotted path`],
  ['GET', '/_sandbox/overlays', 'the row overlays in force'],
  ['DELETE', '/_sandbox/overlays', 'remove every row overlay'],
  // Served by the shared simulator server (sim-server.ts), listed here so the 404 shows every route.
  ['GET', '/_sandbox/requests', 'the request log (DELETE clears it)'],
  ['PUT', '/_sandbox/faults', 'replace fault rules: [{route?, method?, errorRate?, rateLimitRate?, latencyMs?, count?, ...}] (GET lists, POST adds, DELETE clears)'],
];

export function registerControlRoutes(router: Router, control: NinjaOneControl): void {
  const on = (method: string, path: string, handler: (req: SimRequest) => SimResponse | Promise<SimResponse>) => router.on(method, path, guarded(handler));
  const json = (status: number, body: unknown): SimResponse => ({ status, body });

  on('GET', '/_sandbox/state', () => json(200, control.state()));
  on('POST', '/_sandbox/devices', (req) => json(201, control.addDevice(parseJson(req) as never)));
  on('PATCH', '/_sandbox/devices/:id', (req) => json(200, control.updateDevice(idParam(req), parseJson(req) as never)));
  on('DELETE', '/_sandbox/devices/:id', (req) => {
    control.deleteDevice(idParam(req));
    return { status: 204 };
  });
  on('PATCH', '/_sandbox/devices/:id/custom-fields', (req) => json(200, control.setDeviceCustomFields(idParam(req), parseJson(req) as never)));
  on('POST', '/_sandbox/organizations', (req) => json(201, control.addOrganization(parseJson(req) as never)));
  on('PATCH', '/_sandbox/organizations/:id', (req) => json(200, control.updateOrganization(idParam(req), parseJson(req) as never)));
  on('PATCH', '/_sandbox/organizations/:id/custom-fields', (req) => json(200, control.setOrganizationCustomFields(idParam(req), parseJson(req) as never)));
  on('POST', '/_sandbox/locations', (req) => json(201, control.addLocation(parseJson(req) as never)));
  on('PATCH', '/_sandbox/locations/:id', (req) => json(200, control.updateLocation(idParam(req), parseJson(req) as never)));
  on('PATCH', '/_sandbox/locations/:id/custom-fields', (req) => json(200, control.setLocationCustomFields(idParam(req), parseJson(req) as never)));
  on('POST', '/_sandbox/alerts', (req) => json(201, control.triggerAlert(parseJson(req) as never)));
  on('POST', '/_sandbox/alerts/:uid/reset', (req) => json(200, { activity: control.resetAlert(req.params.uid!) }));
  on('POST', '/_sandbox/activities', (req) => json(201, control.fireActivity(parseJson(req) as never)));
  on('GET', '/_sandbox/webhooks', () => json(200, control.webhooks()));
  on('GET', '/_sandbox/webhook-delivery', () => json(200, control.webhookDelivery()));
  on('PATCH', '/_sandbox/webhook-delivery', (req) => json(200, control.setWebhookDelivery(parseJson(req) as never)));
  on('GET', '/_sandbox/webhook-deliveries', () => json(200, control.webhookDeliveries()));
  on('DELETE', '/_sandbox/webhook-deliveries', () => {
    control.clearWebhookDeliveries();
    return { status: 204 };
  });
  on('POST', '/_sandbox/webhooks/flush', async () => {
    await control.flushWebhooks();
    return json(200, control.webhookDeliveries());
  });
  on('POST', '/_sandbox/clock', (req) => {
    const body = parseJson(req) as { advanceMs?: unknown } | undefined;
    if (typeof body?.advanceMs !== 'number') throw new ControlError(400, 'advanceMs: required, a number of milliseconds', 'advanceMs');
    control.advanceClock(body.advanceMs);
    return json(200, { clockMs: control.state().clockMs });
  });
  on('POST', '/_sandbox/overlays', (req) => {
    for (const overlay of overlayInput(parseJson(req), Object.keys(OVERLAY_LISTS))) control.overlays.add(overlay);
    return json(201, control.overlays.all().map(overlayOutput));
  });
  on('GET', '/_sandbox/overlays', () => json(200, control.overlays.all().map(overlayOutput)));
  on('DELETE', '/_sandbox/overlays', () => {
    control.overlays.clear();
    return { status: 204 };
  });
  on('PUT', '/_sandbox/retry-after', (req) => {
    const body = parseJson(req) as { seconds?: unknown } | undefined;
    if (body?.seconds !== null && typeof body?.seconds !== 'number') throw new ControlError(400, 'seconds: required, a number of seconds or null for no header', 'seconds');
    control.setRetryAfter(body.seconds === null ? undefined : body.seconds);
    return json(200, { seconds: body.seconds });
  });
}

/** The answer for a `/_sandbox/` path no route serves: the list of routes. */
export function controlNotFound(req: SimRequest): SimResponse {
  return {
    status: 404,
    body: {
      error: `no control route ${req.method} ${req.path}`,
      routes: CONTROL_ROUTES.map(([method, path, what]) => `${method} ${path} — ${what}`),
    },
  };
}

function guarded(handler: (req: SimRequest) => SimResponse | Promise<SimResponse>): Handler {
  return async (req) => {
    try {
      return await handler(req);
    } catch (e) {
      if (e instanceof ControlError) throw new SimHttpError(e.status, e.message, e.field === undefined ? { error: e.message } : { error: e.message, field: e.field });
      throw e;
    }
  };
}

function idParam(req: SimRequest): number {
  const raw = req.params.id ?? '';
  if (!/^\d+$/.test(raw)) throw new ControlError(404, `"${raw}" is not an id`);
  return Number(raw);
}
