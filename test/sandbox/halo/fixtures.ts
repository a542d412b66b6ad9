/** A small hand-made Halo seed and an HTTP helper for talking to the simulator as a client would. */

import type { HaloSeed } from '../../../src/sandbox/seed.js';
import { startHaloSimulator, type HaloSimulator, type HaloSimulatorOptions, type HaloStoreSeed } from '../../../src/sandbox/halo/index.js';

/** 2024-05-01T09:30:12.357Z — every test's clock starts here. */
export const T0 = Date.UTC(2024, 4, 1, 9, 30, 12, 357);

export const APP = { clientId: 'haloform', clientSecret: 's3cret', scopes: ['all'], agentId: 5 };

/**
 * Top level 1; clients 12 (Contoso, main site 33) and 13 (Fabrikam, inactive); sites 33 HQ, 34 Branch
 * (inactive), 40 Fabrikam Main; users 44 Jo (site 33), 45 Al (site 34, inactive) and a General User
 * for site 33 (id 46); fields 117 Serial Number, 118 Model, 119 Warranty End; asset types 4
 * Workstation (117, 118; key field 117) and 5 Server (117); assets 1001–1003.
 */
export function smallSeed(): HaloSeed {
  return {
    apps: [
      APP,
      { clientId: 'reader', clientSecret: 'r', scopes: ['read:customers', 'read:assets', 'read:tickets'], agentId: 6 },
      { clientId: 'customers', clientSecret: 'c', scopes: ['edit:customers'], agentId: 7 },
      { clientId: 'operator', clientSecret: 'o', scopes: ['edit:customers', 'edit:assets', 'edit:tickets'], agentId: 8 },
    ],
    topLevels: [{ id: 1, name: 'Managed Clients' }, { id: 2, name: 'Internal' }],
    clients: [
      { id: 12, name: 'Contoso', toplevel_id: 1, inactive: false, main_site_id: 33, ninjarmmid: 501 },
      { id: 13, name: 'Fabrikam', toplevel_id: 2, inactive: true, main_site_id: 40 },
    ],
    sites: [
      { id: 33, name: 'HQ', client_id: 12, inactive: false, ninjarmmid: 601 },
      { id: 34, name: 'Branch', client_id: 12, inactive: true },
      { id: 40, name: 'Fabrikam Main', client_id: 13, inactive: false },
    ],
    users: [
      { id: 44, name: 'Jo Bloggs', firstname: 'Jo', surname: 'Bloggs', emailaddress: 'jo@contoso.example', site_id: 33, inactive: false },
      { id: 45, name: 'Al Old', site_id: 34, inactive: true },
      { id: 46, name: 'General User', site_id: 33, inactive: false, isgeneraluser: true },
    ],
    assetGroups: [{ id: 1, name: 'Hardware' }],
    fields: [
      { id: 117, name: 'Serial Number' },
      { id: 118, name: 'Model' },
      { id: 119, name: 'Warranty End', type: 1 },
    ],
    assetTypes: [
      { id: 4, name: 'Workstation', assetgroup_id: 1, field_ids: [117, 118], keyfield_id: 117 },
      { id: 5, name: 'Server', assetgroup_id: 1, field_ids: [117] },
    ],
    assets: [
      { id: 1001, inventory_number: 'LAPTOP-001', client_id: 12, site_id: 33, assettype_id: 4, inactive: false, fields: [{ id: 117, value: 'SN-1' }, { id: 118, value: 'XPS 13' }], user_ids: [44], ninjarmm_id: 9001 },
      { id: 1002, inventory_number: 'SRV-001', client_id: 12, site_id: 33, assettype_id: 5, inactive: false, fields: [{ id: 117, value: 'SN-2' }], user_ids: [] },
      { id: 1003, inventory_number: 'LAPTOP-OLD', client_id: 12, site_id: 34, assettype_id: 4, inactive: true, fields: [], user_ids: [] },
    ],
    ticketTypes: [{ id: 21, name: 'Alert', initial_status: 1, default_priority: 3 }, { id: 22, name: 'Incident' }],
    statuses: [
      { id: 1, name: 'New', type: 'open' },
      { id: 2, name: 'In Progress', type: 'open' },
      { id: 9, name: 'Closed', type: 'closed' },
    ],
    outcomes: [{ id: 1, outcome: 'Update' }, { id: 7, outcome: 'Internal Note' }],
    priorities: [{ id: 1, name: 'Critical' }, { id: 2, name: 'High' }, { id: 3, name: 'Medium' }, { id: 4, name: 'Low' }],
    control: { allowduplicateinv: true, ninja_alert_webhooks: false },
  };
}

export interface Answer {
  status: number;
  text: string;
  /** The parsed body, undefined when empty. */
  body: any;
  headers: Headers;
}

/** A simulator with a clock the test moves, and a client that fetches with a token. */
export class Harness {
  token = '';

  private constructor(
    readonly sim: HaloSimulator,
    private readonly time: { ms: number },
  ) {}

