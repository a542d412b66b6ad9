/**
 * Serial numbers: where a device's serial comes from and which serials may identify it. The
 * device's serial is the first value among `assets.serial.from` that is no placeholder — a VM
 * reports "None" as system.serialNumber and its real serial as system.biosSerialNumber, a VM host
 * carries a service tag — and it is what matching uses *and* what a mapped serial field is written
 * with: a placeholder never reaches Halo. Matching also refuses serials several devices share
 * (cloned VMs) or several Halo assets hold (DESIGN.md §3). Pure.
 */

import type { DevicePath, Spec } from '../config/spec.js';
import type { RmmProvider } from '../rmm/provider.js';
import type { RmmDevice } from '../rmm/snapshot.js';
import { readDevicePath } from './device-values.js';

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

const BUILTIN_PLACEHOLDER_KEYS: ReadonlySet<string> = new Set(BUILTIN_PLACEHOLDER_SERIALS.map(serialKey));

/** A device's serial: the first usable source, and the placeholders it reported on the way. */
export interface DeviceSerial {
  serial?: string;
  /** Where the serial came from (`system.biosSerialNumber`). */
  source?: string;
  /** Placeholders the device reported before a usable serial (or instead of one). */
  placeholders: string[];
}

export function serialKey(serial: string): string {
  return serial.trim().toLowerCase();
}

/** What makes a serial a placeholder beyond the built-in list: the spec's assets.ignoreSerials and the RMM's own. */
export interface SerialRules {
  ignore: ReadonlySet<string>;
  rmm: { name: string; placeholders: ReadonlySet<string> };
}

export function serialRules(spec: Spec, provider: RmmProvider): SerialRules {
  return {
    ignore: new Set(spec.assets.ignoreSerials.map(serialKey)),
    rmm: { name: provider.name, placeholders: new Set(provider.devices.placeholderSerials.map(serialKey)) },
  };
}

/** Why a serial is a placeholder (never written, never matched), or undefined when it is a real one. */
export function placeholderReason(serial: string, rules: SerialRules): string | undefined {
  const key = serialKey(serial);
  if (BUILTIN_PLACEHOLDER_KEYS.has(key)) return 'a placeholder the BIOS reports';
  if (rules.rmm.placeholders.has(key)) return `what ${rules.rmm.name} reports when there is no serial`;
  if (rules.ignore.has(key)) return 'listed in assets.ignoreSerials';
  if (key.length < 4) return 'shorter than 4 characters';
  if (/^(.)\1*$/.test(key.replace(/[\s-]/g, ''))) return 'one repeated character';
  return undefined;
}

/** The device's serial from `sources`, skipping placeholders. */
export function deviceSerial(device: RmmDevice, sources: readonly DevicePath[], sourceText: readonly string[], rules: SerialRules): DeviceSerial {
  const placeholders: string[] = [];
  for (const [i, path] of sources.entries()) {
    const raw = readDevicePath(device, path, {});
    if (typeof raw !== 'string' && typeof raw !== 'number') continue;
    const text = String(raw).trim();
    if (text === '') continue;
    if (placeholderReason(text, rules)) {
      if (!placeholders.includes(text)) placeholders.push(text);
      continue;
    }
    return { serial: text, source: sourceText[i]!, placeholders };
  }
  return { placeholders };
}

/** Why a (non-placeholder) serial still cannot identify a device, or undefined when it may. */
export function sharedSerialReason(serial: string, shared: ReadonlyMap<string, number>): string | undefined {
  const key = serialKey(serial);
  if ((shared.get(key) ?? 0) > 1) return key.startsWith('vmware-') ? 'a VMware serial shared by cloned virtual machines' : 'reported by several devices';
  return undefined;
}
