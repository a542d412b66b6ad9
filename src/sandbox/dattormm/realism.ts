/**
 * Datto RMM data as real accounts send it (reference/dattormm/NOTES.md §0, §6, §11): turns the
 * clean demo account into one with the mess a client meets in production. Devices are moved and
 * changed, never added or removed; the demo's serial traps keep their audits; every draw comes
 * from `random`, so the same seed gives the same account.
 *
 * What it adds, of the devices or alerts each applies to:
 * - dates: the `-62135596800000` "none" sentinel (DateTime.MinValue) as lastReboot on 5 % of
 *   agents, as lastAuditDate (and no audit at all) on one agent that never audited.
 * - nulls and blanks: intIpAddress null on 4 %, extIpAddress "" on 4 %, lastLoggedInUser "" on
 *   8 %, a64Bit and domain null on 5 % of agents, description null on 10 % of all devices.
 * - an enum value outside the spec: one agent's patchStatus "Unknown" (the name is invented; NOTES
 *   §0: enums are open, `rmmnetworkdevice` once broke a strict client).
 * - odd rows: two fresh agents still in the "Managed" site (DESKTOP-XXXXXXX names, no domain, no
 *   user); one agent in "OnDemand"; two devices in "Deleted Devices" with `deleted: true`; one
 *   re-imaged machine whose old record kept its hostname in another site, offline for months.
 * - audits: bios.serialNumber null on 2 % and "" on 2 % of agents; baseBoard.product
 *   "Default string" on 5 %.
 * - UDFs: a BitLocker recovery key in udf10 on 10 % of agents (UDFs hold secrets, NOTES §6.2), a
 *   multi-line value in udf9 on one.
 * - sites: Autotask company name and id on half the customer sites, a proxy on one, notes "" and
 *   description null on others.
 * - alerts: a component alert with empty `samples`, an event-log description with quotes and a
 *   newline (webhook templates must stay JSON), an `@class` no list knows (`ransomware_ctx`,
 *   [unverified] as a wire value), one with a PSA ticket number, one with autoresolveMins null.
 */

import type { Random } from '../random.js';
import type { DattoAlert, DattoAudit, DattoDevice, DattoSeed, DattoSite } from './seed.js';

/** DateTime.MinValue in epoch ms: Datto's "no date" (NOTES §0, §11.1). */
export const NO_DATE = -62_135_596_800_000;

type Json = Record<string, unknown>;

/** Serials the demo's traps carry: BIOS placeholders and VMware serials. */
const TRAP_SERIAL = /^(to be filled by o\.e\.m\.|default string|0|system serial number|none|vmware-.*)$/i;

export function applyDattoRealism(seed: DattoSeed, random: Random): DattoSeed {
  const out: DattoSeed = {
    ...seed,
    sites: seed.sites.map((s) => ({ ...s })),
    devices: seed.devices.map((d) => ({ ...d, udf: { ...(d.udf ?? {}) } })),
    audits: Object.fromEntries(Object.entries(seed.audits).map(([uid, audit]) => [uid, { ...audit }])),
    alerts: seed.alerts.map((a) => ({ ...a })),
  };
  const traps = new Set(out.devices.filter((d) => TRAP_SERIAL.test(String((out.audits[d.uid]?.bios as Json | undefined)?.serialNumber ?? ''))).map((d) => d.uid));
  devices(out, random.fork('devices'));
  oddRows(out, traps, random.fork('odd-rows'));
  audits(out, traps, random.fork('audits'));
  sites(out.sites, random.fork('sites'));
  alerts(out, random.fork('alerts'));
  return out;
}

function agentsOf(seed: DattoSeed): DattoDevice[] {
  return seed.devices.filter((d) => d.deviceClass === 'device');
}

/** Sentinel dates, nulls and blanks, an unknown enum value, secrets in UDFs. */
function devices(seed: DattoSeed, random: Random): void {
  const agents = agentsOf(seed);
  for (const d of agents) {
    if (random.chance(0.05)) d.lastReboot = NO_DATE;
    if (random.chance(0.04)) d.intIpAddress = null;
    if (random.chance(0.04)) d.extIpAddress = '';
    if (random.chance(0.08)) d.lastLoggedInUser = '';
    if (random.chance(0.05)) d.a64Bit = null;
    if (random.chance(0.05)) d.domain = null;
    if (random.chance(0.1)) d.udf = { ...d.udf, udf10: `${digits(random, 6)}-${digits(random, 6)}-${digits(random, 6)}-${digits(random, 6)}-${digits(random, 6)}-${digits(random, 6)}-${digits(random, 6)}-${digits(random, 6)}` };
  }
  for (const d of seed.devices) if (random.chance(0.1)) d.description = null;
  const odd = agents[2];
  if (odd?.patchManagement) odd.patchManagement = { ...odd.patchManagement, patchStatus: 'Unknown' };
  const multiLine = agents[4];
  if (multiLine) multiLine.udf = { ...multiLine.udf, udf9: 'Ping (Lowest): 10.83 ms | Ping (Highest): 41.2 ms\nLast checked by monitoring script' };
}

