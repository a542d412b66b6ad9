/**
 * Fuzzing the spec loader: random and mutated YAML, bounded in time. Every input — a real spec
 * (config/demo.yaml, config/haloform.example.yaml, what `haloform init` writes, the tests' BASE,
 * each also in flow style and as JSON) mutated line by line and byte by byte (lines deleted,
 * duplicated, swapped, re-indented; control characters, tabs, NUL, U+202E, invalid UTF-8 and
 * random bytes inserted; truncation; scalars replaced by numbers, null, lists, maps, ${VAR},
 * ${A:-${B}}, anchors and aliases, tags, very long strings; hundreds of levels of nesting;
 * document markers; flow style), real specs with random subtrees (still YAML, so the schema,
 * normalise and the rules see them), YAML-ish token soup, random JSON values serialised as YAML,
 * wide maps, alias bombs and files at and over the size limit — goes through `loadSpecFile`
 * (thousands) and `haloform validate` in-process (hundreds).
 *
 * For each: the loader returns diagnostics and throws nothing; validate exits 0 or 1, agrees with
 * the loader, and prints no "bug", "stopped unexpectedly", JavaScript error or stack trace; every
 * diagnostic has a summary and a detail, and its line and column lie inside the file; rendered
 * diagnostics hold no raw control or bidi character; nothing is printed past haloform's output
 * (process warnings); Object.prototype is left alone; every input answers within PER_INPUT_MS.
 * A watchdog thread reports an input that runs past HANG_MS (a synchronous loop the test's own
 * timers cannot interrupt) and ends the process.
 *
 * Deterministic: each case draws from its own PRNG, seeded from HALOFORM_FUZZ_SEED (default
 * below) and the case's number, so `HALOFORM_FUZZ_SEED=<seed> HALOFORM_FUZZ_CASE=direct:<n>`
 * (or `cli:<n>`) replays exactly one failing case. HALOFORM_FUZZ_MS sets the time budget of the
 * fuzzing (default 20 s: 2/3 for the loader, 1/3 for the CLI). Failures are grouped by kind; the
 * first of each kind is shrunk (lines, then bytes) and saved under the system temp folder.
 * The inputs the fuzzer found are kept at the end of the file, shrunk, as tests of their own.
 */

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { parse as parseYamlLoose, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSpecFile, MAX_SPEC_BYTES, type LoadedSpec } from '../../src/config/load.js';
import { starterSpec } from '../../src/config/starter.js';
import type { Diagnostic } from '../../src/diagnostics/diagnostic.js';
import { renderDiagnosticLine, renderDiagnostics } from '../../src/diagnostics/render.js';
import { createPaint } from '../../src/render/paint.js';
import { cli } from '../helpers/cli.js';
import { BASE } from '../helpers/spec.js';
import { rngFor, SEED, seedText, type Rng } from '../helpers/fuzz.js';

// ---------------------------------------------------------------------------------------------
// Budget, seed and replay.

const ONLY_CASE = process.env.HALOFORM_FUZZ_CASE; // "direct:123" or "cli:45"
const BUDGET_MS = Number(process.env.HALOFORM_FUZZ_MS ?? 20_000);
const DIRECT_MS = Math.round((BUDGET_MS * 2) / 3);
const CLI_MS = BUDGET_MS - DIRECT_MS;
/** The most one input may take, through the loader or the CLI: generous, for a loaded CI machine; it catches blow-ups (minutes), not slowness (npm run bench measures speed). */
const PER_INPUT_MS = 10_000;
/** Past this, one input is a hang: a watchdog on another thread reports it and kills the process (a synchronous loop cannot be interrupted from this thread). */
const HANG_MS = 30_000;
/** Time spent shrinking one failing input. */
const SHRINK_MS = 3_000;
const MAX_REPORTED = 12;

const replay = (label: string) => `HALOFORM_FUZZ_SEED=${seedText} HALOFORM_FUZZ_CASE=${label} npx vitest run test/config/fuzz.test.ts`;

// ---------------------------------------------------------------------------------------------
// The corpus: real specs.

const ROOT = new URL('../../', import.meta.url).pathname;
const demo = readFileSync(join(ROOT, 'config/demo.yaml'), 'utf8');
const example = readFileSync(join(ROOT, 'config/haloform.example.yaml'), 'utf8');
const starter = starterSpec('../schema/haloform.schema.json');
const withAlerts = `${BASE}customers:\n  unmapped: create\n  map:\n    - organisation: Contoso Ltd\n      client: Contoso\n      sites: { Head Office: HQ, 12: Warehouse }\nalerts:\n  ticketType: Alert\n  onReset: note\n  priority: { CRITICAL: 1, MAJOR: 2 }\n  poll: { enabled: true, everyMinutes: 5 }\n  webhook: { publicUrl: "https://h.example/ninjaone/webhook", header: X-Token }\n`;

const CORPUS: { name: string; text: string }[] = [
  { name: 'demo.yaml', text: demo },
  { name: 'haloform.example.yaml', text: example },
  { name: 'init', text: starter },
  { name: 'BASE', text: BASE },
  { name: 'BASE+alerts', text: withAlerts },
];
// The same specs in flow style and as JSON (both are YAML).
for (const { name, text } of CORPUS.slice()) {
  const data: unknown = parseYamlLoose(text);
  CORPUS.push({ name: `${name} (flow)`, text: stringify(data, { collectionStyle: 'flow' }) });
  CORPUS.push({ name: `${name} (json)`, text: JSON.stringify(data, null, 1) });
}
const CORPUS_DATA = CORPUS.filter((c) => !c.name.includes('(')).map((c) => ({ name: c.name, data: parseYamlLoose(c.text) as unknown }));

// ---------------------------------------------------------------------------------------------
// Generators.

const KEYS = [
  'version', 'connections', 'ninjaone', 'halo', 'instance', 'url', 'authUrl', 'tenant', 'clientId', 'clientSecret', 'scopes', 'scope',
  'rateLimit', 'requests', 'perSeconds', 'batchSize', 'timeoutSeconds', 'allowInsecureHttp', 'settings', 'assetTagMustBeUnique',
  'customers', 'topLevel', 'unmapped', 'unmappedLocations', 'map', 'organisation', 'client', 'sites', 'site', 'renameFrom', 'skip',
  'catchAll', 'assetTypes', 'group', 'assets', 'match', 'serialField', 'ignoreSerials', 'serial', 'name', 'from', 'links', 'deviceUrl',
  'remoteUrl', 'fields', 'to', 'inherit', 'type', 'dateFormat', 'addMissingFieldsToTypes', 'user', 'matchBy', 'removed', 'alerts',
  'ticketType', 'priority', 'endUser', 'onReset', 'closeOnlyUntouched', 'include', 'activityTypes', 'severities', 'nodeClasses', 'poll',
  'enabled', 'everyMinutes', 'webhook', 'publicUrl', 'header', 'organisations', 'CRITICAL', 'MAJOR', 'MINOR', 'NONE', 'WINDOWS_SERVER',
  'MAC', 'Head Office', '12', '0', '-1', 'ticketTyp', 'conections', 'Version', 'VERSION', '__proto__', 'constructor', 'prototype',
  'toString', 'hasOwnProperty', 'valueOf', '<<', '', 'null', '~', 'true', 'a b', 'ключ', 'é', '\u202Eevil', 'x'.repeat(300),
];

