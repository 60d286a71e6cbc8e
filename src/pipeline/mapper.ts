/**
 * Turns platform-neutral entries into OTLP LogRecords (DESIGN §4).
 * Records are plain objects shaped like the SDK's ReadableLogRecord so the official
 * OTLP serializers can encode them, without the SDK's LoggerProvider (whose batch
 * processor drops records when its queue is full).
 */
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { Attributes, LogEntry, StreamDescriptor } from '../sources/types.ts';
import { detectSeverity, severityOf, UNSPECIFIED, type Severity } from './severity.ts';

export type LogRecord = ReadableLogRecord;

export interface SourceMapping {
  /** Source name (config `name`). */
  name: string;
  /** Platform type, for the scope name `agent-log-exporter/<type>`. */
  type: string;
  serviceName: string;
  /** Top-level `resource` (with OTEL_RESOURCE_ATTRIBUTES merged in). */
  resource: Attributes;
  /** Source `attributes`: added last, never overriding platform attributes. */
  attributes: Attributes;
  severity: { stdout: string; stderr: string; detect: boolean };
  /** Package version, the scope version. */
  version: string;
}

type HrTime = [number, number];
const NO_TIME: HrTime = [0, 0];

function hrTimeFromMs(ms: number): HrTime {
  const seconds = Math.floor(ms / 1000);
  return [seconds, Math.round((ms - seconds * 1000) * 1e6)];
}

export interface StreamMapper {
  map(entry: LogEntry, observedMs: number): LogRecord;
}

/** One mapper per stream: the resource and scope objects are shared by all its records (the serializer groups by identity). */
export function createStreamMapper(source: SourceMapping, stream: StreamDescriptor): StreamMapper {
  const resource = resourceFromAttributes({
    ...source.resource,
    'service.name': source.serviceName,
    ...stream.resource,
  });
  const scope = { name: `agent-log-exporter/${source.type}`, version: source.version };
  const stdout = severityOf(source.severity.stdout) ?? UNSPECIFIED;
  const stderr = severityOf(source.severity.stderr) ?? UNSPECIFIED;
  const extra = Object.entries(source.attributes);

  function severityFor(entry: LogEntry): Severity {
    if (entry.level !== undefined) return severityOf(entry.level) ?? UNSPECIFIED;
    const fallback = entry.iostream === 'stdout' ? stdout : entry.iostream === 'stderr' ? stderr : UNSPECIFIED;
    if (!source.severity.detect) return fallback;
    return detectSeverity(entry.body) ?? fallback;
  }

  return {
    map(entry, observedMs) {
      const attributes: Record<string, string | number | boolean> = { ...entry.attributes };
      if (entry.iostream) attributes['log.iostream'] = entry.iostream;
      if (entry.parseError) attributes['agent_log_exporter.parse_error'] = true;
      for (const [k, v] of extra) if (!(k in attributes)) attributes[k] = v;
      const severity = severityFor(entry);
      return {
        hrTime: entry.timeMs === undefined ? NO_TIME : hrTimeFromMs(entry.timeMs),
        hrTimeObserved: hrTimeFromMs(observedMs),
        severityNumber: severity.number,
        severityText: severity.text,
        body: entry.body,
        eventName: entry.eventName,
        attributes,
        resource,
        instrumentationScope: scope,
        droppedAttributesCount: 0,
      };
    },
  };
}

/** A cheap upper estimate of a record's encoded size, for `batch.max_bytes`. */
export function estimateRecordBytes(record: LogRecord): number {
  let n = 48 + (typeof record.body === 'string' ? record.body.length * 3 : 64);
  for (const [k, v] of Object.entries(record.attributes)) n += k.length + (typeof v === 'string' ? v.length * 3 : 10) + 6;
  return n;
}
