/**
 * Why a ticket went to the catch-all (src/serve/directory.ts `catchAllReason`): what is known
 * about the device, what is not and why, and what Halo lacks — never an organisation or
 * location that was not known.
 */

import { describe, expect, it } from 'vitest';
import { catchAllReason, type CatchAllFacts } from '../../src/serve/directory.js';

/** The reason as the catch-all note ends it. */
function reason(facts: CatchAllFacts): string {
  const { facts: known, fix } = catchAllReason(facts);
  return `${known} ${fix}, then move this ticket to the right client.`;
}

const LINKED = 'NinjaOne device 12 ("PC-1") is not linked in Halo: no asset has ninjarmm_id 12.';
const APPLY = 'Run haloform apply to sync it, then move this ticket to the right client.';

describe('catchAllReason', () => {
  it.each<[string, CatchAllFacts, string]>([
    [
      'NinjaOne answered 404 for the device: organisation and location unknown',
      { deviceId: 12, read: 'not-found' },
      'NinjaOne device 12 is not linked in Halo: no asset has ninjarmm_id 12. Its organisation and location are unknown: NinjaOne answered 404 Not Found for the device (it was deleted, or the API application cannot see it). Check that the device still exists in NinjaOne and that the API application can see its organisation, then move this ticket to the right client.',
    ],
    [
      'NinjaOne refused to show the device',
      { deviceId: 12, name: 'PC-1', read: 'refused', refusedStatus: 403 },
      `${LINKED} Its organisation and location are unknown: NinjaOne refused to show the device (HTTP 403). Check the API application's permissions in NinjaOne, then move this ticket to the right client.`,
    ],
    [
      'known location and organisation, no site or client carries them',
      { deviceId: 12, name: 'PC-1', organization: { id: 3, name: 'Acme' }, location: { id: 2, name: 'Main Office' }, read: 'not-read' },
      `${LINKED} No active Halo site carries the NinjaOne id of its location "Main Office" (NinjaOne id 2), and no active Halo client carries the NinjaOne id of its organisation "Acme" (NinjaOne id 3). ${APPLY}`,
    ],
    [
      'known ids without names',
      { deviceId: 12, name: 'PC-1', organization: { id: 3 }, location: { id: 2 }, read: 'found' },
      `${LINKED} No active Halo site carries the NinjaOne id of its location with NinjaOne id 2, and no active Halo client carries the NinjaOne id of its organisation with NinjaOne id 3. ${APPLY}`,
    ],
    [
      'only the organisation known: NinjaOne answered 404',
      { deviceId: 12, name: 'PC-1', organization: { id: 3, name: 'Acme' }, read: 'not-found' },
      `${LINKED} Its location is unknown: NinjaOne answered 404 Not Found for the device (it was deleted, or the API application cannot see it). No active Halo client carries the NinjaOne id of its organisation "Acme" (NinjaOne id 3). ${APPLY}`,
    ],
    [
      "only the organisation known: NinjaOne's record has no location",
      { deviceId: 12, name: 'PC-1', organization: { id: 3, name: 'Acme' }, read: 'found' },
      `${LINKED} Its location is unknown: neither the webhook nor NinjaOne's record of the device says it. No active Halo client carries the NinjaOne id of its organisation "Acme" (NinjaOne id 3). ${APPLY}`,
    ],
    [
      'only the location known',
      { deviceId: 12, name: 'PC-1', location: { id: 2, name: 'Main Office' }, read: 'found' },
      `${LINKED} Its organisation is unknown: neither the webhook nor NinjaOne's record of the device says it. No active Halo site carries the NinjaOne id of its location "Main Office" (NinjaOne id 2). ${APPLY}`,
    ],
    [
      'nothing known and NinjaOne not asked',
      { deviceId: 12, name: 'PC-1', read: 'not-read' },
      `${LINKED} Its organisation and location are unknown: the webhook did not say it, and haloform did not read the device from NinjaOne. ${APPLY}`,
    ],
    [
      'a client carries the organisation but has no main site',
      { deviceId: 12, name: 'PC-1', organization: { id: 3, name: 'Acme' }, location: { id: 2, name: 'Branch' }, read: 'not-read', clientWithoutMainSite: 'Acme Ltd' },
      `${LINKED} No active Halo site carries the NinjaOne id of its location "Branch" (NinjaOne id 2), and Halo client "Acme Ltd" carries the NinjaOne id of its organisation "Acme" (NinjaOne id 3) but has no main site. ${APPLY}`,
    ],
  ])('%s', (_, facts, text) => {
    expect(reason(facts)).toBe(text);
  });

  it('never speaks of a location it does not know', () => {
    const texts = [reason({ deviceId: 12, read: 'not-found' }), reason({ deviceId: 12, organization: { id: 3 }, read: 'not-found' })];

    for (const text of texts) expect(text).not.toMatch(/location (with NinjaOne id|"|\d)|site carries/);
  });
});