const VARIABLE_FORMS = [
  '${A}', '${B}', '${VAR}', '${UNSET_VARIABLE}', '${NINJA_SECRET}', '${HALO_CLIENT_SECRET}', '${A:-${B}}', '${A:-${B:-c}}', '${A:-}',
  '${UNSET:-default}', '${UNSET:-}', '${ A }', '${1A}', '${A-b}', '${A:?required}', '$${A}', '$${', '${', '${}', '}', '$', '$$',
  '${A}${B}', 'x${A}y', '${A:-x}${UNSET}', '${${A}}', '${A:-${B}', '${A:-}}', '${EMPTY}', '${NEWLINE}', '${WEIRD}', '${BRACE}',
  '${NUM}', '${HALO_BUDGET:-100}', '${a.b}', '${A:-a b c}', '${A:-"q"}', '${A:-:}', '${A\u0000}', '${\u202E}',
];

const TAGS = [
  '!!binary', '!!str', '!!int', '!!float', '!!bool', '!!null', '!!map', '!!seq', '!!set', '!!omap', '!!pairs', '!!timestamp', '!!merge',
  '!!python/object:os.system', '!!js/function', '!custom', '!', '!!', '!<tag:yaml.org,2002:str>', '!<!bar>', '!e!tag%21', '!!value',
];

const CONTROL_CHARS = [
  '\u0000', '\u0001', '\u0007', '\u0008', '\t', '\u000B', '\u000C', '\r', '\u001B', '\u007F', '\u0085', '\u00A0', '\u2028', '\u2029',
  '\u202E', '\u202D', '\u2066', '\u200E', '\uFEFF', '\uFFFE', '\uFFFF', '\uD800', '\uDFFF', '😀', 'Ω', 'é', '\u0301',
];
const YAML_PUNCT = [':', ': ', '#', ' #', '"', "'", '{', '}', '[', ']', ',', '&', '*', '!', '%', '@', '`', '|', '>', '-', '- ', '? ', '\\', '\n', '\n  ', '\n- '];

const INVALID_UTF8: number[][] = [[0xff], [0xfe], [0x80], [0xbf], [0xc0, 0x80], [0xc1, 0xbf], [0xe0, 0x80, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xf5, 0x80, 0x80, 0x80], [0xe2, 0x82], [0xf0, 0x9f, 0x98], [0xc3]];

function randomString(rng: Rng, max = 20): string {
  const n = rng.int(max + 1);
  let out = '';
  for (let i = 0; i < n; i++) {
    const r = rng.next();
    out += r < 0.6 ? String.fromCharCode(97 + rng.int(26)) : r < 0.75 ? String.fromCharCode(32 + rng.int(95)) : r < 0.85 ? rng.pick(CONTROL_CHARS) : String.fromCharCode(rng.int(0x3000));
  }
  return out;
}

/** The longest long string made; the CLI cases keep to less (see there). */
let longLimit = 600_000;

function longString(rng: Rng): string {
  const n = Math.min(longLimit, rng.pick([1_000, 10_000, 100_000, 600_000]));
  const unit = rng.pick(['x', 'ab ', 'é', '😀', '\u202E', '${A}', 'a: ', '- ', '\\"']);
  return unit.repeat(Math.ceil(n / unit.length));
}

/** A YAML scalar, flow collection, reference, tag or block scalar: text to put after `key: `. */
function randomScalar(rng: Rng, indent = ''): string {
  switch (rng.int(14)) {
    case 0:
      return rng.pick(['0', '-1', '1', '42', '-0', '0.5', '1e3', '1e309', '-1e309', '9007199254740993', '123456789012345678901234567890', '0x1F', '0o17', '0b101', '017', '+12', '.5', '1_000', '.inf', '-.inf', '.nan', '.NaN', '1:30', '2001-12-14', '2001-12-14t21:59:43.10-05:00']);
    case 1:
      return rng.pick(['null', '~', 'Null', 'NULL', '', '""', "''", 'true', 'false', 'True', 'FALSE', 'yes', 'no', 'on', 'off', 'y', 'n']);
    case 2:
      return rng.pick(['[]', '{}', '[1, 2]', '{a: 1}', '[[[]]]', '{a: {b: {c: d}}}', '[a, [b, {c: [d]}]]', '{? a}', '[a: b]', '{a, b}', '[,]', '{:}', '[a', '{a: 1', ']', '}']);
    case 3:
      return rng.pick(VARIABLE_FORMS);
    case 4:
      return `"${rng.pick(VARIABLE_FORMS)}"`;
    case 5:
      return rng.pick(['&a x', '*a', '&a [1, 2]', '*nowhere', '&a {k: *a}', '&b *a', '&a', '&a &b x', '*a *b', '&a\n' + indent + '  k: v']);
    case 6:
      return `${rng.pick(TAGS)} ${rng.pick(['SGVsbG8=', '12', 'x', '', '"q"', '[a]', '{a: 1}', '!!!', '2001-12-14'])}`;
    case 7:
      return longString(rng);
    case 8:
      return randomString(rng);
    case 9:
      return JSON.stringify(randomString(rng));
    case 10:
      return rng.pick(['"\\x41\\u0041\\U0001F600\\0\\a\\e\\N\\_\\L\\P"', '"\\q"', '"\\u"', '"\\uD800"', "'it''s'", '"unterminated', "'unterminated", '"a\nb"', '"\\\n"']);
    case 11:
      return `${rng.pick(['|', '>', '|-', '>+', '|2', '|0', '|-9', '>10'])}\n${indent}  ${randomString(rng)}\n${indent}  ${randomString(rng)}`;
    case 12:
      return rng.pick(['http://', 'https://user:pa55@host', 'http://127.0.0.1:7101', 'http://halo.example.com', 'javascript:alert(1)', 'http://[::1]:80', 'http://%zz', 'https://h/#{id}', '{url}/#/{id}/{uid}', 'ftp://x', 'https://\u202Eexample.com', 'https://' + 'a'.repeat(5000) + '.com']);
    default:
      return `${randomString(rng, 6)}${rng.pick(YAML_PUNCT)}${randomString(rng, 6)}`;
  }
}

/** A random value as data (for JSON and YAML serialisation). */
function randomValue(rng: Rng, depth: number): unknown {
  const r = rng.int(depth <= 0 ? 6 : 9);
  switch (r) {
    case 0:
      return rng.pick([0, -1, 1, 2, 1e3, -0, 0.5, Number.MAX_SAFE_INTEGER + 2, 1e308, -1e-308, 3.14, 300, 86400, 2 ** 31, -(2 ** 53)]);
    case 1:
      return null;
    case 2:
      return rng.chance(0.5);
    case 3:
      return rng.pick(VARIABLE_FORMS);
    case 4:
      return rng.chance(0.05) ? longString(rng) : randomString(rng);
    case 5:
      return rng.pick(KEYS);
    case 6:
    case 7: {
      const n = rng.int(6);
      const out: Record<string, unknown> = {};
      for (let i = 0; i < n; i++) Object.defineProperty(out, rng.chance(0.7) ? rng.pick(KEYS) : randomString(rng, 8), { value: randomValue(rng, depth - 1), enumerable: true, configurable: true, writable: true });
      return out;
    }
    default:
      return Array.from({ length: rng.int(5) }, () => randomValue(rng, depth - 1));
  }
}

