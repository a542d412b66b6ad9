/**
 * Reads spec YAML into plain data while keeping where every value came from: parse with
 * positions, refuse tags that could build objects, interpolate `${VAR}` from the environment.
 */

import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, Parser, type Node, type Scalar } from 'yaml';
import { error, hasErrors, warning, type Diagnostic, type SpecPath } from '../diagnostics/diagnostic.js';
import { SourceFile } from '../diagnostics/source.js';
import { interpolate } from './interpolate.js';

export interface ParsedYaml {
  source: SourceFile;
  /** The document as plain data; undefined when the YAML could not be read. */
  data: unknown;
  diagnostics: Diagnostic[];
  /** Variables referenced by each interpolated value, keyed by `pathKey(path)`. */
  interpolated: Map<string, string[]>;
  /** The text of each interpolated value as written, before substitution. */
  raw: Map<string, string>;
  /** Paths (as `pathKey`) of map keys written as numbers (`12: HQ`), which mean ids. */
  numericKeys: Set<string>;
  /** Paths (as `pathKey`) of values that reference a variable that is not set (`missingEnv: 'warning'`). */
  unresolved: Set<string>;
  /** The text of unquoted `${VAR}` values that YAML then read as a number or boolean, by `pathKey`. */
  substituted: Map<string, string>;
}

export interface ParseOptions {
  /**
   * How a `${VAR}` that is not set is reported. `error` (plan, apply, serve) stops; `warning`
   * (validate) keeps checking the rest, so a spec can be validated without its secrets.
   */
  missingEnv?: 'error' | 'warning';
}

/** Tags a plain-data YAML document may spell out; any other tag is refused. */
const ALLOWED_TAGS = new Set(
  ['str', 'int', 'float', 'bool', 'null', 'map', 'seq'].map((t) => `tag:yaml.org,2002:${t}`),
);

/** The deepest nesting of maps and lists a spec may have: ample (the schema needs 8), and far from what would exhaust the stack. */
export const MAX_DEPTH = 64;

/**
 * Where the text first nests deeper than `limit`, counting block indentation levels and [ { }
 * brackets outside quotes and comments; undefined when it never does. A cheap scan before YAML
 * parsing, so a hostile file gets a message instead of a stack overflow.
 */
export function depthBeyond(text: string, limit: number): number | undefined {
  const indents: number[] = [];
  let flow = 0;
  let quote: '"' | "'" | undefined;
  let lineStart = true;
  let indent = 0;
  /** Compact maps on one line (`a: b: c:`) nest too: one more level per `: ` outside quotes and brackets. */
  let inline = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\n') {
      lineStart = true;
      indent = 0;
      inline = 0;
      if (quote === "'" || flow === 0) quote = quote === '"' ? quote : undefined;
      continue;
    }
    if (lineStart) {
      if (c === ' ' || c === '-') {
        indent += 1;
        continue;
      }
      lineStart = false;
      if (c !== '#' && flow === 0 && quote === undefined) {
        while (indents.length > 0 && indents[indents.length - 1]! >= indent) indents.pop();
        indents.push(indent);
        if (indents.length > limit) return i;
      }
    }
    if (quote) {
      if (c === '\\' && quote === '"') i += 1;
      else if (c === quote) quote = undefined;
      continue;
    }
    if (c === '#' && (i === 0 || /\s/.test(text[i - 1]!))) {
      while (i + 1 < text.length && text[i + 1] !== '\n') i += 1;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === ',' && flow > 0) inline = 0;
    else if (c === ':' && (i + 1 === text.length || /\s/.test(text[i + 1]!))) {
      inline += 1;
      if (indents.length + inline > limit) return i;
    } else if (c === '[' || c === '{') {
      flow += 1;
      if (indents.length + inline + flow > limit) return i;
    } else if ((c === ']' || c === '}') && flow > 0) flow -= 1;
  }
  return undefined;
}

/** YAML syntax errors reported one by one; the rest are counted. */
const MAX_SYNTAX_ERRORS = 20;

/**
 * Where the first syntax error is, when the text holds more than a spec's worth of them at its
 * top level; undefined otherwise. A cheap pass of YAML's own parser (its tokens, no documents
 * built), stopped at the limit: composing the documents of a garbled file costs seconds and
 * gigabytes (600 KB of `${A}` inside a { } map: 600,000 errors, 6 s, 1.3 GB).
 */
