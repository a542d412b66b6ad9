/**
 * The simulator's data: one table per Halo resource with the indexes the list filters and
 * validations need (sites by client, users by site, assets by site / type / user / tag, tickets by
 * alert id, …), loaded from a copy of the seed. Nothing here knows HTTP.
 */

import type { HaloSeed } from '../seed.js';
import { haloTime } from './halo-time.js';
import type {
  ActionRecord,
  AgentRecord,
  AssetGroupRecord,
  AssetRecord,
  AssetTypeRecord,
  CategoryRecord,
  ClientRecord,
  ControlRecord,
  CustomFieldDefinitionRecord,
  FieldRecord,
  HaloResourceName,
  HaloState,
  OutcomeRecord,
  PriorityRecord,
  SiteRecord,
  SlaRecord,
  StatusRecord,
  TeamRecord,
  TicketRecord,
  TicketTypeRecord,
  TopLevelRecord,
  UserRecord,
} from './records.js';
import { Journal, Table } from './table.js';
import { TicketChanges } from './ticket-changes.js';

/** The name every site's catch-all contact has (NOTES §4.3). */
export const GENERAL_USER_NAME = 'General User';

/** Lower-cased, trimmed asset tag, the key of the uniqueness check (SQL Server compares case-insensitively). */
export function tagKey(tag: string | undefined): string | undefined {
  const key = tag?.trim().toLowerCase();
  return key ? key : undefined;
}

/** A team name as the teams index holds it: compared without case and surrounding spaces (SQL Server's default collation ignores case and trailing spaces). */
export function teamKey(name: string): string {
  return name.trim().toLowerCase();
}

/** A record as a seed may give it: the dates the store stamps may be left out. */
type Unstamped<T, Stamped extends keyof T> = Omit<T, Stamped> & Partial<Pick<T, Stamped>>;

/**
 * What a simulator starts from: a HaloSeed (whose types ask for a few fields real rows lack), or a
 * HaloState with its apps (whose records allow that); tickets and actions optional.
 */
export interface HaloStoreSeed extends Omit<HaloSeed, 'clients' | 'sites' | 'users' | 'assets'> {
  clients: Unstamped<ClientRecord, 'datecreated'>[];
  sites: Unstamped<SiteRecord, 'datecreated'>[];
  users: Unstamped<UserRecord, 'datecreated'>[];
  assets: Unstamped<AssetRecord, 'datecreated' | 'last_modified'>[];
  tickets?: TicketRecord[];
  actions?: ActionRecord[];
}

export class HaloStore {
  readonly journal = new Journal();
  readonly topLevels = new Table<TopLevelRecord>('topLevels', this.journal);
  readonly clients = new Table<ClientRecord>('clients', this.journal, { topLevel: (c) => (c.toplevel_id === undefined ? [] : [c.toplevel_id]) });
  readonly sites = new Table<SiteRecord>('sites', this.journal, { client: (s) => [s.client_id] });
  readonly users = new Table<UserRecord>('users', this.journal, {
    site: (u) => [u.site_id],
    generalUser: (u) => (u.isgeneraluser ? [u.site_id] : []),
  });
  readonly assetGroups = new Table<AssetGroupRecord>('assetGroups', this.journal);
  readonly fields = new Table<FieldRecord>('fields', this.journal, { name: (f) => [f.name.trim().toLowerCase()] });
  readonly customFieldDefinitions = new Table<CustomFieldDefinitionRecord>('customFieldDefinitions', this.journal, { name: (f) => [f.name.trim().toLowerCase()] });
  readonly assetTypes = new Table<AssetTypeRecord>('assetTypes', this.journal, { group: (t) => [t.assetgroup_id] });
  readonly assets = new Table<AssetRecord>('assets', this.journal, {
    client: (a) => [a.client_id],
    site: (a) => [a.site_id],
    type: (a) => [a.assettype_id],
    user: (a) => a.user_ids,
    tag: (a) => {
      const key = tagKey(a.inventory_number);
      return key ? [key] : [];
    },
  });
  readonly ticketTypes = new Table<TicketTypeRecord>('ticketTypes', this.journal);
  readonly statuses = new Table<StatusRecord>('statuses', this.journal);
  readonly outcomes = new Table<OutcomeRecord>('outcomes', this.journal);
  readonly priorities = new Table<PriorityRecord>('priorities', this.journal);
  readonly slas = new Table<SlaRecord>('slas', this.journal);
  /** Tickets name their team (`team`), matched by teamKey. */
  readonly teams = new Table<TeamRecord>('teams', this.journal, { name: (t) => (t.name ? [teamKey(t.name)] : []) });
  readonly agents = new Table<AgentRecord>('agents', this.journal);
  readonly categories = new Table<CategoryRecord>('categories', this.journal, { type: (c) => [c.type_id] });
  readonly tickets = new Table<TicketRecord>('tickets', this.journal, {
    client: (t) => (t.client_id === undefined ? [] : [t.client_id]),
    site: (t) => (t.site_id === undefined ? [] : [t.site_id]),
    asset: (t) => t.asset_ids,
    ninjaAlert: (t) => (t.ninja_alert_id ? [t.ninja_alert_id] : []),
    thirdParty: (t) => (t.third_party_id_string ? [t.third_party_id_string] : []),
  });
  readonly actions = new Table<ActionRecord>('actions', this.journal, { ticket: (a) => [a.ticket_id] });
  /** Tickets created or changed since the webhooks last published (webhooks.ts). */
  readonly ticketChanges = new TicketChanges();
  #control: ControlRecord;

