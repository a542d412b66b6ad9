/**
 * The Halo side as real tenants hold it (issue 13): the clean demo Halo plus typed asset fields and
 * asset custom fields with values already typed in by hand, and the incomplete rows Halo's swagger
 * allows (every field but `id` is optional) and years of hand entry leave behind. Deterministic:
 * it draws only from `random`, so the same demo seed always gives the same tenant.
 *
 * What it adds, on top of the clean demo (src/sandbox/demo-data.ts generateHalo):
 * - asset fields 107 "Support Tier" (single selection: Bronze 1, Silver 2, Gold 3, Platinum 4),
 *   108 "Managed Services" (multiple selection: Backup 11, Antivirus 12, Patching 13,
 *   Monitoring 14), 109 "Rack Units" (number), 110 "BYOD" (checkbox), 111 "Last Audit"
 *   (date-time); 107 and 108 on the Workstation and Server types, the others on no type;
 * - asset custom fields 201 CFcontractTier "Contract Tier" (single selection: Essentials 21,
 *   Professional 22, Enterprise 23) and 202 CFsiteContact "Site Contact" (text);
 * - on the hand-made Contoso workstations: a Support Tier on 75 % (always the first), Managed
 *   Services on 50 %, a Contract Tier on 50 % (always the first), a Site Contact on 35 %; and one
 *   hand-made Contoso software licence "CON-LIC-01" with a Purchase Date;
 * - an active client "Woodgrove Bank" with no `toplevel_id`, its main site "Main" and General User;
 * - a site with no `name` on one of the near-miss clients (not Contoso), with its General User;
 * - `ninjarmmid: -1` (Halo's "none") on about half the clients and sites that have no NinjaOne id
 *   (always at least one of each), Woodgrove and its site included;
 * - two users on no site (`site_id: -1`): one active with an email address, one inactive without;
 * - stock assets — no client, no site (`client_id`/`site_id` -1), no NinjaOne id — 2 % of the
 *   NinjaOne fleet (at least 3, at most 500): the first has no `inventory_number`, the second an
 *   empty one, the third carries the serial of a NinjaOne device (a spare since deployed); the
 *   first three have a Serial Number, the rest one half the time; 10 % are inactive;
 * - in alert routing's lists, always the same odd rows (no draw): a team whose `name` is null, an
 *   agent whose name is "" (a shared mailbox made an agent), "Hardware>Server" a second time as
 *   its own category, and an SLA named "".
 * Decimal ids (`21.0`) and -1 for unset ids on output are the simulator's (src/sandbox/halo/).
 */

import type { Random } from '../random.js';
import type { HaloAsset, HaloClient, HaloCustomFieldDefinition, HaloField, HaloSeed, HaloSite, HaloUser, NinjaDevice, NinjaSeed } from '../seed.js';

/** Field and option ids the demo spec maps: fixed, never drawn. */
export const HALO_REALISM_FIELDS: readonly HaloField[] = [
  {
    id: 107,
    name: 'Support Tier',
    type: 3,
    lookup: 1,
    values: [
      { id: 1, name: 'Bronze' },
      { id: 2, name: 'Silver' },
      { id: 3, name: 'Gold' },
      { id: 4, name: 'Platinum' },
    ],
  },
  {
    id: 108,
    name: 'Managed Services',
    type: 4,
    lookup: 2,
    values: [
      { id: 11, name: 'Backup' },
      { id: 12, name: 'Antivirus' },
      { id: 13, name: 'Patching' },
      { id: 14, name: 'Monitoring' },
    ],
  },
  { id: 109, name: 'Rack Units', type: 2 },
  { id: 110, name: 'BYOD', type: 6 },
  { id: 111, name: 'Last Audit', type: 5 },
];

export const HALO_REALISM_CUSTOM_FIELDS: readonly HaloCustomFieldDefinition[] = [
  {
    id: 201,
    name: 'CFcontractTier',
    label: 'Contract Tier',
    type: 3,
    values: [
      { id: 21, name: 'Essentials' },
      { id: 22, name: 'Professional' },
      { id: 23, name: 'Enterprise' },
    ],
  },
  { id: 202, name: 'CFsiteContact', label: 'Site Contact', type: 0 },
];

/** The asset types that show Support Tier and Managed Services. */
const TYPES_WITH_SELECTIONS = ['Workstation', 'Server'];

const SERIAL_FIELD = 101;
const MODEL_FIELD = 102;
const PURCHASE_DATE_FIELD = 106;
const SUPPORT_TIER = 107;
const MANAGED_SERVICES = 108;
const CONTRACT_TIER = 201;
const SITE_CONTACT = 202;
/** Halo's "none" for an id. */
const NONE = -1;

export function applyHaloRealism(seed: HaloSeed, ninja: NinjaSeed, random: Random): HaloSeed {
  const halo = structuredClone(seed);
  addTypedFields(halo);
  handEnteredValues(halo, random.fork('values'));
  incompleteCustomers(halo, random.fork('customers'));
  stockAssets(halo, ninja, random.fork('stock'));
  oddRoutingRows(halo);
  return halo;
}

