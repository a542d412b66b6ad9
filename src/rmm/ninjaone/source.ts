/** NinjaOne connected for a run (src/rmm/provider.ts `RmmSource`): its client, read as the spec needs, and its alert webhook. */

import type { RmmSource } from '../provider.js';
import type { NinjaOneClient } from './client.js';
import { NINJAONE } from './provider.js';
import { mappedCustomFields, readForSpec } from './read-for-spec.js';

export function ninjaOneSource(client: NinjaOneClient, baseUrl: string): RmmSource {
  return {
    provider: NINJAONE,
    target: baseUrl,
    read: (spec, since) => readForSpec(client, spec, since),
    registerWebhook: (registration) =>
      client.registerWebhook({
        url: registration.url,
        header: registration.header,
        secret: registration.secret,
        ...(registration.lifecycle ? { lifecycle: true } : {}),
        ...(registration.organizationIds ? { organizationIds: registration.organizationIds.map(Number) } : {}),
      }),
    readLifecycle: async (cursor) => {
      const read = await client.readLifecycleSince(cursor === undefined ? undefined : Number(cursor));
      return { cursor: String(read.lastId), deviceIds: read.deviceIds, places: read.places, overflow: read.overflow };
    },
    readDevice: async (id, spec) => {
      const device = await client.readDeviceOrGone(Number(id));
      if (device === 'gone' || device === undefined) return device;
      return { device, customFields: await client.readDeviceCustomFields(device.id, mappedCustomFields(spec)) };
    },
    close: () => client.close(),
  };
}
