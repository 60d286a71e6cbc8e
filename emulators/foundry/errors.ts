// Error responses in the service's "OpenAI.Error" shape (PLATFORMS.md §1.6).
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { sendJson } from '../shared/http-io.ts';
import type { FailOptions } from './types.ts';

export interface OpenAiError {
  error: { code: string | null; message: string; type?: string; param?: string | null };
}

export function errorBody(code: string, message: string, type = 'invalid_request_error'): OpenAiError {
  return { error: { code, message, type, param: null } };
}

const DEFAULTS: Record<number, { code: string; type: string }> = {
  400: { code: 'invalid_request', type: 'invalid_request_error' },
  401: { code: 'unauthorized', type: 'authentication_error' },
  403: { code: 'forbidden', type: 'permission_error' },
  404: { code: 'not_found', type: 'invalid_request_error' },
  409: { code: 'conflict', type: 'invalid_request_error' },
  424: { code: 'session_not_ready', type: 'invalid_request_error' },
  429: { code: 'too_many_requests', type: 'rate_limit_error' },
};

export function sendError(res: ServerResponse, status: number, message: string, code?: string, headers: OutgoingHttpHeaders = {}): void {
  const fallback = DEFAULTS[status] ?? { code: status >= 500 ? 'server_error' : 'error', type: status >= 500 ? 'server_error' : 'invalid_request_error' };
  sendJson(res, status, errorBody(code ?? fallback.code, message, fallback.type), headers);
}

/** Answers a scripted failure (failNext): default body is an OpenAI.Error, strings go out verbatim. */
export function sendScriptedFailure(res: ServerResponse, status: number, opts: FailOptions): void {
  const headers: OutgoingHttpHeaders = {};
  if (opts.retryAfter !== undefined) headers['retry-after'] = String(opts.retryAfter);
  if (typeof opts.body === 'string') {
    res.writeHead(status, { ...headers, 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(opts.body) });
    res.end(opts.body);
    return;
  }
  if (opts.body !== undefined) {
    sendJson(res, status, opts.body, headers);
    return;
  }
  sendError(res, status, `Injected failure ${status}`, undefined, headers);
}
