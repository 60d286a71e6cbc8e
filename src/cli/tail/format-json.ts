/**
 * `tail --json`: one line per record, each a complete OTLP/JSON ExportLogsServiceRequest
 * holding that one record (with its resource and scope), as the official serializer
 * (@opentelemetry/otlp-transformer) writes it. That is the line format of the OpenTelemetry
 * file exporter spec (one request per line), so the output is valid OTLP/JSON for tools
 * that read it, and jq reads the record at `.resourceLogs[0].scopeLogs[0].logRecords[0]`.
 */
import { JsonLogsSerializer } from '@opentelemetry/otlp-transformer';
import type { LogRecord } from '../../mapping/mapper.ts';

const decoder = new TextDecoder();

export function formatJson(record: LogRecord): string {
  const bytes = JsonLogsSerializer.serializeRequest([record]);
  if (!bytes) throw new Error('OTLP JSON serializer returned nothing');
  return decoder.decode(bytes);
}
