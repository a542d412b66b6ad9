/**
 * The Diagnostic: how haloform reports a problem a person can fix. Deep code records *what* and
 * *where in the spec* (a YAML path); the caller that owns the source attaches file and range.
 */

export type Severity = 'error' | 'warning';

/** A 1-based line and column in a source file. */
export interface Position {
  line: number;
  column: number;
}

/** A span of source text; `end` is exclusive. */
export interface Range {
  start: Position;
  end: Position;
}

/** A path into the spec as YAML sees it: map keys and sequence indexes, from the top. */
export type SpecPath = readonly (string | number)[];

export interface Diagnostic {
  severity: Severity;
  /** A short noun phrase: "Unknown key", "Missing environment variable". */
  summary: string;
  /** What was found, what is allowed, and what to do ("Did you mean ..."). */
  detail: string;
  /** Where in the spec, when the problem belongs to a spec location. */
  path?: SpecPath;
  /** Whether `path` names a map key itself (an unknown key) rather than its value. */
  subject?: 'key' | 'value';
  /** The source file the range refers to. Attached by whoever owns the source. */
  file?: string;
  range?: Range;
  /** A resource address (`client["Contoso"]`), when the problem belongs to one. */
  address?: string;
}

export function error(summary: string, detail: string, path?: SpecPath): Diagnostic {
  return path === undefined ? { severity: 'error', summary, detail } : { severity: 'error', summary, detail, path };
}

export function warning(summary: string, detail: string, path?: SpecPath): Diagnostic {
  return path === undefined ? { severity: 'warning', summary, detail } : { severity: 'warning', summary, detail, path };
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** `customers.map[0].organisation` — the form a person reads in messages. */
export function formatPath(path: SpecPath): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/** Orders diagnostics by file and position; those without a range keep their order, after the rest. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return diagnostics
    .map((d, i) => ({ d, i }))
    .sort((a, b) => {
      const ra = a.d.range;
      const rb = b.d.range;
      if (ra && rb) {
        return (
          (a.d.file ?? '').localeCompare(b.d.file ?? '') ||
          ra.start.line - rb.start.line ||
          ra.start.column - rb.start.column ||
          a.i - b.i
        );
      }
      if (ra) return -1;
      if (rb) return 1;
      return a.i - b.i;
    })
    .map(({ d }) => d);
}
