/**
 * The sandbox at size: `haloform sandbox --devices N` must start in under 10 s at 10,000
 * devices and serve a full /v2/devices-detailed walk (issue 3). Measured in its own process:
 * the CLI is spawned, timed until it prints that it is running, then walked and stopped.
 */

import { spawn } from 'node:child_process';
import { ROOT, saveResults, verdict } from './lib.mjs';

async function startAndWalk(devices) {
  const started = performance.now();
  const child = spawn(process.execPath, [`${ROOT}dist/cli/main.js`, 'sandbox', '--devices', String(devices), '--ninjaone-port', '0', '--halo-port', '0', '--halo-rate-limit', 'off'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const url = await new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => {
      out += d;
      const m = /NinjaOne simulator\s+(http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`haloform sandbox exited ${code} before it was ready:\n${out}`)));
  });
  const startMs = performance.now() - started;
  const walkStarted = performance.now();
  const token = await (
    await fetch(`${url}/ws/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials&client_id=sandbox-ninjaone-client&client_secret=sandbox-secret&scope=monitoring',
    })
  ).json();
  let after;
  let seen = 0;
  let pages = 0;
  for (;;) {
    const response = await fetch(`${url}/v2/devices-detailed?pageSize=1000${after === undefined ? '' : `&after=${after}`}`, { headers: { authorization: `Bearer ${token.access_token}` } });
    const page = await response.json();
    pages += 1;
    seen += page.length;
    if (page.length < 1000) break;
    after = page[page.length - 1].id;
  }
  const walkMs = performance.now() - walkStarted;
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
  return { devices, 'start s': +(startMs / 1000).toFixed(2), 'walk s': +(walkMs / 1000).toFixed(2), 'devices walked': seen, pages, target: 'start < 10 s', ok: verdict(startMs < 10_000 && seen === devices) };
}

export async function benchSandboxStart({ sizes }) {
  const rows = [];
  for (const devices of sizes) rows.push(await startAndWalk(devices));
  console.log('\nhaloform sandbox at size — start until ready, then a full /v2/devices-detailed walk (issue 3: under 10 s at 10,000 devices)');
  console.table(rows);
  saveResults('sandbox-start', { rows });
  return rows;
}
