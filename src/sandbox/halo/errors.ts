/**
 * Halo's error bodies. Halo's are not uniform (reference/halopsa/NOTES.md §5); the simulator picks
 * one per family and keeps to it: resource-server errors are .NET-style
 * `{"ClassName":"System.Exception","Message":"…"}`, token-endpoint errors are OAuth-shaped
 * `{"error":"…","error_description":"…"}`.
 */

import { SimHttpError, type SimRequest, type SimResponse } from '../sim-server.js';

/** The body of every resource-server error. */
export interface HaloErrorBody {
  ClassName: string;
  Message: string;
}

export function haloErrorBody(message: string): HaloErrorBody {
  return { ClassName: 'System.Exception', Message: message };
}

/** An error a handler throws; the shared server answers with `status` and the Halo body. */
export function haloError(status: number, message: string): SimHttpError {
  return new SimHttpError(status, message, haloErrorBody(message));
}

export function badRequest(message: string): SimHttpError {
  return haloError(400, message);
}

export function notFound(message: string): SimHttpError {
  return haloError(404, message);
}

export type OAuthErrorCode = 'invalid_client' | 'invalid_scope' | 'invalid_request' | 'unsupported_grant_type' | 'invalid_grant';

export function oauthError(status: number, error: OAuthErrorCode, description: string): SimHttpError {
  return new SimHttpError(status, description, { error, error_description: description });
}

/** `Rate Limit Reached - 300 Requests per rolling 5 minute window`, with the configured numbers. */
export function rateLimitMessage(requests: number, perSeconds: number): string {
  const window = perSeconds % 60 === 0 ? `${perSeconds / 60} minute` : `${perSeconds} second`;
  return `Rate Limit Reached - ${requests} Requests per rolling ${window} window`;
}

export function rateLimitResponse(requests: number, perSeconds: number): SimResponse {
  return { status: 429, body: haloErrorBody(rateLimitMessage(requests, perSeconds)) };
}

/** What the shared server sends for an injected fault. */
export function faultResponse(kind: 'error' | 'rate-limit', limit: { requests: number; perSeconds: number }): SimResponse {
  if (kind === 'rate-limit') return rateLimitResponse(limit.requests, limit.perSeconds);
  return { status: 500, body: haloErrorBody('An error has occurred. Please contact your administrator.') };
}

/** An unknown path: ASP.NET routing answers 404 with an empty body. */
export function unknownPath(_req: SimRequest): SimResponse {
  return { status: 404 };
}
