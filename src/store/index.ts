/** The inbox store: the interface serve and the `inbox` commands use, and how to open one from a URL. */

export * from './inbox-store.js';
export { DEFAULT_STORE_URL, StoreUrlError, openStore, parseStoreUrl, type OpenStoreOptions, type ParsedStoreUrl } from './open-store.js';
export { PostgresStore, openPostgresStore, describePostgresUrl, type PostgresStoreOptions } from './postgres-store.js';
export { MIGRATIONS, LATEST_VERSION, type Migration } from './postgres-migrations.js';
export { SqliteStore, openSqliteStore, type SqliteStoreOptions } from './sqlite-store.js';