function serialise(rng: Rng, value: unknown): string {
  try {
    switch (rng.int(5)) {
      case 0:
        return JSON.stringify(value) ?? 'null';
      case 1:
        return JSON.stringify(value, null, rng.pick([1, 2, 4, '\t'])) ?? 'null';
      case 2:
        return stringify(value, { collectionStyle: 'flow' });
      case 3:
        return stringify(value, { indent: rng.pick([1, 2, 4, 8]), defaultStringType: rng.pick(['PLAIN', 'QUOTE_DOUBLE', 'QUOTE_SINGLE', 'BLOCK_LITERAL'] as const) });
      default:
        return stringify(value);
    }
  } catch {
    return JSON.stringify(value) ?? 'null';
  }
}

/** Replaces, removes or adds one random thing deep in a real spec's data, keeping it valid YAML. */
function mutateData(rng: Rng, data: unknown): unknown {
  const copy = structuredClone(data);
  const steps = rng.range(1, 4);
  for (let s = 0; s < steps; s++) {
    // Walk to a random container.
    let node: unknown = copy;
    const depth = rng.int(6);
    for (let d = 0; d < depth; d++) {
      const children = node && typeof node === 'object' ? Object.values(node as object).filter((v) => v && typeof v === 'object') : [];
      if (children.length === 0) break;
      node = rng.pick(children);
    }
    if (!node || typeof node !== 'object') continue;
    const container = node as Record<string, unknown> | unknown[];
    const keys = Object.keys(container);
    const key = keys.length > 0 && rng.chance(0.8) ? rng.pick(keys) : Array.isArray(container) ? String(container.length) : rng.pick(KEYS);
    switch (rng.int(6)) {
      case 0:
        if (Array.isArray(container)) container.splice(Number(key), 1);
        else delete container[key];
        break;
      case 1:
        if (!Array.isArray(container)) {
          const value = container[key];
          delete container[key];
          container[rng.chance(0.5) ? `${key.slice(0, -1)}` : rng.pick(KEYS)] = value;
        }
        break;
      case 2:
        (container as Record<string, unknown>)[key] = structuredClone(rng.pick(CORPUS_DATA).data);
        break;
      default:
        (container as Record<string, unknown>)[key] = randomValue(rng, 3);
    }
  }
  return copy;
}

const TOKENS = [
  ...KEYS.slice(0, 40), ':', ': ', '- ', '? ', '{', '}', '[', ']', ', ', '"', "'", '|', '>', '&a ', '*a', '!!str ', '!!binary ', '!x ', '#', '# c',
  '\n', '\n', '\n', '\n  ', '\n    ', '\t', '---\n', '...\n', '%YAML 1.2\n', '%YAML 1.1\n', '%TAG ! tag:x,2000:\n', '<<: ', '1', '0', '-1', '1e9', '.inf',
  'null', '~', 'true', 'no', '${A}', '${A:-${B}}', '$${', '\u0000', '\u202E', '\uFEFF', '😀', 'é', '\r\n', '\r', '\\', '@', '`', '%',
];

function tokenSoup(rng: Rng): string {
  const n = rng.range(1, 300);
  let out = '';
  for (let i = 0; i < n; i++) out += rng.chance(0.1) ? randomScalar(rng) : rng.pick(TOKENS);
  return out;
}

function deepNesting(rng: Rng): string {
  const depth = rng.range(60, 500);
  switch (rng.int(6)) {
    case 0: {
      let out = '';
      for (let d = 0; d < depth; d++) out += `${' '.repeat(d)}k${d}:\n`;
      return `${out}${' '.repeat(depth)}leaf\n`;
    }
    case 1:
      return `${'['.repeat(depth)}${']'.repeat(rng.chance(0.8) ? depth : rng.int(depth))}`;
    case 2:
      return `${'{a: '.repeat(depth)}1${'}'.repeat(rng.chance(0.8) ? depth : rng.int(depth))}`;
    case 3: {
      let out = '';
      for (let d = 0; d < depth; d++) out += `${'  '.repeat(d)}- `.replace(/^( *)- $/, '$1-\n') ;
      return `${'- '.repeat(depth)}x\n${out}`;
    }
    case 4:
      // Brackets inside quotes and comments: not nesting at all.
      return `a: "${'['.repeat(depth)}"\nb: '${'{'.repeat(depth)}'\n# ${'['.repeat(depth)}\nc: x${'['.repeat(depth)}\n`;
    default:
      return `${'[{a: '.repeat(depth / 2)}1${'}]'.repeat(depth / 2)}`;
  }
}

/** Aliases that expand a lot (billion laughs), and ones that refer to themselves. */
function aliasBomb(rng: Rng): string {
  const levels = rng.range(3, 12);
  let out = 'a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n';
  for (let i = 1; i < levels; i++) out += `a${i}: &a${i} [${Array.from({ length: 9 }, () => `*a${i - 1}`).join(', ')}]\n`;
  return rng.chance(0.3) ? `${out}self: &s [*s]\n` : out;
}

interface Case {
  kind: string;
  bytes: Buffer;
}

type LineMutation = (rng: Rng, lines: string[]) => string;

/** Puts `replacement` in place of `lines`' contents; not splice(0, n, ...replacement), which overflows the stack past ~100,000 lines. */
function replaceLines(lines: string[], replacement: readonly string[]) {
  lines.length = 0;
  for (const line of replacement) lines.push(line);
}

