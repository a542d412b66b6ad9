/**
 * The Halo objects plan and serve both look up by the spec's names (src/halo/lookups.ts): the
 * same answer and the same words for `haloform plan` and for serve's dead letter.
 */

import { describe, expect, it } from 'vitest';
import { catchAllIn, ticketTypeNamed } from '../../src/halo/lookups.js';
import type { HaloClient, HaloSite } from '../../src/halo/types.js';

describe('ticketTypeNamed', () => {
  const types = [
    { id: 1, name: 'Incident' },
    { id: 21, name: 'Alert ' },
  ];

  it('finds a type whatever its case and surrounding spaces', () => {
    expect(ticketTypeNamed(types, 'alert')).toEqual({ type: { id: 21, name: 'Alert ' } });
  });

  it('says a missing type is missing, with a near name and the types Halo has', () => {
    expect(ticketTypeNamed(types, 'Alrt')).toEqual({ missing: 'No ticket type named "Alrt" exists in Halo. Did you mean "Alert "? Ticket types in Halo: "Incident", "Alert ".' });
  });

  it('says "none" when Halo lists no types, and counts past eight', () => {
    expect(ticketTypeNamed([], 'Alert')).toEqual({ missing: 'No ticket type named "Alert" exists in Halo. Ticket types in Halo: none.' });
    const many = Array.from({ length: 10 }, (_, i) => ({ id: i, name: `Type ${i}` }));
    expect('missing' in ticketTypeNamed(many, 'Zzz') && ticketTypeNamed(many, 'Zzz')).toMatchObject({ missing: expect.stringMatching(/"Type 7" and 2 more\.$/) });
  });
});

describe('catchAllIn', () => {
  const client = (id: number, name: string, inactive = false): HaloClient => ({ id, name, inactive }) as HaloClient;
  const site = (id: number, clientId: number, name: string, inactive = false): HaloSite => ({ id, clientId, name, inactive }) as HaloSite;

  it('finds the active client and its active site by name', () => {
    const found = catchAllIn({ clients: [client(1, 'Unassigned', true), client(2, 'unassigned ')], sites: [site(10, 2, 'Unknown', true), site(11, 1, 'Unknown'), site(12, 2, 'UNKNOWN')] }, { client: 'Unassigned', site: 'Unknown' });
    expect({ client: found.client?.id, site: found.site?.id }).toEqual({ client: 2, site: 12 });
  });

  it('finds nothing when the client is missing, and no site when only the client is there', () => {
    expect(catchAllIn({ clients: [], sites: [site(12, 2, 'Unknown')] }, { client: 'Unassigned', site: 'Unknown' })).toEqual({});
    expect(catchAllIn({ clients: [client(2, 'Unassigned')], sites: [] }, { client: 'Unassigned', site: 'Unknown' }).site).toBeUndefined();
  });
});
