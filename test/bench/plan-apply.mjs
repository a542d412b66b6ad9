/**
 * plan/apply at scale (DESIGN.md §8): the sandbox with N devices and 50 ms per request, no rate
 * limit; wall time of a first plan, an apply and a no-change plan in a process of their own;
 * requests per endpoint, as the sandbox logged them, against the theoretical minimum; peak RSS.
 */

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox } from '../../dist/sandbox/index.js';
import { countByEndpoint, ROOT, runChild, saveResults, verdict } from './lib.mjs';

const BATCH = 50;

/** The demo spec with pacing off (this benchmark measures haloform, not Halo's budget). */
function benchSpec() {
  const dir = mkdtempSync(join(tmpdir(), 'haloform-bench-spec-'));
  const path = join(dir, 'bench.yaml');
  const text = readFileSync(join(ROOT, 'config/demo.yaml'), 'utf8').replace(/(    clientSecret: \$\{HALO_CLIENT_SECRET:-sandbox-secret\}\n)/, `$1    rateLimit: false\n    batchSize: ${BATCH}\n`);
  if (!text.includes('rateLimit: false')) throw new Error('could not turn pacing off in the bench spec');
  writeFileSync(path, text);
  return path;
}

/** Fewest requests a read can take: NinjaOne pages of 1000 (a full last page needs one more), Halo pages of 100. */
function minimumReads(sandbox, haloAssetsByType) {
  const n = sandbox.data.ninjaone;
  const ninjaPages = (rows) => Math.floor(rows / 1000) + 1;
  const haloPages = (rows) => Math.max(1, Math.ceil(rows / 100));
  const state = sandbox.halo.control.state();
  // The bulk query asks only for the device fields the spec maps and lists only devices that have one;
  // the scoped query, the organisation and location values the demo inherits or reads (supportTier, contractTier).
  const mapped = ['warrantyEnd', 'supportTier', 'managedServices', 'purchaseDate'];
  const withFields = Object.values(n.customFields).filter((f) => mapped.some((k) => f[k] !== undefined)).length;
  const scoped = ['supportTier', 'contractTier'];
  const scopedRows = [...Object.values(n.organizationCustomFields ?? {}), ...Object.values(n.locationCustomFields ?? {})].filter((f) => scoped.some((k) => f[k] !== undefined)).length;
  const ninja = 1 + ninjaPages(n.organizations.length) + ninjaPages(n.locations.length) + ninjaPages(n.devices.length) + ninjaPages(withFields) + ninjaPages(scopedRows) + 1;
  const users = state.users.filter((u) => !u.inactive && !u.isgeneraluser).length;
  const halo =
    1 +
    haloPages(state.topLevels.length) +
    haloPages(state.clients.length) +
    haloPages(state.sites.length) +
    haloPages(users) +
    haloPages(state.assetGroups.length) +
    haloPages(state.fields.length) +
    // Asset custom fields (FieldInfo), since the demo maps one.
    haloPages((state.customFieldDefinitions ?? []).length) +
    haloPages(state.assetTypes.length) +
    haloPages(state.ticketTypes.length) +
    1 /* Control */ +
    // Halo returns asset field values only per asset type (reference/halopsa/NOTES.md §3).
    state.assetTypes.reduce((sum, t) => sum + haloPages(haloAssetsByType.get(t.id) ?? 0), 0);
  return { ninja, halo };
}

function assetsByType(sandbox) {
  const out = new Map();
  for (const a of sandbox.halo.control.state().assets) out.set(a.assettype_id, (out.get(a.assettype_id) ?? 0) + 1);
  return out;
}

function reads(sandbox) {
  const all = [...sandbox.ninjaone.server.requests(), ...sandbox.halo.server.requests()];
  return {
    ninja: sandbox.ninjaone.server.requests().filter((r) => r.method === 'GET' || r.path.endsWith('/token')).length,
    halo: sandbox.halo.server.requests().filter((r) => r.method === 'GET' || r.path.endsWith('/token')).length,
    writes: all.filter((r) => r.method !== 'GET' && !r.path.endsWith('/token')).length,
    byEndpoint: { ninjaone: countByEndpoint(sandbox.ninjaone.server.requests()), halo: countByEndpoint(sandbox.halo.server.requests()) },
  };
}

/** haloform's own count of requests (--stats), to hold against what the sandbox logged. */
function statsTotal(stderr) {
  const m = /^Total\s+(\d+)/m.exec(stderr);
  return m ? Number(m[1]) : undefined;
}

