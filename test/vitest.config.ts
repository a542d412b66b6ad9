/**
 * The test run `npm test` starts: every test file of the repository, with one PostgreSQL server
 * for the whole run (helpers/postgres-setup.ts). Kept under test/ so the top level of the
 * repository stays as it is.
 */

import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    globalSetup: ['test/helpers/postgres-setup.ts'],
  },
});
