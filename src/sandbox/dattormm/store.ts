/**
 * The simulator's account: a private copy of the seed, indexed by uid and id, with sites and
 * devices listed in ascending id (the order lists page in). Records are never changed in place —
 * every change puts a new record — so seed objects can be shared without a deep clone. Holds data
 * only: shapes are rendered in shapes.ts, inputs checked in control-input.ts and api-routes.ts.
 */

import type { DattoAccount, DattoAlert, DattoApiUser, DattoAudit, DattoDevice, DattoSeed, DattoSite, DattoSystemSite } from './seed.js';

/**
 * What an alert webhook says about an alert that the API's Alert has no field for: the
 * `[alert_message]`, `[alert_type]` and `[alert_category]` placeholders (NOTES §8.1). Set when an
 * alert is raised through the control API; derived from `alertContext` otherwise (alert-text.ts).
 */
export interface AlertText {
  message?: string;
  alertType?: string;
  category?: string;
}

export class DattoStore {
  readonly account: DattoAccount;
  readonly apiUsers: readonly DattoApiUser[];
  readonly sites = new Map<string, DattoSite>();
  readonly devices = new Map<string, DattoDevice>();
  readonly audits = new Map<string, DattoAudit>();
  /** Open and resolved alerts by uid, in the order they were raised. */
  readonly alerts = new Map<string, DattoAlert>();
  readonly alertText = new Map<string, AlertText>();
  readonly #deviceUidById = new Map<number, string>();
  readonly #siteUidById = new Map<number, string>();
  #sortedSites: DattoSite[] | null = null;
  #sortedDevices: DattoDevice[] | null = null;
  #bySite: Map<string, DattoDevice[]> | null = null;
  /** The highest id each kind has given out, so a deleted record's id is never reused. */
  readonly #highest = { site: 0, device: 0 };

  private constructor(account: DattoAccount, apiUsers: DattoApiUser[]) {
    this.account = account;
    this.apiUsers = apiUsers;
  }

  /** Copies the seed's records (one level deep) and checks their references; throws TypeError on a broken seed. */
  static fromSeed(seed: DattoSeed): DattoStore {
    const store = new DattoStore({ ...seed.account, descriptor: { ...seed.account.descriptor } }, (seed.apiUsers ?? []).map((u) => ({ ...u })));
    for (const site of seed.sites ?? []) {
      if (store.sites.has(site.uid)) throw new TypeError(`seed: site uid ${site.uid} appears twice`);
      if (store.#siteUidById.has(site.id)) throw new TypeError(`seed: site id ${site.id} appears twice`);
      store.putSite({ ...site });
    }
    for (const device of seed.devices ?? []) {
      if (store.devices.has(device.uid)) throw new TypeError(`seed: device uid ${device.uid} appears twice`);
      if (store.#deviceUidById.has(device.id)) throw new TypeError(`seed: device id ${device.id} appears twice`);
      if (!store.sites.has(device.siteUid)) throw new TypeError(`seed: device ${device.uid} is in site ${device.siteUid}, which is not in the seed`);
      store.putDevice({ ...device });
    }
    for (const [uid, audit] of Object.entries(seed.audits ?? {})) {
      if (!store.devices.has(uid)) throw new TypeError(`seed: an audit for device ${uid}, which is not in the seed`);
      store.audits.set(uid, audit);
    }
    for (const alert of seed.alerts ?? []) {
      if (store.alerts.has(alert.alertUid)) throw new TypeError(`seed: alert uid ${alert.alertUid} appears twice`);
      store.alerts.set(alert.alertUid, { ...alert });
    }
    return store;
  }

  /** Sites in ascending id. */
  siteList(): readonly DattoSite[] {
    this.#sortedSites ??= [...this.sites.values()].sort((a, b) => a.id - b.id);
    return this.#sortedSites;
  }

  /** Devices in ascending id. */
  deviceList(): readonly DattoDevice[] {
    this.#sortedDevices ??= [...this.devices.values()].sort((a, b) => a.id - b.id);
    return this.#sortedDevices;
  }

  /** The devices of one site in ascending id (empty for an unknown site). */
  devicesOf(siteUid: string): readonly DattoDevice[] {
    if (!this.#bySite) {
      const bySite = new Map<string, DattoDevice[]>();
      for (const device of this.deviceList()) {
        let list = bySite.get(device.siteUid);
        if (!list) bySite.set(device.siteUid, (list = []));
        list.push(device);
      }
      this.#bySite = bySite;
    }
    return this.#bySite.get(siteUid) ?? [];
  }

  deviceById(id: number): DattoDevice | undefined {
    const uid = this.#deviceUidById.get(id);
    return uid === undefined ? undefined : this.devices.get(uid);
  }

  systemSite(kind: DattoSystemSite): DattoSite | undefined {
    return this.siteList().find((s) => s.system === kind);
  }

  putSite(site: DattoSite): void {
    this.sites.set(site.uid, site);
    this.#siteUidById.set(site.id, site.uid);
    this.#highest.site = Math.max(this.#highest.site, site.id);
    this.#sortedSites = null;
  }

  /** Adds or replaces a device (a move is a put with another siteUid). */
  putDevice(device: DattoDevice): void {
    this.devices.set(device.uid, device);
    this.#deviceUidById.set(device.id, device.uid);
    this.#highest.device = Math.max(this.#highest.device, device.id);
    this.#sortedDevices = null;
    this.#bySite = null;
  }

  /** Removes a device with its audit and its alerts. */
  removeDevice(uid: string): void {
    const device = this.devices.get(uid);
    if (!device) return;
    this.devices.delete(uid);
    this.#deviceUidById.delete(device.id);
    this.audits.delete(uid);
    for (const [alertUid, alert] of this.alerts) {
      if (alert.alertSourceInfo.deviceUid !== uid) continue;
      this.alerts.delete(alertUid);
      this.alertText.delete(alertUid);
    }
    this.#sortedDevices = null;
    this.#bySite = null;
  }

  /** The next id of a kind: above any it ever had. Site and device ids grow by small steps, as Datto's do. */
  nextId(kind: 'site' | 'device'): number {
    this.#highest[kind] += 1;
    return this.#highest[kind];
  }

  siteIdTaken(id: number): boolean {
    return this.#siteUidById.has(id);
  }

  deviceIdTaken(id: number): boolean {
    return this.#deviceUidById.has(id);
  }
}
