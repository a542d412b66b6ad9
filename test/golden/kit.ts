/**
 * Building blocks of the golden cases: a small NinjaOne tenant and Halo instance written by hand
 * (so each case's seed.ts reads like the situation it stages), and the shape of a case the
 * harness in golden.test.ts runs.
 */

import { SANDBOX_CREDENTIALS } from '../../src/sandbox/demo-data.js';
import type { FaultRule } from '../../src/sandbox/faults.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import type { HaloAsset, HaloClient, HaloSeed, HaloSite, HaloUser, NinjaDevice, NinjaLocation, NinjaOrganization, NinjaSeed, Seed } from '../../src/sandbox/seed.js';
import type { CliRun } from '../helpers/cli.js';

export interface GoldenCase {
  /** What the case stages, in one line: the test's name. */
  title: string;
  seed: Seed;
  /** Fault rules the sandbox starts with. */
  faults?: { ninjaone?: FaultRule[]; halo?: FaultRule[] };
  /** Added to every `haloform plan` of the case. */
  args?: string[];
  /** The plan's exit code with --detailed-exitcode: 2 changes, 0 none, 1 errors. */
  exitCode: 0 | 1 | 2;
  /**
   * Runs once the sandbox is up, before the plans: e.g. `haloform apply` so Halo is in step,
   * then a change in NinjaOne through the control API. Its requests are not the plan's.
   */
  prepare?(sandbox: Sandbox, haloform: (argv: string[]) => Promise<CliRun>): Promise<void>;
}

/** 2026-09-01T00:00:00Z: the devices' clock, as in the demo. */
export const T0 = 1788220800;

export function org(id: number, name: string): NinjaOrganization {
  return { id, name, nodeApprovalMode: 'AUTOMATIC' };
}

export function location(id: number, organizationId: number, name: string): NinjaLocation {
  return { id, organizationId, name };
}

interface AgentInput {
  id: number;
  /** [organisation id, location id] */
  at: [number, number];
  name: string;
  serial?: string;
  nodeClass?: 'WINDOWS_WORKSTATION' | 'WINDOWS_SERVER' | 'MAC' | 'LINUX_SERVER';
  model?: string;
  manufacturer?: string;
  os?: string;
  /** lastLoggedInUser, as NinjaOne reports it (`CONTOSO\jsmith`, `jsmith@contoso.com`). */
  user?: string;
}

/** A device with the NinjaOne agent (AgentDevice): a Windows workstation unless told otherwise. */
export function agent(input: AgentInput): NinjaDevice {
  const nodeClass = input.nodeClass ?? 'WINDOWS_WORKSTATION';
  const server = nodeClass.endsWith('SERVER');
  return {
    id: input.id,
    organizationId: input.at[0],
    locationId: input.at[1],
    nodeClass,
    nodeRoleId: server ? 2 : 1,
    rolePolicyId: server ? 42 : 41,
    approvalStatus: 'APPROVED',
    offline: false,
    displayName: input.name,
    systemName: input.name,
    created: T0 - 200 * 86400,
    lastContact: T0 - 3600,
    deviceType: 'AgentDevice',
    os: { name: input.os ?? (server ? 'Windows Server 2022 Standard' : nodeClass === 'MAC' ? 'macOS Sequoia' : 'Windows 11 Pro') },
    system: {
      name: input.name,
      manufacturer: input.manufacturer ?? (nodeClass === 'MAC' ? 'Apple Inc.' : 'HP'),
      model: input.model ?? (server ? 'ProLiant DL360 Gen11' : nodeClass === 'MAC' ? 'MacBook Air (13-inch, M2)' : 'EliteBook 840 G10'),
      ...(input.serial !== undefined ? { serialNumber: input.serial } : {}),
    },
    ...(input.user !== undefined ? { lastLoggedInUser: input.user } : {}),
  };
}

/** A network device the NMS found (no agent, no serial): NMS_SWITCH unless told otherwise. */
export function networkDevice(input: { id: number; at: [number, number]; name: string; nodeClass?: string }): NinjaDevice {
  return {
    id: input.id,
    organizationId: input.at[0],
    locationId: input.at[1],
    nodeClass: input.nodeClass ?? 'NMS_SWITCH',
    nodeRoleId: 20,
    rolePolicyId: 60,
    approvalStatus: 'APPROVED',
    offline: false,
    displayName: input.name,
    systemName: input.name,
    created: T0 - 100 * 86400,
    deviceType: 'NMSTarget',
  };
}

export function ninjaone(parts: Pick<NinjaSeed, 'organizations' | 'locations' | 'devices'> & Partial<NinjaSeed>): NinjaSeed {
  return {
    apps: [{ ...SANDBOX_CREDENTIALS.ninjaone, scopes: ['monitoring', 'management', 'control'] }],
    customFieldDefinitions: [],
    customFields: {},
    alerts: [],
    ...parts,
  };
}

/** Halo's asset field ids in every case. */
export const FIELD = { serial: 101, model: 102, os: 103 } as const;
/** Halo's asset type ids in every case. */
export const TYPE = { workstation: 1, server: 2 } as const;

/**
 * A Halo instance before haloform: one top level, one asset group, the fields Serial Number,
 * Model and Operating System on the types Workstation and Server, the Alert ticket type, asset
 * tags allowed to repeat — and, unless given, no clients, sites, users or assets.
 */
