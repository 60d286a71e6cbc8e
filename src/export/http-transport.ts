/**
 * POSTs one encoded batch to the OTLP/HTTP endpoint and resolves to an outcome; an HTTP
 * error never rejects. Its own agent, so TLS options (CA, client cert, skip-verify) apply to this
 * endpoint only.
 */
import { readFileSync } from 'node:fs';
import { createAgent, httpRequest } from '../util/http-request.ts';
import type { QueuedBatch } from '../delivery/queue.ts';
import { currentSecretFile } from '../config/secret-value.ts';
import { classifyResponse, type ExportOutcome } from './classify.ts';
import { classifyNetworkError, isRejectedHeader } from './network-error-class.ts';

export interface TransportOptions {
  endpoint: string;
  headers: Record<string, string>;
  /** Header name → file holding its value, read again whenever the file changes (rotated credentials). */
  headerFiles?: Record<string, string>;
  timeoutMs: number;
  tls: { ca_file?: string | null; cert_file?: string | null; key_file?: string | null; insecure_skip_verify?: boolean };
  userAgent: string;
}

export interface Transport {
  send(batch: QueuedBatch, signal: AbortSignal): Promise<ExportOutcome>;
  close(): Promise<void>;
}

export function createHttpTransport(options: TransportOptions): Transport {
  const { tls } = options;
  const agent = createAgent(options.endpoint, {
    ca: tls.ca_file ? readFileSync(tls.ca_file) : undefined,
    cert: tls.cert_file ? readFileSync(tls.cert_file) : undefined,
    key: tls.key_file ? readFileSync(tls.key_file) : undefined,
    rejectUnauthorized: !tls.insecure_skip_verify,
  });

  return {
    async send(batch, signal) {
      const headers: Record<string, string> = {
        ...options.headers,
        ...headersFromFiles(options.headerFiles),
        'content-type': batch.contentType,
        'user-agent': options.userAgent,
      };
      if (batch.contentEncoding === 'gzip') headers['content-encoding'] = 'gzip';
      try {
        const response = await httpRequest(options.endpoint, {
          method: 'POST',
          headers,
          body: batch.payload,
          agent,
          idleTimeoutMs: options.timeoutMs,
          signal: AbortSignal.any([signal, AbortSignal.timeout(options.timeoutMs)]),
        });
        const body = await response.body.bytes();
        return classifyResponse(response.statusCode, response.headers, body);
      } catch (error) {
        const detail = (error as { message?: string }).message ?? String(error);
        // Never the value: a header the client refuses may hold a token.
        if (isRejectedHeader(error)) return { status: 'auth_failed', code: 'invalid_header', detail: 'a header value was refused by the HTTP client (a newline or another control character in it?)' };
        return { status: 'retryable', code: classifyNetworkError(error), detail };
      }
    },
    close() {
      agent.destroy();
      return Promise.resolve();
    },
  };
}

/** One stat per file and request; a file is re-read only when it changed (config/secret-value.ts). */
function headersFromFiles(files: Record<string, string> | undefined): Record<string, string> {
  if (!files) return {};
  const headers: Record<string, string> = {};
  for (const [name, file] of Object.entries(files)) headers[name] = currentSecretFile(file);
  return headers;
}
