/**
 * OTLP encoding with the official serializers of @opentelemetry/otlp-transformer
 * (pinned: they are marked experimental). gzip runs on libuv's thread pool, off the
 * event loop that reads the platforms.
 */
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import { JsonLogsSerializer, ProtobufLogsSerializer } from '@opentelemetry/otlp-transformer';
import type { LogRecord } from '../pipeline/mapper.ts';
import type { EncodedBatch } from '../pipeline/queue.ts';

const gzip = promisify(gzipCallback);

export type OtlpProtocol = 'http/protobuf' | 'http/json';

export function createEncoder(protocol: OtlpProtocol, compression: 'gzip' | 'none') {
  const serializer = protocol === 'http/json' ? JsonLogsSerializer : ProtobufLogsSerializer;
  const contentType = protocol === 'http/json' ? 'application/json' : 'application/x-protobuf';
  return async function encode(records: LogRecord[], bySource: Record<string, number>): Promise<EncodedBatch> {
    const raw = serializer.serializeRequest(records);
    if (!raw) throw new Error('OTLP serializer returned nothing');
    const payload = compression === 'gzip' ? new Uint8Array(await gzip(raw, { level: 1 })) : raw;
    return { payload, contentType, contentEncoding: compression === 'gzip' ? 'gzip' : 'identity', records: records.length, bySource };
  };
}
