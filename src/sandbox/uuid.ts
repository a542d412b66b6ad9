/**
 * Version-4-shaped UUIDs drawn from the seeded generator, so NinjaOne's alert, series and
 * condition uids and Halo's webhook and event ids are the same on every run with the same seed.
 */

import type { Random } from './random.js';

export function seededUuid(random: Random): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(random.next() * 16).toString(16));
  hex[12] = '4';
  hex[16] = '89ab'[Math.floor(random.next() * 4)]!;
  const s = hex.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

/** Random characters from `alphabet` (tokens, cursor names, incident ids). */
export function seededString(random: Random, length: number, alphabet: string): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[Math.floor(random.next() * alphabet.length)]!;
  return out;
}
