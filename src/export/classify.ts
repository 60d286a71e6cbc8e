/**
 * What an OTLP/HTTP response means for the batch (DESIGN §5), as a closed union.
 * Retryable: network errors, 408, 429, 5xx (with Retry-After as a minimum wait).
 * Auth refused: 401, 403, or a header the HTTP client will not send — retried slowly, never
 * dropped (a credential gets fixed or rotated; the records must still be there then).
 * Permanent: any other non-2xx. Success may carry a partial_success rejected count.
 */
import protobuf from 'protobufjs/minimal.js';
import { clip } from '../util/clip.ts';
import { parseRetryAfter } from '../util/retry-after.ts';

export type ExportOutcome =
  | { status: 'success'; rejected: number; message?: string }
  | { status: 'retryable'; code: string; retryAfterMs?: number; detail: string }
  | { status: 'auth_failed'; code: string; detail: string }
  | { status: 'failure'; code: string; detail: string };

interface PartialSuccess {
  rejectedLogRecords?: unknown;
  errorMessage?: unknown;
}

/**
 * ExportLogsServiceResponse.partial_success (field 1) of a protobuf body: rejected_log_records
 * (field 1, int64) and error_message (field 2). Read with protobufjs's wire reader, as the official
 * deserializer does, so the OTLP transformer is loaded only for http/json requests.
 */
function partialSuccessFromProtobuf(body: Uint8Array): PartialSuccess | undefined {
  const reader = protobuf.Reader.create(body);
  let partial: PartialSuccess | undefined;
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    if (tag >>> 3 !== 1 || (tag & 7) !== 2) {
      reader.skipType(tag & 7);
      continue;
    }
    const inner = protobuf.Reader.create(reader.bytes());
    partial = {};
    while (inner.pos < inner.len) {
      const t = inner.uint32();
      if (t >>> 3 === 1 && (t & 7) === 0) {
        // A number, or a Long when long.js is installed (its toString gives the decimal value).
        const n = inner.int64() as unknown as number | { toString(): string };
        partial.rejectedLogRecords = typeof n === 'number' ? n : n.toString();
      } else if (t >>> 3 === 2 && (t & 7) === 2) partial.errorMessage = inner.string();
      else inner.skipType(t & 7);
    }
  }
  return partial;
}

function rejectedFrom(body: Uint8Array, contentType: string): { rejected: number; message?: string } {
  if (body.byteLength === 0) return { rejected: 0 };
  try {
    const partial = contentType.includes('json')
      ? (JSON.parse(new TextDecoder().decode(body)) as { partialSuccess?: PartialSuccess } | null)?.partialSuccess
      : partialSuccessFromProtobuf(body);
    const rejected = Number(partial?.rejectedLogRecords ?? 0);
    const message = typeof partial?.errorMessage === 'string' && partial.errorMessage !== '' ? partial.errorMessage : undefined;
    return { rejected: Number.isFinite(rejected) ? rejected : 0, message };
  } catch {
    return { rejected: 0 };
  }
}

export function classifyResponse(
  status: number,
  headers: Record<string, string | string[] | undefined>,
  body: Uint8Array,
): ExportOutcome {
  const contentType = String(headers['content-type'] ?? '');
  if (status >= 200 && status < 300) return { status: 'success', ...rejectedFrom(body, contentType) };
  const detail = errorDetail(body, contentType);
  if (status === 401 || status === 403) return { status: 'auth_failed', code: String(status), detail };
  // Only "other 4xx" are permanent (DESIGN §5). A 3xx is not followed (a redirect of a POST with a
  // body would be a guess) and not dropped either: it is retried and logged until someone fixes the URL.
  if (status >= 400 && status < 500 && status !== 408 && status !== 429) return { status: 'failure', code: String(status), detail };
  return { status: 'retryable', code: String(status), retryAfterMs: parseRetryAfter(headers['retry-after']), detail };
}

/**
 * The message of an OTLP error body: a google.rpc.Status (`message` is field 2) in
 * protobuf or JSON, else the text. No OTel package ships a Status decoder, so read
 * field 2 with protobufjs's wire reader.
 */
export function errorDetail(body: Uint8Array, contentType: string): string {
  if (contentType.includes('protobuf')) {
    try {
      const reader = protobuf.Reader.create(body);
      while (reader.pos < reader.len) {
        const tag = reader.uint32();
        if (tag >>> 3 === 2 && (tag & 7) === 2) return clip(reader.string(), 500);
        reader.skipType(tag & 7);
      }
    } catch {
      // not a Status after all: fall through to the text
    }
  }
  if (contentType.includes('json')) {
    try {
      const parsed = JSON.parse(new TextDecoder().decode(body)) as { message?: unknown };
      if (typeof parsed.message === 'string') return clip(parsed.message, 500);
    } catch {
      // not JSON after all
    }
  }
  return clip(new TextDecoder().decode(body.subarray(0, 16_384)).replace(/[^\x20-\x7e\u00a0-\uffff]+/g, ' ').replace(/\s+/g, ' ').trim(), 500);
}
