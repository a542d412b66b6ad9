/**
 * Serial numbers as identity: which serials may match a device to a hand-made Halo asset.
 * A serial is used only when it is not a placeholder and names exactly one device and one
 * asset (DESIGN.md §3). Pure.
 */

import type { NinjaDevice } from '../ninjaone/types.js';

/** What BIOSes and hypervisors report when nobody set a serial (DESIGN.md §3). Compared case-insensitively. */
export const BUILTIN_PLACEHOLDER_SERIALS = [
  'To Be Filled By O.E.M.',
  'Default string',
  'System Serial Number',
  'None',
  'N/A',
  '0',
  '00000000',
  '0123456789',
] as const;

/** The serial NinjaOne reports for a device: system.serialNumber, or a VM host's service tag. */
export function deviceSerial(device: NinjaDevice): string | undefined {
  const system = device.record.system as Record<string, unknown> | undefined;
  const raw = system?.serialNumber ?? device.record.serviceTag;
  if (typeof raw !== 'string') return undefined;
  const trimmed = raw.trim();
  return trimmed === '' ? undefined : trimmed;
}

export function serialKey(serial: string): string {
  return serial.trim().toLowerCase();
}

/** Why a serial can never identify a device, or undefined when it may. */
export function unusableSerialReason(serial: string, ignore: ReadonlySet<string>, shared: ReadonlyMap<string, number>): string | undefined {
  const key = serialKey(serial);
  if (BUILTIN_PLACEHOLDER_SERIALS.some((p) => p.toLowerCase() === key)) return 'a placeholder the BIOS reports';
  if (ignore.has(key)) return 'listed in assets.ignoreSerials';
  if (key.length < 4) return 'shorter than 4 characters';
  if (/^(.)\1*$/.test(key)) return 'one repeated character';
  if (key.startsWith('vmware-') && (shared.get(key) ?? 0) > 1) return 'a VMware serial shared by cloned virtual machines';
  return undefined;
}
