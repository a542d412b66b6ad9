/**
 * Where an alert's ticket goes in Halo: the client, site, asset and end user of a NinjaOne
 * device, found by the NinjaOne ids Halo stores (`Asset.ninjarmm_id`, `Site.ninjarmmid`,
 * `Client.ninjarmmid` — DESIGN.md §3), else the spec's catch-all. Also the ticket lookups by name
 * (ticket type, Closed status, Internal Note outcome). Everything is cached and re-read on a
 * miss, at most once per `minRefreshMs`, so an unknown device cannot spend Halo's request budget
 * (300 per 5 minutes on Halo-hosted, reference/halopsa/NOTES.md §5) on re-reading every list.
 */

import type { Spec } from '../config/spec.js';
import type { HaloClient, HaloSite } from '../halo/types.js';
import type { HaloLinkedAsset, HaloTickets } from '../halo/tickets.js';
import { ApiError } from '../http/index.js';
import type { NinjaOneClient } from '../ninjaone/client.js';
import type { ActivityDevice } from './activity.js';
import { PermanentError } from './errors.js';
import type { DeviceText, PlacementText } from './ticket-content.js';

/** The ids a ticket is created and closed with. */
export interface TicketLookups {
  ticketTypeId: number;
  closedStatusId: number;
  noteOutcomeId: number;
}

/** Where a device's ticket goes. */
export interface Placement extends PlacementText {
  clientId: number;
  siteId: number;
  assetId?: number;
  /** The asset's user on the ticket's site; undefined means the site's General User. */
  userId?: number;
  device: DeviceText;
}

/** Halo's default Closed status when none is named so (NOTES §4.6). */
const DEFAULT_CLOSED_STATUS = 9;

interface Cache<T> {
  value: T;
  at: number;
}

export interface DirectoryOptions {
  tickets: HaloTickets;
  /** Reads a device NinjaOne did not expand in the webhook. */
  ninja?: NinjaOneClient;
  spec: Spec;
  now: () => number;
  /** The least time between two re-reads of a list after a miss. Default 5 minutes. */
  minRefreshMs?: number;
  /** Lookups (ticket type, statuses, outcomes) are re-read after this long. Default 10 minutes. */
  lookupTtlMs?: number;
}

export class HaloDirectory {
  readonly #o: DirectoryOptions;
  readonly #minRefreshMs: number;
  readonly #lookupTtlMs: number;
  #lookups: Cache<TicketLookups> | undefined;
  #lookupsLoading: Promise<TicketLookups> | undefined;
  #customers: Cache<{ clients: HaloClient[]; sites: HaloSite[] }> | undefined;
  #customersLoading: Promise<{ clients: HaloClient[]; sites: HaloSite[] }> | undefined;
  #assets: Cache<Map<number, HaloLinkedAsset>> | undefined;
  #assetsLoading: Promise<Map<number, HaloLinkedAsset>> | undefined;

  constructor(options: DirectoryOptions) {
    this.#o = options;
    this.#minRefreshMs = options.minRefreshMs ?? 5 * 60_000;
    this.#lookupTtlMs = options.lookupTtlMs ?? 10 * 60_000;
  }