  /** Copies the seed (never mutated) and gives every site without one its General User. Dates the seed lacks are `startMs`. */
  constructor(seed: HaloStoreSeed, startMs: number) {
    const copy = structuredClone(seed);
    const created = haloTime(startMs);
    const load = <T extends { id: number }>(table: Table<T>, rows: T[]) => {
      for (const row of [...rows].sort((a, b) => a.id - b.id)) table.put(row);
    };
    load(this.topLevels, copy.topLevels);
    load(this.clients, copy.clients.map((c) => ({ datecreated: created, ...c })));
    load(this.sites, copy.sites.map((s) => ({ datecreated: created, ...s })));
    load(this.users, copy.users.map((u) => ({ datecreated: created, ...u })));
    load(this.assetGroups, copy.assetGroups);
    load(this.fields, copy.fields);
    load(this.customFieldDefinitions, copy.customFieldDefinitions ?? []);
    load(this.assetTypes, copy.assetTypes);
    load(this.assets, copy.assets.map((a) => ({ datecreated: created, last_modified: created, ...a })));
    load(this.ticketTypes, copy.ticketTypes);
    load(this.statuses, copy.statuses);
    load(this.outcomes, copy.outcomes);
    load(this.priorities, copy.priorities);
    load(this.slas, copy.slas ?? []);
    load(this.teams, copy.teams ?? []);
    load(this.agents, copy.agents ?? []);
    load(this.categories, copy.categories ?? []);
    load(this.tickets, copy.tickets ?? []);
    load(this.actions, copy.actions ?? []);
    this.#control = copy.control;
    for (const site of this.sites.all()) {
      if (this.generalUser(site.id) === undefined) this.addGeneralUser(site.id, created);
    }
    this.ticketChanges.watch(this.tickets, this.actions);
  }

  get control(): ControlRecord {
    return this.#control;
  }

  /** Replaces the settings object (journaled like table writes). */
  setControl(next: ControlRecord): void {
    const previous = this.#control;
    this.#control = next;
    this.journal.record(() => {
      this.#control = previous;
    });
  }

  generalUser(siteId: number): UserRecord | undefined {
    return this.users.find('generalUser', siteId)[0];
  }

  addGeneralUser(siteId: number, created: string): UserRecord {
    const user: UserRecord = { id: this.users.nextId(), name: GENERAL_USER_NAME, site_id: siteId, inactive: false, isgeneraluser: true, datecreated: created };
    this.users.put(user);
    return user;
  }

  /** The id a new selection option gets: option ids are unique across every field and custom field (Halo's lookup rows). */
  nextOptionId(): number {
    const ids = [...this.fields.all(), ...this.customFieldDefinitions.all()].flatMap((f) => (f.values ?? []).map((o) => o.id));
    return Math.max(0, ...ids) + 1;
  }

  /** The table behind a HaloState key. */
  table(name: HaloResourceName): Table<{ id: number }> {
    return this[name] as unknown as Table<{ id: number }>;
  }

  /** A deep copy of every table. */
  state(): HaloState {
    return structuredClone({
      topLevels: this.topLevels.all(),
      clients: this.clients.all(),
      sites: this.sites.all(),
      users: this.users.all(),
      assetGroups: this.assetGroups.all(),
      fields: this.fields.all(),
      customFieldDefinitions: this.customFieldDefinitions.all(),
      assetTypes: this.assetTypes.all(),
      assets: this.assets.all(),
      ticketTypes: this.ticketTypes.all(),
      statuses: this.statuses.all(),
      outcomes: this.outcomes.all(),
      priorities: this.priorities.all(),
      slas: this.slas.all(),
      teams: this.teams.all(),
      agents: this.agents.all(),
      categories: this.categories.all(),
      tickets: this.tickets.all(),
      actions: this.actions.all(),
      control: this.#control,
    });
  }
}
