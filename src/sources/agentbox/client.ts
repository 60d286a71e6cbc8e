/**
 * AgentBox REST calls (PLATFORMS §4): URLs under `{endpoint}/v1`, the `AGENTBOX-API-KEY`
 * header, the sandbox get and the paged sandbox list. Log requests return their raw outcome;
 * what it means for a stream is decided by the poller and follower.
 */
import type { Dispatcher } from 'undici';
import { undici } from '../../util/undici.ts';
import { secretOf, type SecretValue } from '../../config/secret-value.ts';
import type { AgentboxSourceConfig } from './config.ts';
import { httpError, summarize } from '../shared/http-outcome.ts';
import { PlatformError } from '../errors.ts';
import { parseSandbox, type Sandbox } from './parser.ts';
import { clip } from '../../util/clip.ts';

/** The server clamps `limit` to 100 (PLATFORMS §4.8). */
const PAGE_SIZE = 100;
/**
 * A response body is read whole, up to this many bytes (10000 kubelet lines of 16 KiB, escaped);
 * past it the poll fails: a cut JSON text would only come back as one giant raw record.
 */
const MAX_BODY_BYTES = 256 * 1024 * 1024;

export type HttpResult =
  | { kind: 'ok'; text: string; headers: Record<string, string | string[] | undefined> }
  | { kind: 'http_error'; status: number; headers: Record<string, string | string[] | undefined>; body: string }
  | { kind: 'network_error'; error: Error };

export interface LogsQuery {
  sandbox: string;
  /** One container; undefined: the server's default (older: all, newer: the sandbox container). */
  container: string | undefined;
  lines: number;
  runtime: string | undefined;
}


export class AgentboxClient {
  readonly #base: string;
  readonly #apiKey: SecretValue;
  readonly #maxBodyBytes: number;

  constructor(config: Pick<AgentboxSourceConfig, 'endpoint' | 'api_key' | 'api_key_file'>, opts: { maxBodyBytes?: number } = {}) {
    this.#base = `${config.endpoint.replace(/\/+$/, '')}/v1`;
    this.#apiKey = secretOf(config, 'api_key');
    this.#maxBodyBytes = opts.maxBodyBytes ?? MAX_BODY_BYTES;
  }

  headers(accept = 'application/json'): Record<string, string> {
    return { 'agentbox-api-key': this.#apiKey.current(), accept };
  }

  logsUrl(q: LogsQuery, stream = false): string {
    const query = new URLSearchParams({ lines: String(q.lines) });
    if (q.container !== undefined) query.set('container', q.container);
    if (q.runtime !== undefined) query.set('source', q.runtime);
    return `${this.#base}/sandboxes/${encodeURIComponent(q.sandbox)}/logs${stream ? '/stream' : ''}?${query.toString()}`;
  }

  /** One GET, read whole; HTTP errors and network errors are outcomes, never throws. */
  async get(url: string, signal: AbortSignal): Promise<HttpResult> {
    let response: Dispatcher.ResponseData;
    try {
      response = await (await undici()).request(url, { headers: this.headers(), signal, bodyTimeout: 60_000, headersTimeout: 60_000 });
    } catch (error) {
      return { kind: 'network_error', error: error as Error };
    }
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of response.body as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > this.#maxBodyBytes) {
          response.body.destroy();
          return { kind: 'network_error', error: new Error(`the answer is larger than ${this.#maxBodyBytes} bytes (lower lines)`) };
        }
        chunks.push(chunk);
      }
    } catch (error) {
      return { kind: 'network_error', error: error as Error };
    }
    const text = Buffer.concat(chunks, size).toString('utf8');
    if (response.statusCode !== 200) return { kind: 'http_error', status: response.statusCode, headers: response.headers, body: clip(text, 2000) };
    return { kind: 'ok', text, headers: response.headers };
  }

  logs(q: LogsQuery, signal: AbortSignal): Promise<HttpResult> {
    return this.get(this.logsUrl(q), signal);
  }

  /** The sandbox, or undefined when the server no longer knows it (404). */
  async getSandbox(id: string, signal: AbortSignal): Promise<Sandbox | undefined> {
    const result = await this.get(`${this.#base}/sandboxes/${encodeURIComponent(id)}`, signal);
    if (result.kind === 'http_error' && result.status === 404) return undefined;
    const value = this.#json(result, `getting sandbox ${id}`);
    const sandbox = parseSandbox(value);
    if (!sandbox) throw new PlatformError(`getting sandbox ${id}: the answer is not a sandbox`);
    return sandbox;
  }

  /** Every `Running` sandbox (optionally of one pool), following limit/offset pages. */
  async listRunning(pool: string | undefined, signal: AbortSignal): Promise<Sandbox[]> {
    const byId = new Map<string, Sandbox>();
    for (let offset = 0; offset < 1_000_000; ) {
      const query = new URLSearchParams({ status: 'Running', limit: String(PAGE_SIZE), offset: String(offset) });
      if (pool !== undefined) query.set('poolName', pool);
      const value = this.#json(await this.get(`${this.#base}/sandboxes?${query.toString()}`, signal), 'listing sandboxes') as {
        items?: unknown;
        total?: unknown;
      };
      const items = Array.isArray(value.items) ? value.items : [];
      // Offset paging over a list that changes can repeat an item: keep the first.
      for (const item of items) {
        const sandbox = parseSandbox(item);
        if (sandbox && !byId.has(sandbox.id)) byId.set(sandbox.id, sandbox);
      }
      offset += items.length;
      const total = typeof value.total === 'number' ? value.total : undefined;
      if (items.length === 0 || (total !== undefined ? offset >= total : items.length < PAGE_SIZE)) break;
    }
    return [...byId.values()];
  }

  #json(result: HttpResult, what: string): unknown {
    if (result.kind === 'network_error') throw new PlatformError(`${what} failed: ${result.error.message}`);
    if (result.kind === 'http_error') throw httpError(what, result.status, result.headers, result.body);
    try {
      return JSON.parse(result.text) as unknown;
    } catch {
      throw new PlatformError(`${what}: the answer is not JSON: ${summarize(result.text)}`);
    }
  }
}
