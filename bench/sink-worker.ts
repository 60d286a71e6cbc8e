// The bench's OTLP/HTTP receiver, on its own thread so it never stalls the
// bench's event loop. It answers every request at once (a fast backend), counts
// records cheaply while the run lasts, and keeps the bodies; after the run it
// decodes every record with the official schema (src/emulators/otlp) and
// reports, per seq, when it was first delivered and how often it was repeated.
import http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gunzipSync, inflateSync } from 'node:zlib';
import { parentPort, workerData } from 'node:worker_threads';
import { decodeRequest, decompress, formatOf } from '../emulators/otlp/decode.ts';
import type { OtlpFormat } from '../emulators/otlp/decode.ts';
import { statusBody, successBody } from '../emulators/otlp/respond.ts';
import { nowMs } from './clock.ts';
import { seqOf } from './fast-foundry.ts';
import { countJsonRecords, countProtobufRecords } from './otlp-count.ts';
import { SLOT } from './sink-slots.ts';
import type { FinishRequest, SinkResult } from './sink-slots.ts';

interface Kept {
  at: number;
  body: Buffer;
  format: OtlpFormat;
  encoding: string | undefined;
}

const state = new Float64Array((workerData as { shared: SharedArrayBuffer }).shared);
const kept: Kept[] = [];
const answers = { protobuf: successBody('protobuf'), json: successBody('json') };
const outage = { protobuf: statusBody('protobuf', 503, 'bench outage'), json: statusBody('json', 503, 'bench outage') };

function inflated(body: Buffer, encoding: string | undefined): Buffer {
  if (encoding === 'gzip') return gunzipSync(body);
  if (encoding === 'deflate') return inflateSync(body);
  return body;
}

function onBody(req: IncomingMessage, res: ServerResponse, body: Buffer): void {
  const at = nowMs();
  const format = formatOf(req.headers['content-type']) ?? 'json';
  const encoding = req.headers['content-encoding']?.trim().toLowerCase();
  state[SLOT.requests]! += 1;
  if (state[SLOT.outage] === 1) {
    state[SLOT.rejected]! += 1;
    res.writeHead(503, { 'content-type': outage[format].contentType, 'content-length': outage[format].bytes.length });
    res.end(outage[format].bytes);
    return;
  }
  res.writeHead(200, { 'content-type': answers[format].contentType, 'content-length': answers[format].bytes.length });
  res.end(answers[format].bytes);
  kept.push({ at, body, format, encoding });
  try {
    const raw = inflated(body, encoding);
    const records = format === 'protobuf' ? countProtobufRecords(raw) : countJsonRecords(raw);
    state[SLOT.records]! += records;
    if (records > 0 && state[SLOT.firstAt] === 0) state[SLOT.firstAt] = at;
  } catch {
    // Counted exactly (as a decode error) after the run.
  }
  state[SLOT.lastAt] = at;
}

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => onBody(req, res, Buffer.concat(chunks)));
  req.on('error', () => res.destroy());
});
server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  parentPort?.postMessage({ type: 'listening', port: typeof address === 'object' && address !== null ? address.port : 0 });
});

async function finish({ expected }: FinishRequest): Promise<SinkResult> {
  const firstAt = new Float64Array(expected);
  let records = 0;
  let duplicates = 0;
  let foreign = 0;
  let decodeErrors = 0;
  for (const item of kept) {
    let request: Record<string, unknown>;
    try {
      request = decodeRequest(await decompress(item.body, item.encoding), item.format);
    } catch {
      decodeErrors += 1;
      continue;
    }
    for (const resourceLogs of list(request.resourceLogs)) {
      for (const scopeLogs of list(resourceLogs.scopeLogs)) {
        for (const record of list(scopeLogs.logRecords)) {
          records += 1;
          const seq = seqOf((record.body as { stringValue?: unknown } | null)?.stringValue);
          if (seq === undefined || seq >= expected) foreign += 1;
          else if (firstAt[seq] === 0) firstAt[seq] = item.at;
          else duplicates += 1;
        }
      }
    }
  }
  return { records, duplicates, foreign, decodeErrors, firstAt };
}

function list(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? (value as Record<string, unknown>[]) : [];
}

parentPort?.on('message', (message: { type: string } & FinishRequest) => {
  if (message.type !== 'finish') return;
  server.closeAllConnections();
  server.close();
  finish(message).then(
    (result) => parentPort?.postMessage({ type: 'result', result }, [result.firstAt.buffer as ArrayBuffer]),
    (error: unknown) => parentPort?.postMessage({ type: 'error', message: String(error) }),
  );
});
