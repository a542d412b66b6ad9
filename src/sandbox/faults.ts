/**
 * Fault injection shared by both simulators: latency, 500s, 429s, dropped connections, slow
 * bodies and requests that never answer — set at start and changed at run time, so a test can
 * break an API in the middle of an apply.
 */

import { createRandom, type Random } from './random.js';

/** One rule; every field but the matchers is optional. Rules are checked in order, all that match apply. */
export interface FaultRule {
  /** Path pattern: exact, or with `*` wildcards (`/api/Asset*`, `/v2/device/*`). Default: every path. Case-insensitive. */
  route?: string;
  /** HTTP method to match (GET, POST, ...). Default: every method. */
  method?: string;
  /** Added to every matching request before it is answered. */
  latencyMs?: number;
  /** Share (0..1) of matching requests answered with a 500 in the vendor's error shape. */
  errorRate?: number;
  /** Share (0..1) answered with a 429 in the vendor's shape. */
  rateLimitRate?: number;
  /** Share (0..1) whose connection is destroyed without an answer (a reset). */
  dropRate?: number;
  /** Share (0..1) that are never answered (the client's timeout fires). */
  timeoutRate?: number;
  /** The answer's body is sent in pieces over this many milliseconds. */
  slowBodyMs?: number;
  /** Only the next N matching requests; the rule expires after that. */
  count?: number;
}

/** What the server should do with one request. */
export interface FaultDecision {
  latencyMs: number;
  outcome: 'pass' | 'error' | 'rate-limit' | 'drop' | 'timeout';
  slowBodyMs: number;
}

export class FaultController {
  #rules: (FaultRule & { remaining?: number })[] = [];
  #random: Random;

  constructor(rules: readonly FaultRule[] = [], seed = 1) {
    this.#random = createRandom(seed).fork('faults');
    this.set(rules);
  }

  /** Replaces every rule. */
  set(rules: readonly FaultRule[]): void {
    this.#rules = rules.map((r) => validateRule(r));
  }

  add(rule: FaultRule): void {
    this.#rules.push(validateRule(rule));
  }

  clear(): void {
    this.#rules = [];
  }

  list(): FaultRule[] {
    return this.#rules.map(({ remaining, ...rule }) => (remaining === undefined ? { ...rule } : { ...rule, count: remaining }));
  }

  /** Decides the fate of one request, consuming counted rules. */
  decide(method: string, path: string): FaultDecision {
    const decision: FaultDecision = { latencyMs: 0, outcome: 'pass', slowBodyMs: 0 };
    for (const rule of this.#rules) {
      if (!matches(rule, method, path)) continue;
      if (rule.remaining !== undefined && rule.remaining <= 0) continue;
      // A rule that could only change the outcome, already decided by an earlier rule, is left
      // for the next request, so counted rules in a list apply one after another.
      const shapesOnly = !rule.latencyMs && !rule.slowBodyMs;
      if (decision.outcome !== 'pass' && shapesOnly) continue;
      if (rule.remaining !== undefined) rule.remaining -= 1;
      decision.latencyMs += rule.latencyMs ?? 0;
      decision.slowBodyMs = Math.max(decision.slowBodyMs, rule.slowBodyMs ?? 0);
      if (decision.outcome !== 'pass') continue;
      if (rule.dropRate && this.#random.chance(rule.dropRate)) decision.outcome = 'drop';
      else if (rule.timeoutRate && this.#random.chance(rule.timeoutRate)) decision.outcome = 'timeout';
      else if (rule.rateLimitRate && this.#random.chance(rule.rateLimitRate)) decision.outcome = 'rate-limit';
      else if (rule.errorRate && this.#random.chance(rule.errorRate)) decision.outcome = 'error';
    }
    this.#rules = this.#rules.filter((r) => r.remaining === undefined || r.remaining > 0);
    return decision;
  }
}

function matches(rule: FaultRule, method: string, path: string): boolean {
  if (rule.method && rule.method.toUpperCase() !== method.toUpperCase()) return false;
  if (!rule.route) return true;
  const pattern = new RegExp(`^${rule.route.split('*').map(escape).join('.*')}$`, 'i');
  return pattern.test(path);
}

function escape(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}

const RATE_KEYS = ['errorRate', 'rateLimitRate', 'dropRate', 'timeoutRate'] as const;

function validateRule(rule: FaultRule): FaultRule & { remaining?: number } {
  if (typeof rule !== 'object' || rule === null) throw new TypeError('a fault rule must be an object');
  for (const key of RATE_KEYS) {
    const value = rule[key];
    if (value !== undefined && (typeof value !== 'number' || value < 0 || value > 1)) {
      throw new TypeError(`fault rule ${key} must be a number from 0 to 1, got ${JSON.stringify(value)}`);
    }
  }
  for (const key of ['latencyMs', 'slowBodyMs', 'count'] as const) {
    const value = rule[key];
    if (value !== undefined && (typeof value !== 'number' || value < 0)) {
      throw new TypeError(`fault rule ${key} must be a non-negative number, got ${JSON.stringify(value)}`);
    }
  }
  const known = new Set(['route', 'method', 'latencyMs', 'errorRate', 'rateLimitRate', 'dropRate', 'timeoutRate', 'slowBodyMs', 'count']);
  const unknown = Object.keys(rule).filter((k) => !known.has(k));
  if (unknown.length > 0) throw new TypeError(`unknown fault rule key(s): ${unknown.join(', ')}; known: ${[...known].join(', ')}`);
  return rule.count === undefined ? { ...rule } : { ...rule, remaining: rule.count };
}
