/**
 * A loaded YAML source and the map from spec paths to line:column in it, so a problem found
 * anywhere (schema, rules, plan preflight) can point at the exact spot in the user's file.
 */

import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, type Document, type Node, type Pair } from 'yaml';
import type { Diagnostic, Position, Range, SpecPath } from './diagnostic.js';

/** Which part of a `key: value` pair a diagnostic should point at. */
export type Target = 'key' | 'value';

export class SourceFile {
  readonly lines: readonly string[];
  /** Where each line starts, from the text itself: YAML's own counter stops where its lexer gave up. */
  readonly #lineStarts: number[];
  /** Each map's pairs by key text, built on first use: a lookup per path segment, not a scan (20,000 unknown keys each located). */
  readonly #keys = new WeakMap<object, Map<string, Pair>>();

  constructor(
    /** The path as the user gave it (shown in messages). */
    readonly path: string,
    readonly text: string,
    readonly lineCounter: LineCounter,
    readonly document: Document | undefined,
  ) {
    // Line breaks as the yaml parser counts them: \n and \r\n (a lone \r is a character).
    this.lines = text.split(/\r?\n/);
    this.#lineStarts = [0];
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.#lineStarts.push(i + 1);
  }

  /** 1-based position of a character offset. */
  position(offset: number): Position {
    const at = Math.max(0, Math.min(offset, this.text.length));
    let low = 0;
    let high = this.#lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.#lineStarts[mid]! <= at) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: at - this.#lineStarts[low]! + 1 };
  }

  rangeOf(start: number, end: number): Range {
    return { start: this.position(start), end: this.position(Math.max(start, end)) };
  }

  /**
   * The range of the node at `path`. When the path runs past what exists (a default that was not
   * written), the key of the deepest existing ancestor is used; undefined when none exists.
   */
  locate(path: SpecPath, target: Target = 'value'): Range | undefined {
    const document = this.document;
    if (!document || document.contents === null) return this.rangeOf(0, 0);
    let node: unknown = document.contents;
    let pair: Pair | undefined;
    for (let i = 0; i < path.length; i++) {
      node = this.resolve(node);
      const segment = path[i];
      let next: unknown;
      let nextPair: Pair | undefined;
      if (isMap(node)) {
        nextPair = this.pairs(node).get(String(segment));
        next = nextPair?.value;
      } else if (isSeq(node) && typeof segment === 'number') {
        next = node.items[segment];
      }
      if (nextPair === undefined && next === undefined) {
        // Missing: point at the key of the deepest existing map; at the top, nowhere in particular.
        return i === 0 ? undefined : this.nodeRange(pair?.key);
      }
      pair = nextPair;
      node = next;
      if (i === path.length - 1 && target === 'key' && nextPair) {
        return this.nodeRange(nextPair.key) ?? this.nodeRange(node);
      }
    }
    // A key with no value (`halo:`) has a null node, and a map or list spans many lines: point at its key.
    const resolved = this.resolve(node);
    const block = (isMap(resolved) || isSeq(resolved)) && !resolved.flow;
    if (pair && (resolved === null || resolved === undefined || block)) return this.nodeRange(pair.key) ?? this.nodeRange(resolved);
    return this.nodeRange(node) ?? this.nodeRange(pair?.key);
  }

  /** The source line (1-based), without its line break. */
  line(n: number): string {
    return this.lines[n - 1] ?? '';
  }

  /** Fills in `file` and `range` from `path` on diagnostics that have a path but no range. */
  attach(diagnostics: readonly Diagnostic[]): Diagnostic[] {
    return diagnostics.map((d) => {
      // Only what belongs to a place in the spec gets the spec's file name.
      if (d.range || d.path === undefined) return d;
      const range = this.locate(d.path, d.subject ?? 'value');
      return range ? { ...d, file: this.path, range } : { ...d, file: this.path };
    });
  }

  private pairs(map: { items: unknown[] }): Map<string, Pair> {
    let byKey = this.#keys.get(map);
    if (!byKey) {
      byKey = new Map();
      for (const p of map.items) {
        if (!isPair(p)) continue;
        const text = keyText(p.key);
        // The first of duplicate keys, as a scan would find.
        if (text !== undefined && !byKey.has(text)) byKey.set(text, p);
      }
      this.#keys.set(map, byKey);
    }
    return byKey;
  }

  private resolve(node: unknown): unknown {
    return isAlias(node) && this.document ? node.resolve(this.document) : node;
  }

  private nodeRange(node: unknown): Range | undefined {
    const n = node as Node | null | undefined;
    if (!n || !n.range) return undefined;
    const [start, valueEnd] = n.range;
    // Collections span many lines; their first line is enough to find them.
    const end = isMap(n) || isSeq(n) ? Math.min(valueEnd, lineEndOffset(this.text, start)) : valueEnd;
    return this.rangeOf(start, end);
  }
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return undefined;
}

function lineEndOffset(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  return nl === -1 ? text.length : nl;
}
