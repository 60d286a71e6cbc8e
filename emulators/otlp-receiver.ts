// Loopback OTLP/HTTP logs receiver (POST /v1/logs), decoding with the official
// OTLP protobuf schema. Accepts application/x-protobuf and application/json,
// gzip or deflate. Records are kept only from requests answered 2xx, so a test
// sees what a real backend would have accepted; answers can be scripted.
import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { readBody, sleep } from './shared/http-io.ts';
import { startLoopbackServer } from './shared/loopback-server.ts';
import { decodeRequest, decompress, formatOf } from './otlp/decode.ts';
import type { OtlpFormat } from './otlp/decode.ts';
import { flattenRequest } from './otlp/flatten.ts';
import type { ReceivedLogRecord } from './otlp/flatten.ts';
import { statusBody, successBody } from './otlp/respond.ts';
import type { EncodedBody, PartialSuccess } from './otlp/respond.ts';
import { createResponseScript } from './otlp/script.ts';
import type { ScriptedResponse } from './otlp/script.ts';

export type { ReceivedLogRecord } from './otlp/flatten.ts';
export type { PartialSuccess } from './otlp/respond.ts';
export type { ScriptedResponse } from './otlp/script.ts';

export interface ReceivedRequest {
  /** Date.now() when the request arrived. */
  at: number;
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  contentType: string | undefined;
  contentEncoding: string | undefined;
  /** Body size on the wire (before decompression). */
  bytes: number;
  /** Log records the body held (0 if undecodable). */
  recordCount: number;
  /** sha256 of the body as received: a batch re-sent after a crash has the same digest. */
  digest: string;
  /** Index in `records` of this request's first record, when it was answered 2xx. */
  firstRecord?: number;
  status: number;
  partialSuccess?: PartialSuccess;
  /** Why the body was rejected, for 400/415. */
  error?: string;
}

export interface OtlpReceiverOptions {
  port?: number;
  /** Serve HTTPS with this key and certificate (to test the exporter's TLS options); `clientCa` asks for mutual TLS. */
  tls?: { key: string; cert: string; clientCa?: string };
  /** Delay before every answer (a slow backend). */
  delayMs?: number;
  /** Answer 413 to a body larger than this on the wire, as a proxy's body-size limit does. */
  maxBodyBytes?: number;
}

export interface OtlpReceiver {
  /** `http://127.0.0.1:PORT/v1/logs` */
  readonly url: string;
  readonly records: ReceivedLogRecord[];
  readonly requests: ReceivedRequest[];
  /** Requests rejected because their body could not be decoded. */
  readonly decodeErrors: number;
  delayMs: number;
  /** Bodies larger than this on the wire get 413 (undefined: no limit). */
  maxBodyBytes: number | undefined;
  /** Queue answers for the next requests (in order); afterwards plain 200. */
  respondWith(entries: readonly ScriptedResponse[]): void;
  /** Resolves with the records once `records.length >= count` (or the predicate holds). */
  waitFor(target: number | ((records: readonly ReceivedLogRecord[]) => boolean), timeoutMs?: number): Promise<ReceivedLogRecord[]>;
  /** Forgets records, requests, counters and scripted answers. */
  reset(): void;
  /** Stops listening and destroys open sockets. Idempotent. */
  close(): Promise<void>;
}

const PATH = '/v1/logs';

