/**
 * Where an alert's ticket goes in Halo: the client, site, asset and end user of a NinjaOne
 * device, found by the NinjaOne ids Halo stores (`Asset.ninjarmm_id`, `Site.ninjarmmid`,
 * `Client.ninjarmmid` — DESIGN.md §3), else the spec's catch-all with the reason why, naming only
 * what is known; and what the device is called. Also the ticket lookups by name
 * (ticket type, Closed status, Internal Note outcome). Everything is cached and re-read on a
 * miss, at most once per `minRefreshMs`, so an unknown device cannot spend Halo's request budget
 * (300 per 5 minutes on Halo-hosted, reference/halopsa/NOTES.md §5) on re-reading every list.
 */

import type { Spec } from '../config/spec.js';
import type { HaloClient, HaloSite } from '../halo/types.js';
import type { HaloLinkedAsset, HaloTickets } from '../halo/tickets.js';
import { ApiError } from '../http/index.js';
import { nameFrom } from '../model/device-names.js';
import { deviceNoun } from '../rmm/provider.js';
import { NINJAONE } from '../rmm/ninjaone/provider.js';
import type { NinjaOneClient } from '../rmm/ninjaone/client.js';
import type { NinjaDevice } from '../rmm/ninjaone/types.js';
import type { ActivityDevice } from '../rmm/ninjaone/activity.js';
import { PermanentError } from './errors.js';
import type { DeviceText, PlacementText } from './ticket-content.js';
import { catchAllIn, ticketTypeNamed } from '../halo/lookups.js';
import { foldName } from '../halo/names.js';
import { resolveRouteTargets, routingListsNeeded, type RouteProblem, type RouteTarget } from '../halo/route-targets.js';
import { readRoutingLookups } from '../halo/routing-lookups.js';

/** The ids a ticket is created and closed with. */
export interface TicketLookups {
  /** The default route's ticket type (alerts.ticketType). */
  ticketTypeId: number;
  /** Every ticket type an alert ticket can have: the default's and the routes' (the poller reads each). */
  ticketTypeIds: number[];
  closedStatusId: number;
  noteOutcomeId: number;
  /** Each route's ticket settings in Halo, by its index in alerts.routes. */
  routes: Map<number, RouteTarget>;
  /** What a route names that Halo no longer has (left to Halo on the ticket, and said in a note). */
  routeProblems: RouteProblem[];
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
  readonly #routingDevices = new Map<number, Cache<NinjaDevice | undefined>>();
  #organizations: Cache<Map<number, string>> | undefined;

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
    const need = routingListsNeeded(alerts);
    const routed = alerts.routes.length > 0;
    const [types, statuses, outcomes, lists] = await Promise.all([
      this.#o.tickets.halo.readTicketTypes(),
      this.#o.tickets.readStatuses(),
      this.#o.tickets.readOutcomes(),
      routed ? readRoutingLookups(this.#o.tickets.halo, { ...need, statuses: false }) : Promise.resolve(undefined),
    ]);
    const found = ticketTypeNamed(types, alerts.ticketType);
    if ('missing' in found) {
      throw new PermanentError(`${found.missing} Create it in Halo or fix alerts.ticketType (haloform plan checks it), then run haloform inbox replay --dead.`);
    }
    const type = found.type;
    const closed = statuses.find((s) => foldName(s.name) === 'closed')?.id ?? DEFAULT_CLOSED_STATUS;
    const outcome = outcomes.find((o) => foldName(o.name) === 'internal note') ?? outcomes[0];
    if (!outcome) throw new PermanentError('Halo lists no action outcomes (GET /api/Outcome), and a note needs one. Check the API application can read outcomes.');
    const { targets, problems } = lists ? resolveRouteTargets(alerts.routes, types, { ...lists, statuses }) : { targets: new Map<number, RouteTarget>(), problems: [] };
    const ticketTypeIds = [...new Set([type.id, ...[...targets.values()].flatMap((t) => (t.ticketTypeId !== undefined ? [t.ticketTypeId] : []))])];
    const value: TicketLookups = { ticketTypeId: type.id, ticketTypeIds, closedStatusId: closed, noteOutcomeId: outcome.id, routes: targets, routeProblems: problems };
    this.#lookups = { value, at: this.#o.now() };
    return value;
  }

