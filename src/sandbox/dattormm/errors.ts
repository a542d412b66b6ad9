/**
 * Datto RMM's error answers. The real body format is unknown (reference/dattormm/NOTES.md §3,
 * §13) — [unverified]: the simulator answers in the shape of the Spring Boot service Datto runs
 * (`{timestamp, status, error, message, path}`), with the messages the OpenAPI file gives
 * ("Device was not found.", "Site was not found.", "Device and/or site not found."). The token
 * endpoint and bearer checks answer in Spring Security OAuth's `{error, error_description}`.
 */

import { SimHttpError, type SimResponse } from '../sim-server.js';
import type { DattoClock } from './clock.js';

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
};

/** The 404 messages of the spec (NOTES §3). */
export const NOT_FOUND = {
  device: 'Device was not found.',
  site: 'Site was not found.',
  deviceOrSite: 'Device and/or site not found.',
  filter: 'Filter was not found.',
  printer: 'Printer was not found.',
  /** [unverified]: the spec declares no 404 for alert reads or resolve. */
  alert: 'Alert was not found.',
} as const;

/** The 400 messages of the audit endpoints when the device is of another class [spec]. */
export const WRONG_CLASS = {
  device: 'The device identified by the given device UID is not of class device.',
  esxihost: 'The device identified by the given device UID is not of class ESXi host.',
  printer: 'The device identified by the given device UID is not of class printer.',
} as const;

/** The token endpoint's answer to a wrong key, secret or client ([unverified]: one synthetic fixture, NOTES §2). */
export const BAD_CREDENTIALS = { error: 'invalid_grant', error_description: 'Bad credentials' } as const;

/** Spring Security's answer to an `/api/v2` call without a bearer token [unverified]. */
export const AUTHENTICATION_REQUIRED = { error: 'unauthorized', error_description: 'Full authentication is required to access this resource' } as const;

export class DattoErrors {
  constructor(private readonly clock: DattoClock) {}

  /** The error body for `status` at `path`. */
  body(status: number, message: string, path: string): Record<string, unknown> {
    return { timestamp: new Date(this.clock.nowMs()).toISOString().replace('Z', '+00:00'), status, error: REASONS[status] ?? 'Error', message, path };
  }

  response(status: number, message: string, path: string, headers?: Record<string, string>): SimResponse {
    return headers ? { status, body: this.body(status, message, path), headers } : { status, body: this.body(status, message, path) };
  }

  /** Throw from a handler: the server answers `status` with the error body. */
  error(status: number, message: string, path: string): SimHttpError {
    return new SimHttpError(status, message, this.body(status, message, path));
  }

  notFound(message: string, path: string): SimHttpError {
    return this.error(404, message, path);
  }

  /** The 400 Spring answers for a body or parameter it cannot read. */
  invalid(path: string, message = 'Request is invalid.'): SimHttpError {
    return this.error(400, message, path);
  }
}

/** A SimHttpError that also sets headers (WWW-Authenticate, Retry-After); the route wrapper sends them. */
export class DattoHttpError extends SimHttpError {
  constructor(
    status: number,
    message: string,
    body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(status, message, body);
  }

  response(): SimResponse {
    return { status: this.status, body: this.body, headers: this.headers };
  }
}

/** An OAuth error of the token endpoint or the bearer check. */
export function oauthError(status: 400 | 401, error: string, description: string, headers?: Record<string, string>): DattoHttpError {
  return new DattoHttpError(status, description, { error, error_description: description }, headers);
}