function manyErrors(text: string): number | undefined {
  let errors = 0;
  let first: number | undefined;
  for (const token of new Parser().parse(text)) {
    if (token.type !== 'error') continue;
    first ??= token.offset;
    errors += 1;
    if (errors > MAX_SYNTAX_ERRORS * 10) return first;
  }
  return undefined;
}

function notASpec(path: string, text: string, offset: number): ParsedYaml {
  const source = new SourceFile(path, text, new LineCounter(), undefined);
  return {
    source,
    data: undefined,
    diagnostics: [
      {
        ...error('Invalid YAML', `${path} holds more than ${MAX_SYNTAX_ERRORS * 10} YAML syntax errors, the first here, so it was not read further. Check that -c names the spec, and that the file is YAML (a { } or [ ] left open, or quotes that do not match, can make all that follows an error).`),
        file: path,
        range: source.rangeOf(offset, offset + 1),
      },
    ],
    ...noRecords(),
  };
}

/** The answer for a spec nested deeper than MAX_DEPTH, at `offset` when the scan found where. */
function nestedTooDeeply(path: string, text: string, offset: number | undefined): ParsedYaml {
  const source = new SourceFile(path, text, new LineCounter(), undefined);
  return {
    source,
    data: undefined,
    diagnostics: [
      {
        ...error('Spec nested too deeply', `${path} nests maps and lists more than ${MAX_DEPTH} levels deep${offset === undefined ? '' : ' here'}; a spec needs at most 8. Check the indentation, the colons of a line (a: b: c: nests three maps), or the brackets of a { } or [ ] value.`),
        file: path,
        ...(offset !== undefined ? { range: source.rangeOf(offset, offset + 1) } : {}),
      },
    ],
    ...noRecords(),
  };
}

/** A map key for spec paths. */
export function pathKey(path: SpecPath): string {
  return JSON.stringify(path);
}

export function parseYaml(
  path: string,
  text: string,
  env: Readonly<Record<string, string | undefined>>,
  options: ParseOptions = {},
): ParsedYaml {
  const read = readDocument(path, text);
  if ('diagnostics' in read) return read;
  const { document, lineCounter } = read;
  const source = new SourceFile(path, text, lineCounter, document);
  const r: Reading = {
    path,
    text,
    env,
    options,
    source,
    at: (start, end) => ({ file: path, range: source.rangeOf(start, end) }),
    diagnostics: [],
    ...noRecords(),
  };
  const answer = (data: unknown): ParsedYaml => ({ source, data, diagnostics: r.diagnostics, interpolated: r.interpolated, raw: r.raw, numericKeys: r.numericKeys, unresolved: r.unresolved, substituted: r.substituted });

  r.diagnostics.push(...syntaxDiagnostics(r, document));
  if (r.diagnostics.length > 0) return answer(undefined);
  const contents = document.contents;
  if (!isMap(contents)) {
    r.diagnostics.push(notAMap(r, contents));
    return answer(undefined);
  }
  walk(contents, [], (node, nodePath, isKey) => {
    if (isKey && isScalar(node) && typeof node.value === 'number') r.numericKeys.add(pathKey(nodePath));
    if (node.tag !== undefined && !ALLOWED_TAGS.has(node.tag)) {
      r.diagnostics.push(unsupportedTag(r, node, nodePath));
      return;
    }
    if (!isKey && isScalar(node) && typeof node.value === 'string' && node.value.includes('$')) interpolateScalar(r, node, nodePath);
  });
  for (const w of document.warnings) {
    if (w.code === 'TAG_RESOLVE_FAILED') continue; // reported above, with the path
    r.diagnostics.push({ ...error('Invalid YAML', w.message), ...r.at(w.pos[0], w.pos[1]) });
  }
  if (hasErrors(r.diagnostics)) return answer(undefined);
  try {
    return answer(document.toJS({ maxAliasCount: 100 }));
  } catch (e) {
    r.diagnostics.push({
      ...error('Invalid YAML', `${(e as Error).message}. Aliases (*name) are expanded at most 100 times; write the values out instead.`),
      ...r.at(0, 0),
    });
    return answer(undefined);
  }
}

/** One file being read: where it is, what it says, and what reading it has found so far. */
interface Reading extends Omit<ParsedYaml, 'data'> {
  path: string;
  text: string;
  env: Readonly<Record<string, string | undefined>>;
  options: ParseOptions;
  /** A diagnostic's place from character offsets. */
  at(start: number, end: number): Pick<Diagnostic, 'file' | 'range'>;
}

