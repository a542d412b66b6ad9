/**
 * An in-memory table: rows by id, secondary indexes kept up to date on every write, and a journal
 * that can undo a batch. Lookups by id or index are O(1); new ids are max id + 1, so the same
 * requests always produce the same ids.
 */

export type IndexKey = string | number;

/** Records undo steps while a batch runs atomically. */
export class Journal {
  #undo: (() => void)[] | undefined;

  record(step: () => void): void {
    this.#undo?.push(step);
  }

  /** Runs `fn`; when `atomic` and it throws, every write it made is undone before the error goes on. */
  run<R>(atomic: boolean, fn: () => R): R {
    if (!atomic || this.#undo !== undefined) return fn();
    const undo: (() => void)[] = [];
    this.#undo = undo;
    try {
      return fn();
    } catch (e) {
      this.#undo = undefined;
      for (let i = undo.length - 1; i >= 0; i--) undo[i]!();
      throw e;
    } finally {
      this.#undo = undefined;
    }
  }
}

interface Index<T> {
  keys: (row: T) => readonly IndexKey[];
  map: Map<IndexKey, Set<number>>;
}

export class Table<T extends { id: number }> {
  readonly #rows = new Map<number, T>();
  readonly #indexes = new Map<string, Index<T>>();
  readonly #watchers: ((previous: T | undefined, row: T) => void)[] = [];
  #maxId = 0;
  /** False once a row was re-inserted below the max id (an undone delete); all() re-sorts then. */
  #ordered = true;

  constructor(
    readonly name: string,
    private readonly journal: Journal,
    indexes: Record<string, (row: T) => readonly IndexKey[]> = {},
  ) {
    for (const [name, keys] of Object.entries(indexes)) this.#indexes.set(name, { keys, map: new Map() });
  }

  get size(): number {
    return this.#rows.size;
  }

  get(id: number): T | undefined {
    return this.#rows.get(id);
  }

  /** The id the next created row gets. */
  nextId(): number {
    return this.#maxId + 1;
  }

  /** Every row, by id. */
  all(): T[] {
    if (!this.#ordered) {
      const sorted = [...this.#rows.values()].sort((a, b) => a.id - b.id);
      this.#rows.clear();
      for (const row of sorted) this.#rows.set(row.id, row);
      this.#ordered = true;
    }
    return [...this.#rows.values()];
  }

  /** Rows whose index `index` holds `key`, by id. */
  find(index: string, key: IndexKey): T[] {
    const ids = this.#index(index).map.get(key);
    if (!ids) return [];
    const rows: T[] = [];
    for (const id of ids) rows.push(this.#rows.get(id)!);
    return rows.sort((a, b) => a.id - b.id);
  }

  /** How many rows the index holds under `key`. */
  count(index: string, key: IndexKey): number {
    return this.#index(index).map.get(key)?.size ?? 0;
  }

  /** Calls `watcher` after every later put, with the row it replaced (undefined for a new row). */
  watch(watcher: (previous: T | undefined, row: T) => void): void {
    this.#watchers.push(watcher);
  }

  /** Inserts or replaces a row (rows are replaced, never mutated, so the journal can restore the old one). */
  put(row: T): void {
    const previous = this.#rows.get(row.id);
    const previousMax = this.#maxId;
    if (previous) this.#unindex(previous);
    else if (row.id < this.#maxId) this.#ordered = false;
    this.#rows.set(row.id, row);
    this.#maxId = Math.max(this.#maxId, row.id);
    this.#indexRow(row);
    this.journal.record(() => {
      if (previous) this.put(previous);
      else this.remove(row.id);
      this.#maxId = previousMax;
    });
    for (const watcher of this.#watchers) watcher(previous, row);
  }

  remove(id: number): void {
    const previous = this.#rows.get(id);
    if (!previous) return;
    this.#unindex(previous);
    this.#rows.delete(id);
    this.journal.record(() => this.put(previous));
  }

  #index(name: string): Index<T> {
    const index = this.#indexes.get(name);
    if (!index) throw new Error(`table ${this.name} has no index ${name}`);
    return index;
  }

  #indexRow(row: T): void {
    for (const index of this.#indexes.values()) {
      for (const key of index.keys(row)) {
        let ids = index.map.get(key);
        if (!ids) index.map.set(key, (ids = new Set()));
        ids.add(row.id);
      }
    }
  }

  #unindex(row: T): void {
    for (const index of this.#indexes.values()) {
      for (const key of index.keys(row)) {
        const ids = index.map.get(key);
        ids?.delete(row.id);
        if (ids?.size === 0) index.map.delete(key);
      }
    }
  }
}
