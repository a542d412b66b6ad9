/**
 * Condition parameters (`data.message.params`) and codes as a person reads them: epoch
 * milliseconds become "2025-03-19 13:41 UTC", bytes "4.0 GB", durations "1 h 30 min", a threshold
 * with its unit "80 %". Pure, and total: whatever a webhook carries (NaN, negative, huge, a string
 * where a number belongs, nested objects) comes out as text, never as an exception.
 */

/** One parameter, ready for a table row. */
export interface HumanParam {
  /** The key as NinjaOne sent it. */
  key: string;
  /** The key in words: "start_date" → "Start", "top_processes" → "Top processes". */
  label: string;
  /** The value as text; never empty. */
  text: string;
}

/** At most this many parameters are shown; the rest are counted in one last row. */
const MAX_PARAMS = 40;
/** Longer values (a whole event-log message, a process list) are cut with an ellipsis. */
const MAX_TEXT = 1000;

/** Keys that take `params.unit`: the measured value and the condition's limits. */
const UNIT_KEYS = new Set(['threshold', 'value', 'current', 'average', 'avg', 'limit', 'min', 'max', 'minimum', 'maximum']);
/** Words that make a key a byte size (`capacity`, `freeSpace`, `total_space`, `size`, `bytes`). */
const BYTE_WORDS = new Set(['capacity', 'space', 'size', 'bytes', 'byte']);
const BYTE_UNITS = new Set(['b', 'byte', 'bytes']);
const PERCENT_WORDS = new Set(['percent', 'percentage', 'pct']);
/** A key whose last word says its unit of time, e.g. `uptime_seconds`, `timeoutMs`. */
const TIME_UNIT_WORDS: Record<string, number> = {
  ms: 0.001,
  millis: 0.001,
  milliseconds: 0.001,
  s: 1,
  sec: 1,
  secs: 1,
  seconds: 1,
  mins: 60,
  minutes: 60,
  hrs: 3600,
  hours: 3600,
};
/** `params.unit` values that are units of time, in seconds. */
const TIME_UNITS: Record<string, number> = { ...TIME_UNIT_WORDS, min: 60, m: 60, h: 3600, hr: 3600, hour: 3600, minute: 60, second: 1, d: 86400, day: 86400, days: 86400 };

/** Words spelled otherwise in labels. */
const WORDS: Record<string, string> = {
  id: 'ID',
  uid: 'UID',
  cpu: 'CPU',
  os: 'OS',
  ip: 'IP',
  url: 'URL',
  dns: 'DNS',
  cvss: 'CVSS',
  msg: 'message',
  cond: 'condition',
  avg: 'average',
  pct: 'percent',
  eventlog: 'event log',
  sys: 'system',
};

/** Each parameter as a label and readable text, in the order NinjaOne sent them. */
export function humaniseParams(params: Readonly<Record<string, unknown>> | undefined): HumanParam[] {
  if (params === null || typeof params !== 'object' || Array.isArray(params)) return [];
  const entries = Object.entries(params);
  const unit = typeof params.unit === 'string' && params.unit.trim() !== '' ? params.unit.trim() : undefined;
  // The unit is shown with the values it belongs to ("80 %"); in a row of its own only when no value takes it.
  const unitTaken = unit !== undefined && entries.some(([k, v]) => takesUnit(k) && toNumber(v) !== undefined);
  const out: HumanParam[] = [];
  for (const [key, value] of entries) {
    if (key === 'unit' && unitTaken) continue;
    const text = (unitTaken && takesUnit(key) ? withUnit(value, unit!) : undefined) ?? byKey(wordsOf(key), value) ?? plain(value);
    if (text.trim() === '') continue;
    out.push({ key, label: paramLabel(key), text: cut(text) });
  }
  if (out.length > MAX_PARAMS) {
    const more = out.length - (MAX_PARAMS - 1);
    return [...out.slice(0, MAX_PARAMS - 1), { key: '…', label: '…', text: `${more} more values not shown` }];
  }
  return out;
}