/** What reading records about values, empty. */
function noRecords(): Pick<ParsedYaml, 'interpolated' | 'raw' | 'numericKeys' | 'unresolved' | 'substituted'> {
  return { interpolated: new Map(), raw: new Map(), numericKeys: new Set(), unresolved: new Set(), substituted: new Map() };
}

/**
 * The YAML document, or the answer for a file that cannot be one: nested past MAX_DEPTH (found by
 * a cheap scan, or by the parser's stack running out) or more YAML errors than a spec could hold.
 */
function readDocument(path: string, text: string): { document: ReturnType<typeof parseDocument>; lineCounter: LineCounter } | ParsedYaml {
  const lineCounter = new LineCounter();
  const tooDeep = depthBeyond(text, MAX_DEPTH);
  if (tooDeep !== undefined) return nestedTooDeeply(path, text, tooDeep);
  let document: ReturnType<typeof parseDocument>;
  try {
    const garbled = manyErrors(text);
    if (garbled !== undefined) return notASpec(path, text, garbled);
    document = parseDocument(text, {
      lineCounter,
      prettyErrors: false,
      // Duplicate keys are found by structureProblems, one lookup per key: YAML's own check compares every key
      // with every earlier one (20,000 keys took 8 s).
      uniqueKeys: false,
      // What YAML would warn about is reported as a diagnostic; its warnings would go to the process's stderr.
      logLevel: 'error',
      strict: true,
      version: '1.2',
      merge: false,
    });
  } catch (e) {
    // A nesting the scan above did not see, deep enough to exhaust the parser's stack.
    if (e instanceof RangeError) return nestedTooDeeply(path, text, undefined);
    throw e;
  }
  if (document.errors.some((e) => /Maximum call stack/i.test(e.message))) return nestedTooDeeply(path, text, undefined);
  return { document, lineCounter };
}

/** YAML's errors and the structure's (duplicate keys, collection keys, alias cycles), the first MAX_SYNTAX_ERRORS of them. */
function syntaxDiagnostics(r: Reading, document: ReturnType<typeof parseDocument>): Diagnostic[] {
  const { text, at } = r;
  const errors = [...document.errors, ...structureProblems(document)];
  const syntax: Diagnostic[] = errors.map((e) => {
    // yaml marks one character; a duplicate key reads better whole (up to its colon).
    const end = e.code === 'DUPLICATE_KEY' ? keyEnd(text, e.pos[0]) : e.code === 'COLLECTION_KEY' ? Math.min(e.pos[1], lineEnd(text, e.pos[0])) : e.pos[1];
    if (text[e.pos[0]] === '{' && text[e.pos[0] - 1] === '$') {
      return {
        ...error(
          'Variable inside { } or [ ]',
          'Inside a { } map or a [ ] list, YAML reads the { of ${NAME} as the start of another map. Write that mapping in block style, one key per line (then ${NAME} is read as YAML would read its value), or quote the value ("${NAME}"), which keeps it text.',
        ),
        ...at(e.pos[0] - 1, e.pos[0] + 1),
      };
    }
    return { ...yamlError(e.code, e.message, text.slice(e.pos[0], end)), ...at(e.pos[0], end) };
  });
  if (syntax.length > MAX_SYNTAX_ERRORS) {
    // Past the first few, YAML's errors are echoes of the first; thousands of them only hide it.
    const more = syntax.length - MAX_SYNTAX_ERRORS;
    syntax.splice(MAX_SYNTAX_ERRORS, more, { ...error('More YAML errors', `… and ${more} more in ${r.path}. Fix the first ones above: the rest usually follow from them.`), file: r.path });
  }
  return syntax;
}

/** The problem with a document that is not a map of keys: empty, a list or a single value. */
function notAMap(r: Reading, contents: unknown): Diagnostic {
  if (contents === null || (isScalar(contents) && contents.value === null)) {
    return { ...error('Empty spec', `${r.path} holds no settings. Run \`haloform init ${r.path}\` to write a commented starter spec, or see config/haloform.example.yaml.`), ...r.at(0, 0) };
  }
  const found = isSeq(contents) ? 'a list' : 'a single value';
  const [start, end] = (contents as Node).range ?? [0, 0];
  return {
    ...error('Spec is not a map', `A spec is a map of keys (version, connections, customers, ...), but ${r.path} holds ${found}. Remove the leading "- " or start from \`haloform init\`.`),
    ...r.at(start, Math.min(end, lineEnd(r.text, start))),
  };
}

