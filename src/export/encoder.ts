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
import type { BatchCodec } from '../pipeline/batcher.ts';
import { createEntryFields, estimateEntryBytes, scopeOf, streamResource, type EntryFields } from '../pipeline/entry-fields.ts';
import type { SourceMapping, StreamMapper } from '../pipeline/mapper.ts';
import type { EncodedBatch } from '../pipeline/queue.ts';
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
const GZIP_CHUNK = 256 * 1024;

export function createCodec(protocol: OtlpProtocol, compression: 'gzip' | 'none'): BatchCodec<EncodedPart, LogEntry, StreamEncoding> {
  const contentType = protocol === 'http/json' ? 'application/json' : 'application/x-protobuf';
  async function finish(raw: Uint8Array, records: number, bySource: Record<string, number>): Promise<EncodedBatch> {
    const payload = compression === 'gzip' ? new Uint8Array(await gzip(raw, { level: 1, chunkSize: GZIP_CHUNK })) : raw;
    return { payload, contentType, contentEncoding: compression === 'gzip' ? 'gzip' : 'identity', records, bySource };
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
          import('../pipeline/mapper.ts'),
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
      return finish(parts.length === 1 ? (parts[0] as Uint8Array) : Buffer.concat(parts as Uint8Array[]), records, bySource);
    },
  };
}
