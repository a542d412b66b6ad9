/**
 * Checking API responses at the boundary, for the fields haloform uses: a response missing a
 * field we rely on is an ApiError naming the field, never a crash three modules later. Tolerant of
 * what the vendors really send: ids as `21.0` or `"21"`, `-1` for "none", omitted fields.
 */

import { ApiError } from './api-error.js';

/** Where a value came from, for the error: `GET /v2/devices-detailed`, item index, field name. */
export interface ShapeContext {
  api: string;
  label: string;
  /** e.g. `devices[12]` */
  where: string;
}

export function shapeError(context: ShapeContext, field: string, problem: string): ApiError {
  const [method = 'GET', ...rest] = context.label.split(' ');
  return new ApiError(
    `${context.api} sent an unexpected response to ${context.label}: ${context.where}.${field} ${problem}. haloform cannot use it; if this persists, the API may have changed — please report it.`,
    { code: 'bad_response', api: context.api, method, path: rest.join(' '), label: context.label, retryable: false, attempts: 1, maybeApplied: false },
  );
}

export function asRecord(value: unknown, context: ShapeContext): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw shapeError(context, '', `is ${describe(value)}, not an object`);
  }
  return value as Record<string, unknown>;
}

/** A required integer id: 21, 21.0 and "21" are all 21. */
export function requiredInt(record: Record<string, unknown>, field: string, context: ShapeContext): number {
  const value = optionalInt(record, field, context);
  if (value === undefined) throw shapeError(context, field, 'is missing');
  return value;
}

/** An optional integer id; absent, null, "" and -1 (Halo's "none") are undefined. */
export function optionalInt(record: Record<string, unknown>, field: string, context: ShapeContext): number | undefined {
  const value = record[field];
  if (value === undefined || value === null || value === '') return undefined;
  const n = typeof value === 'string' && /^-?\d+(\.0+)?$/.test(value.trim()) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n) || !Number.isInteger(n)) throw shapeError(context, field, `is ${describe(value)}, not a whole number`);
  return n === -1 ? undefined : n;
}

export function requiredString(record: Record<string, unknown>, field: string, context: ShapeContext): string {
  const value = record[field];
  if (typeof value !== 'string') throw shapeError(context, field, value === undefined ? 'is missing' : `is ${describe(value)}, not text`);
  return value;
}

export function optionalString(record: Record<string, unknown>, field: string, context: ShapeContext): string | undefined {
  const value = record[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw shapeError(context, field, `is ${describe(value)}, not text`);
  return value;
}

export function optionalBoolean(record: Record<string, unknown>, field: string, context: ShapeContext): boolean | undefined {
  const value = record[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw shapeError(context, field, `is ${describe(value)}, not true or false`);
  return value;
}

export function asArray(value: unknown, context: ShapeContext): unknown[] {
  if (!Array.isArray(value)) throw shapeError(context, '', `is ${describe(value)}, not a list`);
  return value;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return `"${value.length > 40 ? `${value.slice(0, 37)}...` : value}"`;
  return typeof value === 'object' ? 'an object' : String(value);
}