/** A tag other than the plain ones, pointed at where it is written. */
function unsupportedTag(r: Reading, node: Node, nodePath: SpecPath): Diagnostic {
  const { text, at } = r;
  const shown = (node.tag ?? '').replace(/^tag:yaml\.org,2002:/, '!!');
  const [valueStart, end] = node.range ?? [0, 0];
  // The node's range starts at its value; point at the tag written before it on the same line.
  const lineStart = text.lastIndexOf('\n', valueStart - 1) + 1;
  const tagMatch = /!\S*\s*$/.exec(text.slice(lineStart, valueStart));
  const start = tagMatch ? lineStart + tagMatch.index : valueStart;
  return {
    ...error(
      'Unsupported YAML tag',
      `The tag ${shown} is not allowed in a spec. Tags can make a YAML loader build objects or run code, so haloform refuses every tag except the plain ones (!!str, !!int, !!float, !!bool, !!null). Write the value as plain YAML.`,
      nodePath,
    ),
    ...at(start, Math.min(end, lineEnd(text, start))),
  };
}

/** A scalar's `${VAR}` references substituted from the environment, each problem reported where it is written. */
function interpolateScalar(r: Reading, node: Scalar, nodePath: SpecPath): void {
  const written = String(node.value);
  const { result, problems } = interpolate(written, r.env);
  const [start, end] = node.range ?? [0, 0];
  for (const problem of problems) {
    const raw = problem.kind === 'missing' ? `\${${problem.variable}` : problem.text;
    const found = r.text.indexOf(raw, start);
    const offset = found !== -1 && found < end ? found : start;
    const length = found !== -1 && found < end ? problem.length : end - start;
    if (problem.kind === 'missing' && r.options.missingEnv === 'warning') {
      r.unresolved.add(pathKey(nodePath));
      r.diagnostics.push({
        ...warning(
          'Environment variable not set',
          `${problem.variable} is not set here, so plan, apply and serve would stop at this line. Set it in the environment (export ${problem.variable}=...), or give a default in the spec: \${${problem.variable}:-value}.`,
          nodePath,
        ),
        ...r.at(offset, offset + length),
      });
    } else if (problem.kind === 'missing') {
      r.diagnostics.push({
        ...error(
          'Missing environment variable',
          `${problem.variable} is not set. Set it in the environment (export ${problem.variable}=...), or give a default in the spec: \${${problem.variable}:-value}.`,
          nodePath,
        ),
        ...r.at(offset, offset + length),
      });
    } else if (problem.kind === 'nested') {
      r.diagnostics.push({
        ...error(
          'Nested variable reference',
          `"${problem.text}" puts a reference inside another one's default, which haloform does not read: it would not mean what it looks like. Give one variable a plain default (\${A:-x}), or set the value in the environment.`,
          nodePath,
        ),
        ...r.at(offset, offset + length),
      });
    } else {
      r.diagnostics.push({
        ...error(
          'Malformed variable reference',
          `"${problem.text}" is not a valid reference. Write \${NAME} or \${NAME:-default}, where NAME is letters, digits and _; write $\${ for a literal "\${".`,
          nodePath,
        ),
        ...r.at(offset, offset + length),
      });
    }
  }
  if (result.variables.length > 0) {
    r.interpolated.set(pathKey(nodePath), result.variables);
    r.raw.set(pathKey(nodePath), written);
  }
  // Unquoted, a substituted value is read as YAML would read it written there: `${BUDGET}`
  // with BUDGET=200 is the number 200. Quoted ("${X}"), it stays text.
  node.value = node.type === 'PLAIN' && result.variables.length > 0 && problems.length === 0 ? plainScalar(result.value) : result.value;
  if (typeof node.value !== 'string') r.substituted.set(pathKey(nodePath), result.value);
}

interface KeyProblem {
  code: 'DUPLICATE_KEY' | 'COLLECTION_KEY' | 'ALIAS_CYCLE';
  message: string;
  pos: [number, number];
}

/**
 * Keys written twice in one map, keys that are a map or a list (`? [a]`), and aliases inside
 * the value they name (`&s [*s]`, a value that holds itself), anywhere in the document. One
 * lookup per key; iterative, so a deep document cannot exhaust the stack.
 */