/** Rows of the routing lists years of hand entry leave: a nameless team, an agent without a name, a repeated category, an unnamed SLA. */
function oddRoutingRows(halo: HaloSeed): void {
  if (halo.teams) halo.teams.push({ id: nextId(halo.teams), name: null, inactive: false });
  if (halo.agents) halo.agents.push({ id: nextId(halo.agents), name: '', email: 'helpdesk@acme-it.example', isdisabled: false });
  const repeated = halo.categories?.find((c) => c.value === 'Hardware>Server');
  if (halo.categories && repeated) halo.categories.push({ ...repeated, id: nextId(halo.categories) });
  if (halo.slas) halo.slas.push({ id: nextId(halo.slas), name: '' });
}

function addTypedFields(halo: HaloSeed): void {
  const taken = new Set(halo.fields.map((f) => f.id));
  halo.fields.push(...structuredClone(HALO_REALISM_FIELDS.filter((f) => !taken.has(f.id))));
  for (const type of halo.assetTypes) {
    if (!TYPES_WITH_SELECTIONS.includes(type.name)) continue;
    for (const id of [SUPPORT_TIER, MANAGED_SERVICES]) if (!type.field_ids.includes(id)) type.field_ids.push(id);
  }
  const definitions = (halo.customFieldDefinitions ??= []);
  const takenDefinitions = new Set(definitions.map((d) => d.id));
  definitions.push(...structuredClone(HALO_REALISM_CUSTOM_FIELDS.filter((d) => !takenDefinitions.has(d.id))));
}

/** What a technician typed into the hand-made Contoso assets, and a licence bought before the agent. */
function handEnteredValues(halo: HaloSeed, random: Random): void {
  const contoso = halo.clients.find((c) => c.name === 'Contoso');
  if (!contoso) return;
  const workstationType = halo.assetTypes.find((t) => t.name === 'Workstation')?.id;
  const handMade = halo.assets.filter((a) => a.client_id === contoso.id && a.assettype_id === workstationType && a.ninjarmm_id === undefined);
  const tiers = optionIds(SUPPORT_TIER);
  const services = optionIds(MANAGED_SERVICES);
  const contracts = HALO_REALISM_CUSTOM_FIELDS.find((d) => d.id === CONTRACT_TIER)!.values!.map((o) => o.id);
  handMade.forEach((asset, i) => {
    if (i === 0 || random.chance(0.75)) {
      asset.fields.push({ id: SUPPORT_TIER, value: random.weighted([[tiers[0]!, 40], [tiers[1]!, 35], [tiers[2]!, 20], [tiers[3]!, 5]] as const) });
    }
    if (random.chance(0.5)) {
      const chosen = services.filter(() => random.chance(0.5));
      asset.fields.push({ id: MANAGED_SERVICES, value: chosen.length > 0 ? chosen : [random.pick(services)] });
    }
    const custom: { id: number; value: unknown }[] = [];
    if (i === 0 || random.chance(0.5)) custom.push({ id: CONTRACT_TIER, value: random.pick(contracts) });
    if (random.chance(0.35)) custom.push({ id: SITE_CONTACT, value: random.pick(['Reception (ext. 200)', 'Facilities desk', 'Office manager']) });
    if (custom.length > 0) asset.customfields = custom;
  });
  const contosoSite = handMade[0]?.site_id ?? contoso.main_site_id;
  const licenceType = halo.assetTypes.find((t) => t.name === 'Software Licence')?.id;
  if (contosoSite === undefined || licenceType === undefined) return;
  halo.assets.push({
    id: nextId(halo.assets),
    inventory_number: 'CON-LIC-01',
    client_id: contoso.id,
    site_id: contosoSite,
    assettype_id: licenceType,
    inactive: false,
    fields: [{ id: PURCHASE_DATE_FIELD, value: `2024-${pad(random.int(1, 12))}-${pad(random.int(1, 28))}` }],
    user_ids: [],
    notes: 'Microsoft 365 Business Premium, 25 seats',
  });
}

