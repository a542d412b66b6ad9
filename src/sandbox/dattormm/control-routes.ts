/**
 * The Datto control API over HTTP, under `/_sandbox/` (a prefix the real API cannot have): JSON
 * in, JSON out, `{"error": "<field>: <what is wrong>", "field": "<field>"}` with 400/404/409 on
 * bad input. Each route calls one method of the programmatic control (control.ts).
 */

import { parseJson, SimHttpError, type Handler, type Router, type SimRequest, type SimResponse } from '../sim-server.js';
import type { DattoRmmControl } from './control.js';
import { ControlError } from './control-input.js';

/** Method, path and a line on the body: also the text of the 404 for an unknown control path. */
export const CONTROL_ROUTES: readonly (readonly [string, string, string])[] = [
  ['GET', '/_sandbox/state', 'everything the simulator holds'],
  ['POST', '/_sandbox/sites', 'add a site: {name, id?, uid?, description?, onDemand?, ...}'],
  ['PATCH', '/_sandbox/sites/:uid', 'change a site: {<field>: value}'],
  ['POST', '/_sandbox/devices', 'add a device: {siteUid, hostname, deviceClass?, audit?, <field>: value, ...}'],
  ['PATCH', '/_sandbox/devices/:uid', 'change a device: {<field>: value, udf?: {udfN: value | null}}'],
  ['PUT', '/_sandbox/devices/:uid/site/:siteUid', 'move a device to another site'],
  ['DELETE', '/_sandbox/devices/:uid', 'delete a device: to the Deleted Devices site; ?purge=true removes it'],
  ['PUT', '/_sandbox/devices/:uid/audit', "replace a device's audit"],
  ['POST', '/_sandbox/alerts', 'raise an alert: {deviceUid, context?: {"@class": ...}, priority?, message?, alertType?, category?, ...}'],
  ['POST', '/_sandbox/alerts/:uid/resolve', 'resolve an alert: {resolvedBy?}'],
  ['GET', '/_sandbox/webhook', 'the global alert webhook (header values hidden)'],
  ['PUT', '/_sandbox/webhook', 'register it: {url, alertTemplate, resolvedTemplate?, headers?: [{name, value}], escapeValues?, contentType?}'],
  ['DELETE', '/_sandbox/webhook', 'remove it'],
  ['POST', '/_sandbox/webhook/test', 'post a template with its placeholders unsubstituted: {which?: "alert" | "resolved"}'],
  ['GET', '/_sandbox/webhook-delivery', 'delivery options'],
  ['PATCH', '/_sandbox/webhook-delivery', 'change delivery options: {dropRate?, duplicateRate?, delayMs?, reorderWindow?, maxAttempts?, retryBackoffMs?, timeoutMs?, concurrency?}'],
  ['GET', '/_sandbox/webhook-deliveries', 'the delivery log'],
  ['DELETE', '/_sandbox/webhook-deliveries', 'clear the delivery log'],
  ['POST', '/_sandbox/webhooks/flush', 'wait until every pending delivery is done; answers the log'],
  ['GET', '/_sandbox/rate-limit', 'the request budget and its counts'],
  ['PATCH', '/_sandbox/rate-limit', 'change the budget: {readLimit?, writeLimit?, operationLimits?, windowSeconds?, timeScale?, delayMs?, ...} or {"enforced": false}'],
  ['DELETE', '/_sandbox/rate-limit/counts', 'forget the counts and lift an IP block'],
  ['POST', '/_sandbox/clock', 'advance the clock: {advanceMs}'],
  // Served by the shared simulator server (sim-server.ts), listed here so the 404 shows every route.
  ['GET', '/_sandbox/requests', 'the request log (DELETE clears it)'],
  ['PUT', '/_sandbox/faults', 'replace fault rules: [{route?, method?, errorRate?, rateLimitRate?, latencyMs?, count?, ...}] (GET lists, POST adds, DELETE clears)'],
];

