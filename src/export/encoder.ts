/**
 * OTLP encoding with the official serializers of @opentelemetry/otlp-transformer
 * (pinned: they are marked experimental).
 *
 * Protobuf: each hand-off's records are serialized as soon as they arrive, and a batch is the
 * concatenation of those requests. Concatenated protobuf messages parse as one message whose
 * repeated fields are joined (protobuf encoding spec), and ExportLogsServiceRequest has only the
 * repeated `resource_logs`, so the result is one valid request. Record objects then die young
 * instead of living until their batch is full, which keeps the heap small.
 * JSON cannot be concatenated: its records are kept and serialized per batch.
 * gzip runs on libuv's thread pool, off the event loop that reads the platforms.
 */
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import { JsonLogsSerializer, ProtobufLogsSerializer } from '@opentelemetry/otlp-transformer';
import { estimateRecordBytes, type LogRecord } from '../pipeline/mapper.ts';
import type { BatchCodec } from '../pipeline/batcher.ts';
import type { EncodedBatch } from '../pipeline/queue.ts';

const gzip = promisify(gzipCallback);

export type OtlpProtocol = 'http/protobuf' | 'http/json';

export function createCodec(protocol: OtlpProtocol, compression: 'gzip' | 'none'): BatchCodec<Uint8Array | LogRecord[]> {
  const contentType = protocol === 'http/json' ? 'application/json' : 'application/x-protobuf';
  async function finish(raw: Uint8Array, records: number, bySource: Record<string, number>): Promise<EncodedBatch> {
    const payload = compression === 'gzip' ? new Uint8Array(await gzip(raw, { level: 1 })) : raw;
    return { payload, contentType, contentEncoding: compression === 'gzip' ? 'gzip' : 'identity', records, bySource };
  }
  if (protocol === 'http/json') {
    return {
      prepare(records) {
        let bytes = 0;
        for (const r of records) bytes += estimateRecordBytes(r);
        return { part: records, bytes };
      },
      join(parts, records, bySource) {
        const raw = JsonLogsSerializer.serializeRequest((parts as LogRecord[][]).flat());
        if (!raw) throw new Error('OTLP JSON serializer returned nothing');
        return finish(raw, records, bySource);
      },
    };
  }
  return {
    prepare(records) {
      const part = ProtobufLogsSerializer.serializeRequest(records);
      if (!part) throw new Error('OTLP protobuf serializer returned nothing');
      return { part, bytes: part.byteLength };
    },
    join(parts, records, bySource) {
      return finish(Buffer.concat(parts as Uint8Array[]), records, bySource);
    },
  };
}