  /**
   * Where the ticket of an alert on `deviceId` goes; throws PermanentError when nowhere.
   * `needNodeClass`: read the device from NinjaOne when the webhook did not say its class.
   * The device's name is the first of `assets.name.from` the webhook's device (or the device read
   * from NinjaOne) has, else its Halo asset's tag, else "NinjaOne device <id>".
   */
  async place(deviceId: number, payloadDevice: ActivityDevice | undefined, options: { needNodeClass?: boolean } = {}): Promise<Placement> {
    const sources = this.#o.spec.assets?.name?.from ?? NINJAONE.devices.nameSources;
    const device: DeviceText = {
      id: deviceId,
      ...pick('name', payloadDevice ? nameFrom(payloadDevice.record ?? (payloadDevice as Readonly<Record<string, unknown>>), sources) : undefined),
      ...pick('nodeClass', payloadDevice?.nodeClass),
      ...pick('organization', payloadDevice?.organizationName),
      ...(payloadDevice?.organizationId !== undefined ? { organizationId: payloadDevice.organizationId } : {}),
      ...pick('location', payloadDevice?.locationName),
      ...(payloadDevice?.locationId !== undefined ? { locationId: payloadDevice.locationId } : {}),
    };
    /** Fills in what the webhook did not say from the device NinjaOne has. */
    const learn = (read: NinjaDevice) => {
      const fill = <K extends keyof DeviceText>(key: K, value: DeviceText[K] | undefined) => {
        if (device[key] === undefined && value !== undefined) device[key] = value;
      };
      fill('name', nameFrom(read.record, sources));
      fill('nodeClass', read.nodeClass);
      fill('organizationId', read.organizationId);
      fill('locationId', read.locationId);
      // GET /v2/device/{id} has no references in the capture (api-samples/device-get...); used when present.
      fill('organization', referenceName(read.record, 'organization'));
      fill('location', referenceName(read.record, 'location'));
    };
    const asset = await this.#find(deviceId);
    const customers = await this.#customersList(false);
    if (asset) {
      // Only for the class: the asset's tag is haloform's own name of the device (apply sets it
      // from assets.name.from), so a read for the name alone would cost a request per alert.
      if (options.needNodeClass && device.nodeClass === undefined && this.#o.ninja) {
        const read = await this.#readNinjaDevice(deviceId);
        if (read.kind === 'found') learn(read.device);
      }
      const site = customers.sites.find((s) => s.id === asset.siteId);
      const client = customers.clients.find((c) => c.id === asset.clientId);
      const user = this.#o.spec.alerts?.endUser === 'generalUser' ? undefined : asset.users.find((u) => u.siteId === asset.siteId);
      device.name ??= asset.inventoryNumber?.trim() || deviceNoun(NINJAONE, deviceId);
      return {
        clientId: asset.clientId,
        siteId: asset.siteId,
        assetId: asset.id,
        ...(user ? { userId: user.id } : {}),
        how: 'asset',
        ...pick('clientName', client?.name),
        ...pick('siteName', site?.name),
        ...pick('assetTag', asset.inventoryNumber),
        device,
      };
    }

    let read: NinjaRead = { kind: 'not-read' };
    if ((device.organizationId === undefined || device.locationId === undefined || device.name === undefined) && this.#o.ninja) {
      read = await this.#readNinjaDevice(deviceId);
      if (read.kind === 'found') learn(read.device);
    }
    const named = device.name;
    device.name ??= deviceNoun(NINJAONE, deviceId);
    const site = device.locationId === undefined ? undefined : await this.#site(device.locationId);
    if (site) {
      const client = customers.clients.find((c) => c.id === site.clientId);
      return { clientId: site.clientId, siteId: site.id, how: 'site', siteName: site.name, ...pick('clientName', client?.name), device };
    }
    const client = device.organizationId === undefined ? undefined : await this.#client(device.organizationId);
    if (client && client.mainSiteId !== undefined) {
      const main = (await this.#customersList(false)).sites.find((s) => s.id === client.mainSiteId);
      return { clientId: client.id, siteId: client.mainSiteId, how: 'client', clientName: client.name, ...pick('siteName', main?.name), device };
    }

    const facts: CatchAllFacts = {
      deviceId,
      ...(named !== undefined ? { name: named } : {}),
      ...(device.organizationId !== undefined ? { organization: { id: device.organizationId, ...pick('name', device.organization) } } : {}),
      ...(device.locationId !== undefined ? { location: { id: device.locationId, ...pick('name', device.location) } } : {}),
      read: read.kind,
      ...(read.kind === 'refused' ? { refusedStatus: read.status } : {}),
      ...(client ? { clientWithoutMainSite: client.name } : {}),
    };
    const why = catchAllReason(facts);
    const catchAll = this.#o.spec.customers.catchAll;
    if (!catchAll) {
      throw new PermanentError(`${why.facts} customers.catchAll is not set, so its alert has nowhere to go. ${why.fix} (or set customers.catchAll), then haloform inbox replay --dead.`);
    }
    const all = await this.#customersList(false);
    let found = catchAllIn(all, catchAll);
    if (!found.client || !found.site) found = catchAllIn(await this.#customersList(true), catchAll);
    if (!found.client || !found.site) {
      throw new PermanentError(
        `${deviceWords(facts)}${facts.organization ? ` of organisation ${place(facts.organization)}` : ''}${facts.location ? `, location ${place(facts.location)}` : ''} is not linked in Halo, and the catch-all ${found.client ? `site "${catchAll.site}" of client "${found.client.name}"` : `client "${catchAll.client}"`} (customers.catchAll) does not exist in Halo. Run haloform apply, which creates it, then haloform inbox replay --dead.`,
      );
    }
    return { clientId: found.client.id, siteId: found.site.id, how: 'catch-all', reason: `${why.facts} ${why.fix}, then move this ticket to the right client.`, clientName: found.client.name, siteName: found.site.name, device };
  }

  /** The linked asset of a device, re-reading the list once on a miss (at most every minRefreshMs). */
  async #find(deviceId: number): Promise<HaloLinkedAsset | undefined> {
    const first = await this.#assetMap(false);
    const hit = first.get(deviceId);
    if (hit || !this.#stale(this.#assets)) return hit;
    return (await this.#assetMap(true)).get(deviceId);
  }

  /** The active site carrying a location's id; one whose client Halo did not say cannot take a ticket. */
  async #site(locationId: number): Promise<(HaloSite & { clientId: number }) | undefined> {
    const search = (list: { sites: HaloSite[] }) => list.sites.find((x): x is HaloSite & { clientId: number } => x.rmmId === locationId && !x.inactive && x.clientId !== undefined);
    const hit = search(await this.#customersList(false));
    if (hit || !this.#stale(this.#customers)) return hit;
    return search(await this.#customersList(true));
  }

  async #client(organizationId: number): Promise<HaloClient | undefined> {
    const search = (list: { clients: HaloClient[] }) => list.clients.find((x) => x.rmmId === organizationId && !x.inactive);
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
        for (const a of assets) if (!map.has(a.rmmId) || (map.get(a.rmmId)!.inactive && !a.inactive)) map.set(a.rmmId, a);
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

  /**
   * The device as NinjaOne has it. NinjaOne unreachable (a timeout, a 5xx, a 429): throws, and the
   * delivery is retried. 404 (deleted, or out of the API application's reach) and other refusals
   * (401, 403): placed without it, saying so.
   */
  /**
   * The device as NinjaOne's detailed list has it (with its tags and role, which
   * `/v2/device/{id}` lacks, NOTES §4), for routing an alert whose webhook did not say enough.
   * Kept for minRefreshMs; undefined when it cannot be read (routing then decides without it).
   */
  async routingDevice(deviceId: number): Promise<NinjaDevice | undefined> {
    if (!this.#o.ninja) return undefined;
    const cached = this.#routingDevices.get(deviceId);
    if (cached && this.#o.now() - cached.at < this.#minRefreshMs) return cached.value;
    let device: NinjaDevice | undefined;
    try {
      device = (await this.#o.ninja.readDevices({ df: `id = ${deviceId}` })).find((d) => d.id === deviceId);
    } catch (e) {
      if (e instanceof ApiError && !e.retryable) return undefined;
      throw e;
    }
    if (this.#routingDevices.size >= 1000) this.#routingDevices.delete(this.#routingDevices.keys().next().value!);
    this.#routingDevices.set(deviceId, { value: device, at: this.#o.now() });
    return device;
  }

  /** A NinjaOne organisation's name (routes match organisations by name too); the list is kept for the lookups' time. */
  async organizationName(organizationId: number): Promise<string | undefined> {
    if (!this.#o.ninja) return undefined;
    if (!this.#organizations || this.#o.now() - this.#organizations.at >= this.#lookupTtlMs) {
      try {
        const list = await this.#o.ninja.readOrganizations();
        this.#organizations = { value: new Map(list.map((o) => [Number(o.id), o.name])), at: this.#o.now() };
      } catch (e) {
        if (e instanceof ApiError && !e.retryable) return undefined;
        throw e;
      }
    }
    return this.#organizations.value.get(organizationId);
  }

  async #readNinjaDevice(deviceId: number): Promise<NinjaRead> {
    try {
      const device = await this.#o.ninja!.readDevice(deviceId);
      return device ? { kind: 'found', device } : { kind: 'not-found' };
    } catch (e) {
      if (e instanceof ApiError && !e.retryable) return e.status === 404 ? { kind: 'not-found' } : { kind: 'refused', ...(e.status !== undefined ? { status: e.status } : {}) };
      throw e;
    }
  }
}

/** What became of reading the device from NinjaOne. */
type NinjaRead = { kind: 'found'; device: NinjaDevice } | { kind: 'not-found' } | { kind: 'refused'; status?: number } | { kind: 'not-read' };

/** What is known about a device the catch-all takes; nothing here is guessed. */
export interface CatchAllFacts {
  deviceId: number;
  /** Its name, when it has one (not the "NinjaOne device <id>" stand-in). */
  name?: string;
  /** Its organisation, when the webhook or NinjaOne said it. */
  organization?: { id: number; name?: string };
  /** Its location, when the webhook or NinjaOne said it. */
  location?: { id: number; name?: string };
  /**
   * Reading the device from NinjaOne: `found`, `not-found` (404), `refused` (401, 403, …) or
   * `not-read` (the webhook said enough, or there is no NinjaOne client).
   */
  read: NinjaRead['kind'];
  /** The HTTP status of a refusal. */
  refusedStatus?: number;
  /** A Halo client carries the organisation's NinjaOne id but has no main site to put the ticket on. */
  clientWithoutMainSite?: string;
}

/**
 * Why a device has no place in Halo: `facts` (what is known, what is not and why, what Halo
 * lacks), and `fix`, what a person can do, as the start of a sentence the caller ends ("…, then
 * move this ticket to the right client."). Never names an organisation or location that was not known.
 */
export function catchAllReason(f: CatchAllFacts): { facts: string; fix: string } {
  const parts = [`${deviceWords({ deviceId: f.deviceId, ...(f.name !== undefined ? { name: f.name } : {}) })} is not linked in Halo: no asset has ninjarmm_id ${f.deviceId}.`];
  const unknown = !f.organization && !f.location ? 'Its organisation and location are unknown' : !f.location ? 'Its location is unknown' : !f.organization ? 'Its organisation is unknown' : undefined;
  if (unknown) {
    const cause =
      f.read === 'not-found'
        ? 'NinjaOne answered 404 Not Found for the device (it was deleted, or the API application cannot see it)'
        : f.read === 'refused'
          ? `NinjaOne refused to show the device${f.refusedStatus !== undefined ? ` (HTTP ${f.refusedStatus})` : ''}`
          : f.read === 'found'
            ? 'neither the webhook nor NinjaOne\'s record of the device says it'
            : 'the webhook did not say it, and haloform did not read the device from NinjaOne';
    parts.push(`${unknown}: ${cause}.`);
  }
  const location = f.location && `its location ${place(f.location)}`;
  const organization = f.organization && `its organisation ${place(f.organization)}`;
  const noClient = organization && (f.clientWithoutMainSite !== undefined ? `Halo client "${f.clientWithoutMainSite}" carries the NinjaOne id of ${organization} but has no main site` : `no active Halo client carries the NinjaOne id of ${organization}`);
  if (location && noClient) parts.push(`No active Halo site carries the NinjaOne id of ${location}, and ${noClient}.`);
  else if (location) parts.push(`No active Halo site carries the NinjaOne id of ${location}.`);
  else if (noClient) parts.push(`${noClient.charAt(0).toUpperCase()}${noClient.slice(1)}.`);
  const fix =
    f.read === 'not-found' && !f.organization && !f.location
      ? 'Check that the device still exists in NinjaOne and that the API application can see its organisation'
      : f.read === 'refused' && !f.organization && !f.location
        ? "Check the API application's permissions in NinjaOne"
        : 'Run haloform apply to sync it';
  return { facts: parts.join(' '), fix };
}

/** "NinjaOne device 7 ("PC-1")", or without the name when it has none. */
function deviceWords(f: Pick<CatchAllFacts, 'deviceId' | 'name'>): string {
  return `NinjaOne device ${f.deviceId}${f.name !== undefined ? ` ("${f.name}")` : ''}`;
}

/** `"Main Office" (NinjaOne id 2)`, or `with NinjaOne id 2` when its name is not known. */
function place(p: { id: number; name?: string }): string {
  return p.name !== undefined ? `"${p.name}" (NinjaOne id ${p.id})` : `with NinjaOne id ${p.id}`;
}

/** `references.<kind>.name` of a device record, when NinjaOne expanded it. */
function referenceName(record: Readonly<Record<string, unknown>>, kind: 'organization' | 'location'): string | undefined {
  const refs = record.references;
  const ref = refs !== null && typeof refs === 'object' && !Array.isArray(refs) ? (refs as Record<string, unknown>)[kind] : undefined;
  const name = ref !== null && typeof ref === 'object' && !Array.isArray(ref) ? (ref as Record<string, unknown>).name : undefined;
  return typeof name === 'string' && name.trim() !== '' ? name.trim() : undefined;
}

function pick<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined || value === '' ? {} : { [key]: value }) as { [P in K]?: string };
}
