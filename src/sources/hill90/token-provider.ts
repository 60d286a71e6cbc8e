/**
 * Bearer tokens for Hill90: a static token, or OIDC client credentials against `token_url`
 * (DESIGN §3). Keycloak access tokens are short-lived and the server ends a stream when the
 * token that opened it expires, so the OIDC provider caches one token for every stream of the
 * source and fetches the next one before the cached one expires.
 */
import { undici } from '../../util/undici.ts';
import { summarize } from '../shared/http-outcome.ts';
import { SourceError } from '../../errors.ts';

export interface TokenProvider {
  getToken(signal: AbortSignal): Promise<string>;
  /** The server said this token expired: never hand it out again. */
  invalidate(token: string): void;
  /** A refused token can be replaced by a fresh one (OIDC); a static token cannot. */
  readonly renewable: boolean;
}

/** The token endpoint refused or failed; `status` is its HTTP status (undefined: no answer). */
export class TokenError extends SourceError {
  readonly status: number | undefined;
  constructor(message: string, status?: number) {
    super(status === 400 || status === 401 || status === 403 ? 'TOKEN_REFUSED' : 'TOKEN_UNAVAILABLE', message);
    this.name = 'TokenError';
    this.status = status;
  }

  /** Refused credentials (OAuth `invalid_client` is 401, some servers say 400): an auth failure. */
  get refused(): boolean {
    return this.code === 'TOKEN_REFUSED';
  }
}

/** A fixed token: a string, or read on every use (a `token_file` that may be rotated). */
export function createStaticTokenProvider(token: string | (() => string)): TokenProvider {
  const current = typeof token === 'string' ? () => token : token;
  return { getToken: () => Promise.resolve(current()), invalidate: () => undefined, renewable: false };
}

export interface OidcOptions {
  tokenUrl: string;
  clientId: string;
  /** The client secret, or a function that reads it on every token request (a rotated `client_secret_file`). */
  clientSecret: string | (() => string);
  scope?: string;
  now?: () => number;
}

/** Used when the token endpoint gives no `expires_in`: Keycloak's default access token life. */
const DEFAULT_LIFETIME_MS = 300_000;
/** Refresh this long before expiry at most (a fifth of the life for short tokens). */
const MAX_MARGIN_MS = 60_000;
const REQUEST_TIMEOUT_MS = 30_000;

interface Cached {
  token: string;
  refreshAt: number;
}

export function createOidcTokenProvider(options: OidcOptions): TokenProvider {
  const now = options.now ?? Date.now;
  let cached: Cached | undefined;
  let pending: Promise<Cached> | undefined;

  async function fetchToken(): Promise<Cached> {
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: options.clientId, client_secret: typeof options.clientSecret === 'string' ? options.clientSecret : options.clientSecret() });
    if (options.scope) form.set('scope', options.scope);
    const started = now();
    let status: number;
    let text: string;
    try {
      // One fetch serves every waiting stream, so it has its own deadline rather than one caller's signal.
      const response = await (await undici()).request(options.tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: form.toString(),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      status = response.statusCode;
      text = await response.body.text();
    } catch (error) {
      throw new TokenError(`token request failed: ${(error as Error).message}`);
    }
    if (status !== 200) throw new TokenError(`token request refused: HTTP ${status}${text ? `: ${summarize(text)}` : ''}`, status);
    let body: { access_token?: unknown; expires_in?: unknown };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      throw new TokenError('token response is not JSON', status);
    }
    if (typeof body.access_token !== 'string' || body.access_token === '') throw new TokenError('token response has no access_token', status);
    // Some servers send expires_in as a string ("300").
    const expiresIn = Number(body.expires_in);
    const lifetime = Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn * 1000 : DEFAULT_LIFETIME_MS;
    return { token: body.access_token, refreshAt: started + lifetime - Math.min(MAX_MARGIN_MS, lifetime / 5) };
  }

  return {
    renewable: true,
    async getToken(signal) {
      if (cached && now() < cached.refreshAt) return cached.token;
      pending ??= fetchToken().finally(() => (pending = undefined));
      const shared = pending;
      cached = await abortable(shared, signal);
      return cached.token;
    },
    invalidate(token) {
      if (cached?.token === token) cached = undefined;
    },
  };
}

/** Wait for a shared promise, but give up when this caller's signal aborts. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
