/**
 * A tiny structured logger: one JSON line per event (`{"level","msg",...fields}`) written to an
 * injectable sink, every line passed through the Redactor first. The HTTP layer logs retries,
 * rate-limiter waits and token refreshes through it; serve and the CLI choose the sink.
 */

import type { Redactor } from './redactor.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Extra data on a log line; values must be JSON-serialisable (Errors become `{name, message, code}`). */
export type LogFields = Record<string, unknown>;

/** What the HTTP layer logs through. Implementations must not throw. */
export interface Logger {
  log(level: LogLevel, msg: string, fields?: LogFields): void;
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface JsonLoggerOptions {
  /** Receives each line without a trailing newline. Default: stderr. */
  sink?: (line: string) => void;
  /** Lines below this level are dropped. Default `info`. */
  level?: LogLevel;
  /** Applied to the message and every field before the line is written. */
  redactor: Redactor;
  /** Fields put on every line (`{ component: 'http' }`). */
  base?: LogFields;
  /** Adds `time` (ISO) to each line; injected so tests get stable lines. Default: the wall clock. */
  now?: () => number;
}

/** A logger that writes one redacted JSON object per line. */
export function createJsonLogger(options: JsonLoggerOptions): Logger {
  const sink = options.sink ?? ((line: string) => process.stderr.write(`${line}\n`));
  const min = ORDER[options.level ?? 'info'];
  const now = options.now ?? Date.now;
  return {
    log(level, msg, fields = {}) {
      if (ORDER[level] < min) return;
      const redacted = options.redactor.redactValue({ ...options.base, ...fields }) as LogFields;
      const head = { level, msg: options.redactor.redact(msg), time: new Date(now()).toISOString() };
      // Fields come after the head but cannot replace it.
      const line = { ...head, ...redacted, ...head };
      sink(JSON.stringify(line));
    },
  };
}

/** A logger that drops everything. */
export const silentLogger: Logger = { log: () => undefined };
