/** splitForSync: what a cycle applies and what it holds, on hand-made plans. */

import { describe, expect, it } from 'vitest';
import type { Sync } from '../../src/config/spec.js';
import { PLAN_FORMAT_VERSION, summarise, type Change, type Plan } from '../../src/plan/plan.js';
import { splitForSync } from '../../src/sync/policy.js';

const SYNC: Sync = { everyMinutes: 15, resyncHours: 24, autoApply: ['asset.create', 'asset.update', 'asset.deactivate', 'client.create'], autoApplyGiven: true };

function plan(changes: Change[], errors: Plan['errors'] = []): Plan {
  return {
    formatVersion: PLAN_FORMAT_VERSION,
    specHash: 'sha256:test',
    createdAt: '2026-12-03T00:00:00.000Z',
    rmm: { name: 'NinjaOne', halo: { client: 'ninjarmmid', site: 'ninjarmmid', asset: 'ninjarmm_id' } },
    targets: { ninjaone: 'https://eu.ninjarmm.com', halo: 'https://acme.halopsa.com' },
    errors,
    warnings: [],
    changes,
    ...summarise(changes),
    read: { organizations: 0, locations: 0, devices: 0, haloClients: 0, haloAssets: 0 },
  };
}

const client = (action: Change['action'], name: string, haloId?: number): Change =>
  ({ address: `client["${name}"]`, kind: 'client', action, name, ...(haloId !== undefined ? { haloId } : {}), ...(action === 'no-op' ? {} : { after: { name } }) }) as Change;
const site = (action: Change['action'], name: string, clientName: string, haloId?: number): Change =>
  ({ address: `site["${clientName}/${name}"]`, kind: 'site', action, name, ...(haloId !== undefined ? { haloId } : {}), dependsOn: [`client["${clientName}"]`], ...(action === 'no-op' ? {} : { after: { name, client: { ref: `client["${clientName}"]` } } }) }) as Change;
const asset = (action: Change['action'], id: number, clientName: string, siteName: string, extra: Partial<Change> = {}): Change =>
  ({
    address: `asset["ninja:${id}"]`,
    kind: 'asset',
    action,
    name: `PC-${id}`,
    rmmId: id,
    dependsOn: [`client["${clientName}"]`, `site["${clientName}/${siteName}"]`],
    ...(action === 'create' ? { after: { client: { ref: `client["${clientName}"]` }, site: { ref: `site["${clientName}/${siteName}"]` } } } : { haloId: 500 + id, before: { inactive: false }, after: { inactive: true } }),
    ...extra,
  }) as Change;

