/** Opening the store a command names (--store, else HALOFORM_STORE, else the default) for `inbox` and `sync status`. */

import { DEFAULT_STORE_URL, openStore, StoreUrlError } from '../store/open-store.js';
import type { InboxStore } from '../store/inbox-store.js';
import type { CommandContext } from './context.js';

/** Runs `run` with the store open (it must exist), closing it after; a store URL it cannot use is an error that says why. */
export async function withStore(url: string | undefined, ctx: CommandContext, run: (store: InboxStore) => Promise<number>): Promise<number> {
  const storeUrl = url ?? ctx.io.env.HALOFORM_STORE ?? DEFAULT_STORE_URL;
  let store: InboxStore;
  try {
    store = await openStore(storeUrl, { cwd: ctx.io.cwd, mustExist: true });
  } catch (e) {
    if (e instanceof StoreUrlError) {
      ctx.io.stderr.write(`${ctx.err.red(ctx.err.bold('Error:'))} ${e.message}\n`);
      return 1;
    }
    throw e;
  }
  try {
    return await run(store);
  } finally {
    await store.close();
  }
}
