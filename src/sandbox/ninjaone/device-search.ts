/**
 * `GET /v2/devices/search?q=&limit=` (reference/ninjaone/NOTES.md §3.1): devices whose name,
 * addresses or last logged-on user contain the query, best match first. The spec only says
 * "name, logged on user name, IP address, etc."; which attributes, the `matchAttr` names and the
 * scores are [unverified] — an int32 in the spec: exact match 100, prefix 75, anywhere else 50,
 * ties by ascending id.
 */

import type { NinjaDevice } from '../seed.js';
import type { NinjaStore } from './store.js';

export interface SearchHit {
  device: NinjaDevice;
  score: number;
  matchAttr: string;
  matchAttrValue: string;
}

/** Searched attributes, in the order a tie between them is broken; lists are searched item by item. */
const SEARCHED: readonly (readonly [attribute: string, key: string])[] = [
  ['displayName', 'displayName'],
  ['systemName', 'systemName'],
  ['dnsName', 'dnsName'],
  ['netbiosName', 'netbiosName'],
  ['ipAddress', 'ipAddresses'],
  ['macAddress', 'macAddresses'],
  ['lastLoggedInUser', 'lastLoggedInUser'],
];

/** The best `limit` hits for `query` (case-insensitive); none for an empty query. */
export function searchDevices(store: NinjaStore, query: string, limit: number): SearchHit[] {
  const needle = query.trim().toLowerCase();
  if (needle === '') return [];
  const hits: SearchHit[] = [];
  for (const id of store.deviceIds) {
    const device = store.devices.get(id)!;
    let best: SearchHit | undefined;
    for (const [attribute, key] of SEARCHED) {
      const raw = device[key];
      for (const value of Array.isArray(raw) ? raw : [raw]) {
        if (typeof value !== 'string' || value === '') continue;
        const score = scoreOf(value.toLowerCase(), needle);
        if (score > 0 && (!best || score > best.score)) best = { device, score, matchAttr: attribute, matchAttrValue: value };
      }
    }
    if (best) hits.push(best);
  }
  return hits.sort((a, b) => b.score - a.score || a.device.id - b.device.id).slice(0, limit);
}

function scoreOf(value: string, needle: string): number {
  if (value === needle) return 100;
  if (value.startsWith(needle)) return 75;
  return value.includes(needle) ? 50 : 0;
}