export function halo(parts: Partial<HaloSeed> = {}): HaloSeed {
  return {
    apps: [{ ...SANDBOX_CREDENTIALS.halo, scopes: ['all'], agentId: 1 }],
    topLevels: [{ id: 1, name: 'Managed Clients' }],
    clients: [],
    sites: [],
    users: [],
    assetGroups: [{ id: 1, name: 'Hardware' }],
    fields: [
      { id: FIELD.serial, name: 'Serial Number', type: 0 },
      { id: FIELD.model, name: 'Model', type: 0 },
      { id: FIELD.os, name: 'Operating System', type: 0 },
    ],
    assetTypes: [
      { id: TYPE.workstation, name: 'Workstation', assetgroup_id: 1, field_ids: [FIELD.serial, FIELD.model, FIELD.os], keyfield_id: FIELD.serial },
      { id: TYPE.server, name: 'Server', assetgroup_id: 1, field_ids: [FIELD.serial, FIELD.model, FIELD.os], keyfield_id: FIELD.serial },
    ],
    assets: [],
    ticketTypes: [{ id: 21, name: 'Alert', initial_status: 1, default_priority: 2 }],
    statuses: [
      { id: 1, name: 'New', type: 'open' },
      { id: 9, name: 'Closed', type: 'closed' },
    ],
    outcomes: [{ id: 7, outcome: 'Internal Note' }],
    priorities: [
      { id: 1, name: 'Critical' },
      { id: 2, name: 'High' },
      { id: 3, name: 'Medium' },
      { id: 4, name: 'Low' },
    ],
    control: { allowduplicateinv: true },
    ...parts,
  };
}

/** A Halo client typed in by hand, with its main site (ids: client n, main site 10n) and that site's General User. */
export function haloClient(id: number, name: string, extra: Partial<HaloClient> = {}): { client: HaloClient; mainSite: HaloSite; generalUser: HaloUser } {
  const mainSite: HaloSite = { id: id * 10, name: 'Main', client_id: id, inactive: false };
  return {
    client: { id, name, toplevel_id: 1, inactive: false, main_site_id: mainSite.id, ...extra },
    mainSite,
    generalUser: { id: id * 100, name: 'General User', site_id: mainSite.id, inactive: false, isgeneraluser: true },
  };
}

/** A Halo asset typed in by hand: a workstation with a serial, no NinjaOne id. */
export function haloAsset(input: { id: number; tag: string; client: number; site: number; serial?: string; type?: number; rmmId?: number; notes?: string }): HaloAsset {
  return {
    id: input.id,
    inventory_number: input.tag,
    client_id: input.client,
    site_id: input.site,
    assettype_id: input.type ?? TYPE.workstation,
    inactive: false,
    fields: input.serial !== undefined ? [{ id: FIELD.serial, value: input.serial }] : [],
    user_ids: [],
    ...(input.rmmId !== undefined ? { ninjarmm_id: input.rmmId } : {}),
    ...(input.notes !== undefined ? { notes: input.notes } : {}),
  };
}

/** Applies the case's spec so Halo is in step with NinjaOne; throws with the output when it fails. */
export async function applyFirst(haloform: (argv: string[]) => Promise<CliRun>, extra: string[] = []): Promise<void> {
  const run = await haloform(['apply', '-c', 'spec.yaml', '--auto-approve', ...extra]);
  if (run.code !== 0) throw new Error(`haloform apply failed (exit ${run.code}):\n${run.stdout}\n${run.stderr}`);
}

/**
 * The NinjaOne tenant most cases start from: two organisations, three locations, ten devices.
 *
 *   Contoso Ltd (1)   Head Office (1): CON-PC01, CON-PC02, CON-PC03 (workstations), CON-SRV01 (server)
 *                     Warehouse (2):   CON-WH-PC01 (workstation), CON-WH-SW01 (switch, no agent)
 *   Fabrikam Inc (2)  Head Office (3): FAB-PC01, FAB-PC02 (workstations), FAB-MAC01 (Mac), FAB-SRV01 (server)
 */
export function tenant(): NinjaSeed {
  return ninjaone({
    organizations: [org(1, 'Contoso Ltd'), org(2, 'Fabrikam Inc')],
    locations: [location(1, 1, 'Head Office'), location(2, 1, 'Warehouse'), location(3, 2, 'Head Office')],
    devices: [
      agent({ id: 11, at: [1, 1], name: 'CON-PC01', serial: '5CG3021ABC', user: 'CONTOSO\\jsmith' }),
      agent({ id: 12, at: [1, 1], name: 'CON-PC02', serial: '5CG3021ABD', user: 'CONTOSO\\adoe' }),
      agent({ id: 13, at: [1, 1], name: 'CON-PC03', serial: '5CG3021ABE', user: 'jbloggs@contoso.com' }),
      agent({ id: 14, at: [1, 1], name: 'CON-SRV01', serial: 'CZ2130XYZ1', nodeClass: 'WINDOWS_SERVER' }),
      agent({ id: 15, at: [1, 2], name: 'CON-WH-PC01', serial: 'PF3KQ7LM', manufacturer: 'LENOVO', model: 'ThinkCentre M70q' }),
      networkDevice({ id: 16, at: [1, 2], name: 'CON-WH-SW01' }),
      agent({ id: 21, at: [2, 3], name: 'FAB-PC01', serial: '5CG3021FAB', user: 'FABRIKAM\\mlee' }),
      agent({ id: 22, at: [2, 3], name: 'FAB-PC02', serial: '5CG3021FAC' }),
      agent({ id: 23, at: [2, 3], name: 'FAB-MAC01', serial: 'C02XK1ABQ6L4', nodeClass: 'MAC' }),
      agent({ id: 24, at: [2, 3], name: 'FAB-SRV01', serial: 'CZ2130XYZ2', nodeClass: 'WINDOWS_SERVER' }),
    ],
  });
}
