/**
 * How organisations, locations, alerts and custom field definitions are written out
 * (reference/ninjaone/NOTES.md §2, §4, §5): spec key order, absent values omitted.
 */

import type { NinjaAlert, NinjaCustomFieldDefinition, NinjaLocation, NinjaOrganization } from '../seed.js';
import { withoutAbsent } from './device-shapes.js';

/** The five products of `settings` in `/v2/organizations-detailed` (spec OrganizationSettings). */
const SETTING_PRODUCTS = ['trayicon', 'splashtop', 'teamviewer', 'backup', 'psa'] as const;

/** `/v2/organizations` row: `{name, description?, userData?, nodeApprovalMode, id}` [spec; observed order]. */
export function renderOrganization(org: NinjaOrganization): Record<string, unknown> {
  return withoutAbsent({ name: org.name, description: org.description, userData: org.userData, nodeApprovalMode: org.nodeApprovalMode, id: org.id });
}

/**
 * `/v2/organizations-detailed` row and `/v2/organization/{id}`: the organisation plus its
 * locations, policy mappings and settings. The seed has no policies or settings, so unless a
 * seed record carries its own (`policies`, `settings` keys), policies are `[]` and every product
 * is present and disabled — the spec's shape; the real defaults are not captured anywhere.
 */
export function renderOrganizationDetailed(org: NinjaOrganization, locations: readonly NinjaLocation[]): Record<string, unknown> {
  const extra = org as NinjaOrganization & { policies?: unknown; settings?: unknown };
  return {
    ...renderOrganization(org),
    locations: locations.map((l) => renderLocation(l, false)),
    policies: extra.policies ?? [],
    settings: extra.settings ?? Object.fromEntries(SETTING_PRODUCTS.map((product) => [product, { product, enabled: false, targets: [], options: {} }])),
  };
}

/** A location; `withOrganization` for the flat `/v2/locations` list, which adds `organizationId` [spec]. */
export function renderLocation(location: NinjaLocation, withOrganization: boolean): Record<string, unknown> {
  return withoutAbsent({
    name: location.name,
    address: location.address,
    description: location.description,
    userData: location.userData,
    id: location.id,
    organizationId: withOrganization ? location.organizationId : undefined,
  });
}

const ALERT_FIELDS = [
  'uid',
  'deviceId',
  'message',
  'createTime',
  'updateTime',
  'sourceType',
  'sourceConfigUid',
  'sourceName',
  'subject',
  'userId',
  'psaTicketId',
  'ticketTemplateId',
  'data',
  'priority',
  'severity',
  'conditionName',
  'conditionHealthStatus',
  'useGlobalHealthStatus',
] as const;

/** `/v2/alerts` item in the order of the NOTES §5 capture; unknown extra keys of a seed alert follow. */
export function renderAlert(alert: NinjaAlert): Record<string, unknown> {
  return ordered(alert as unknown as Record<string, unknown>, ALERT_FIELDS);
}

const DEFINITION_FIELDS = [
  'entityType',
  'scope',
  'definitionScope',
  'type',
  'label',
  'description',
  'name',
  'defaultValue',
  'endUserPermission',
  'technicianPermission',
  'scriptPermission',
  'apiPermission',
  'content',
  'system',
  'active',
  'createTime',
  'updateTime',
] as const;

/**
 * `/v2/device-custom-fields` item: the seed definition in spec key order, with its
 * `definitionScope` and `content.values` (options `{id, name, active, system}`) when it has them.
 * The numeric `id` a seed definition may carry stays out: the spec's item schema has no `id`
 * (every definition endpoint keys fields by name) and no capture shows one.
 */
export function renderDefinition(definition: NinjaCustomFieldDefinition): Record<string, unknown> {
  const { id: _id, ...rest } = definition;
  return ordered(rest as unknown as Record<string, unknown>, DEFINITION_FIELDS);
}

/** Whether `/v2/device-custom-fields?scopes=` keeps a definition: `all` (or none given) keeps every one, else its definitionScope (default NODE) must meet the list [unverified]. */
export function inScopes(definition: NinjaCustomFieldDefinition, scopes: ReadonlySet<string> | undefined): boolean {
  if (!scopes || scopes.has('ALL')) return true;
  return (definition.definitionScope ?? ['NODE']).some((scope) => scopes.has(scope.toUpperCase()));
}

function ordered(record: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of keys) if (record[key] !== undefined && record[key] !== null) out[key] = record[key];
  for (const [key, value] of Object.entries(record)) if (!(key in out) && value !== undefined && value !== null) out[key] = value;
  return out;
}
