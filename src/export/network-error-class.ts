/**
 * A request that got no HTTP status, as a readable class for `agentlog_export_requests_total{code}`
 * and the logs (issue 11): Node's http client (and undici) report these with error codes (and an aborted
 * `AbortSignal.timeout` as a DOMException whose numeric `code` is 23), none of which an operator
 * should have to look up.
 */

export type NetworkErrorClass = 'timeout' | 'connection_refused' | 'connection_reset' | 'tls' | 'dns' | 'network_error';

const BY_CODE: Record<string, NetworkErrorClass> = {
  UND_ERR_HEADERS_TIMEOUT: 'timeout',
  UND_ERR_BODY_TIMEOUT: 'timeout',
  UND_ERR_CONNECT_TIMEOUT: 'timeout',
  ETIMEDOUT: 'timeout',
  ECONNREFUSED: 'connection_refused',
  ECONNRESET: 'connection_reset',
  EPIPE: 'connection_reset',
  ECONNABORTED: 'connection_reset',
  UND_ERR_SOCKET: 'connection_reset',
  UND_ERR_CLOSED: 'connection_reset',
  ENOTFOUND: 'dns',
  EAI_AGAIN: 'dns',
  EAI_FAIL: 'dns',
  EAI_NONAME: 'dns',
  EPROTO: 'tls',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'tls',
  SELF_SIGNED_CERT_IN_CHAIN: 'tls',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'tls',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'tls',
  CERT_HAS_EXPIRED: 'tls',
  CERT_NOT_YET_VALID: 'tls',
  ERR_TLS_CERT_ALTNAME_INVALID: 'tls',
};

interface ErrorLike {
  code?: unknown;
  name?: unknown;
  cause?: unknown;
}

/** The class of a transport error (its cause chain is searched: undici wraps the socket's error). */
export function classifyNetworkError(error: unknown): NetworkErrorClass {
  for (let e = error as ErrorLike | undefined, depth = 0; e && depth < 5; e = e.cause as ErrorLike | undefined, depth++) {
    if (e.name === 'TimeoutError') return 'timeout';
    const code = typeof e.code === 'string' ? e.code : undefined;
    if (code === undefined) continue;
    const known = BY_CODE[code];
    if (known) return known;
    if (code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_') || code.startsWith('CERT_')) return 'tls';
  }
  return 'network_error';
}

/**
 * A header value the HTTP client refuses to send (a newline or another control character in a
 * token). That is a credential problem, not a network one: it never heals by retrying.
 */
export function isRejectedHeader(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown };
  // Node's http client (ERR_INVALID_CHAR, ERR_HTTP_INVALID_HEADER_VALUE) and undici's.
  if (e.code === 'ERR_INVALID_CHAR' || e.code === 'ERR_HTTP_INVALID_HEADER_VALUE') return true;
  return e.code === 'UND_ERR_INVALID_ARG' && typeof e.message === 'string' && /header/i.test(e.message);
}
