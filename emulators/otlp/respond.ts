// OTLP/HTTP response bodies in the request's encoding: ExportLogsServiceResponse
// on success (optionally with partialSuccess), google.rpc.Status on failure.
import protobuf from 'protobufjs/minimal.js';
import { ExportLogsServiceResponse } from './proto.ts';
import type { OtlpFormat } from './decode.ts';

export interface PartialSuccess {
  rejectedLogRecords: number;
  errorMessage?: string;
}

export interface EncodedBody {
  contentType: string;
  bytes: Buffer;
}

const CONTENT_TYPE: Record<OtlpFormat, string> = { protobuf: 'application/x-protobuf', json: 'application/json' };

/**
 * JSON follows protobuf's JSON mapping as the Collector writes it: int64 as a
 * string (`"rejectedLogRecords":"2"`); clients must accept strings and numbers.
 */
export function successBody(format: OtlpFormat, partialSuccess?: PartialSuccess): EncodedBody {
  const message = ExportLogsServiceResponse.fromObject(partialSuccess ? { partialSuccess: { ...partialSuccess } } : {});
  const bytes =
    format === 'protobuf'
      ? Buffer.from(ExportLogsServiceResponse.encode(message).finish())
      : Buffer.from(JSON.stringify(ExportLogsServiceResponse.toObject(message, { longs: String })));
  return { contentType: CONTENT_TYPE[format], bytes };
}

/** google.rpc.Status { int32 code = 1; string message = 2; } */
export function statusBody(format: OtlpFormat, httpStatus: number, message: string): EncodedBody {
  const code = grpcCode(httpStatus);
  if (format === 'json') return { contentType: CONTENT_TYPE.json, bytes: Buffer.from(JSON.stringify({ code, message })) };
  const writer = protobuf.Writer.create();
  writer.uint32(8).int32(code).uint32(18).string(message);
  return { contentType: CONTENT_TYPE.protobuf, bytes: Buffer.from(writer.finish()) };
}

/** The gRPC code a Collector pairs with an HTTP status. */
function grpcCode(httpStatus: number): number {
  const codes: Record<number, number> = { 400: 3, 401: 16, 403: 7, 404: 5, 409: 10, 413: 8, 415: 3, 429: 8, 500: 13, 501: 12, 502: 14, 503: 14, 504: 4 };
  return codes[httpStatus] ?? (httpStatus >= 500 ? 13 : 2);
}
