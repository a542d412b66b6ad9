/**
 * What every route of the Halo simulator shares: the store, the token authority, the request
 * budget, the clock and the behaviour switches chosen at start.
 */

import type { Authority } from './auth.js';
import { haloTime } from './halo-time.js';
import type { RollingWindow } from './rate-limit.js';
import type { HaloStore } from './store.js';

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
  ) {}

  /** The current time in Halo's format. */
  time(): string {
    return haloTime(this.now());
  }
}
