/**
 * Turns platform-neutral entries into OTLP LogRecords (DESIGN §4) for http/json.
 * Records are plain objects shaped like the SDK's ReadableLogRecord so the official
 * OTLP JSON serializer can encode them, without the SDK's LoggerProvider (whose batch
 * processor drops records when its queue is full). http/protobuf encodes entries directly
 * (export/otlp-protobuf.ts) with the same severity and attributes (entry-fields.ts).
 */
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { Config, SourceConfig } from '../config/schema.ts';
import type { Attributes, LogEntry, StreamDescriptor } from '../sources/types.ts';
import { VERSION } from '../version.ts';
import { createEntryFields, scopeOf, streamResource } from './entry-fields.ts';

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

/** A platform time: milliseconds plus the nanoseconds past them, where the platform has them. */
function hrTimeOf(ms: number, nanosInMs: number | undefined): HrTime {
  const time = hrTimeFromMs(ms);
  if (nanosInMs) time[1] += nanosInMs;
  return time;
}

function hrTimeFromMs(ms: number): HrTime {
  const seconds = Math.floor(ms / 1000);
  return [seconds, Math.round((ms - seconds * 1000) * 1e6)];
}

/** How one configured source's records are mapped (its resource, attributes, severity rules). */
export function sourceMapping(config: SourceConfig, resource: Config['resource']): SourceMapping {
  return {
    name: config.name,
    type: config.type,
    // Explicit per source, else what OTEL_SERVICE_NAME / OTEL_RESOURCE_ATTRIBUTES / `resource:` say, else the name.
    serviceName: config.service_name ?? (typeof resource['service.name'] === 'string' ? resource['service.name'] : config.name),
    resource,
    attributes: config.attributes ?? {},
    severity: config.severity,
    version: VERSION,
  };
}

export interface StreamMapper {
  map(entry: LogEntry, observedMs: number): LogRecord;
}

/** One mapper per stream: the resource and scope objects are shared by all its records (the serializer groups by identity). */
export function createStreamMapper(source: SourceMapping, stream: StreamDescriptor): StreamMapper {
  const resource = resourceFromAttributes(streamResource(source, stream));
  const scope = scopeOf(source);
  const fields = createEntryFields(source);

  return {
    map(entry, observedMs) {
      const severity = fields.severityFor(entry);
      return {
        hrTime: entry.timeMs === undefined ? NO_TIME : hrTimeOf(entry.timeMs, entry.timeNanosInMs),
        hrTimeObserved: hrTimeFromMs(observedMs),
        severityNumber: severity.number,
        severityText: severity.text,
        body: entry.body,
        eventName: entry.eventName,
        spanContext: entry.traceId === undefined ? undefined : { traceId: entry.traceId, spanId: entry.spanId ?? '', traceFlags: entry.traceFlags ?? 0 },
        attributes: fields.attributesOf(entry),
        resource,
        instrumentationScope: scope,
        droppedAttributesCount: 0,
      };
    },
  };
}
