/**
 * Halo's outgoing webhook to serve (alerts.haloWebhook): where serve takes it, what apply
 * registers, and the secret both sides use. Halo's webhook API is in its swagger (`/api/Webhook`,
 * schema Webhook); the event names and the payload are [unverified] (src/serve/halo-webhook.ts).
 */

/** serve's route for Halo's ticket updates. */
export const HALO_WEBHOOK_PATH = '/halo/webhook';
/** The password of the webhook's HTTP Basic auth, where apply and serve run. */
export const HALO_WEBHOOK_SECRET_ENV = 'HALOFORM_HALO_WEBHOOK_SECRET';
/** The name apply registers it under (and finds it by, to update rather than add another). */
export const HALO_WEBHOOK_NAME = 'haloform alert tickets';
/** The events it subscribes: any change to a ticket [unverified name]. */
export const HALO_WEBHOOK_EVENTS = ['ticket.updated'];

/** serve's Halo route beside its NinjaOne one: `https://x/ninjaone/webhook` → `https://x/halo/webhook` (a path prefix kept). */
export function haloWebhookUrl(ninjaPublicUrl: string): string {
  const url = new URL(ninjaPublicUrl);
  url.search = '';
  url.hash = '';
  const path = url.pathname.replace(/\/+$/, '');
  const known = ['/ninjaone/webhook', '/api/notifyninjaalerts'].find((p) => path.toLowerCase().endsWith(p));
  url.pathname = known ? `${path.slice(0, path.length - known.length)}${HALO_WEBHOOK_PATH}` : HALO_WEBHOOK_PATH;
  return url.toString();
}
