/**
 * What a record adds to its entry (DESIGN §4), shared by the direct protobuf encoder and the
 * SDK-shaped mapper (http/json), so both protocols carry the same severity and attributes.
 */
import type { Attributes, AttributeValue, LogEntry, StreamDescriptor } from '../sources/types.ts';
import { detectSeverity, severityOf, UNSPECIFIED, type Severity } from './severity.ts';

export interface FieldMapping {
  severity: { stdout: string; stderr: string; detect: boolean };
  /** Source `attributes`: added last, never overriding platform attributes. */
  attributes: Attributes;
}

export interface EntryFields {
  severityFor(entry: LogEntry): Severity;
  /**
   * Calls `visit` for every attribute of the record, in the order of the object
   * `{ ...entry.attributes, log.iostream, agent_log_exporter.parse_error, ...source attributes not set }`.
   */
  forEachAttribute(entry: LogEntry, visit: (key: string, value: AttributeValue) => void): void;
  /** The same attributes as one object (for the SDK-shaped record). */
  attributesOf(entry: LogEntry): Record<string, AttributeValue>;
}

const INTEGER_KEY = /^(?:0|[1-9]\d*)$/;

export function createEntryFields(mapping: FieldMapping): EntryFields {
  const stdout = severityOf(mapping.severity.stdout) ?? UNSPECIFIED;
  const stderr = severityOf(mapping.severity.stderr) ?? UNSPECIFIED;
  const detect = mapping.severity.detect;
  const extra = Object.entries(mapping.attributes);
  // An integer-like key sorts first in a JS object (and `__proto__` is no plain key): then only
  // building the object gives the order.
  const simple = !extra.some(([k]) => INTEGER_KEY.test(k) || k === '__proto__');

  function attributesOf(entry: LogEntry): Record<string, AttributeValue> {
    const attributes: Record<string, AttributeValue> = { ...entry.attributes };
    if (entry.iostream) attributes['log.iostream'] = entry.iostream;
    if (entry.parseError) attributes['agent_log_exporter.parse_error'] = true;
    for (const [k, v] of extra) if (!Object.hasOwn(attributes, k)) attributes[k] = v;
    return attributes;
  }

  return {
    severityFor(entry) {
      if (entry.level !== undefined) return severityOf(entry.level) ?? UNSPECIFIED;
      const fallback = entry.iostream === 'stdout' ? stdout : entry.iostream === 'stderr' ? stderr : UNSPECIFIED;
      if (!detect) return fallback;
      return detectSeverity(entry.body) ?? fallback;
    },
    attributesOf,
    forEachAttribute(entry, visit) {
      const own = entry.attributes;
      if (!simple || (own !== undefined && (Object.hasOwn(own, 'log.iostream') || Object.hasOwn(own, 'agent_log_exporter.parse_error')))) {
        const all = attributesOf(entry);
        for (const k in all) visit(k, all[k]!);
        return;
      }
      if (own !== undefined) for (const k in own) if (Object.hasOwn(own, k)) visit(k, own[k]!);
      if (entry.iostream) visit('log.iostream', entry.iostream);
      if (entry.parseError) visit('agent_log_exporter.parse_error', true);
      for (const [k, v] of extra) {
        if (own !== undefined && Object.hasOwn(own, k)) continue;
        if (k === 'log.iostream' && entry.iostream) continue;
        if (k === 'agent_log_exporter.parse_error' && entry.parseError) continue;
        visit(k, v);
      }
    },
  };
}

/** A cheap upper estimate of an entry's encoded size, for `batch.max_bytes`. */
export function estimateEntryBytes(entry: LogEntry): number {
  let n = 96 + entry.body.length * 3;
  if (entry.attributes) for (const [k, v] of Object.entries(entry.attributes)) n += k.length + (typeof v === 'string' ? v.length * 3 : 10) + 6;
  return n;
}

/** The stream's resource attributes: the top-level resource, service.name, then the stream's own. */
export function streamResource(source: { resource: Attributes; serviceName: string }, stream: StreamDescriptor): Attributes {
  return { ...source.resource, 'service.name': source.serviceName, ...stream.resource };
}

/** The instrumentation scope of a source's records. */
export function scopeOf(source: { type: string; version: string }): { name: string; version: string } {
  return { name: `agent-log-exporter/${source.type}`, version: source.version };
}

