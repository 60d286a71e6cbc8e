// Request body → ExportLogsServiceRequest as a plain object, for both OTLP/HTTP
// encodings. JSON goes through the same schema (fromObject) after applying the
// OTLP/JSON rules protobuf's own JSON mapping does not know: trace and span ids
// are hex, not base64. (int64 as strings and enums as numbers fromObject accepts.)
import zlib from 'node:zlib';
import { ExportLogsServiceRequest, TO_OBJECT } from './proto.ts';

export type OtlpFormat = 'protobuf' | 'json';

export function formatOf(contentType: string | undefined): OtlpFormat | undefined {
  const mediaType = contentType?.split(';')[0]?.trim().toLowerCase();
  if (mediaType === 'application/x-protobuf' || mediaType === 'application/protobuf') return 'protobuf';
  if (mediaType === 'application/json') return 'json';
  return undefined;
}

/** Undoes Content-Encoding; rejects an encoding it does not know. */
export function decompress(body: Buffer, encoding: string | undefined): Promise<Buffer> {
  const name = encoding?.trim().toLowerCase() ?? 'identity';
  if (name === '' || name === 'identity') return Promise.resolve(body);
  const inflate = name === 'gzip' ? zlib.gunzip : name === 'deflate' ? zlib.inflate : undefined;
  if (inflate === undefined) return Promise.reject(new Error(`unsupported Content-Encoding '${encoding}'`));
  return new Promise((resolve, reject) => inflate(body, (error, result) => (error ? reject(error) : resolve(result))));
}

/** Throws on anything that is not a valid ExportLogsServiceRequest. */
export function decodeRequest(body: Buffer, format: OtlpFormat): Record<string, unknown> {
  if (format === 'protobuf') return ExportLogsServiceRequest.toObject(ExportLogsServiceRequest.decode(body), TO_OBJECT);
  const parsed: unknown = JSON.parse(body.toString('utf8'));
  if (!isRecord(parsed)) throw new TypeError('OTLP/JSON body must be a JSON object');
  hexIdsToBytes(parsed);
  return ExportLogsServiceRequest.toObject(ExportLogsServiceRequest.fromObject(parsed), TO_OBJECT);
}

function hexIdsToBytes(request: Record<string, unknown>): void {
  for (const resourceLogs of arrayOf(request.resourceLogs)) {
    for (const scopeLogs of arrayOf(resourceLogs.scopeLogs)) {
      for (const record of arrayOf(scopeLogs.logRecords)) {
        record.traceId = hexToBytes(record.traceId, 16, 'traceId');
        record.spanId = hexToBytes(record.spanId, 8, 'spanId');
      }
    }
  }
}

function hexToBytes(value: unknown, length: number, name: string): Uint8Array | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string' || !new RegExp(`^[0-9a-fA-F]{${length * 2}}$`).test(value)) {
    throw new TypeError(`${name} must be ${length * 2} hex characters`);
  }
  return Uint8Array.from(Buffer.from(value, 'hex'));
}

function arrayOf(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
