/**
 * NinjaOne's error answers (reference/ninjaone/NOTES.md §8): the API's
 * `{resultCode, errorMessage, incidentId}` body, the token server's OAuth bodies, the fixed 401
 * body for a missing or bad token, and the nginx HTML page the token host serves for wrong paths.
 */

import type { Random } from '../random.js';
import { SimHttpError, type SimResponse } from '../sim-server.js';
import type { SimClock } from './clock.js';
import { seededString } from '../uuid.js';

/** The API's error body: `{"resultCode":"FAILURE","errorMessage":"HTTP 404 Not Found","incidentId":"WEB_MGMT_SERVICE-…"}`. */
export interface NinjaErrorBody {
  resultCode: string;
  errorMessage: string;
  incidentId: string;
}

/** The 401 body for a missing, unknown or expired bearer token [observed]. */
export const NOT_AUTHENTICATED_BODY = { error: 'not_authenticated', error_description: 'Invalid credentials', error_code: 10 } as const;

/** What a wrong path on the token host answers [observed: homotechsual/NinjaOne#39]. */
export const NGINX_NOT_FOUND_HTML =
  '<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
};

/** `HTTP 404 Not Found` — the errorMessage the real API writes for plain HTTP errors. */
export function httpStatusMessage(status: number): string {
  return `HTTP ${status} ${STATUS_TEXT[status] ?? 'Error'}`;
}

/**
 * Incident ids in the observed form `WEB_MGMT_SERVICE-2a-1654890304-TFZFNUTF`: a hex sequence,
 * the epoch second from the simulator clock and eight seeded letters — deterministic per run.
 */
export class IncidentIds {
  #seq = 0;

  constructor(
    private readonly clock: SimClock,
    private readonly random: Random,
  ) {}

  next(): string {
    this.#seq += 1;
    const letters = seededString(this.random, 8, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ');
    return `WEB_MGMT_SERVICE-${this.#seq.toString(16)}-${Math.floor(this.clock.epochSeconds())}-${letters}`;
  }
}

/** Builds the API's error bodies and the SimHttpErrors that carry them. */
export class NinjaErrors {
  constructor(private readonly incidents: IncidentIds) {}

  body(errorMessage: string, resultCode = 'FAILURE'): NinjaErrorBody {
    return { resultCode, errorMessage, incidentId: this.incidents.next() };
  }

  response(status: number, errorMessage = httpStatusMessage(status), headers?: Record<string, string>): SimResponse {
    return headers ? { status, body: this.body(errorMessage), headers } : { status, body: this.body(errorMessage) };
  }

  /** Throw from a handler: the server answers `status` with the error body. */
  error(status: number, errorMessage = httpStatusMessage(status)): SimHttpError {
    return new SimHttpError(status, errorMessage, this.body(errorMessage));
  }

  notFound(): SimHttpError {
    return this.error(404);
  }

  notAuthenticated(): SimHttpError {
    return new SimHttpError(401, 'not authenticated', { ...NOT_AUTHENTICATED_BODY });
  }
}

/** An OAuth token-endpoint error: `{"error": "...", "error_description": "..."}` (RFC 6749 §5.2). */
export function oauthError(status: 400 | 401, error: string, description: string): SimHttpError {
  return new SimHttpError(status, description, { error, error_description: description });
}

export function nginxNotFound(): SimResponse {
  return { status: 404, text: NGINX_NOT_FOUND_HTML, contentType: 'text/html' };
}
