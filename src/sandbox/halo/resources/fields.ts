/**
 * `/api/Field` — asset field definitions (reference/halopsa/NOTES.md §4.5): a bare array (the notes
 * allow a bare array or `{fields}`; the simulator answers a bare array), `type_id` lists one asset
 * type's fields. Writes need `admin`; `POST /api/Field/AddFieldToAll/{id}` puts the field on every
 * asset type that lacks it (Halo's "Add to all asset types").
 */

import type { Router } from '../../sim-server.js';
import { api, json, routeId, upsert } from '../api.js';
import type { HaloContext } from '../context.js';
import { badRequest } from '../errors.js';
import { requireText, type ItemReader } from '../item-reader.js';
import { Query } from '../query.js';
import type { FieldRecord } from '../records.js';
import { patched, toUpdate } from './common.js';

export function renderField(field: FieldRecord): Record<string, unknown> {
  return { id: field.id, name: field.name };
}

function saveField(ctx: HaloContext, item: ItemReader): number {
  const { store } = ctx;
  const id = item.id();
  const existing = id === undefined ? undefined : toUpdate(store.fields, id, 'Field');
  const name = item.string('name');
  if (name !== undefined && (name === null || name.trim() === '')) throw badRequest(`name cannot be empty. Path '${item.at('name')}'.`);
  if (name) {
    const clash = store.fields.find('name', name.trim().toLowerCase()).find((f) => f.id !== existing?.id);
    if (clash) throw badRequest(`A field named "${clash.name}" already exists (id ${clash.id}). Path '${item.at('name')}'.`);
  }
  if (existing) {
    const next = patched(existing, { name });
    store.fields.put(next);
    return next.id;
  }
  requireText(name, `name is required to create a field. Path '${item.at('name')}'.`);
  const field: FieldRecord = { id: store.fields.nextId(), name: name! };
  store.fields.put(field);
  return field.id;
}

export function registerFields(router: Router, ctx: HaloContext): void {
  const { store } = ctx;
  router.on(
    'GET',
    '/api/Field',
    api(ctx, 'assets', 'read', (req) => {
      const typeId = new Query(req.query).int('type_id');
      const type = typeId === undefined ? undefined : store.assetTypes.get(typeId);
      const rows = typeId === undefined ? store.fields.all() : (type?.field_ids ?? []).map((id) => store.fields.get(id)).filter((f) => f !== undefined);
      return json(200, rows.map(renderField));
    }),
  );
  router.on(
    'GET',
    '/api/Field/:id',
    api(ctx, 'assets', 'read', (req) => json(200, renderField(toUpdate(store.fields, routeId(req, 'Field'), 'Field')))),
  );
  router.on(
    'POST',
    '/api/Field',
    api(ctx, 'admin', 'edit', (req) => upsert(ctx, req, 'Field', (item) => saveField(ctx, item), (id) => renderField(store.fields.get(id)!))),
  );
  router.on(
    'POST',
    '/api/Field/AddFieldToAll/:id',
    api(ctx, 'admin', 'edit', (req) => {
      const field = toUpdate(store.fields, routeId(req, 'Field'), 'Field');
      for (const type of store.assetTypes.all()) {
        if (!type.field_ids.includes(field.id)) store.assetTypes.put({ ...type, field_ids: [...type.field_ids, field.id] });
      }
      return { status: 200 };
    }),
  );
  router.on(
    'DELETE',
    '/api/Field/:id',
    api(ctx, 'admin', 'edit', (req) => {
      const field = toUpdate(store.fields, routeId(req, 'Field'), 'Field');
      for (const type of store.assetTypes.all()) {
        if (type.field_ids.includes(field.id) || type.keyfield_id === field.id) {
          store.assetTypes.put(patched(type, { field_ids: type.field_ids.filter((id) => id !== field.id), keyfield_id: type.keyfield_id === field.id ? null : undefined }));
        }
      }
      for (const asset of store.assets.all()) {
        if (asset.fields.some((f) => f.id === field.id)) store.assets.put({ ...asset, fields: asset.fields.filter((f) => f.id !== field.id) });
      }
      store.fields.remove(field.id);
      return { status: 200 };
    }),
  );
}