export function registerControlRoutes(router: Router, control: DattoRmmControl): void {
  const on = (method: string, path: string, handler: (req: SimRequest) => SimResponse | Promise<SimResponse>) => router.on(method, path, guarded(handler));
  const json = (status: number, body: unknown): SimResponse => ({ status, body });
  const noContent: SimResponse = { status: 204 };

  on('GET', '/_sandbox/state', () => json(200, control.state()));
  on('POST', '/_sandbox/sites', (req) => json(201, control.addSite(parseJson(req) as never)));
  on('PATCH', '/_sandbox/sites/:uid', (req) => json(200, control.updateSite(req.params.uid!, parseJson(req) as never)));
  on('POST', '/_sandbox/devices', (req) => json(201, control.addDevice(parseJson(req) as never)));
  on('PATCH', '/_sandbox/devices/:uid', (req) => json(200, control.updateDevice(req.params.uid!, parseJson(req) as never)));
  on('PUT', '/_sandbox/devices/:uid/site/:siteUid', (req) => json(200, control.moveDevice(req.params.uid!, req.params.siteUid!)));
  on('DELETE', '/_sandbox/devices/:uid', (req) => {
    control.deleteDevice(req.params.uid!, { purge: req.query.get('purge') === 'true' });
    return noContent;
  });
  on('PUT', '/_sandbox/devices/:uid/audit', (req) => {
    control.setAudit(req.params.uid!, parseJson(req) as never);
    return noContent;
  });
  on('POST', '/_sandbox/alerts', (req) => json(201, control.triggerAlert(parseJson(req) as never)));
  on('POST', '/_sandbox/alerts/:uid/resolve', (req) => json(200, control.resolveAlert(req.params.uid!, (parseJson(req) as { resolvedBy?: string } | undefined) ?? {})));
  on('GET', '/_sandbox/webhook', () => json(200, control.webhook()));
  on('PUT', '/_sandbox/webhook', (req) => json(200, control.setWebhook(parseJson(req) as never)));
  on('DELETE', '/_sandbox/webhook', () => {
    control.setWebhook(null);
    return noContent;
  });
  on('POST', '/_sandbox/webhook/test', (req) => {
    control.testWebhook((parseJson(req) as { which?: 'alert' | 'resolved' } | undefined)?.which ?? 'alert');
    return noContent;
  });
  on('GET', '/_sandbox/webhook-delivery', () => json(200, control.webhookDelivery()));
  on('PATCH', '/_sandbox/webhook-delivery', (req) => json(200, control.setWebhookDelivery(parseJson(req) as never)));
  on('GET', '/_sandbox/webhook-deliveries', () => json(200, control.webhookDeliveries()));
  on('DELETE', '/_sandbox/webhook-deliveries', () => {
    control.clearWebhookDeliveries();
    return noContent;
  });
  on('POST', '/_sandbox/webhooks/flush', async () => {
    await control.flushWebhooks();
    return json(200, control.webhookDeliveries());
  });
  on('GET', '/_sandbox/rate-limit', () => json(200, control.rateLimit()));
  on('PATCH', '/_sandbox/rate-limit', (req) => {
    const body = parseJson(req) as Record<string, unknown> | undefined;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ControlError(400, 'rate limit: must be a JSON object');
    if (body.enforced === false) return json(200, control.setRateLimit(null));
    const { enforced: _enforced, ...config } = body;
    return json(200, control.setRateLimit(config as never));
  });
  on('DELETE', '/_sandbox/rate-limit/counts', () => {
    control.resetRateLimit();
    return noContent;
  });
  on('POST', '/_sandbox/clock', (req) => {
    const body = parseJson(req) as { advanceMs?: unknown } | undefined;
    if (typeof body?.advanceMs !== 'number') throw new ControlError(400, 'advanceMs: required, a number of milliseconds', 'advanceMs');
    control.advanceClock(body.advanceMs);
    return json(200, { clockMs: control.state().clockMs });
  });
}

/** The answer for a `/_sandbox/` path no route serves: the list of routes. */
export function controlNotFound(req: SimRequest): SimResponse {
  return {
    status: 404,
    body: { error: `no control route ${req.method} ${req.path}`, routes: CONTROL_ROUTES.map(([method, path, what]) => `${method} ${path} — ${what}`) },
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
