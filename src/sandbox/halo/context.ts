/**
 * What every route of the Halo simulator shares: the store, the token authority, the request
 * budget, the clock, the behaviour switches chosen at start, the row overlays a test set and the
 * outgoing webhooks.
 */

import type { RowOverlays } from '../overlays.js';
import type { Authority } from './auth.js';
import { haloTime } from './halo-time.js';
import { overlaid, type HaloOverlayList } from './overlay-rows.js';
import type { RollingWindow } from './rate-limit.js';
import type { HaloStore } from './store.js';
import type { HaloWebhooks } from './webhooks.js';

/** Behaviour where the real API is undocumented or unverified; each is an option of startHaloSimulator. */
export interface HaloBehaviour {
  multiPostResponse: 'array' | 'first';
  clientCreatesMainSite: boolean;
  batchFailure: 'partial' | 'atomic';
  assetSearchCoversFields: boolean;
  listAssetFieldsRequireTypeFilter: boolean;
  ticketAlertFilters: boolean;
}

export class HaloContext {
  constructor(
    readonly store: HaloStore,
    readonly authority: Authority,
    readonly limiter: RollingWindow,
    readonly behaviour: HaloBehaviour,
    readonly now: () => number,
    readonly overlays: RowOverlays,
    readonly webhooks: HaloWebhooks,
  ) {}

  /** Posts the ticket events the last writes raised to the webhooks; once per request or control call. */
  publishEvents(): void {
    this.webhooks.publish(this);
  }

  /** A rendered row of a read, with the overlays of `list` applied (the last step before it is written). */
  row<T>(list: HaloOverlayList, rendered: T): T {
    return overlaid(this.overlays, list, rendered);
  }

  /** The current time in Halo's format. */
  time(): string {
    return haloTime(this.now());
  }
}
