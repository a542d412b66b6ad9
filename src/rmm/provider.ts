/**
 * An RMM as haloform plans and applies against it. Two halves:
 *
 * - `RmmProvider`, a description with no I/O: its name, how its devices are addressed in plans,
 *   the Halo fields its ids and links live in, and what its device records hold by default
 *   (name and serial sources, placeholder serials, timestamp keys, the device-link template).
 *   The model, the plan, the renderers and the Halo client read these, never an RMM's own
 *   field names.
 * - `RmmSource`, a connected RMM for one run: it reads what a spec needs into the generic
 *   `RmmSnapshot` (src/rmm/snapshot.ts), and may register the alert webhook a plan declares.
 *
 * NinjaOne is src/rmm/ninjaone/; a test provider with its own identity fields is
 * test/rmm/test-provider.ts.
 */

import type { Spec } from '../config/spec.js';
import type { RmmDevice, RmmId, RmmSnapshot } from './snapshot.js';

/**
 * The Halo fields an RMM's ids live in: the organisation's on the client, the location's on the
 * site, the device's on the asset; on an alert's ticket, the alert's and the device's. Halo keeps
 * each RMM's ids in fields of its own (NinjaOne `ninjarmmid`, Datto RMM `datto_id`).
 */
export interface HaloIdentity {
  /** Whose ids these are: the RMM's name, for messages. */
  rmm: string;
  client: string;
  site: string;
  asset: string;
  ticketAlert: string;
  ticketDevice: string;
  /** Halo's `integration_type` list filter for the assets the RMM's integration links. */
  integrationType: string;
  /** What the id fields hold: integers (0 or -1 for none), or text ("" for none). */
  idKind: 'number' | 'text';
  /** The Halo asset properties the device's links are written to (Halo names them `<rmm>_url`). */
  links: { device: LinkProperty; remote: LinkProperty };
}

/** A Halo asset property holding a link into an RMM: `ninja_url`, `datto_remote_url`. */
export type LinkProperty = `${string}_url`;

/** What an RMM's device records hold, for the spec's defaults and the model's readings. */
export interface RmmDeviceRules {
  /** The default `assets.name.from`: the first one a device has names it. */
  nameSources: readonly string[];
  /** The default `assets.serial.from`: the first one that is no placeholder is the serial. */
  serialSources: readonly string[];
  /** Serials this RMM reports when there is none, besides the BIOS placeholders every RMM sees. */
  placeholderSerials: readonly string[];
  /** Record keys whose values are epoch timestamps (a path ending in one is a date-time). */
  timestampKeys: ReadonlySet<string>;
  /** The default device link template (`{url}` the RMM's address, `{id}` the device's). */
  deviceLink: string;
}

export interface RmmProvider {
  /** How people call it: "NinjaOne". */
  name: string;
  /** Its key in the spec's `connections` and in a plan's `targets`: "ninjaone". */
  key: string;
  /** The prefix of its devices' plan addresses: `asset["ninja:1234"]`. */
  addressPrefix: string;
  halo: HaloIdentity;
  devices: RmmDeviceRules;
  /** How a plan names the alert webhook apply registers, when the RMM takes one over its API (RmmSource.registerWebhook). */
  webhook?: { name: string; reason: string };
}

/** The alert webhook a plan registers with the RMM (where the RMM takes one over its API). */
export interface WebhookRegistration {
  url: string;
  /** The header every delivery carries the secret in. */
  header: string;
  secret: string;
  /** Organisation ids the webhook covers; every organisation when absent. */
  organizationIds?: RmmId[];
  /** Device lifecycle activities too (created, changed, deleted), for serve's sync controller. */
  lifecycle?: boolean;
}

/** A connected RMM for one run. */
export interface RmmSource {
  provider: RmmProvider;
  /** Its address as a plan's `targets` records it. */
  target: string;
  /** What a plan of `spec` needs, in one read. */
  /**
   * Everything a plan of `spec` reads. With `since`, device custom field values may be read only
   * for devices whose values changed since `since.at` (epoch ms), the rest kept from
   * `since.previous` (an RMM that cannot ask so reads them all).
   */
  read(spec: Spec, since?: { at: number; previous: RmmSnapshot }): Promise<RmmSnapshot>;
  /** Registers the alert webhook; absent when the RMM takes none over its API. */
  registerWebhook?(registration: WebhookRegistration): Promise<void>;
  /**
   * Devices created, changed or deleted since `cursor` (from its activity log), whether an
   * organisation or location was (`places`), and the cursor to ask from next; `overflow` when more
   * happened than one read shows. Without a cursor, only the cursor is learnt. Absent when the RMM
   * keeps no such log.
   */
  readLifecycle?(cursor: string | undefined): Promise<{ cursor: string; deviceIds: RmmId[]; places: boolean; overflow: boolean }>;
  /**
   * One device as a plan of `spec` reads it, with its own values of the custom fields the spec
   * maps; `gone` only when the RMM says it has no such device; undefined when its answer is not
   * a readable row for it (the caller reads the RMM whole, never taking it for deleted). Lets a
   * lifecycle event be reconciled without reading the whole RMM. Absent: every cycle reads it whole.
   */
  readDevice?(id: RmmId, spec: Spec): Promise<{ device: RmmDevice; customFields: Record<string, unknown> } | 'gone' | undefined>;
  close(): Promise<void>;
}

/** The text a device is called by in plan lines when it has no name: "NinjaOne device 12". */
export function deviceNoun(provider: RmmProvider, id?: RmmId): string {
  return id === undefined ? `${provider.name} device` : `${provider.name} device ${id}`;
}

/** A device's plan address key: `ninja:1234`. */
export function deviceKey(provider: RmmProvider, id: RmmId): string {
  return `${provider.addressPrefix}:${id}`;
}

/**
 * A link into the RMM from a template: `{url}` its web address, `{id}` the device's id, `{uid}`
 * its uid (undefined when the template needs a uid the device does not have).
 */
export function fillLink(template: string, webUrl: string, id: RmmId, uid?: string): string | undefined {
  return linkFiller(template, webUrl)(id, uid);
}

/** `fillLink` for one template and address, for many devices: the address is filled in once. */
export function linkFiller(template: string, webUrl: string): (id: RmmId, uid?: string) => string | undefined {
  const needsUid = template.includes('{uid}');
  const withUrl = template.replaceAll('{url}', webUrl);
  return (id, uid) => (needsUid && !uid ? undefined : withUrl.replaceAll('{id}', String(id)).replaceAll('{uid}', uid ?? ''));
}

/** Whether two RMM ids are the same (a spec's "7" and NinjaOne's 7 are). */
export function sameRmmId(a: RmmId | undefined, b: RmmId | undefined): boolean {
  return a !== undefined && b !== undefined && String(a) === String(b);
}

/** Ids in a stable order: numbers numerically, text as text, numbers first. */
export function compareRmmIds(a: RmmId, b: RmmId): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}