export async function benchPlanApply({ sizes, latencyMs = 50 }) {
  const spec = benchSpec();
  const rows = [];
  for (const devices of sizes) {
    const sandbox = await startSandbox({ devices, latencyMs });
    const env = { ...sandbox.env, HALOFORM_WEBHOOK_SECRET: 'bench-webhook-secret' };
    try {
      const steps = {};
      const measure = async (name, argv, minimum) => {
        sandbox.ninjaone.server.clearRequests();
        sandbox.halo.server.clearRequests();
        const byType = assetsByType(sandbox);
        const run = await runChild([...argv, '--stats'], env);
        if (run.code !== 0) throw new Error(`${argv.join(' ')} exited ${run.code}:\n${run.stderr.slice(-3000)}`);
        const logged = reads(sandbox);
        const min = minimum ? minimumReads(sandbox, byType) : undefined;
        steps[name] = { wallMs: run.wallMs, peakRssMiB: run.peakRssMiB, logged, minimum: min, haloformCounted: statsTotal(run.stderr), stdout: run.stdout };
        return steps[name];
      };
      const first = await measure('first plan', ['plan', '-c', spec, '--format', 'json'], true);
      const plan = JSON.parse(first.stdout);
      const changesByKind = {};
      let fieldWrites = 0;
      for (const c of plan.changes) {
        if (c.action === 'no-op' || c.kind === 'ninja_webhook') continue;
        // An asset field is created (POST /api/Field) and/or added to all types (AddFieldToAll), one by one.
        if (c.kind === 'asset_field') fieldWrites += c.action === 'create' ? 2 : 1;
        else changesByKind[c.kind] = (changesByKind[c.kind] ?? 0) + 1;
      }
      const minWrites = fieldWrites + Object.values(changesByKind).reduce((sum, n) => sum + Math.ceil(n / BATCH), 0) + 1; /* webhook */
      const apply = await measure('apply', ['apply', '-c', spec, '--auto-approve'], false);
      const again = await measure('no-change plan', ['plan', '-c', spec, '--detailed-exitcode'], true);
      const ratio = (s) => +((s.logged.ninja + s.logged.halo) / (s.minimum.ninja + s.minimum.halo)).toFixed(3);
      rows.push({
        devices,
        'first plan s': +(first.wallMs / 1000).toFixed(2),
        'apply s': +(apply.wallMs / 1000).toFixed(2),
        'no-change plan s': +(again.wallMs / 1000).toFixed(2),
        'reads/min (first)': `${first.logged.ninja + first.logged.halo}/${first.minimum.ninja + first.minimum.halo} = ${ratio(first)}`,
        'reads/min (no-change)': `${again.logged.ninja + again.logged.halo}/${again.minimum.ninja + again.minimum.halo} = ${ratio(again)}`,
        'writes/min (apply)': `${apply.logged.writes}/${minWrites}`,
        'no-change writes': again.logged.writes,
        'peak RSS MiB (plan/apply/again)': `${first.peakRssMiB}/${apply.peakRssMiB}/${again.peakRssMiB}`,
        'counted = logged': [first, apply, again].every((s) => s.haloformCounted === s.logged.ninja + s.logged.halo + s.logged.writes) ? 'yes' : 'NO',
        _targets: {
          readsRatio: Math.max(ratio(first), ratio(again)) <= 1.05,
          noChangeWrites: again.logged.writes === 0,
          applyWrites: apply.logged.writes <= minWrites,
          plan10k: devices !== 10000 || first.wallMs < 10000,
          rss50k: devices !== 50000 || Math.max(first.peakRssMiB, apply.peakRssMiB, again.peakRssMiB) < 500,
        },
        _byEndpoint: { first: first.logged.byEndpoint, apply: apply.logged.byEndpoint, again: again.logged.byEndpoint },
      });
    } finally {
      await sandbox.stop();
    }
  }
  console.log(`\nplan / apply at scale — ${latencyMs} ms per request, no rate limit, batch ${BATCH}`);
  console.table(rows.map(({ _targets, _byEndpoint, ...r }) => r));
  for (const r of rows) {
    const t = r._targets;
    console.log(
      `  ${r.devices} devices: reads ≤ 1.05× minimum ${verdict(t.readsRatio)} · no-change plan writes nothing ${verdict(t.noChangeWrites)} · apply ≤ ceil(changes/batch) writes per kind ${verdict(t.applyWrites)}` +
        (r.devices === 10000 ? ` · plan under 10 s ${verdict(t.plan10k)}` : '') +
        (r.devices === 50000 ? ` · under 500 MB ${verdict(t.rss50k)}` : ''),
    );
  }
  saveResults('plan-apply', { latencyMs, batch: BATCH, rows });
  return rows;
}
