// The OIDC side of the emulator: a client-credentials token endpoint issuing short-lived
// JWT-looking tokens, and the check of a request's bearer token (static or issued, unexpired).
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { OidcOptions } from './types.ts';

export interface TokenCheck {
  ok: boolean;
  /** When the token expires (ms), for issued tokens. */
  expiresAt?: number;
  reason?: string;
}

export interface TokenIssuer {
  readonly issued: number;
  /** Answers a token request body (form-encoded) and its Authorization header. */
  issue(form: URLSearchParams, authorization: string | undefined): { status: number; body: Record<string, unknown> };
  check(req: IncomingMessage, staticToken: string | undefined): TokenCheck;
}

const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

export function createTokenIssuer(oidc: OidcOptions | undefined): TokenIssuer {
  const tokens = new Map<string, number>();
  let issued = 0;
  return {
    get issued() {
      return issued;
    },
    issue(form, authorization) {
      if (!oidc) return { status: 404, body: { error: 'not_found' } };
      let clientId = form.get('client_id');
      let clientSecret = form.get('client_secret');
      const basic = /^Basic\s+(.+)$/i.exec(authorization ?? '');
      if (basic?.[1]) {
        const [id, secret] = Buffer.from(basic[1], 'base64').toString('utf8').split(':');
        clientId = decodeURIComponent(id ?? '');
        clientSecret = decodeURIComponent(secret ?? '');
      }
      if (form.get('grant_type') !== 'client_credentials') return { status: 400, body: { error: 'unsupported_grant_type' } };
      if (clientId !== oidc.clientId || clientSecret !== oidc.clientSecret) {
        return { status: 401, body: { error: 'invalid_client', error_description: 'Invalid client or Invalid client credentials' } };
      }
      const ttlMs = oidc.ttlMs ?? 300_000;
      const now = Date.now();
      const expiresAt = now + ttlMs;
      // JWT-shaped; `exp` is a NumericDate, fractional so that sub-second lives work in tests.
      const token = `${b64url({ alg: 'RS256', typ: 'JWT' })}.${b64url({ sub: clientId, iat: now / 1000, exp: expiresAt / 1000, jti: ++issued })}.${randomBytes(16).toString('base64url')}`;
      tokens.set(token, expiresAt);
      return { status: 200, body: { access_token: token, token_type: 'Bearer', expires_in: ttlMs / 1000, scope: form.get('scope') ?? 'profile' } };
    },
    check(req, staticToken) {
      if (staticToken === undefined && !oidc) return { ok: true };
      const match = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
      const token = match?.[1];
      if (token === undefined) return { ok: false, reason: 'missing bearer token' };
      if (staticToken !== undefined && token === staticToken) return { ok: true };
      const expiresAt = tokens.get(token);
      if (expiresAt === undefined) return { ok: false, reason: 'invalid token' };
      if (expiresAt <= Date.now()) return { ok: false, reason: 'token expired' };
      return { ok: true, expiresAt };
    },
  };
}