describe('splitForSync', () => {
  it('applies the kinds autoApply lists and holds the rest, with why', () => {
    const split = splitForSync(plan([client('no-op', 'Contoso', 1), site('no-op', 'HQ', 'Contoso', 2), asset('create', 7, 'Contoso', 'HQ'), client('update', 'Fabrikam', 3)]), SYNC);
    expect(split.plan.changes.filter((c) => c.action !== 'no-op').map((c) => c.address)).toEqual(['asset["ninja:7"]']);
    expect(split.held).toEqual([{ address: 'client["Fabrikam"]', kind: 'client', action: 'update', name: 'Fabrikam', reason: 'client.update is not in sync.autoApply: it waits for a reviewed apply' }]);
    // The held update stays in the plan as a no-op with its Halo id, so references to it still resolve.
    expect(split.plan.changes.find((c) => c.address === 'client["Fabrikam"]')).toMatchObject({ action: 'no-op', haloId: 3 });
    expect(split.plan.changes.find((c) => c.address === 'client["Fabrikam"]')).not.toHaveProperty('after');
    expect(split.plan.summary).toMatchObject({ create: 1, update: 0 });
  });

  it('holds what needs a held create, and lets what needs a held update of an existing object through', () => {
    const changes = [client('create', 'Newco'), site('create', 'Harbour', 'Newco'), asset('create', 8, 'Newco', 'Harbour'), client('update', 'Contoso', 1), site('no-op', 'HQ', 'Contoso', 2), asset('create', 9, 'Contoso', 'HQ')];
    const split = splitForSync(plan(changes), SYNC);
    expect(split.held.map((h) => [h.address, h.reason])).toEqual([
      ['site["Newco/Harbour"]', 'site.create is not in sync.autoApply: it waits for a reviewed apply'],
      ['asset["ninja:8"]', 'it needs site["Newco/Harbour"], which is held'],
      ['client["Contoso"]', 'client.update is not in sync.autoApply: it waits for a reviewed apply'],
    ]);
    expect(split.plan.changes.filter((c) => c.action !== 'no-op').map((c) => c.address)).toEqual(['client["Newco"]', 'asset["ninja:9"]']);
  });

  it('holds an asset whose field the plan would create when that field is held', () => {
    const field = { address: 'asset_field["Warranty"]', kind: 'asset_field', action: 'create', name: 'Warranty', after: { name: 'Warranty', type: 'date' } } as Change;
    const withField = asset('create', 10, 'Contoso', 'HQ', { fieldIds: { Warranty: { ref: 'asset_field["Warranty"]' } } } as Partial<Change>);
    const split = splitForSync(plan([field, client('no-op', 'Contoso', 1), site('no-op', 'HQ', 'Contoso', 2), withField]), SYNC);
    expect(split.held.map((h) => h.address)).toEqual(['asset_field["Warranty"]', 'asset["ninja:10"]']);
    expect(split.held[1]!.reason).toBe('it needs asset_field["Warranty"], which is held');
  });

  it('holds every deactivation, and only them, when the mass-deactivation guard tripped', () => {
    const guard = { severity: 'error' as const, summary: 'Mass deactivation', detail: '30 of 100 managed Halo assets (30%) would be deactivated.' };
    const split = splitForSync(plan([client('no-op', 'Contoso', 1), site('no-op', 'HQ', 'Contoso', 2), asset('deactivate', 1, 'Contoso', 'HQ'), asset('create', 2, 'Contoso', 'HQ')], [guard]), SYNC);
    expect(split.refused).toBeUndefined();
    expect(split.plan.errors).toEqual([]);
    expect(split.held).toEqual([expect.objectContaining({ address: 'asset["ninja:1"]', reason: 'the mass-deactivation guard tripped — 30 of 100 managed Halo assets (30%) would be deactivated' })]);
    expect(split.plan.changes.filter((c) => c.action !== 'no-op').map((c) => c.address)).toEqual(['asset["ninja:2"]']);
  });

  it('applies nothing from a plan with any other error', () => {
    const split = splitForSync(plan([asset('create', 2, 'Contoso', 'HQ')], [{ severity: 'error', summary: 'Unmapped organisation', detail: '...' }]), SYNC);
    expect(split.refused).toBe('the plan has an error (Unmapped organisation), so the cycle applies nothing until it is fixed');
    expect(split.plan.changes.filter((c) => c.action !== 'no-op')).toEqual([]);
    expect(split.held.map((h) => h.address)).toEqual(['asset["ninja:2"]']);
  });

  it('never syncs the alert webhook (it is apply’s), nor lists it as held', () => {
    const hook = { address: 'ninja_webhook', kind: 'ninja_webhook', action: 'update', name: 'NinjaOne alert webhook', after: { url: 'https://x', header: 'Authorization', organisations: 'all' } } as Change;
    const split = splitForSync(plan([hook]), SYNC);
    expect(split.plan.changes).toEqual([]);
    expect(split.held).toEqual([]);
  });

  it('says when the kinds are the defaults', () => {
    const split = splitForSync(plan([client('update', 'Fabrikam', 3)]), { ...SYNC, autoApplyGiven: false });
    expect(split.held[0]!.reason).toBe('client.update is not in sync.autoApply (its default): it waits for a reviewed apply');
  });
});
