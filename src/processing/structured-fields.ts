/**
 * What a structured line (JSON or logfmt) says about its record (DESIGN §4.5 step 2): the
 * message, the level, the trace context, and every other key as an attribute. Both parsers
 * hand their keys here flat (`a.b` for nested objects), so both follow the same rules.
 */
import type { Attributes, AttributeValue } from '../sources/types.ts';
import { severityOf } from '../mapping/severity.ts';

export interface Structured {
  /** The message, when the line has one as a string. */
  message?: string;
  /** A level name of DESIGN §4.3. */
  level?: string;
  traceId?: string;
  spanId?: string;
  traceFlags?: number;
  attributes: Attributes;
}

/** At most this many attributes from one line. */
export const MAX_ATTRIBUTES = 128;

const MESSAGE_KEYS = ['message', 'msg', 'event'];
const LEVEL_KEYS = ['level', 'severity', 'levelname', 'log.level', 'lvl'];
const TRACE_KEYS = ['trace_id', 'traceId', 'trace.id', 'otelTraceID'];
const SPAN_KEYS = ['span_id', 'spanId', 'span.id', 'otelSpanID'];
const FLAG_KEYS = ['trace_flags', 'traceFlags'];
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const HEX32 = /^[0-9a-fA-F]{32}$/;
const HEX16 = /^[0-9a-fA-F]{16}$/;
const ALL_ZERO = /^0+$/;

/** pino's numeric levels: 10 trace, 20 debug, 30 info, 40 warn, 50 error, 60 fatal. */
function pinoLevel(n: number): string | undefined {
  if (!Number.isFinite(n) || n < 10) return undefined;
  return n < 20 ? 'TRACE' : n < 30 ? 'DEBUG' : n < 40 ? 'INFO' : n < 50 ? 'WARN' : n < 60 ? 'ERROR' : 'FATAL';
}

function levelOf(value: AttributeValue): string | undefined {
  if (typeof value === 'number') return pinoLevel(value);
  if (typeof value === 'string') return severityOf(value.trim())?.text;
  return undefined;
}

function hexId(value: AttributeValue | undefined, shape: RegExp): string | undefined {
  if (typeof value !== 'string' || !shape.test(value) || ALL_ZERO.test(value)) return undefined;
  return value.toLowerCase();
}

function flagsOf(value: AttributeValue | undefined): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 255) return value;
  if (typeof value === 'string' && /^[0-9a-fA-F]{1,2}$/.test(value)) return parseInt(value, 16);
  return undefined;
}

/** Keys the mapper writes itself: a line cannot set them. */
const MAPPER_KEY = /^(?:log\.iostream$|agent_log_exporter\.)/;

/** The record fields of a line's flat keys. `fields` is consumed (lifted keys are deleted). */
export function structure(fields: Map<string, AttributeValue>): Structured {
  const out: Structured = { attributes: {} };
  for (const key of MESSAGE_KEYS) {
    const v = fields.get(key);
    if (typeof v === 'string') {
      out.message = v;
      fields.delete(key);
      break;
    }
  }
  for (const key of LEVEL_KEYS) {
    const v = fields.get(key);
    const level = v === undefined ? undefined : levelOf(v);
    if (level !== undefined) {
      out.level = level;
      fields.delete(key);
      break;
    }
  }
  liftTraceContext(fields, out);
  let n = 0;
  for (const [key, value] of fields) {
    if (MAPPER_KEY.test(key)) continue;
    if (n++ >= MAX_ATTRIBUTES) break;
    out.attributes[key] = value;
  }
  return out;
}

/** The first of `keys` whose value passes `read`, with that value. */
function find<T>(fields: Map<string, AttributeValue>, keys: string[], read: (v: AttributeValue | undefined) => T | undefined): [string, T] | undefined {
  for (const key of keys) {
    const value = read(fields.get(key));
    if (value !== undefined) return [key, value];
  }
  return undefined;
}

function liftTraceContext(fields: Map<string, AttributeValue>, out: Structured): void {
  const trace = find(fields, TRACE_KEYS, (v) => hexId(v, HEX32));
  const span = find(fields, SPAN_KEYS, (v) => hexId(v, HEX16));
  const flags = find(fields, FLAG_KEYS, flagsOf);
  const parent = fields.get('traceparent');
  const w3c = typeof parent === 'string' ? TRACEPARENT.exec(parent.trim().toLowerCase()) : null;
  const header = w3c && w3c[1] !== 'ff' && !ALL_ZERO.test(w3c[2]!) && !ALL_ZERO.test(w3c[3]!) ? w3c : undefined;
  // Explicit keys win over the header; the header fills what they leave out. A span or flags
  // without a trace id are no trace context: they stay attributes.
  const traceId = trace?.[1] ?? header?.[2];
  if (traceId === undefined) return;
  out.traceId = traceId;
  const spanId = span?.[1] ?? (trace === undefined ? header?.[3] : undefined);
  if (spanId !== undefined) out.spanId = spanId;
  const traceFlags = flags?.[1] ?? (trace === undefined && header ? parseInt(header[4]!, 16) : undefined);
  if (traceFlags !== undefined) out.traceFlags = traceFlags;
  for (const used of [trace, span, flags]) if (used) fields.delete(used[0]);
  if (header) fields.delete('traceparent');
}
