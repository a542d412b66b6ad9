/**
 * The simulator's tenant: a private copy of the seed with indexes (ids sorted ascending, devices
 * and locations by organisation) so 10,000-device tenants page in O(log n + page). Holds data
 * only; shapes are rendered elsewhere and control inputs are validated before they reach here.
 */

import type { NinjaAlert, NinjaClientApp, NinjaCustomFieldDefinition, NinjaDevice, NinjaLocation, NinjaOrganization, NinjaSeed } from '../seed.js';
import { insertSorted, removeSorted } from './sorted-ids.js';

/** Custom field values by field name. */
export type FieldValues = Record<string, unknown>;

export class NinjaStore {
  readonly apps: readonly NinjaClientApp[];
  readonly organizations = new Map<number, NinjaOrganization>();
  /** Ascending. */
  readonly organizationIds: number[] = [];
  readonly locations = new Map<number, NinjaLocation>();
  /** Ascending. */
  readonly locationIds: number[] = [];
  readonly devices = new Map<number, NinjaDevice>();
  /** Ascending. */
  readonly deviceIds: number[] = [];
  readonly definitions: NinjaCustomFieldDefinition[];
  readonly deviceFields = new Map<number, FieldValues>();
  /** When a device's custom field values last changed (epoch ms; absent: as seeded), for `updatedAfter`. */
  readonly deviceFieldsUpdatedAt = new Map<number, number>();
  readonly organizationFields = new Map<number, FieldValues>();
  readonly locationFields = new Map<number, FieldValues>();
  /** Active alerts by uid, in the order they were raised. */
  readonly alerts = new Map<string, NinjaAlert>();
  readonly #locationsByOrg = new Map<number, number[]>();
  readonly #devicesByOrg = new Map<number, number[]>();
  readonly #definitionsByName = new Map<string, NinjaCustomFieldDefinition>();

  private constructor(apps: NinjaClientApp[], definitions: NinjaCustomFieldDefinition[]) {
    this.apps = apps;
    this.definitions = definitions;
    for (const d of definitions) this.#definitionsByName.set(d.name, d);
  }

  /**
   * Copies the seed's records and checks their references; throws TypeError on a broken seed.
   * The copy is one level deep: the store never changes a record in place (every change puts a
   * new record), so nested values can be shared with the seed without either side seeing the
   * other's changes — and a 10,000-device seed loads without a deep clone.
   */
  static fromSeed(seed: NinjaSeed): NinjaStore {
    const copy: NinjaSeed = {
      apps: (seed.apps ?? []).map((a) => ({ ...a, scopes: [...a.scopes] })),
      organizations: (seed.organizations ?? []).map((o) => ({ ...o })),
      locations: (seed.locations ?? []).map((l) => ({ ...l })),
      devices: (seed.devices ?? []).map((d) => ({ ...d })),
      customFieldDefinitions: (seed.customFieldDefinitions ?? []).map((d) => ({ ...d })),
      customFields: seed.customFields ?? {},
      organizationCustomFields: seed.organizationCustomFields ?? {},
      locationCustomFields: seed.locationCustomFields ?? {},
      alerts: (seed.alerts ?? []).map((a) => ({ ...a })),
    };
    const store = new NinjaStore(copy.apps, copy.customFieldDefinitions);
    for (const org of copy.organizations) {
      if (store.organizations.has(org.id)) throw new TypeError(`seed: organisation id ${org.id} appears twice`);
      store.putOrganization(org);
    }
    for (const location of copy.locations) {
      if (store.locations.has(location.id)) throw new TypeError(`seed: location id ${location.id} appears twice`);
      if (!store.organizations.has(location.organizationId)) {
        throw new TypeError(`seed: location ${location.id} belongs to organisation ${location.organizationId}, which is not in the seed`);
      }
      store.putLocation(location);
    }
    // Bulk-load devices: one sort instead of n sorted inserts.
    const devices = copy.devices;
    for (const device of devices) {
      if (store.devices.has(device.id)) throw new TypeError(`seed: device id ${device.id} appears twice`);
      const location = store.locations.get(device.locationId);
      if (!store.organizations.has(device.organizationId)) {
        throw new TypeError(`seed: device ${device.id} belongs to organisation ${device.organizationId}, which is not in the seed`);
      }
      if (!location || location.organizationId !== device.organizationId) {
        throw new TypeError(`seed: device ${device.id} is in location ${device.locationId}, which is not a location of organisation ${device.organizationId}`);
      }
      store.devices.set(device.id, device);
    }
    const ascending = (a: number, b: number) => a - b;
    store.deviceIds.push(...[...store.devices.keys()].sort(ascending));
    for (const id of store.deviceIds) {
      const orgId = store.devices.get(id)!.organizationId;
      let list = store.#devicesByOrg.get(orgId);
      if (!list) store.#devicesByOrg.set(orgId, (list = []));
      list.push(id);
    }
    for (const [id, values] of Object.entries(copy.customFields)) {
      const deviceId = Number(id);
      if (!store.devices.has(deviceId)) throw new TypeError(`seed: custom field values for device ${id}, which is not in the seed`);
      store.deviceFields.set(deviceId, { ...values });
    }
    for (const [id, values] of Object.entries(copy.organizationCustomFields ?? {})) {
      if (!store.organizations.has(Number(id))) throw new TypeError(`seed: custom field values for organisation ${id}, which is not in the seed`);
      store.organizationFields.set(Number(id), { ...values });
    }
    for (const [id, values] of Object.entries(copy.locationCustomFields ?? {})) {
      if (!store.locations.has(Number(id))) throw new TypeError(`seed: custom field values for location ${id}, which is not in the seed`);
      store.locationFields.set(Number(id), { ...values });
    }
    for (const alert of copy.alerts) {
      if (store.alerts.has(alert.uid)) throw new TypeError(`seed: alert uid ${alert.uid} appears twice`);
      store.alerts.set(alert.uid, alert);
    }
    return store;
  }

