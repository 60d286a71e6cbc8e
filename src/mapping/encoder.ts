/**
 * OTLP encoding of a stream's hand-offs.
 *
 * Protobuf: each hand-off's entries are encoded as soon as they arrive, straight from the entries
 * (otlp-protobuf.ts, byte-equal to the official serializer), and a batch is the concatenation of
 * those requests. Concatenated protobuf messages parse as one message whose repeated fields are
 * joined (protobuf encoding spec), and ExportLogsServiceRequest has only the repeated
 * `resource_logs`, so the result is one valid request. Entries then die young instead of living
 * until their batch is full, which keeps the heap small.
 * JSON keeps the official JsonLogsSerializer (loaded only for http/json): entries are kept and
 * mapped to SDK-shaped records per batch, since JSON cannot be concatenated.
 * gzip runs on libuv's thread pool, off the event loop that reads the platforms.
 */
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import type { LogEntry, StreamDescriptor } from '../sources/types.ts';
import { createEntryFields, estimateEntryBytes, scopeOf, streamResource, type EntryFields } from './entry-fields.ts';
import type { SourceMapping, StreamMapper } from './mapper.ts';
import type { BatchCodec, EncodedBatch } from './encoded-batch.ts';
import { encodeEntries, encodeStreamHeader, type StreamHeader } from './otlp-protobuf.ts';

const gzip = promisify(gzipCallback);

export type OtlpProtocol = 'http/protobuf' | 'http/json';

/** What a stream's hand-offs are encoded with, built once per stream. */
export interface StreamEncoding {
  mapping: SourceMapping;
  descriptor: StreamDescriptor;
  fields: EntryFields;
  /** Protobuf: the resource and scope, encoded on first use. */
  header?: StreamHeader;
  /** JSON: the SDK-shaped mapper, built on first use. */
  mapper?: StreamMapper;
}

export function createStreamEncoding(mapping: SourceMapping, descriptor: StreamDescriptor): StreamEncoding {
  return { mapping, descriptor, fields: createEntryFields(mapping) };
}

interface JsonPart {
  entries: LogEntry[];
  stream: StreamEncoding;
  observedMs: number;
}

export type EncodedPart = Uint8Array | JsonPart;

/** Output chunks of zlib: one callback per chunk crosses back to the event loop, so fewer is cheaper. */
const GZIP_CHUNK = 64 * 1024;

/**
 * Free a transient buffer's memory now. Batches pass through several large buffers (parts, the
 * joined request, zlib's output chunk); they are outside the JS heap and were freed only when a
 * full GC got to them, which let tens of MB pile up at full speed. Detaching gives them back at
 * once. Only for buffers nothing else can still read, and never the shared Buffer pool.
 */
function release(view: Uint8Array): void {
  const buffer = view.buffer as ArrayBuffer & { transfer?(length: number): ArrayBuffer };
  if (buffer.byteLength > Buffer.poolSize && typeof buffer.transfer === 'function') buffer.transfer(0);
}

export function createCodec(protocol: OtlpProtocol, compression: 'gzip' | 'none'): BatchCodec<EncodedPart, LogEntry, StreamEncoding> {
  const contentType = protocol === 'http/json' ? 'application/json' : 'application/x-protobuf';
  async function finish(raw: Uint8Array, records: number, bySource: Record<string, number>): Promise<EncodedBatch> {
    if (compression !== 'gzip') return { payload: raw, contentType, contentEncoding: 'identity', records, bySource };
    const zipped = await gzip(raw, { level: 1, chunkSize: GZIP_CHUNK });
    release(raw);
    // A one-chunk result is a view of zlib's whole output chunk: keep only its bytes.
    let payload: Uint8Array = zipped;
    if (zipped.byteOffset !== 0 || zipped.byteLength !== zipped.buffer.byteLength) {
      payload = new Uint8Array(zipped);
      release(zipped);
    }
    return { payload, contentType, contentEncoding: 'gzip', records, bySource };
  }
  if (protocol === 'http/json') {
    return {
      prepare(entries, stream) {
        let bytes = 0;
        for (const e of entries) bytes += estimateEntryBytes(e);
        return { part: { entries, stream, observedMs: Date.now() }, bytes };
      },
      async join(parts, records, bySource) {
        const [{ JsonLogsSerializer }, { createStreamMapper }] = await Promise.all([
          import('@opentelemetry/otlp-transformer'),
          import('./mapper.ts'),
        ]);
        const logRecords = (parts as JsonPart[]).flatMap(({ entries, stream, observedMs }) => {
          const mapper = (stream.mapper ??= createStreamMapper(stream.mapping, stream.descriptor));
          return entries.map((e) => mapper.map(e, observedMs));
        });
        const raw = JsonLogsSerializer.serializeRequest(logRecords);
        if (!raw) throw new Error('OTLP JSON serializer returned nothing');
        return finish(raw, records, bySource);
      },
    };
  }
  return {
    prepare(entries, stream) {
      stream.header ??= encodeStreamHeader(streamResource(stream.mapping, stream.descriptor), scopeOf(stream.mapping));
      const part = encodeEntries(entries, stream.fields, stream.header, Date.now());
      return { part, bytes: part.byteLength };
    },
    join(parts, records, bySource) {
      const encoded = parts as Uint8Array[];
      if (encoded.length === 1) return finish(encoded[0]!, records, bySource);
      const raw = Buffer.concat(encoded);
      for (const part of encoded) release(part);
      return finish(raw, records, bySource);
    },
  };
}