export async function startOtlpReceiver(opts: OtlpReceiverOptions = {}): Promise<OtlpReceiver> {
  const records: ReceivedLogRecord[] = [];
  const requests: ReceivedRequest[] = [];
  const script = createResponseScript();
  const waiters = new Set<() => void>();
  let decodeErrors = 0;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const entry: ReceivedRequest = {
      at: Date.now(),
      method: req.method ?? 'POST',
      path: req.url ?? '/',
      headers: req.headers,
      contentType: req.headers['content-type'],
      contentEncoding: req.headers['content-encoding'],
      bytes: body.length,
      recordCount: 0,
      digest: createHash('sha256').update(body).digest('hex'),
      status: 0,
    };
    requests.push(entry);
    const format = formatOf(entry.contentType);
    const answer = (status: number, encoded: EncodedBody, headers: Record<string, string> = {}): void => {
      entry.status = status;
      res.writeHead(status, { 'content-type': encoded.contentType, 'content-length': encoded.bytes.length, ...headers });
      res.end(encoded.bytes);
    };

    if (new URL(entry.path, 'http://receiver.invalid').pathname !== PATH) return answer(404, statusBody(format ?? 'json', 404, `no route ${entry.path}`));
    if (entry.method !== 'POST') return answer(405, statusBody(format ?? 'json', 405, 'only POST'), { allow: 'POST' });
    if (receiver.maxBodyBytes !== undefined && body.length > receiver.maxBodyBytes) {
      entry.error = `body of ${body.length} bytes is over the limit of ${receiver.maxBodyBytes}`;
      return answer(413, statusBody(format ?? 'json', 413, entry.error));
    }
    if (format === undefined) {
      entry.error = `unsupported Content-Type '${entry.contentType}'`;
      return answer(415, statusBody('json', 415, entry.error));
    }

    let decoded: ReceivedLogRecord[];
    try {
      decoded = flattenRequest(decodeRequest(await decompress(body, entry.contentEncoding), format));
    } catch (error) {
      decodeErrors += 1;
      entry.error = error instanceof Error ? error.message : String(error);
      return answer(400, statusBody(format, 400, entry.error));
    }
    entry.recordCount = decoded.length;

    const scripted = script.take();
    const delay = receiver.delayMs + (scripted?.delayMs ?? 0);
    if (delay > 0) await sleep(delay);
    if (res.destroyed) return;
    const status = scripted?.status ?? 200;
    if (status >= 200 && status < 300) {
      entry.firstRecord = records.length;
      for (const record of decoded) records.push(record);
      if (scripted?.partialSuccess) entry.partialSuccess = scripted.partialSuccess;
      for (const wake of waiters) wake();
    }
    answer(status, scriptedBody(format, status, scripted), scriptedHeaders(scripted));
  }

  const server = await startLoopbackServer(
    (req, res) => {
      handle(req, res).catch(() => res.destroy());
    },
    { port: opts.port, tls: opts.tls },
  );

  const receiver: OtlpReceiver = {
    url: `${server.origin}${PATH}`,
    records,
    requests,
    get decodeErrors() {
      return decodeErrors;
    },
    delayMs: opts.delayMs ?? 0,
    maxBodyBytes: opts.maxBodyBytes,
    respondWith(entries) {
      script.push(entries);
    },
    waitFor(target, timeoutMs = 5000) {
      const done = typeof target === 'number' ? () => records.length >= target : () => target(records);
      if (done()) return Promise.resolve([...records]);
      return new Promise((resolve, reject) => {
        const check = (): void => {
          if (!done()) return;
          cleanup();
          resolve([...records]);
        };
        const timer = setTimeout(() => {
          cleanup();
          const wanted = typeof target === 'number' ? `, wanted ${target}` : '';
          reject(new Error(`waitFor timed out after ${timeoutMs} ms with ${records.length} record(s)${wanted}`));
        }, timeoutMs);
        const cleanup = (): void => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
      });
    },
    reset() {
      records.length = 0;
      requests.length = 0;
      decodeErrors = 0;
      script.clear();
    },
    close: () => server.close(),
  };
  return receiver;
}

function scriptedBody(format: OtlpFormat, status: number, scripted: ScriptedResponse | undefined): EncodedBody {
  const custom = scripted?.body;
  if (custom !== undefined) {
    if (typeof custom === 'string') return { contentType: 'text/plain; charset=utf-8', bytes: Buffer.from(custom) };
    if (custom instanceof Uint8Array) return { contentType: 'application/octet-stream', bytes: Buffer.from(custom) };
    return { contentType: 'application/json', bytes: Buffer.from(JSON.stringify(custom)) };
  }
  if (status >= 200 && status < 300) return successBody(format, scripted?.partialSuccess);
  return statusBody(format, status, `scripted ${status}`);
}

function scriptedHeaders(scripted: ScriptedResponse | undefined): Record<string, string> {
  // Lower-cased, so a scripted Content-Type replaces ours instead of doubling it.
  const headers = Object.fromEntries(Object.entries(scripted?.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  if (scripted?.retryAfter !== undefined) headers['retry-after'] = String(scripted.retryAfter);
  return headers;
}
