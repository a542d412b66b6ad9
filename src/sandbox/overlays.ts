/**
 * Row overlays: a test's way to make one row of a simulator's list answer look like a row a real
 * tenant sent — a field dropped, or set to `null`, `""`, `-1` or any other value — without the
 * simulator's own data (and its checks) ever holding it. Applied when a row is rendered, after
 * the simulator's own shaping, so every list and single read of that record shows it.
 */

/** What an overlay does to the field: drop it, or set it to a value. */
export type OverlayOp = { drop: true } | { value: unknown };

export interface Overlay {
  /** The list: `Client`, `Site`, `Users`, `Asset`, ... (Halo) or `organizations`, `devices`, ... (NinjaOne). */
  list: string;
  /** The row's `id` (or `name`/`uid` for rows without one); `*` for every row of the list. */
  id: number | string;
  /** A top-level key, or a dotted path into nested objects (`system.serialNumber`). */
  field: string;
  op: OverlayOp;
}

export class RowOverlays {
  readonly #byList = new Map<string, Overlay[]>();

  add(overlay: Overlay): void {
    if (typeof overlay.list !== 'string' || overlay.list === '') throw new TypeError('list must be a non-empty string');
    if (typeof overlay.field !== 'string' || overlay.field === '') throw new TypeError('field must be a non-empty string');
    if (typeof overlay.id !== 'number' && typeof overlay.id !== 'string') throw new TypeError('id must be a number, a string or "*"');
    const list = overlay.list.toLowerCase();
    this.#byList.set(list, [...(this.#byList.get(list) ?? []), overlay]);
  }

  clear(): void {
    this.#byList.clear();
  }

  all(): Overlay[] {
    return [...this.#byList.values()].flat();
  }

  /** Whether any overlay is set for `list` (lets a hot path skip the copy). */
  has(list: string): boolean {
    return this.#byList.has(list.toLowerCase());
  }

  /** `row` with the overlays of `list` that match it applied; the row itself is never changed. */
  apply<T>(list: string, row: T): T {
    const overlays = this.#byList.get(list.toLowerCase());
    if (!overlays || row === null || typeof row !== 'object' || Array.isArray(row)) return row;
    const record = row as Record<string, unknown>;
    const key = record.id ?? record.uid ?? record.name;
    const hits = overlays.filter((o) => o.id === '*' || o.id === key || String(o.id) === String(key));
    if (hits.length === 0) return row;
    const out = structuredClone(record);
    for (const o of hits) setPath(out, o.field.split('.'), o.op);
    return out as T;
  }

  /** Parses the body of `POST /_sandbox/overlays`: one overlay or a list of them. */
  static parse(body: unknown): Overlay[] {
    const items = Array.isArray(body) ? body : [body];
    return items.map((item, i) => {
      if (item === null || typeof item !== 'object' || Array.isArray(item)) throw new TypeError(`overlay ${i}: must be an object {list, id, field, drop?: true, value?}`);
      const r = item as Record<string, unknown>;
      const op: OverlayOp = r.drop === true ? { drop: true } : 'value' in r ? { value: r.value } : (() => {
        throw new TypeError(`overlay ${i}: give either "drop": true or a "value"`);
      })();
      return { list: r.list as string, id: r.id as number | string, field: r.field as string, op };
    });
  }
}

function setPath(target: Record<string, unknown>, path: string[], op: OverlayOp): void {
  const [head, ...rest] = path;
  if (head === undefined) return;
  if (rest.length === 0) {
    if ('drop' in op) delete target[head];
    else target[head] = structuredClone(op.value);
    return;
  }
  const next = target[head];
  if (next === null || typeof next !== 'object' || Array.isArray(next)) {
    if ('drop' in op) return;
    target[head] = {};
  }
  setPath(target[head] as Record<string, unknown>, rest, op);
}
