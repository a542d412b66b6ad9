/**
 * The two anonymous endpoints (reference/halopsa/NOTES.md §1): `POST /auth/token`, a form-encoded
 * client-credentials request (client id and secret in the body or as HTTP Basic), and
 * `GET /api/authinfo`, which tells a client where to get tokens.
 */

import type { Router, SimRequest } from '../sim-server.js';
import { budgeted, json } from './api.js';
import type { TokenRequest } from './auth.js';
import type { HaloContext } from './context.js';
import { oauthError } from './errors.js';

function tokenRequest(req: SimRequest): TokenRequest {
  const type = String(req.headers['content-type'] ?? '');
  if (!type.toLowerCase().includes('application/x-www-form-urlencoded')) {
    throw oauthError(400, 'invalid_request', `The token request must be a form (Content-Type: application/x-www-form-urlencoded), got "${type || 'no content type'}".`);
  }
  const form = new URLSearchParams(req.body.toString('utf8'));
  let clientId = form.get('client_id');
  let clientSecret = form.get('client_secret');
  const basic = /^Basic\s+(\S+)$/i.exec(String(req.headers.authorization ?? ''));
  if (basic && clientId === null) {
    const [id, ...secret] = Buffer.from(basic[1]!, 'base64').toString('utf8').split(':');
    clientId = decodeURIComponent(id ?? '');
    clientSecret = decodeURIComponent(secret.join(':'));
  }
  return {
    grantType: form.get('grant_type'),
    clientId,
    clientSecret,
    scope: form.get('scope'),
    refreshToken: form.get('refresh_token'),
    tenant: req.query.get('tenant'),
  };
}

export function registerAuth(router: Router, ctx: HaloContext, tenant: string | null): void {
  router.on(
    'POST',
    '/auth/token',
    budgeted(ctx, (req) => ({ ...json(200, ctx.authority.issue(tokenRequest(req))), headers: { 'cache-control': 'no-store' } })),
  );
  router.on(
    'GET',
    '/api/authinfo',
    budgeted(ctx, (req) => {
      const host = String(req.headers.host ?? 'localhost');
      const info: Record<string, unknown> = { auth_url: `http://${host}/auth` };
      if (tenant !== null) info['tenant_id'] = tenant;
      return json(200, info);
    }),
  );
}