function structureProblems(document: ReturnType<typeof parseDocument>): KeyProblem[] {
  const problems: KeyProblem[] = [];
  const stack: unknown[] = [document.contents];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isAlias(node)) {
      const target = node.resolve(document) as Node | undefined;
      const [start, end] = node.range ?? [0, 0];
      if (target?.range && (isMap(target) || isSeq(target)) && start >= target.range[0] && end <= target.range[1]) {
        problems.push({ code: 'ALIAS_CYCLE', message: 'An alias inside the value it names', pos: [start, end] });
      }
      continue;
    }
    if (isSeq(node)) for (const item of node.items) stack.push(item); // not push(...items): 300,000 arguments overflow the stack
    if (!isMap(node)) continue;
    const seen = new Set<string>();
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      stack.push(pair.value);
      const written = pair.key as Node | null;
      if (isAlias(written)) stack.push(written);
      const key = isAlias(written) ? (written.resolve(document) as Node | undefined) : written;
      if (isMap(key) || isSeq(key)) {
        const [start, end] = written?.range ?? [0, 0];
        problems.push({ code: 'COLLECTION_KEY', message: 'A key is a map or a list', pos: [start, end] });
        continue;
      }
      if (!isScalar(key)) continue;
      const value = key.value;
      if (typeof value === 'number' && Number.isNaN(value)) continue;
      const id = `${typeof value}:${String(value)}`;
      if (seen.has(id)) {
        const [start, end] = written?.range ?? [0, 0];
        problems.push({ code: 'DUPLICATE_KEY', message: 'Map keys must be unique', pos: [start, end] });
      }
      seen.add(id);
    }
  }
  return problems.sort((a, b) => a.pos[0] - b.pos[0]);
}

function walk(node: unknown, path: (string | number)[], visit: (node: Node, path: SpecPath, isKey?: boolean) => void): void {
  if (isMap(node)) {
    visit(node, path);
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      if (isScalar(pair.key)) visit(pair.key, [...path, key], true);
      walk(pair.value, [...path, key], visit);
    }
  } else if (isSeq(node)) {
    visit(node, path);
    node.items.forEach((item, i) => walk(item, [...path, i], visit));
  } else if (isScalar(node)) {
    visit(node, path);
  }
}

function yamlError(code: string, message: string, excerpt: string): Diagnostic {
  switch (code) {
    case 'DUPLICATE_KEY':
      return error('Duplicate key', `${/^["']/.test(excerpt) ? excerpt : `"${excerpt}"`} appears twice in the same map. YAML keeps only one of them, so haloform refuses to guess: remove or rename one.`);
    case 'ALIAS_CYCLE':
      return error('Alias inside its own anchor', 'This alias (*name) stands inside the very value its anchor (&name) names, so that value would hold itself without end. Write the value out instead of the alias.');
    case 'COLLECTION_KEY':
      return error('Key is a map or a list', 'Every key in a spec is a plain name or number; this one is a { } map or a [ ] list (written after "? ", or as { } or [ ] before a colon). Write the key as plain text, or quote it.');
    case 'MULTIPLE_DOCS':
      return error('More than one YAML document', 'A spec file holds one YAML document. Remove the "---" separator and what follows, or move it to a file of its own.');
    case 'TAB_AS_INDENT':
      return error('Tab used for indentation', 'YAML indents with spaces only. Replace the tab with spaces.');
    default:
      return error('Invalid YAML', `${message.replace(/\.$/, '')}. Check the indentation, colons and quotes at this spot.`);
  }
}

/** A YAML 1.2 core-schema plain scalar: integers, floats and booleans; everything else stays text. */
function plainScalar(text: string): unknown {
  if (/^[-+]?[0-9]+$/.test(text)) return Number(text);
  if (/^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/.test(text)) return Number(text);
  if (/^(true|True|TRUE)$/.test(text)) return true;
  if (/^(false|False|FALSE)$/.test(text)) return false;
  return text;
}

function keyEnd(text: string, offset: number): number {
  const m = /^("[^"]*"|'[^']*'|[^:\n]*?)\s*:/.exec(text.slice(offset, lineEnd(text, offset)));
  return m ? offset + m[1]!.length : offset + 1;
}

function lineEnd(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  return nl === -1 ? text.length : nl;
}