const LINE_MUTATIONS: Record<string, LineMutation> = {
  delete: (rng, lines) => (lines.splice(rng.int(lines.length), 1), 'delete line'),
  duplicate: (rng, lines) => {
    const i = rng.int(lines.length);
    lines.splice(i, 0, lines[i] ?? '');
    return 'duplicate line';
  },
  swap: (rng, lines) => {
    const i = rng.int(lines.length);
    const j = rng.int(lines.length);
    [lines[i], lines[j]] = [lines[j] ?? '', lines[i] ?? ''];
    return 'swap lines';
  },
  indent: (rng, lines) => {
    const i = rng.int(lines.length);
    const line = lines[i] ?? '';
    const r = rng.int(4);
    lines[i] = r === 0 ? ' '.repeat(rng.range(1, 4)) + line : r === 1 ? line.replace(/^ {1,4}/, '') : r === 2 ? line.replace(/^( +)/, (s) => '\t'.repeat(Math.max(1, s.length / 2))) : line.replace(/^/, '\t');
    return 'indentation';
  },
  insertChars: (rng, lines) => {
    const i = rng.int(lines.length);
    const line = lines[i] ?? '';
    const at = rng.int(line.length + 1);
    const what = Array.from({ length: rng.range(1, 4) }, () => (rng.chance(0.5) ? rng.pick(CONTROL_CHARS) : rng.pick(YAML_PUNCT))).join('');
    lines[i] = line.slice(0, at) + what + line.slice(at);
    return 'insert characters';
  },
  replaceScalar: (rng, lines) => {
    const candidates = lines.map((l, i) => [l, i] as const).filter(([l]) => /^\s*(- )?[^#\s][^:#]*:\s+\S/.test(l) || /^\s*- [^:]+$/.test(l));
    if (candidates.length === 0) return 'replace scalar (none)';
    const [line, i] = rng.pick(candidates);
    const indent = /^\s*/.exec(line)![0];
    lines[i] = /:\s+\S/.test(line) ? line.replace(/(:\s+).*$/, `$1${randomScalar(rng, indent)}`) : line.replace(/(- ).*$/, `$1${randomScalar(rng, indent)}`);
    return 'replace scalar';
  },
  replaceKey: (rng, lines) => {
    const candidates = lines.map((l, i) => [l, i] as const).filter(([l]) => /^\s*(- )?[A-Za-z_][\w ]*:/.test(l));
    if (candidates.length === 0) return 'replace key (none)';
    const [line, i] = rng.pick(candidates);
    const key = rng.pick(KEYS);
    lines[i] = line.replace(/^(\s*(?:- )?)[A-Za-z_][\w ]*:/, `$1${rng.chance(0.3) ? JSON.stringify(key) : key}:`);
    return 'replace key';
  },
  insertLine: (rng, lines) => {
    const i = rng.int(lines.length + 1);
    const indent = ' '.repeat(rng.pick([0, 0, 2, 4, 6, 1, 3]));
    const line = rng.chance(0.8) ? `${indent}${rng.pick(KEYS)}: ${randomScalar(rng, indent)}` : `${indent}- ${randomScalar(rng, indent)}`;
    lines.splice(i, 0, line);
    return 'insert line';
  },
  nest: (rng, lines) => {
    lines.splice(rng.int(lines.length + 1), 0, ...deepNesting(rng).split('\n'));
    return 'deep nesting';
  },
  anchors: (rng, lines) => {
    const i = rng.int(lines.length);
    const j = rng.int(lines.length);
    lines[i] = (lines[i] ?? '').replace(/:\s+(\S)/, ': &a $1');
    lines[j] = (lines[j] ?? '').replace(/:\s+\S.*$/, ': *a');
    if (rng.chance(0.3)) lines.push(...aliasBomb(rng).split('\n'));
    if (rng.chance(0.2)) lines.splice(rng.int(lines.length), 0, '<<: *a');
    return 'anchors and aliases';
  },
  tag: (rng, lines) => {
    const i = rng.int(lines.length);
    lines[i] = (lines[i] ?? '').replace(/:\s+(\S)/, `: ${rng.pick(TAGS)} $1`);
    return 'tag';
  },
  documents: (rng, lines) => {
    const what = rng.pick(['---', '...', '%YAML 1.1\n---', '%YAML 1.2\n---', '%TAG ! tag:example.com,2000:\n---', '--- !!map', '--- |', '---\n---']);
    lines.splice(rng.chance(0.5) ? 0 : rng.int(lines.length + 1), 0, what);
    return 'document markers';
  },
  variables: (rng, lines) => {
    const i = rng.int(lines.length);
    lines[i] = (lines[i] ?? '').replace(/(:\s+)(\S.*)?$/, (_, sep: string, v?: string) => `${sep}${rng.chance(0.5) ? rng.pick(VARIABLE_FORMS) : `${v ?? ''}${rng.pick(VARIABLE_FORMS)}`}`);
    return 'variables';
  },
  longLine: (rng, lines) => {
    lines.splice(rng.int(lines.length + 1), 0, `${rng.pick(KEYS)}: ${longString(rng)}`);
    return 'long line';
  },
  flowBlock: (rng, lines) => {
    // A block section written as a one-line flow map, sometimes broken.
    const text = lines.join('\n');
    // YAML's loose parse of a long, garbled text takes minutes: keep to what is quick.
    if (text.length > 50_000) return 'flow style (skipped: long)';
    let flowed = text;
    try {
      const data = parseYamlLoose(text, { logLevel: 'silent' }) as Record<string, unknown> | null;
      if (data && typeof data === 'object') {
        const key = rng.pick(Object.keys(data).length > 0 ? Object.keys(data) : ['x']);
        const section = stringify(data[key] ?? null, { collectionStyle: 'flow' }).trim();
        const rest = { ...data };
        delete rest[key];
        const broken = rng.chance(0.3) ? section.slice(0, rng.int(section.length)) : section;
        flowed = `${Object.keys(rest).length > 0 ? stringify(rest) : ''}${key}: ${broken}\n`;
      }
    } catch {
      // not YAML: keep it
    }
    replaceLines(lines, flowed.split('\n'));
    return 'flow style';
  },
  repeat: (rng, lines) => {
    const copy = lines.slice();
    for (let k = rng.range(1, 3); k > 0; k--) for (const line of copy) lines.push(line);
    return 'repeat whole file';
  },
  lineEndings: (rng, lines) => {
    const sep = rng.pick(['\r\n', '\r', '\u2028', '\u0085']);
    const joined = lines.join(sep);
    replaceLines(lines, [joined]);
    return 'line endings';
  },
};

function mutateBytes(rng: Rng, bytes: Buffer): [Buffer, string] {
  switch (rng.int(6)) {
    case 0: {
      const at = rng.int(bytes.length + 1);
      return [Buffer.concat([bytes.subarray(0, at), Buffer.from(rng.pick(INVALID_UTF8)), bytes.subarray(at)]), 'invalid UTF-8'];
    }
    case 1:
      return [bytes.subarray(0, rng.int(bytes.length + 1)), 'truncate bytes'];
    case 2: {
      const copy = Buffer.from(bytes);
      for (let k = rng.range(1, 4); k > 0 && copy.length > 0; k--) {
        const at = rng.int(copy.length);
        copy[at] = copy[at]! ^ (1 << rng.int(8));
      }
      return [copy, 'flip bits'];
    }
    case 3: {
      const at = rng.int(bytes.length + 1);
      const random = Buffer.from(Array.from({ length: rng.range(1, 16) }, () => rng.int(256)));
      return [Buffer.concat([bytes.subarray(0, at), random, bytes.subarray(at)]), 'random bytes'];
    }
    case 4:
      return [Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes]), 'BOM'];
    default:
      return [Buffer.concat([bytes, Buffer.from([0])]), 'trailing NUL'];
  }
}

function makeCase(rng: Rng): Case {
  const r = rng.next();
  if (r < 0.55) {
    // (a) a real spec, mutated.
    const base = rng.pick(CORPUS);
    const lines = base.text.split('\n');
    const names = Object.keys(LINE_MUTATIONS);
    const done: string[] = [];
    for (let k = rng.range(1, 4); k > 0; k--) done.push(LINE_MUTATIONS[rng.pick(names)]!(rng, lines));
    let bytes: Buffer = Buffer.from(lines.join('\n'), 'utf8');
    if (rng.chance(0.25)) {
      const [mutated, what] = mutateBytes(rng, bytes);
      bytes = mutated;
      done.push(what);
    } else if (rng.chance(0.1)) {
      const cut = rng.int(lines.join('\n').length + 1);
      bytes = Buffer.from(lines.join('\n').slice(0, cut), 'utf8');
      done.push('truncate');
    }
    return { kind: `${base.name}: ${done.join(', ')}`, bytes };
  }
  if (r < 0.75) {
    // Structural: a real spec with random subtrees, still YAML; reaches the schema, normalise and the rules.
    const base = rng.pick(CORPUS_DATA);
    return { kind: `${base.name}: random subtrees`, bytes: Buffer.from(serialise(rng, mutateData(rng, base.data)), 'utf8') };
  }
  if (r < 0.87) {
    // (b) token soup.
    return { kind: 'token soup', bytes: Buffer.from(tokenSoup(rng), 'utf8') };
  }
  if (r < 0.97) {
    // (c) random JSON values as YAML.
    const inner = randomValue(rng, 4);
    const value = rng.chance(0.3) ? inner : { version: rng.pick([1, 2, '1', null]), ...(inner && typeof inner === 'object' ? inner : { connections: inner }) };
    return { kind: 'random value', bytes: Buffer.from(serialise(rng, value), 'utf8') };
  }
  // Rarities: a file over the size limit, an empty one, only whitespace, deep nesting alone, alias bombs.
  const what = rng.int(6);
  if (what === 5) {
    // A wide map: thousands of keys (some repeated), at the top or in a section.
    const n = rng.pick([100, 500, 1_000, 3_000]);
    const indent = rng.chance(0.5) ? '  ' : '';
    let out = indent ? `${BASE}customers:\n` : BASE;
    for (let i = 0; i < n; i++) out += `${indent}${rng.chance(0.01) ? 'k0' : `k${i}`}: ${rng.chance(0.5) ? i : JSON.stringify(randomString(rng, 10))}\n`;
    return { kind: `wide map (${n} keys)`, bytes: Buffer.from(out) };
  }
  if (what === 0) return { kind: 'over the size limit', bytes: Buffer.concat([Buffer.from(demo), Buffer.alloc(MAX_SPEC_BYTES - demo.length + rng.range(1, 10), 0x20)]) };
  if (what === 1) return { kind: 'empty or blank', bytes: Buffer.from(rng.pick(['', ' ', '\n\n', '\t', '#', '---', '...', '\uFEFF', '\u0000'])) };
  if (what === 2) return { kind: 'deep nesting', bytes: Buffer.from(deepNesting(rng)) };
  if (what === 3) return { kind: 'alias bomb', bytes: Buffer.from(`${BASE}${aliasBomb(rng)}`) };
  return { kind: 'exactly at the size limit', bytes: Buffer.concat([Buffer.from('version: 1\n# '), Buffer.alloc(MAX_SPEC_BYTES - 13, 0x61), Buffer.from('\n')]) };
}