/** A parameter key in words: "start_date" → "Start", "nodeContactTime" → "Node contact time". */
export function paramLabel(key: string): string {
  let words = wordsOf(key);
  if (words.length === 0) return key.trim() === '' ? '(no name)' : key;
  // "start_date", "reboot_date": the value says it is a date.
  if (words.length > 1 && words[words.length - 1] === 'date') words = words.slice(0, -1);
  const text = words.map((w) => WORDS[w] ?? w).join(' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * A condition code in words, for a ticket that has nothing better to show:
 * "vmm_cond_memory_usage_ge" with threshold 80 % → "Memory usage at or above 80 %". A code of
 * the `..._with_cond_name` kind uses the name it carries. Undefined when there is no code.
 */
export function humaniseCode(code: string | undefined, params?: Readonly<Record<string, unknown>>): string | undefined {
  const condName = params && typeof params === 'object' ? params.cond_name : undefined;
  if (typeof condName === 'string' && condName.trim() !== '') return condName.trim();
  if (typeof code !== 'string') return undefined;
  const tokens = code
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  // Leading platform and kind markers: agent_, vmm_, win_, cond_, conditions_, act_.
  while (tokens.length > 1 && ['agent', 'vmm', 'win', 'mac', 'linux', 'nms', 'cond', 'conds', 'condition', 'conditions', 'act'].includes(tokens[0]!)) tokens.shift();
  const words: string[] = [];
  let comparison: string | undefined;
  for (const token of tokens) {
    const compared = COMPARISONS[token];
    if (compared) {
      comparison = compared;
      break;
    }
    if (token === 'cond' || token === 'triggered') continue;
    if (token === 'with') break;
    words.push(WORDS[token.replace(/\d+$/, '')] ?? token.replace(/\d+$/, ''));
  }
  const subject = words.filter(Boolean).join(' ');
  if (subject === '') return code.trim() === '' ? undefined : code.trim();
  let text = subject;
  if (comparison) {
    const unit = typeof params?.unit === 'string' && params.unit.trim() !== '' ? params.unit.trim() : undefined;
    const threshold = params?.threshold;
    const limit = threshold === undefined ? undefined : unit !== undefined ? withUnit(threshold, unit) : toNumber(threshold) !== undefined ? formatNumber(toNumber(threshold)!) : undefined;
    text = `${subject} ${comparison}${limit !== undefined ? ` ${limit}` : ''}`;
  }
  return text.charAt(0).toUpperCase() + text.slice(1);
}

const COMPARISONS: Record<string, string> = { ge: 'at or above', gt: 'above', le: 'at or below', lt: 'below', eq: 'equal to', ne: 'not equal to' };

/** "2025-03-19 13:41 UTC" for a time in epoch milliseconds; undefined for no real time. */
export function formatDateTime(epochMs: number): string | undefined {
  if (!Number.isFinite(epochMs)) return undefined;
  const d = new Date(epochMs);
  if (Number.isNaN(d.getTime())) return undefined;
  const iso = d.toISOString();
  // Years past 9999 are written "+010000-..." and are no time an alert has.
  if (!/^\d{4}-/.test(iso)) return undefined;
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** A size in bytes, binary multiples as Windows shows them: "512 B", "4.0 GB", "476 GB". */
export function formatBytes(bytes: number): string | undefined {
  if (!Number.isFinite(bytes) || bytes < 0) return undefined;
  const units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB', 'EB'];
  let n = bytes;
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i += 1;
  }
  if (i === 0) return `${Math.round(n)} B`;
  return `${n < 100 ? n.toFixed(1) : Math.round(n)} ${units[i]}`;
}

/**
 * A duration: one unit in words ("5 minutes", "2 hours", "45 seconds"), two abbreviated
 * ("1 h 30 min", "2 d 3 h", "4 min 10 s"); less than a second in milliseconds.
 */
export function formatDuration(seconds: number): string | undefined {
  if (!Number.isFinite(seconds) || seconds < 0 || seconds > Number.MAX_SAFE_INTEGER) return undefined;
  if (seconds > 0 && seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  const total = Math.round(seconds);
  const parts: [number, string, string][] = [
    [Math.floor(total / 86400), 'd', 'day'],
    [Math.floor((total % 86400) / 3600), 'h', 'hour'],
    [Math.floor((total % 3600) / 60), 'min', 'minute'],
    [total % 60, 's', 'second'],
  ];
  const first = parts.findIndex(([n]) => n > 0);
  if (first === -1) return '0 seconds';
  const [n, short, long] = parts[first]!;
  const next = parts[first + 1];
  if (!next || next[0] === 0) return `${n} ${long}${n === 1 ? '' : 's'}`;
  return `${n} ${short} ${next[0]} ${next[1]}`;
}

/** A number for reading: whole numbers as they are, others to a sensible precision ("84.8", "2.35", "0.042"). */
export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Number.isInteger(n)) return String(n);
  const abs = Math.abs(n);
  const text = abs >= 10 ? n.toFixed(1) : abs >= 1 ? n.toFixed(2) : n.toPrecision(2);
  // toFixed and toPrecision write huge and tiny numbers as exponents; those are left alone.
  return text.includes('e') ? text : text.replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
}

/** A value measured in `unit` (threshold 80 with unit "%" → "80 %"); undefined when not a number. */
function withUnit(value: unknown, unit: string): string | undefined {
  const n = toNumber(value);
  if (n === undefined) return undefined;
  const u = unit.toLowerCase();
  if (u === '%') return `${formatNumber(n)} %`;
  if (BYTE_UNITS.has(u)) return formatBytes(n) ?? `${formatNumber(n)} ${unit}`;
  const scale = TIME_UNITS[u];
  if (scale !== undefined) return formatDuration(n * scale) ?? `${formatNumber(n)} ${unit}`;
  return `${formatNumber(n)} ${unit}`;
}

function takesUnit(key: string): boolean {
  return UNIT_KEYS.has(wordsOf(key).join(' '));
}

/** What the key says the value is: a time, a size, a duration, a percentage; undefined when it says nothing (or the value does not fit). */
function byKey(words: string[], value: unknown): string | undefined {
  if (words.length === 0) return undefined;
  const last = words[words.length - 1]!;
  if (words.some((w) => PERCENT_WORDS.has(w))) {
    const n = toNumber(value);
    return n === undefined ? undefined : `${formatNumber(n)} %`;
  }
  if (last === 'date' || last === 'time' || last === 'timestamp' || (last === 'at' && words.length > 1)) return dateTime(value);
  if (words.some((w) => BYTE_WORDS.has(w))) {
    const n = toNumber(value);
    return n === undefined ? undefined : formatBytes(n);
  }
  const scale = TIME_UNIT_WORDS[last];
  if (words.includes('duration') || (scale !== undefined && words.length > 1)) {
    const n = toNumber(value);
    // NinjaOne's durations are minutes ("duration": 5 with "... for 5 minutes" — NOTES §7).
    return n === undefined ? undefined : formatDuration(n * (scale ?? 60));
  }
  return undefined;
}

/**
 * A point in time: epoch milliseconds (`"end_date": 1742391675556`) or seconds, as numbers or
 * digit strings, or an ISO string with its zone (`"2026-06-11T17:17:13.259Z"`, NOTES §0).
 * Undefined for anything else, which is then shown as sent.
 */
function dateTime(value: unknown): string | undefined {
  const n = toNumber(value);
  if (n !== undefined) {
    // 1e8 s is 1973 and 1e11 s the year 5138; 1e11 ms is 1973 again. Outside both: no time.
    if (n >= 1e11 && n < 1e14) return formatDateTime(n);
    if (n >= 1e8 && n < 1e11) return formatDateTime(n * 1000);
    return undefined;
  }
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  // Only with a zone: without one, "local" would be this server's, not the device's.
  if (!/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i.test(text)) return undefined;
  return formatDateTime(Date.parse(text.replace(' ', 'T')));
}

/** A value shown as sent: text as is, lists joined, objects as compact JSON. */
function plain(value: unknown): string {
  if (value === null) return '(none)';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return formatNumber(value);
  if (typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (Array.isArray(value) && value.every((v) => v === null || typeof v !== 'object')) return value.map((v) => (v === null ? '(none)' : String(v))).join(', ');
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** A finite number, or the number a digit string spells ("30", " 84.8 "); undefined otherwise. */
function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) {
    const n = Number(value);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/** A key's words, lower case: "nodeContactTime" → node, contact, time; "CPU_usage" → cpu, usage. */
function wordsOf(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
}

function cut(text: string): string {
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text;
}
