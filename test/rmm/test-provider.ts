/**
 * An in-memory RMM, through the provider interface only (src/rmm/provider.ts): the proof that
 * nothing outside src/rmm assumes NinjaOne. It differs from NinjaOne wherever an RMM may: text
 * uids for ids, its own identity fields in Halo (Datto RMM's `datto_id`, `datto_url`,
 * `datto_remote_url`), its own device record (`hostname`, `bios.serialNumber`, epoch-millisecond
 * `lastSeenMs`), its own placeholder serial, its own custom field types, and no alert webhook
 * over its API. Tests edit `TestRmm.state` between runs as devices come, move and go.
 */

import type { Spec } from '../../src/config/spec.js';
import type { RmmProvider, RmmSource } from '../../src/rmm/provider.js';
import type { RmmCustomFieldDefinition, RmmFieldKind, RmmSnapshot } from '../../src/rmm/snapshot.js';

export const TEST_RMM: RmmProvider = {
  name: 'Test RMM',
  key: 'testrmm',
  addressPrefix: 'test',
  halo: {
    rmm: 'Test RMM',
    client: 'datto_id',
    site: 'datto_id',
    asset: 'datto_id',
    ticketAlert: 'third_party_id_string',
    ticketDevice: 'datto_device_uid',
    integrationType: 'datto',
    idKind: 'text',
    links: { device: 'datto_url', remote: 'datto_remote_url' },
  },
  devices: {
    nameSources: ['hostname', 'description'],
    serialSources: ['bios.serialNumber'],
    placeholderSerials: ['Not Reported'],
    timestampKeys: new Set(['lastSeenMs']),
    deviceLink: '{url}/devices/{id}',
  },
};

export interface TestSite {
  uid: string;
  name: string;
}

export interface TestDevice {
  uid: string;
  siteUid: string;
  /** Where the device's class lives in this RMM's records. */
  category: string;
  hostname?: string;
  description?: string;
  bios?: { serialNumber?: string };
  lastSeenMs?: number;
  udf?: Record<string, unknown>;
}

/** Its custom fields' types, as this RMM names them. */
const KINDS: Record<string, RmmFieldKind> = { 'udf-date': 'date', 'udf-pick': 'select', 'udf-number': 'number' };

export class TestRmm implements RmmSource {
  readonly provider = TEST_RMM;
  readonly target = 'https://rmm.test.example';
  /** Each site is an organisation with one location of the same uid, as an RMM without organisations is read. */
  state: { sites: TestSite[]; devices: TestDevice[]; fields: { name: string; type: string; options?: Record<string, string> }[] } = { sites: [], devices: [], fields: [] };
  reads = 0;

  async read(spec: Spec): Promise<RmmSnapshot> {
    this.reads++;
    const mapped = new Set(spec.assets.fields.flatMap((f) => (f.source === 'path' && f.from[0]?.name === 'customFields' && f.from[1] ? [f.from[1].name] : [])));
    const definitions = new Map<string, RmmCustomFieldDefinition>(
      this.state.fields.map((f) => {
        const kind = KINDS[f.type];
        return [f.name, { name: f.name, type: f.type, ...(kind ? { kind } : {}), options: new Map(Object.entries(f.options ?? {})) }];
      }),
    );
    return {
      provider: TEST_RMM,
      webUrl: this.target,
      organizations: this.state.sites.map((s) => ({ id: s.uid, name: s.name })),
      locations: this.state.sites.map((s) => ({ id: s.uid, organizationId: s.uid, name: s.name })),
      devices: this.state.devices.map((d) => ({
        id: d.uid,
        organizationId: d.siteUid,
        locationId: d.siteUid,
        nodeClass: d.category,
        ...(d.hostname ? { displayName: d.hostname } : {}),
        record: structuredClone(d) as unknown as Record<string, unknown>,
      })),
      customFields: new Map(this.state.devices.map((d) => [d.uid, Object.fromEntries(Object.entries(d.udf ?? {}).filter(([name]) => mapped.has(name)))])),
      organizationCustomFields: new Map(),
      locationCustomFields: new Map(),
      customFieldDefinitions: definitions,
      problems: [],
    };
  }

  async close(): Promise<void> {}
}