// ---------------------------------------------------------------------------------------------
// What must hold of every answer.

const ENV_FULL: Record<string, string> = {
  NINJA_SECRET: 'n-secret-value',
  HALO_SECRET: 'h-secret-value',
  NINJAONE_CLIENT_ID: 'ninja-client-id',
  NINJAONE_CLIENT_SECRET: 'ninja-client-secret-value',
  HALO_CLIENT_ID: 'halo-client-id',
  HALO_CLIENT_SECRET: 'halo-client-secret-value',
  NINJAONE_URL: 'http://127.0.0.1:7101',
  HALO_URL: 'http://127.0.0.1:7102',
  A: 'a',
  B: '12',
  VAR: 'true',
  EMPTY: '',
  NUM: '3.5',
  WEIRD: '\u202E: [x',
  NEWLINE: 'a\nb: c',
  BRACE: '${A}',
  HALO_BUDGET: '100',
};

function envFor(rng: Rng): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(ENV_FULL)) if (rng.chance(0.85)) env[k] = v;
  return env;
}

/** Text that says haloform failed rather than answered. Ignored when the input itself holds it (a spec may be echoed). */
const MARKERS: [string, RegExp][] = [
  ['"bug"', /\bbug\b/i],
  ['"stopped unexpectedly"', /stopped unexpectedly/i],
  ['"Maximum call stack"', /Maximum call stack/i],
  ['a JavaScript error name', /\b(TypeError|RangeError|ReferenceError|SyntaxError|InternalError)\b/],
  ['a JavaScript error message', /Cannot read propert|Cannot set propert|is not a function|is not iterable|is not a constructor|undefined \(reading|Invalid array length|Invalid string length|out of memory/i],
  ['a stack trace line', /^\s*at .*(\(|\s)(file:|node:|\/)[^\n]*:\d+:\d+\)?$/m],
  ['"[object Object]" or "undefined" as text', /\[object Object\]|\bundefined\b/],
];

function markersIn(output: string, input: string): string[] {
  return MARKERS.filter(([, re]) => re.test(output) && !re.test(input)).map(([name, re]) => `${name}: ${JSON.stringify(excerptAround(output, re))}`);
}

function excerptAround(text: string, re: RegExp): string {
  const m = new RegExp(re.source, re.flags.replace('g', '')).exec(text);
  if (!m) return '';
  return text.slice(Math.max(0, m.index - 80), m.index + m[0].length + 80);
}

/** C0 controls but tab and newline, DEL, C1 and the bidi controls: what diagnostics show escaped (src/render/safe-text.ts). */
// eslint-disable-next-line no-control-regex
const RAW_CONTROLS = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/;

const plain = createPaint(false);
const PROTO_KEYS = Object.getOwnPropertyNames(Object.prototype).sort().join(',');

function checkLoaded(input: Buffer, path: string, loaded: LoadedSpec): string[] {
  const problems: string[] = [];
  const inputText = input.toString('utf8');
  if (!loaded || !Array.isArray(loaded.diagnostics)) return [`the loader returned no diagnostics array: ${JSON.stringify(loaded)?.slice(0, 200)}`];
  // The lines as the loader reads them (a BOM dropped; \n and \r\n end a line, a lone \r is a character), to check positions against.
  const lineLengths = new TextDecoder('utf-8').decode(input).split('\n').map((l) => l.length);
  const lineCount = lineLengths.length;
  const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
  for (const d of loaded.diagnostics as Diagnostic[]) {
    const label = `diagnostic ${JSON.stringify(d.summary)}`;
    if (d.severity !== 'error' && d.severity !== 'warning') problems.push(`${label}: severity ${JSON.stringify(d.severity)}`);
    if (typeof d.summary !== 'string' || d.summary.trim() === '') problems.push(`a diagnostic without a summary: ${JSON.stringify(d).slice(0, 300)}`);
    if (typeof d.detail !== 'string' || d.detail.trim() === '') problems.push(`${label} without a detail`);
    if (d.file !== undefined && d.file !== path) problems.push(`${label} names file ${JSON.stringify(d.file)}, not ${path}`);
    if (d.range) {
      const { start, end } = d.range;
      const ok = (p: { line: number; column: number }) => Number.isInteger(p.line) && Number.isInteger(p.column) && p.line >= 1 && p.column >= 1 && p.line <= lineCount;
      if (!ok(start) || !ok(end)) problems.push(`${label} at line ${start.line}, column ${start.column} to ${end.line}:${end.column}: outside the file (${lineCount} lines)`);
      else if (end.line < start.line || (end.line === start.line && end.column < start.column)) problems.push(`${label} ends (${end.line}:${end.column}) before it starts (${start.line}:${start.column})`);
      else if (start.column > (lineLengths[start.line - 1] ?? 0) + 1) problems.push(`${label} at line ${start.line}, column ${start.column}, but that line has ${lineLengths[start.line - 1] ?? 0} characters`);
    }
    for (const m of markersIn(`${d.summary}\n${d.detail}`, inputText)) problems.push(`${label} says ${m}`);
  }
  if (errors.length === 0 && !loaded.spec) problems.push('no errors, yet no spec');
  if (errors.length === 0 && loaded.spec && typeof loaded.hash !== 'string') problems.push('a valid spec without a hash');
  if (errors.length > 0 && loaded.spec) problems.push('errors, yet a spec');
  try {
    JSON.stringify(loaded.diagnostics);
  } catch (e) {
    problems.push(`the diagnostics do not serialise as JSON (validate --format json would fail): ${(e as Error).message}`);
  }
  let rendered = '';
  try {
    // The first few: the CLI cases render them all.
    const some = loaded.diagnostics.slice(0, 50);
    rendered = renderDiagnostics(some, { paint: plain, sources: new Map([[loaded.source.path, loaded.source]]) });
    rendered += some.map(renderDiagnosticLine).join('\n');
  } catch (e) {
    problems.push(`rendering the diagnostics threw ${(e as Error).name}: ${(e as Error).message}`);
  }
  if (RAW_CONTROLS.test(rendered)) problems.push(`the rendered diagnostics hold a raw control character: ${JSON.stringify(excerptAround(rendered, RAW_CONTROLS))}`);
  if (Object.getOwnPropertyNames(Object.prototype).sort().join(',') !== PROTO_KEYS || (Object.prototype as Record<string, unknown>).polluted !== undefined) {
    problems.push('Object.prototype was changed (prototype pollution)');
  }
  return problems;
}

/**
 * What the code under test hands to `process.emitWarning`: Node prints it on the process's stderr,
 * past haloform's own output ("(node:1234) Warning: ... Use `node --trace-warnings ...`"). While
 * the tests run it is recorded instead, and each input's share is a problem.
 */
const processWarnings: string[] = [];
const realEmitWarning = process.emitWarning;
function recordProcessWarnings() {
  process.emitWarning = ((warning: string | Error) => {
    processWarnings.push(typeof warning === 'string' ? warning : `${warning.name}: ${warning.message}`);
  }) as typeof process.emitWarning;
}
function restoreProcessWarnings() {
  process.emitWarning = realEmitWarning;
}
function takeWarnings(): string[] {
  return processWarnings.splice(0).map((w) => `printed a Node.js process warning on stderr, outside haloform's output: ${JSON.stringify(w.slice(0, 160))}`);
}

/** One input through loadSpecFile: the problems found, or none. */
function runDirect(dir: string, bytes: Buffer, rng: Rng): { problems: string[]; ms: number; valid: boolean } {
  const path = 'spec.yaml';
  writeFileSync(join(dir, path), bytes);
  const env = envFor(rng);
  const options = rng.chance(0.5) ? { missingEnv: 'warning' as const } : { missingEnv: 'error' as const };
  processWarnings.length = 0;
  const began = performance.now();
  let loaded: LoadedSpec;
  try {
    loaded = loadSpecFile(path, env, dir, options);
  } catch (e) {
    const err = e as Error;
    return { problems: [`loadSpecFile threw ${err?.name}: ${err?.message} (${String(err?.stack ?? '').split('\n').slice(1, 3).map((l) => l.trim()).join(' | ')})`], ms: performance.now() - began, valid: false };
  }
  const ms = performance.now() - began;
  const problems = [...checkLoaded(bytes, path, loaded), ...takeWarnings()];
  if (ms > PER_INPUT_MS) problems.unshift(`took ${Math.round(ms)} ms (limit ${PER_INPUT_MS} ms), ${loaded.diagnostics.length} diagnostics`);
  return { problems: capped(problems), ms, valid: loaded.spec !== undefined };
}

/** One input through `haloform validate`, in-process. */
async function runCli(dir: string, bytes: Buffer, rng: Rng, format?: 'text' | 'json'): Promise<{ problems: string[]; ms: number; code: number }> {
  writeFileSync(join(dir, 'spec.yaml'), bytes);
  const env = envFor(rng);
  const json = format ? format === 'json' : rng.chance(0.3);
  const argv = ['validate', '-c', 'spec.yaml', ...(json ? ['--format', 'json'] : [])];
  processWarnings.length = 0;
  const began = performance.now();
  let run: Awaited<ReturnType<typeof cli>>;
  try {
    run = await cli(argv, { cwd: dir, env });
  } catch (e) {
    return { problems: [`runCli threw ${(e as Error).name}: ${(e as Error).message}`], ms: performance.now() - began, code: -1 };
  }
  const ms = performance.now() - began;
  const problems: string[] = [];
  const input = bytes.toString('utf8');
  if (ms > PER_INPUT_MS) problems.push(`took ${Math.round(ms)} ms (limit ${PER_INPUT_MS} ms), ${run.stderr.length} characters on stderr`);
  if (run.code !== 0 && run.code !== 1) problems.push(`exit code ${run.code}`);
  for (const m of markersIn(`${run.stdout}\n${run.stderr}`, input)) problems.push(`output says ${m}`);
  problems.push(...takeWarnings());
  if (run.code === 1 && run.stderr.trim() === '' && !json) problems.push('exit 1 without a word on stderr');
  if (json) {
    try {
      const out = JSON.parse(run.stdout) as { formatVersion?: unknown; valid?: unknown; diagnostics?: unknown };
      if (out.formatVersion !== 1 || typeof out.valid !== 'boolean' || !Array.isArray(out.diagnostics)) problems.push(`--format json printed ${JSON.stringify(run.stdout.slice(0, 200))}`);
      else if (out.valid !== (run.code === 0)) problems.push(`--format json says valid: ${out.valid}, exit code ${run.code}`);
    } catch {
      problems.push(`--format json printed what is not JSON: ${JSON.stringify(run.stdout.slice(0, 200))} (stderr ${JSON.stringify(run.stderr.slice(0, 300))})`);
    }
  } else {
    if (run.code === 0 && !run.stdout.includes('Success!')) problems.push(`exit 0 without "Success!": ${JSON.stringify(run.stdout.slice(0, 200))}`);
    if (RAW_CONTROLS.test(run.stderr)) problems.push(`stderr holds a raw control character: ${JSON.stringify(excerptAround(run.stderr, RAW_CONTROLS))}`);
  }
  // The verdict is the loader's (validate reads unset variables as warnings).
  if (problems.length === 0) {
    try {
      const loaded = loadSpecFile('spec.yaml', env, dir, { missingEnv: 'warning' });
      const valid = !loaded.diagnostics.some((d) => d.severity === 'error');
      if (valid !== (run.code === 0)) problems.push(`the loader says ${valid ? 'valid' : 'invalid'}, validate exits ${run.code}`);
    } catch {
      // the loader's own cases report it
    }
    processWarnings.length = 0;
  }
  return { problems: capped(problems), ms, code: run.code };
}

/** The first few problems of one input, and how many more. */
function capped(problems: string[]): string[] {
  return problems.length <= 4 ? problems : [...problems.slice(0, 4), `… and ${problems.length - 4} more`];
}

// ---------------------------------------------------------------------------------------------
// Shrinking a failing input, and the report.

/** A coarse name for what went wrong, so failures group and shrinking keeps the same one. */
function signature(problems: readonly string[]): string | undefined {
  if (problems.length === 0) return undefined;
  return problems[0]!.replace(/\(.*$/, '').replace(/"[^"]*"|\d+/g, '#').slice(0, 70);
}

async function shrink(bytes: Buffer, fails: (b: Buffer) => Promise<string | undefined>, target: string): Promise<Buffer> {
  const deadline = performance.now() + SHRINK_MS;
  let best = bytes;
  const still = async (candidate: Buffer) => performance.now() < deadline && (await fails(candidate)) === target;
  // Lines, then bytes: drop chunks of halving size while the failure stays.
  for (const unit of ['line', 'byte'] as const) {
    const split = (b: Buffer): Buffer[] => {
      if (unit === 'byte') return [...b].map((x) => Buffer.from([x]));
      const parts: Buffer[] = [];
      let start = 0;
      for (let i = 0; i < b.length; i++) if (b[i] === 0x0a) (parts.push(b.subarray(start, i + 1)), (start = i + 1));
      if (start < b.length) parts.push(b.subarray(start));
      return parts;
    };
    if (unit === 'byte' && best.length > 4096) continue;
    let parts = split(best);
    for (let size = Math.max(1, Math.floor(parts.length / 2)); size >= 1 && performance.now() < deadline; size = Math.floor(size / 2)) {
      for (let i = 0; i + size <= parts.length && performance.now() < deadline; ) {
        const candidate = Buffer.concat([...parts.slice(0, i), ...parts.slice(i + size)]);
        if (await still(candidate)) {
          parts = [...parts.slice(0, i), ...parts.slice(i + size)];
          best = candidate;
        } else i += size;
      }
    }
  }
  return best;
}

const FAILURE_DIR = join(tmpdir(), 'haloform-fuzz-failures');

/** Long runs of one unit ("a: a: a: ...") shown as the unit and its count. */
function squeeze(text: string): string {
  return text.replace(/(.{1,6}?)\1{19,}/gs, (run, unit: string) => `⟨${JSON.stringify(unit)} × ${run.length / unit.length}⟩`);
}

async function report(label: string, kind: string, bytes: Buffer, problems: string[], fails: (b: Buffer) => Promise<string | undefined>): Promise<string> {
  const target = signature(problems)!;
  // A slow input is not shrunk: every attempt would take as long.
  const minimal = target.startsWith('took ') ? bytes : await shrink(bytes, fails, target);
  mkdirSync(FAILURE_DIR, { recursive: true });
  const file = join(FAILURE_DIR, `${seedText}-${label.replace(':', '-')}.yaml`);
  writeFileSync(file, bytes);
  writeFileSync(file.replace(/\.yaml$/, '.min.yaml'), minimal);
  const text = squeeze(JSON.stringify(minimal.toString('utf8')));
  return [
    `case ${label} (${kind}; seed ${seedText}): ${problems.slice(0, 3).join('; ').slice(0, 1200)}`,
    `  smallest failing input found (${minimal.length} of ${bytes.length} bytes${minimal.length <= 48 ? `, hex ${minimal.toString('hex')}` : ''}): ${text.length > 700 ? `${text.slice(0, 700)}…` : text}`,
    `  saved: ${file} (and .min.yaml)`,
    `  replay: ${replay(label)}`,
  ].join('\n');
}

/** Failures grouped by what went wrong: the first of each kind reported (and shrunk), the rest counted. */
class Failures {
  readonly #groups = new Map<string, { count: number; report: string }>();

  async add(label: string, kind: string, bytes: Buffer, problems: string[], fails: (b: Buffer) => Promise<string | undefined>): Promise<void> {
    const key = signature(problems)!;
    const group = this.#groups.get(key);
    if (group) group.count += 1;
    else if (this.#groups.size < MAX_REPORTED) this.#groups.set(key, { count: 1, report: await report(label, kind, bytes, problems, fails) });
  }

  get text(): string {
    return [...this.#groups.values()].map((g) => `${g.count} input${g.count === 1 ? '' : 's'} failed this way; the first:\n${g.report}`).join('\n\n');
  }

  get size(): number {
    return this.#groups.size;
  }
}

// ---------------------------------------------------------------------------------------------
// A watchdog for hangs: the main thread marks when an input starts; another thread, which a busy
// main thread cannot block, reports and kills the process when one runs past HANG_MS.

const heartbeat = new Int32Array(new SharedArrayBuffer(16));
const clockBase = Date.now();
let watchdog: Worker | undefined;

function startWatchdog() {
  Atomics.store(heartbeat, 0, -1);
  const code = `
    const { workerData } = require('node:worker_threads');
    const { writeSync } = require('node:fs');
    const view = new Int32Array(workerData.shared);
    setInterval(() => {
      const started = Atomics.load(view, 0);
      if (started < 0) return;
      const elapsed = Date.now() - workerData.base - started;
      if (elapsed > workerData.hangMs) {
        const label = ['direct:', 'cli:'][Atomics.load(view, 1)] === undefined ? 'reproducer ' + Atomics.load(view, 2) : ['direct:', 'cli:'][Atomics.load(view, 1)] + Atomics.load(view, 2);
        writeSync(2, '\\n[haloform fuzz watchdog] seed ' + workerData.seed + ', case ' + label + ' has run ' + elapsed + ' ms: a hang. The input is ' + workerData.file + '. Replay: HALOFORM_FUZZ_SEED=' + workerData.seed + ' HALOFORM_FUZZ_CASE=' + label + ' npx vitest run test/config/fuzz.test.ts\\n');
        process.kill(process.pid, 'SIGKILL');
      }
    }, 250);
  `;
  watchdog = new Worker(code, { eval: true, workerData: { shared: heartbeat.buffer, base: clockBase, hangMs: HANG_MS, seed: seedText, file: join(currentDir, 'spec.yaml') } });
  watchdog.unref();
}

function begin(stream: number, index: number) {
  Atomics.store(heartbeat, 1, stream);
  Atomics.store(heartbeat, 2, index);
  Atomics.store(heartbeat, 0, Date.now() - clockBase);
}

function end() {
  Atomics.store(heartbeat, 0, -1);
}

// ---------------------------------------------------------------------------------------------

function only(stream: 'direct' | 'cli'): number | undefined | null {
  if (!ONLY_CASE) return undefined;
  const [s, n] = ONLY_CASE.split(':');
  return s === stream ? Number(n) : null;
}

let currentDir = '';

beforeAll(() => {
  currentDir = mkdtempSync(join(tmpdir(), 'haloform-fuzz-spec-'));
  startWatchdog();
  recordProcessWarnings();
});
afterAll(async () => {
  restoreProcessWarnings();
  rmSync(currentDir, { recursive: true, force: true });
  await watchdog?.terminate();
});

describe(`fuzzing the spec loader (seed ${seedText})`, () => {

  it('loadSpecFile answers every random or mutated spec with diagnostics, in time', { timeout: DIRECT_MS + 60_000 }, async () => {
    const single = only('direct');
    if (single === null) return;
    const failures = new Failures();
    const kinds = new Map<string, number>();
    const deadline = performance.now() + DIRECT_MS;
    const began = performance.now();
    let cases = 0;
    let valid = 0;
    let failed = 0;
    let slowest = { ms: 0, label: '' };
    longLimit = 600_000;
    for (let i = single ?? 0; single !== undefined ? i === single : performance.now() < deadline; i++) {
      const c = makeCase(rngFor(SEED, 0, i));
      begin(0, i);
      const result = runDirect(currentDir, c.bytes, rngFor(SEED, 100, i));
      end();
      cases += 1;
      if (result.valid) valid += 1;
      const family = c.kind.replace(/:.*/, '').replace(/ \(.*\)$/, '');
      kinds.set(family, (kinds.get(family) ?? 0) + 1);
      if (result.ms > slowest.ms) slowest = { ms: result.ms, label: `direct:${i} (${c.kind})` };
      if (result.problems.length > 0) {
        failed += 1;
        const target = signature(result.problems);
        await failures.add(`direct:${i}`, c.kind, c.bytes, result.problems, async (b) => {
          begin(0, i);
          const again = runDirect(currentDir, b, rngFor(SEED, 100, i));
          end();
          return signature(again.problems) === target ? target : undefined;
        });
      }
    }
    console.log(
      `[spec fuzz] seed ${seedText}: ${cases} inputs through loadSpecFile in ${((performance.now() - began) / 1000).toFixed(1)} s, ${failed} failed (${failures.size} kinds); ${valid} were valid specs; slowest ${Math.round(slowest.ms)} ms, ${slowest.label}. By source: ${[...kinds].map(([k, n]) => `${k} ${n}`).join(', ')}`,
    );
    expect(failures.text, `seed ${seedText}: ${failed} of ${cases} inputs failed`).toBe('');
    if (single === undefined) expect(cases, 'inputs run within the budget').toBeGreaterThanOrEqual(500);
  });

  it('haloform validate exits 0 or 1 with a message for every random or mutated spec, never "bug"', { timeout: CLI_MS + 60_000 }, async () => {
    const single = only('cli');
    if (single === null) return;
    const failures = new Failures();
    const codes = new Map<number, number>();
    const deadline = performance.now() + CLI_MS;
    const began = performance.now();
    let cases = 0;
    let failed = 0;
    // Inputs of 600 kB of YAML errors take validate many seconds today (see the reproducers
    // below); the CLI cases keep long strings to 60 kB so they stay many within the budget.
    longLimit = 60_000;
    for (let i = single ?? 0; single !== undefined ? i === single : performance.now() < deadline; i++) {
      const c = makeCase(rngFor(SEED, 1, i));
      begin(1, i);
      const result = await runCli(currentDir, c.bytes, rngFor(SEED, 101, i));
      end();
      cases += 1;
      codes.set(result.code, (codes.get(result.code) ?? 0) + 1);
      if (result.problems.length > 0) {
        failed += 1;
        const target = signature(result.problems);
        await failures.add(`cli:${i}`, c.kind, c.bytes, result.problems, async (b) => {
          begin(1, i);
          const again = await runCli(currentDir, b, rngFor(SEED, 101, i));
          end();
          return signature(again.problems) === target ? target : undefined;
        });
      }
    }
    longLimit = 600_000;
    console.log(
      `[spec fuzz] seed ${seedText}: ${cases} inputs through haloform validate in ${((performance.now() - began) / 1000).toFixed(1)} s, ${failed} failed (${failures.size} kinds); exit codes ${[...codes].map(([k, n]) => `${k}: ${n}`).join(', ')}`,
    );
    expect(failures.text, `seed ${seedText}: ${failed} of ${cases} inputs failed`).toBe('');
    if (single === undefined) expect(cases, 'inputs run within the budget').toBeGreaterThanOrEqual(100);
  });
});

/**
 * What the fuzzer found, each shrunk to a small input that shows it, checked as above through
 * loadSpecFile and through `haloform validate` (text output). Each name says what the input did at
 * commit 8c3c4bb; a test passes once the loader answers it as it should.
 */
const REPRODUCERS: { name: string; text: string }[] = [
  {
    name: 'nested complex keys, "? " 29 times then x (59 bytes) — at 8c3c4bb loadSpecFile throws RangeError "Invalid string length" after ~2.5 s (the time doubles with each level), and validate says "This is a bug"',
    text: `${'? '.repeat(29)}x`,
  },
  {
    name: '"a: " 3000 times then "}" (9 kB) — at 8c3c4bb loadSpecFile throws RangeError "Maximum call stack size exceeded" from the YAML parser, and validate says "This is a bug"',
    text: `${'a: '.repeat(3000)}}`,
  },
  {
    name: '"a: " 3000 times (9 kB) — at 8c3c4bb the 64-level guard misses nesting on one line, and a diagnostic says "Maximum call stack size exceeded"',
    text: 'a: '.repeat(3000),
  },
  {
    name: '" :\\nes\\na: b: c" (14 bytes) — at 8c3c4bb diagnostics point at line 2, columns 5 to 10, of the 2-character line "es" (yaml\'s LineCounter misses a line break)',
    text: ' :\nes\na: b: c\n',
  },
  {
    name: 'the same misplaced columns on a long line (60 kB) — at 8c3c4bb each caret line is indented by up to 60,000 spaces, and validate says "Invalid string length ... This is a bug"',
    text: ` :\nes\n${'a: '.repeat(20_000)}`,
  },
  {
    name: 'a stray scalar, then "a: " 100,000 times (300 kB) — at 8c3c4bb 200,000 diagnostics: loadSpecFile takes ~3 s, validate ~4 s and prints 68 MB (600 kB: 8 s and 1.9 GB of memory; 4 MB, the size limit: out of memory after 65 s)',
    text: `"x"\n${'a: '.repeat(100_000)}`,
  },
  {
    name: 'keys holding U+2066 and U+0085 as YAML escapes, alerts: {"x\\u2066": 1, "\\u0085y": 2} — at 8c3c4bb the raw characters are printed in "on … in alerts[…]" (the path is not escaped)',
    text: 'alerts: {"x\\u2066": 1, "\\u0085y": 2}\n',
  },
  {
    name: 'an alias inside the value it names, ": &s [*s]" — at 8c3c4bb loadSpecFile throws RangeError "Maximum call stack size exceeded" (the value holds itself; walking it never ends)',
    text: 'a: &s [*s]\n',
  },
  {
    name: 'a whole section from a variable that is not set, "connections: ${U}" — at 8c3c4bb validate suppresses the type error (the variable is unset) and loadSpecFile throws TypeError "Cannot read properties of undefined (reading \'url\')" from normalise',
    text: 'version: 1\nconnections: ${U}\n',
  },
  {
    name: 'a key that is a list, "? [a]\\n: 1" (or {{{}}}) — at 8c3c4bb the YAML library prints "(node:…) Warning: Keys with collection values will be stringified…" on the process\'s stderr, past haloform\'s own output',
    text: '? [a]\n: 1\n',
  },
];

describe('inputs the fuzzer found, shrunk', () => {
  it.each(REPRODUCERS.map((r, i) => ({ ...r, i })))('$name', { timeout: 60_000 }, async ({ text, i }) => {
    const bytes = Buffer.from(text, 'utf8');
    begin(2, i);
    const direct = runDirect(currentDir, bytes, rngFor(SEED, 200, i));
    begin(2, i);
    const viaCli = await runCli(currentDir, bytes, rngFor(SEED, 201, i), 'text');
    end();
    const shorten = (problems: string[]) => problems.map((p) => squeeze(p).slice(0, 400));
    expect({ loadSpecFile: shorten(direct.problems), validate: shorten(viaCli.problems) }).toEqual({ loadSpecFile: [], validate: [] });
  });

  // Found as a 1.8 MB map of 600,000 keys that ran past the watchdog. Measured as growth, not as a
  // time, so it holds on fast and slow machines: 3 times the keys may take about 3 times as long
  // (quadratic: 9 times). The faster of two runs of each size, against noise.
  it('a map of many keys loads in time that grows with the keys, not their square — at 8c3c4bb 3× the keys take ~9× as long (SourceFile.locate and the YAML parser\'s duplicate-key check each scan every key for every key): the built CLI takes 8 s for 20,000 keys, 31 s for 40,000 (390 kB), minutes for a 4 MB spec', { timeout: 120_000 }, () => {
    const time = (n: number) => {
      const text = Array.from({ length: n }, (_, i) => `k${i}: 1\n`).join('');
      writeFileSync(join(currentDir, 'spec.yaml'), text);
      let best = Infinity;
      for (let run = 0; run < 2; run++) {
        begin(2, 100 + n);
        const began = performance.now();
        const loaded = loadSpecFile('spec.yaml', {}, currentDir, { missingEnv: 'warning' });
        best = Math.min(best, performance.now() - began);
        end();
        expect(loaded.diagnostics.length).toBe(n + 2); // every key unknown, version and connections missing
      }
      return best;
    };
    time(300); // warm up
    const small = time(1_500);
    const large = time(4_500);
    expect(large / small, `1,500 keys: ${Math.round(small)} ms; 4,500 keys: ${Math.round(large)} ms`).toBeLessThan(6);
  });
});
