/**
 * `haloform serve` as a library: start it in-process (tests, the demo), or reuse its parts.
 *
 *   const serve = await startServe({ spec, store: 'sqlite::memory:', port: 0, secrets: [secret] });
 *   await ninja.registerWebhook({ url: `${serve.url}/ninjaone/webhook`, header: 'Authorization', secret });
 *   sandbox.ninjaone.control.triggerAlert({ deviceId });
 *   await sandbox.ninjaone.control.flushWebhooks();
 *   await serve.idle();            // the ticket exists now
 *   await serve.stop();
 */

export { startServe, ServeStartError, type ServeHandle, type ServeOptions } from './start.js';
export { createHandler, WEBHOOK_PATHS, DEFAULT_BODY_LIMIT, type ServeRequest, type ServeResponse, type HandlerOptions, type Readiness } from './handler.js';
export { WebhookAuth, SECRET_ENV, PREVIOUS_SECRET_ENV, MIN_SECRET_LENGTH, checkSecrets } from './auth.js';
export { ServeMetrics } from './metrics.js';
export { DEFAULT_RETRY, type RetryPolicy } from './worker-pool.js';
export type { PollResult } from './poller.js';
export { readActivity, seriesKey, includeDecision, type Activity } from '../rmm/ninjaone/activity.js';
export { NOTE_MARKER } from './ticket-content.js';
