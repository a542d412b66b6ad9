/**
 * Halo's timestamp format: ISO-8601 without an offset, with milliseconds
 * (`2024-05-01T09:30:12.357`) — reference/halopsa/NOTES.md §4. Zone semantics are unverified;
 * the simulator writes UTC.
 */

export function haloTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 23);
}
