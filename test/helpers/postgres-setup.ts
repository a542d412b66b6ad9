/**
 * vitest global setup (test/vitest.config.ts): one PostgreSQL server for every test file of the
 * run. HALOFORM_TEST_PG (set by .ci/run, or by hand) is used as it is; otherwise a throwaway
 * cluster is started here and stopped at the end. A server that cannot be started is handed to
 * the test files as the reason, so the PostgreSQL tests fail with it and the others still run.
 */

import type { TestProject } from 'vitest/node';
import { startCluster, type PgCluster } from './postgres.js';

let cluster: PgCluster | undefined;

export async function setup(project: TestProject): Promise<void> {
  const given = process.env.HALOFORM_TEST_PG;
  if (given) {
    project.provide('haloformPostgres', { url: given });
    return;
  }
  if (process.env.HALOFORM_TEST_PG_ERROR) {
    project.provide('haloformPostgres', { error: process.env.HALOFORM_TEST_PG_ERROR });
    return;
  }
  try {
    cluster = await startCluster();
    project.provide('haloformPostgres', { url: cluster.url });
  } catch (e) {
    project.provide('haloformPostgres', { error: (e as Error).message });
  }
}

export async function teardown(): Promise<void> {
  await cluster?.destroy();
}
