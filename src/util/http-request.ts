/**
 * One HTTP request on Node's own http/https client, shaped like the part of undici's `request`
 * the daemon uses (status, headers, a body to iterate or read whole). Node's client parses with
 * its built-in llhttp; undici runs llhttp as WebAssembly, whose compiled code and memory cost a
 * daemon ~20 MB of RSS before the first byte (issue 14). The hot paths (OTLP export, SSE streams,
 * the Foundry listing) use this; a source that still needs undici loads it itself.
 */
import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import type https from 'node:https';

/** node:https (TLS, OpenSSL's setup: ~9 MB resident) only once an https URL is used: in-cluster endpoints are often plain http. */
const httpsModule = (): typeof https => process.getBuiltinModule('node:https');

export interface HttpRequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: Uint8Array | string;
  signal?: AbortSignal;
  /** An agent of the URL's protocol (TLS options, keep-alive); default: Node's global agent. */
  agent?: http.Agent;
  /**
   * Longest silence on the connection, waiting for the answer or between chunks of its body, before
   * the request fails with code `ETIMEDOUT` (a connection dropped without a FIN would hang forever).
   * 0: none. Default 300 s, as undici's.
   */
  idleTimeoutMs?: number;
}

export interface HttpResponse {
  statusCode: number;
  headers: IncomingHttpHeaders;
  body: ResponseBody;
}

/** The answer's body: iterate its chunks, or read it whole once. */
export class ResponseBody implements AsyncIterable<Buffer> {
  readonly #message: IncomingMessage;

  constructor(message: IncomingMessage) {
    this.#message = message;
  }

  /** Bytes received and not read yet (for a new answer: what came with its headers). */
  get buffered(): number {
    return this.#message.readableLength;
  }

  [Symbol.asyncIterator](): AsyncIterator<Buffer> {
    return this.#message[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  }

  async bytes(): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of this.#message) chunks.push(chunk as Buffer);
    return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
  }

  async text(): Promise<string> {
    return (await this.bytes()).toString('utf8');
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text()) as unknown;
  }

  /** Stop reading and close the connection (it is not reused). */
  destroy(): void {
    this.#message.destroy();
  }
}

const DEFAULT_IDLE_TIMEOUT_MS = 300_000;

/** Resolves once the answer's status and headers are in; rejects on network errors, timeouts and aborts. */
export function httpRequest(url: string, options: HttpRequestOptions = {}): Promise<HttpResponse> {
  const target = new URL(url);
  const client = target.protocol === 'https:' ? httpsModule() : http;
  const body = typeof options.body === 'string' ? Buffer.from(options.body, 'utf8') : options.body;
  const headers: Record<string, string> = { ...options.headers };
  if (body !== undefined) headers['content-length'] = String(body.byteLength);
  const idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  const { signal } = options;
  return new Promise<HttpResponse>((resolve, reject) => {
    if (signal?.aborted) return reject(abortError(signal));
    let message: IncomingMessage | undefined;
    const request = client.request(target, { method: options.method ?? 'GET', headers, agent: options.agent }, (answer) => {
      message = answer;
      // A reset after the headers reaches whoever reads the body; unread, it must not crash the process.
      answer.on('error', () => undefined);
      answer.once('close', forget);
      resolve({ statusCode: answer.statusCode ?? 0, headers: answer.headers, body: new ResponseBody(answer) });
    });
    // Not http.request's own `signal`: it destroys the socket even after the answer was read and the
    // socket went back to the agent's pool, where nothing listens for the error (a crash).
    const onAbort = (): void => {
      if (message === undefined) request.destroy(abortError(signal!));
      else if (!message.complete) message.destroy(abortError(signal!));
    };
    function forget(): void {
      signal?.removeEventListener('abort', onAbort);
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    request.once('close', () => {
      if (message === undefined) forget();
    });
    request.on('error', reject);
    if (idleTimeoutMs > 0) {
      request.setTimeout(idleTimeoutMs, () => {
        request.destroy(Object.assign(new Error(`no data for ${idleTimeoutMs} ms`), { code: 'ETIMEDOUT' }));
      });
    }
    request.end(body);
  });
}

function abortError(signal: AbortSignal): Error {
  return Object.assign(new Error('This operation was aborted', { cause: signal.reason }), { name: 'AbortError', code: 'ABORT_ERR' });
}

/** An agent for `url`'s protocol with these TLS options, keeping connections alive between requests. */
export function createAgent(url: string, tls: https.AgentOptions = {}): http.Agent {
  return new URL(url).protocol === 'https:' ? new (httpsModule().Agent)({ keepAlive: true, ...tls }) : new http.Agent({ keepAlive: true });
}
