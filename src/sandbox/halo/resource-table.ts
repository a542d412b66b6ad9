/**
 * The Halo simulator's REST resources, one entry each: path, scope areas, list shape and filters,
 * rendering, POST upsert, DELETE and record operations (resource-routes.ts makes the routes). What
 * a resource does differently lives in its module under resources/.
 */

import { resource, nothingDepends, type HaloResourceEntry } from './resource-routes.js';
import { saveAction, renderAction, selectActions } from './resources/actions.js';
import { beforeDeleteAssetType, renderAssetType, saveAssetType, selectAssetTypes } from './resources/asset-types.js';
import { renderAsset, renderListedAsset, saveAsset, selectAssets } from './resources/assets.js';
import { beforeDeleteClient, renderClient, saveClient, selectClients } from './resources/clients.js';
import { saveControl } from './resources/control-settings.js';
import { renderFieldInfo, selectFieldInfo } from './resources/custom-fields.js';
import { addFieldToAll, beforeDeleteField, renderField, saveField, selectFields } from './resources/fields.js';
import { renderAgent, renderCategory, renderNamed, renderOutcome, renderPriority, renderTeam, renderTicketType, saveNamed, selectCategories } from './resources/lookups.js';
import { beforeDeleteSite, renderSite, saveSite, selectSites } from './resources/sites.js';
import { beforeDeleteTicket, renderTicket, saveTicket, selectTickets } from './resources/tickets.js';
import { beforeDeleteUser, renderUser, saveUser, selectUsers } from './resources/users.js';

/** Every resource, in the order its routes are registered; one entry a line. */
export const HALO_RESOURCES: readonly HaloResourceEntry[] = [
  resource({ path: 'Client', what: 'Client', area: 'customers', rows: (s) => s.clients, envelope: 'clients', select: selectClients, render: renderClient, post: { model: 'Area', save: saveClient }, beforeDelete: beforeDeleteClient }),
  resource({ path: 'Site', what: 'Site', area: 'customers', rows: (s) => s.sites, envelope: 'sites', select: selectSites, render: renderSite, post: { model: 'Site', save: saveSite }, beforeDelete: beforeDeleteSite }),
  resource({ path: 'Users', what: 'User', area: 'customers', rows: (s) => s.users, envelope: 'users', select: selectUsers, render: renderUser, post: { model: 'Users', save: saveUser }, beforeDelete: beforeDeleteUser }),
  // A read or a POST answer always shows an asset's fields[]; a list only on request.
  resource({ path: 'Asset', what: 'Asset', area: 'assets', rows: (s) => s.assets, envelope: 'assets', select: selectAssets, render: (ctx, a) => renderAsset(ctx, a, true), renderListed: renderListedAsset, post: { model: 'Device', save: saveAsset }, beforeDelete: nothingDepends }),
  resource({ path: 'AssetType', what: 'Asset type', area: 'assets', editArea: 'admin', rows: (s) => s.assetTypes, select: selectAssetTypes, render: renderAssetType, post: { model: 'Xtype', save: saveAssetType }, beforeDelete: beforeDeleteAssetType }),
  resource({ path: 'Field', what: 'Field', area: 'assets', editArea: 'admin', rows: (s) => s.fields, select: selectFields, render: (_ctx, f) => renderField(f), post: { model: 'Field', save: saveField }, operations: [{ name: 'AddFieldToAll', run: addFieldToAll }], beforeDelete: beforeDeleteField }),
  resource({ path: 'FieldInfo', what: 'Custom field', area: 'assets', rows: (s) => s.customFieldDefinitions, select: selectFieldInfo, render: (_ctx, d) => renderFieldInfo(d) }),
  resource({ path: 'TicketType', what: 'Ticket type', area: 'tickets', rows: (s) => s.ticketTypes, render: (_ctx, t) => renderTicketType(t) }),
  resource({ path: 'Status', what: 'Status', area: 'tickets', rows: (s) => s.statuses, render: (_ctx, status) => renderNamed(status) }),
  resource({ path: 'Priority', what: 'Priority', area: 'tickets', rows: (s) => s.priorities, render: (_ctx, p) => renderPriority(p) }),
  // Alert routing's lists. Halo's scope for them is not documented: read:tickets here [unverified].
  resource({ path: 'SLA', what: 'SLA', area: 'tickets', rows: (s) => s.slas, render: (_ctx, sla) => renderNamed(sla) }),
  resource({ path: 'Team', what: 'Team', area: 'tickets', rows: (s) => s.teams, render: (_ctx, t) => renderTeam(t) }),
  resource({ path: 'Agent', what: 'Agent', area: 'tickets', rows: (s) => s.agents, render: (_ctx, a) => renderAgent(a) }),
  resource({ path: 'Category', what: 'Category', area: 'tickets', rows: (s) => s.categories, select: selectCategories, render: (_ctx, c) => renderCategory(c) }),
  resource({ path: 'Outcome', what: 'Outcome', area: 'tickets', rows: (s) => s.outcomes, render: (_ctx, o) => renderOutcome(o) }),
  resource({ path: 'AssetGroup', what: 'Asset group', area: 'assets', editArea: 'admin', rows: (s) => s.assetGroups, render: (_ctx, g) => renderNamed(g), post: { model: 'Generic', save: (ctx, item) => saveNamed(ctx.store.assetGroups, 'Asset group', item) } }),
  resource({ path: 'TopLevel', what: 'Top level', area: 'customers', rows: (s) => s.topLevels, render: (_ctx, t) => renderNamed(t), post: { model: 'Tree', save: (ctx, item) => saveNamed(ctx.store.topLevels, 'Top level', item) } }),
  resource({ path: 'Tickets', what: 'Ticket', area: 'tickets', rows: (s) => s.tickets, envelope: 'tickets', select: selectTickets, render: renderTicket, post: { model: 'Faults', save: saveTicket }, beforeDelete: beforeDeleteTicket }),
  resource({ path: 'Actions', what: 'Action', area: 'tickets', rows: (s) => s.actions, envelope: 'actions', select: selectActions, render: renderAction, post: { model: 'Actions', save: saveAction }, beforeDelete: nothingDepends }),
  { path: 'Control', area: 'admin', settings: (s) => s.control, post: { model: 'Control', save: saveControl } },
];