  async lookups(): Promise<TicketLookups> {
    const cached = this.#lookups;
    if (cached && this.#o.now() - cached.at < this.#lookupTtlMs) return cached.value;
    this.#lookupsLoading ??= this.#loadLookups().finally(() => {
      this.#lookupsLoading = undefined;
    });
    return this.#lookupsLoading;
  }

  async #loadLookups(): Promise<TicketLookups> {
    const alerts = this.#o.spec.alerts!;
    const [types, statuses, outcomes] = await Promise.all([this.#o.tickets.halo.readTicketTypes(), this.#o.tickets.readStatuses(), this.#o.tickets.readOutcomes()]);
    const type = types.find((t) => fold(t.name) === fold(alerts.ticketType));
    if (!type) {
      throw new PermanentError(
        `Halo has no ticket type named "${alerts.ticketType}" (alerts.ticketType; Halo has ${types.map((t) => `"${t.name}"`).join(', ') || 'none'}). Create it in Halo or fix the spec (haloform plan checks it), then run haloform inbox replay --dead.`,
      );
    }
    const closed = statuses.find((s) => fold(s.name) === 'closed')?.id ?? DEFAULT_CLOSED_STATUS;
    const outcome = outcomes.find((o) => fold(o.name) === 'internal note') ?? outcomes[0];
    if (!outcome) throw new PermanentError('Halo lists no action outcomes (GET /api/Outcome), and a note needs one. Check the API application can read outcomes.');
    const value = { ticketTypeId: type.id, closedStatusId: closed, noteOutcomeId: outcome.id };
    this.#lookups = { value, at: this.#o.now() };
    return value;
  }

  /**
   * Where the ticket of an alert on `deviceId` goes; throws PermanentError when nowhere.
   * `needNodeClass`: read the device from NinjaOne when the webhook did not say its class.
   */
  async place(deviceId: number, payloadDevice: ActivityDevice | undefined, options: { needNodeClass?: boolean } = {}): Promise<Placement> {
    const device: DeviceText = {
      id: deviceId,
      ...pick('name', payloadDevice?.displayName ?? payloadDevice?.systemName ?? payloadDevice?.dnsName),
      ...pick('nodeClass', payloadDevice?.nodeClass),
      ...pick('organization', payloadDevice?.organizationName),
      ...pick('location', payloadDevice?.locationName),
    };
    const asset = await this.#find(deviceId);
    const customers = await this.#customersList(false);
    if (asset) {
      if (options.needNodeClass && device.nodeClass === undefined && this.#o.ninja) {
        const read = await this.#readNinjaDevice(deviceId);
        if (read) {
          device.nodeClass = read.nodeClass;
          if (device.name === undefined && read.displayName) device.name = read.displayName;
        }
      }
      const site = customers.sites.find((s) => s.id === asset.siteId);
      const client = customers.clients.find((c) => c.id === asset.clientId);
      const user = this.#o.spec.alerts?.endUser === 'generalUser' ? undefined : asset.users.find((u) => u.siteId === asset.siteId);
      return {
        clientId: asset.clientId,
        siteId: asset.siteId,
        assetId: asset.id,
        ...(user ? { userId: user.id } : {}),
        how: 'asset',
        ...pick('clientName', client?.name),
        ...pick('siteName', site?.name),
        ...pick('assetTag', asset.inventoryNumber),
        device: { ...device, ...(device.name === undefined ? pick('name', asset.inventoryNumber) : {}) },
      };
    }

    let organizationId = payloadDevice?.organizationId;
    let locationId = payloadDevice?.locationId;
    if ((organizationId === undefined || locationId === undefined || device.name === undefined) && this.#o.ninja) {
      const read = await this.#readNinjaDevice(deviceId);
      if (read) {
        organizationId ??= read.organizationId;
        locationId ??= read.locationId;
        if (device.name === undefined && read.displayName) device.name = read.displayName;
        device.nodeClass ??= read.nodeClass;
      }
    }
    const site = locationId === undefined ? undefined : await this.#site(locationId);
    if (site) {
      const client = customers.clients.find((c) => c.id === site.clientId);
      return { clientId: site.clientId, siteId: site.id, how: 'site', siteName: site.name, ...pick('clientName', client?.name), device };
    }
    const client = organizationId === undefined ? undefined : await this.#client(organizationId);
    if (client && client.mainSiteId !== undefined) {
      const main = (await this.#customersList(false)).sites.find((s) => s.id === client.mainSiteId);
      return { clientId: client.id, siteId: client.mainSiteId, how: 'client', clientName: client.name, ...pick('siteName', main?.name), device };
    }

    const what = `NinjaOne device ${deviceId}${device.name ? ` ("${device.name}")` : ''}${organizationId !== undefined ? ` of organisation ${device.organization ? `"${device.organization}" ` : ''}#${organizationId}` : ''}${locationId !== undefined ? `, location ${device.location ? `"${device.location}" ` : ''}#${locationId}` : ''}`;
    const why = `${what} is not linked in Halo: no asset has ninjarmm_id ${deviceId}, and no site or client carries the NinjaOne id of its location or organisation. Run haloform apply to sync it, then move this ticket to the right client.`;
    const catchAll = this.#o.spec.customers.catchAll;
    if (!catchAll) {
      throw new PermanentError(`${what} is not linked in Halo, and customers.catchAll is not set, so its alert has nowhere to go. Run haloform apply to sync the device (or set customers.catchAll), then haloform inbox replay --dead.`);
    }
    const all = await this.#customersList(false);
    let found = findCatchAll(all, catchAll);
    if (!found.client || !found.site) found = findCatchAll(await this.#customersList(true), catchAll);
    if (!found.client || !found.site) {
      throw new PermanentError(
        `${what} is not linked in Halo, and the catch-all ${found.client ? `site "${catchAll.site}" of client "${found.client.name}"` : `client "${catchAll.client}"`} (customers.catchAll) does not exist in Halo. Run haloform apply, which creates it, then haloform inbox replay --dead.`,
      );
    }
    return { clientId: found.client.id, siteId: found.site.id, how: 'catch-all', reason: why, clientName: found.client.name, siteName: found.site.name, device };
  }

  /** The linked asset of a device, re-reading the list once on a miss (at most every minRefreshMs). */
  async #find(deviceId: number): Promise<HaloLinkedAsset | undefined> {
    const first = await this.#assetMap(false);
    const hit = first.get(deviceId);
    if (hit || !this.#stale(this.#assets)) return hit;
    return (await this.#assetMap(true)).get(deviceId);
  }

  async #site(locationId: number): Promise<HaloSite | undefined> {
    const search = (list: { sites: HaloSite[] }) => list.sites.find((x) => x.ninjaId === locationId && !x.inactive);
    const hit = search(await this.#customersList(false));
    if (hit || !this.#stale(this.#customers)) return hit;
    return search(await this.#customersList(true));
  }

  async #client(organizationId: number): Promise<HaloClient | undefined> {
    const search = (list: { clients: HaloClient[] }) => list.clients.find((x) => x.ninjaId === organizationId && !x.inactive);
    const hit = search(await this.#customersList(false));
    if (hit || !this.#stale(this.#customers)) return hit;
    return search(await this.#customersList(true));
  }

  #stale(cache: Cache<unknown> | undefined): boolean {
    return cache === undefined || this.#o.now() - cache.at >= this.#minRefreshMs;
  }

  async #assetMap(refresh: boolean): Promise<Map<number, HaloLinkedAsset>> {
    if (this.#assets && !refresh) return this.#assets.value;
    this.#assetsLoading ??= this.#o.tickets
      .readLinkedAssets()
      .then((assets) => {
        const map = new Map<number, HaloLinkedAsset>();
        // An active asset wins over an inactive one with the same NinjaOne id.
        for (const a of assets) if (!map.has(a.ninjaId) || (map.get(a.ninjaId)!.inactive && !a.inactive)) map.set(a.ninjaId, a);
        this.#assets = { value: map, at: this.#o.now() };
        return map;
      })
      .finally(() => {
        this.#assetsLoading = undefined;
      });
    return this.#assetsLoading;
  }

  async #customersList(refresh: boolean): Promise<{ clients: HaloClient[]; sites: HaloSite[] }> {
    if (this.#customers && !refresh) return this.#customers.value;
    this.#customersLoading ??= Promise.all([this.#o.tickets.halo.readClients(), this.#o.tickets.halo.readSites()])
      .then(([clients, sites]) => {
        const value = { clients, sites };
        this.#customers = { value, at: this.#o.now() };
        return value;
      })
      .finally(() => {
        this.#customersLoading = undefined;
      });
    return this.#customersLoading;
  }

  async #readNinjaDevice(deviceId: number) {
    try {
      return await this.#o.ninja!.readDevice(deviceId);
    } catch (e) {
      // NinjaOne unreachable: retry the delivery later. Refused (deleted device, no permission): place without it.
      if (e instanceof ApiError && !e.retryable) return undefined;
      throw e;
    }
  }
}

function findCatchAll(list: { clients: HaloClient[]; sites: HaloSite[] }, catchAll: { client: string; site: string }): { client?: HaloClient; site?: HaloSite } {
  const client = list.clients.find((c) => !c.inactive && fold(c.name) === fold(catchAll.client));
  const site = client ? list.sites.find((s) => s.clientId === client.id && !s.inactive && fold(s.name) === fold(catchAll.site)) : undefined;
  return { ...(client ? { client } : {}), ...(site ? { site } : {}) };
}

function fold(name: string): string {
  return name.trim().toLowerCase();
}

function pick<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined || value === '' ? {} : { [key]: value }) as { [P in K]?: string };
}