  definition(name: string): NinjaCustomFieldDefinition | undefined {
    return this.#definitionsByName.get(name);
  }

  /** Location ids of one organisation, ascending (empty for an unknown one). */
  locationsOf(organizationId: number): readonly number[] {
    return this.#locationsByOrg.get(organizationId) ?? [];
  }

  /** Device ids of one organisation, ascending (empty for an unknown one). */
  devicesOf(organizationId: number): readonly number[] {
    return this.#devicesByOrg.get(organizationId) ?? [];
  }

  putOrganization(org: NinjaOrganization): void {
    this.organizations.set(org.id, org);
    insertSorted(this.organizationIds, org.id);
  }

  putLocation(location: NinjaLocation): void {
    const previous = this.locations.get(location.id);
    if (previous) removeSorted(this.#listFor(this.#locationsByOrg, previous.organizationId), location.id);
    this.locations.set(location.id, location);
    insertSorted(this.locationIds, location.id);
    insertSorted(this.#listFor(this.#locationsByOrg, location.organizationId), location.id);
  }

  /** Adds or replaces a device, keeping the organisation index right when it moves. */
  putDevice(device: NinjaDevice): void {
    const previous = this.devices.get(device.id);
    if (previous) removeSorted(this.#listFor(this.#devicesByOrg, previous.organizationId), device.id);
    this.devices.set(device.id, device);
    insertSorted(this.deviceIds, device.id);
    insertSorted(this.#listFor(this.#devicesByOrg, device.organizationId), device.id);
  }

  /** Removes a device with its custom field values and its alerts. */
  removeDevice(id: number): NinjaDevice | undefined {
    const device = this.devices.get(id);
    if (!device) return undefined;
    this.devices.delete(id);
    removeSorted(this.deviceIds, id);
    removeSorted(this.#listFor(this.#devicesByOrg, device.organizationId), id);
    this.deviceFields.delete(id);
    this.deviceFieldsUpdatedAt.delete(id);
    for (const [uid, alert] of this.alerts) if (alert.deviceId === id) this.alerts.delete(uid);
    return device;
  }

  /** The next id after the largest in use (how new records are numbered when the caller gives none). */
  /** The next id of a kind: one above any it ever had, as NinjaOne never gives a deleted device's id to another. */
  nextId(kind: 'organization' | 'location' | 'device'): number {
    const ids = kind === 'organization' ? this.organizationIds : kind === 'location' ? this.locationIds : this.deviceIds;
    const next = Math.max((ids[ids.length - 1] ?? 0) + 1, (this.#highest.get(kind) ?? 0) + 1);
    this.#highest.set(kind, next);
    return next;
  }

  /** The highest id each kind has given out, deleted ones included. */
  readonly #highest = new Map<string, number>();

  #listFor(index: Map<number, number[]>, key: number): number[] {
    let list = index.get(key);
    if (!list) index.set(key, (list = []));
    return list;
  }
}