  static async start(seed: HaloStoreSeed = smallSeed(), options: HaloSimulatorOptions = {}): Promise<Harness> {
    const time = { ms: T0 };
    const sim = await startHaloSimulator(seed, { now: () => time.ms, ...options });
    return new Harness(sim, time);
  }

  /** The simulator's clock (ms); tests move it forward. */
  get clock(): number {
    return this.time.ms;
  }

  set clock(ms: number) {
    this.time.ms = ms;
  }

  get url(): string {
    return this.sim.url;
  }

  async request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
    const init: RequestInit = { method, headers: { ...headers } };
    if (this.token && !('authorization' in headers)) (init.headers as Record<string, string>)['authorization'] = `Bearer ${this.token}`;
    if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
      (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
    }
    const response = await fetch(`${this.url}${path}`, init);
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      parsed = text;
    }
    return { status: response.status, text, body: parsed, headers: response.headers };
  }

  /** POST /auth/token with a form body. */
  tokenRequest(form: Record<string, string>, tenant: string | null = 'demo'): Promise<Answer> {
    const query = tenant === null ? '' : `?tenant=${encodeURIComponent(tenant)}`;
    return this.request('POST', `/auth/token${query}`, new URLSearchParams(form).toString(), {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: '',
    });
  }

  /** Logs in as `app` (default: the all-scopes app) and keeps the token for later requests. */
  async login(app: { clientId: string; clientSecret: string } = APP, scope?: string): Promise<this> {
    const form: Record<string, string> = { grant_type: 'client_credentials', client_id: app.clientId, client_secret: app.clientSecret };
    if (scope !== undefined) form['scope'] = scope;
    const answer = await this.tokenRequest(form);
    if (answer.status !== 200) throw new Error(`login failed: ${answer.status} ${answer.text}`);
    this.token = answer.body.access_token;
    return this;
  }

  get(path: string): Promise<Answer> {
    return this.request('GET', path);
  }

  post(path: string, body: unknown): Promise<Answer> {
    return this.request('POST', path, body);
  }

  stop(): Promise<void> {
    return this.sim.stop();
  }
}

/** smallSeed plus `n` active workstations at site 33, ids from 2001, tags `WS-0001`…, serials `SER-0001`…. */
export function seedWithAssets(n: number): HaloSeed {
  const seed = smallSeed();
  for (let i = 1; i <= n; i++) {
    const tag = String(i).padStart(4, '0');
    seed.assets.push({ id: 2000 + i, inventory_number: `WS-${tag}`, client_id: 12, site_id: 33, assettype_id: 4, inactive: false, fields: [{ id: 117, value: `SER-${tag}` }], user_ids: [] });
  }
  return seed;
}

/**
 * smallSeed with what real tenants hold (issue 13): fields 120 Support Tier (single selection:
 * Bronze 1, Silver 2, Gold 3) and 121 Managed Services (multiple selection: Backup 11, Antivirus 12,
 * Patching 13) on Workstation (type 4); asset custom fields 201 CFcontractTier (selection:
 * Essentials 21, Professional 22) and 202 CFsiteContact (text); asset 1001 holding Silver, [11, 13]
 * and Professional; a stock asset 1004 (client and site -1, serial STOCK-SN); a site 35 of
 * client 12 without a name; a user 47 on no site (-1); a client 14 without a top level.
 */
export function realSeed(): HaloStoreSeed {
  const seed: HaloStoreSeed = smallSeed();
  seed.fields.push(
    { id: 120, name: 'Support Tier', type: 3, lookup: 1, values: [{ id: 1, name: 'Bronze' }, { id: 2, name: 'Silver' }, { id: 3, name: 'Gold' }] },
    { id: 121, name: 'Managed Services', type: 4, lookup: 2, values: [{ id: 11, name: 'Backup' }, { id: 12, name: 'Antivirus' }, { id: 13, name: 'Patching' }] },
  );
  seed.customFieldDefinitions = [
    { id: 201, name: 'CFcontractTier', label: 'Contract Tier', type: 3, values: [{ id: 21, name: 'Essentials' }, { id: 22, name: 'Professional' }] },
    { id: 202, name: 'CFsiteContact', label: 'Site Contact', type: 0 },
  ];
  seed.assetTypes[0]!.field_ids.push(120, 121);
  const laptop = seed.assets[0]!;
  laptop.fields.push({ id: 120, value: 2 }, { id: 121, value: [11, 13] });
  laptop.customfields = [{ id: 201, value: 22 }];
  seed.assets.push({ id: 1004, client_id: -1, site_id: -1, assettype_id: 4, inactive: false, fields: [{ id: 117, value: 'STOCK-SN' }], user_ids: [] });
  seed.clients.push({ id: 14, name: 'Woodgrove', inactive: false });
  seed.sites.push({ id: 35, client_id: 12, inactive: false });
  seed.users.push({ id: 47, name: 'Sam Leaver', site_id: -1, inactive: false });
  return seed;
}