function incompleteCustomers(halo: HaloSeed, random: Random): void {
  const addSite = (site: HaloSite) => {
    halo.sites.push(site);
    halo.users.push({ id: nextId(halo.users), name: 'General User', site_id: site.id, inactive: false, isgeneraluser: true });
  };

  // A client typed in before top levels were set up: no toplevel_id at all.
  const woodgrove: HaloClient = { id: nextId(halo.clients), name: 'Woodgrove Bank', inactive: false, ninjarmmid: NONE };
  halo.clients.push(woodgrove);
  const woodgroveMain: HaloSite = { id: nextId(halo.sites), name: 'Main', client_id: woodgrove.id, inactive: false, ninjarmmid: NONE };
  woodgrove.main_site_id = woodgroveMain.id;
  addSite(woodgroveMain);

  // A site an old import created without a name, on a client a person must match by hand anyway.
  const owners = halo.clients.filter((c) => !c.inactive && c.ninjarmmid === undefined && c.name !== 'Contoso' && c.toplevel_id === 1);
  const owner = owners.length > 0 ? random.pick(owners) : woodgrove;
  addSite({ id: nextId(halo.sites), client_id: owner.id, inactive: false });

  // Halo writes -1 for "no NinjaOne id" once an integration has touched the record.
  const unlinked = <T extends { ninjarmmid?: number }>(rows: T[]) => rows.filter((r) => r.ninjarmmid === undefined);
  const marked = <T extends { ninjarmmid?: number }>(rows: T[]) => {
    rows.forEach((r, i) => {
      if (i === 0 || random.chance(0.5)) r.ninjarmmid = NONE;
    });
  };
  marked(unlinked(halo.clients));
  marked(unlinked(halo.sites));

  // Users whose site was deleted, or who were never put on one.
  const leaver: HaloUser = { id: nextId(halo.users), name: 'Sam Leaver', firstname: 'Sam', surname: 'Leaver', emailaddress: 'sam.leaver@example.com', site_id: NONE, inactive: false };
  halo.users.push(leaver);
  halo.users.push({ id: nextId(halo.users), name: 'Old Contractor', site_id: NONE, inactive: true });
}

function stockAssets(halo: HaloSeed, ninja: NinjaSeed, random: Random): void {
  const typeId = (name: string) => halo.assetTypes.find((t) => t.name === name)?.id;
  const kinds = (['Workstation', 'Printer', 'Network Device'] as const)
    .map((name, i) => [typeId(name), [70, 15, 15][i]!] as const)
    .filter((k): k is readonly [number, number] => k[0] !== undefined);
  if (kinds.length === 0) return;
  const count = Math.min(500, Math.max(3, Math.round(ninja.devices.length * 0.02)));
  const deployed = deployedSpare(halo, ninja);
  for (let n = 1; n <= count; n++) {
    const spare = n === 3 ? deployed : undefined;
    const system = spare?.system as Record<string, unknown> | undefined;
    const fields: HaloAsset['fields'] = [];
    if (system) {
      fields.push({ id: SERIAL_FIELD, value: system.serialNumber }, { id: MODEL_FIELD, value: system.model });
    } else if (n <= 3 || random.chance(0.5)) {
      fields.push({ id: SERIAL_FIELD, value: serial(random) });
    }
    const asset: HaloAsset = {
      id: nextId(halo.assets),
      inventory_number: n === 2 ? '' : `STOCK-${String(n).padStart(4, '0')}`,
      client_id: NONE,
      site_id: NONE,
      assettype_id: spare ? kinds[0]![0] : random.weighted(kinds),
      inactive: n > 3 && random.chance(0.1),
      fields,
      user_ids: [],
      notes: random.pick(['In the store room', 'Spare, awaiting build', 'Returned by a client', 'Bought for stock']),
    };
    if (n === 1) delete asset.inventory_number;
    halo.assets.push(asset);
  }
}

/**
 * A NinjaOne workstation whose serial no other device and no Halo asset has: a spare that sat in
 * stock in Halo and has since been deployed (its agent reports the same serial).
 */
function deployedSpare(halo: HaloSeed, ninja: NinjaSeed): NinjaDevice | undefined {
  const serialOf = (d: NinjaDevice) => (d.system as Record<string, unknown> | undefined)?.serialNumber;
  const counts = new Map<unknown, number>();
  for (const d of ninja.devices) counts.set(serialOf(d), (counts.get(serialOf(d)) ?? 0) + 1);
  const inHalo = new Set(halo.assets.flatMap((a) => a.fields.filter((f) => f.id === SERIAL_FIELD).map((f) => f.value)));
  return [...ninja.devices]
    .sort((a, b) => b.id - a.id)
    .find((d) => d.nodeClass === 'WINDOWS_WORKSTATION' && typeof serialOf(d) === 'string' && /^[A-Z0-9]{7,12}$/.test(serialOf(d) as string) && counts.get(serialOf(d)) === 1 && !inHalo.has(serialOf(d)));
}

function optionIds(fieldId: number): number[] {
  return HALO_REALISM_FIELDS.find((f) => f.id === fieldId)!.values!.map((o) => o.id);
}

function nextId(rows: readonly { id: number }[]): number {
  return Math.max(0, ...rows.map((r) => r.id)) + 1;
}

/** A Dell service tag or an HP serial, as a store-room label shows it. */
function serial(random: Random): string {
  const alnum = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789';
  const chars = (n: number) => Array.from({ length: n }, () => alnum[random.int(0, alnum.length - 1)]).join('');
  return random.chance(0.5) ? chars(7) : `5CG${chars(7)}`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