/** Devices in the system sites, a never-audited agent and a re-imaged machine's old record. */
function oddRows(seed: DattoSeed, traps: ReadonlySet<string>, random: Random): void {
  const system = (kind: DattoSite['system']) => seed.sites.find((s) => s.system === kind);
  const agents = agentsOf(seed).filter((d) => !traps.has(d.uid));
  const pickFrom = (list: DattoDevice[]) => list.splice(random.int(0, list.length - 1), 1)[0];
  const pool = agents.slice(Math.min(8, agents.length));
  const managed = system('managed');
  for (let i = 0; i < 2 && managed && pool.length > 0; i++) {
    const d = pickFrom(pool)!;
    Object.assign(d, { siteUid: managed.uid, hostname: `DESKTOP-${letters(random, 7)}`, domain: null, lastLoggedInUser: '', creationDate: d.lastSeen });
  }
  const onDemand = system('ondemand');
  if (onDemand && pool.length > 0) pickFrom(pool)!.siteUid = onDemand.uid;
  const bin = system('deleted-devices');
  for (let i = 0; i < 2 && bin && pool.length > 0; i++) {
    const d = pickFrom(pool)!;
    Object.assign(d, { siteUid: bin.uid, deleted: true, online: false, lastSeen: (d.lastSeen ?? 0) - random.int(60, 200) * 86_400_000 });
  }
  if (pool.length >= 2) {
    const current = pickFrom(pool)!;
    const stale = pickFrom(pool)!;
    Object.assign(stale, { hostname: current.hostname, online: false, lastSeen: (stale.lastSeen ?? 0) - random.int(90, 300) * 86_400_000 });
  }
  if (pool.length > 0) {
    const never = pickFrom(pool)!;
    Object.assign(never, { lastAuditDate: NO_DATE });
    delete seed.audits[never.uid];
  }
}

/** Missing and placeholder values in audits, traps left as they are. */
function audits(seed: DattoSeed, traps: ReadonlySet<string>, random: Random): void {
  for (const d of agentsOf(seed)) {
    const audit = seed.audits[d.uid];
    if (!audit || traps.has(d.uid)) continue;
    const roll = random.next();
    if (roll < 0.02) setIn(audit, 'bios', { serialNumber: null });
    else if (roll < 0.04) setIn(audit, 'bios', { serialNumber: '' });
    if (random.chance(0.05)) setIn(audit, 'baseBoard', { product: 'Default string' });
  }
}

function setIn(audit: DattoAudit, key: string, values: Json): void {
  audit[key] = { ...(audit[key] as Json | undefined), ...values };
}

/** Autotask links, a proxy, blank notes and null descriptions on customer sites. */
function sites(list: DattoSite[], random: Random): void {
  const customers = list.filter((s) => s.system === undefined);
  customers.forEach((site, i) => {
    if (i % 2 === 0) Object.assign(site, { autotaskCompanyName: site.name, autotaskCompanyId: String(random.int(100, 9999)) });
    if (random.chance(0.3)) site.notes = '';
    if (random.chance(0.2)) site.description = null;
  });
  const proxied = customers[customers.length - 1];
  if (proxied) proxied.proxySettings = { host: 'proxy.internal', port: 3128, type: 'http', username: null, password: null };
}

/** Alert contexts a client must take as they come. */
function alerts(seed: DattoSeed, random: Random): void {
  const open = seed.alerts.filter((a) => !a.resolved);
  const set = (alert: DattoAlert | undefined, change: Partial<DattoAlert>) => alert && Object.assign(alert, change);
  set(open[0], { alertContext: { '@class': 'comp_script_ctx', samples: {} } });
  set(open[1], { alertContext: { '@class': 'eventlog_ctx', logName: 'Application', type: 'Error', code: '1000', description: 'Faulting application name: "OUTLOOK.EXE", version: 16.0.17928\r\nFaulting module path: C:\\Windows\\System32\\ntdll.dll' } });
  set(open[2], { alertContext: { '@class': 'ransomware_ctx', state: 1, confidenceFactor: 85, affectedDirectories: ['C:\\Users\\Public\\Documents'], watchPaths: ['C:\\Users'], rwextension: '.locked', metaAlertTime: open[2]?.timestamp, alertTime: open[2]?.timestamp }, priority: 'Critical' });
  set(open[3], { ticketNumber: `T${new Date(open[3]?.timestamp ?? 0).toISOString().slice(0, 10).replace(/-/g, '')}.${String(random.int(1, 999)).padStart(4, '0')}` });
  set(open[4], { autoresolveMins: null });
}

function digits(random: Random, count: number): string {
  return Array.from({ length: count }, () => String(random.int(0, 9))).join('');
}

function letters(random: Random, count: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  return Array.from({ length: count }, () => alphabet[random.int(0, alphabet.length - 1)]).join('');
}
