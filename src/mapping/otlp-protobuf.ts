/**
 * OTLP/protobuf straight from entries: one hand-off of one stream becomes one
 * ExportLogsServiceRequest holding one ResourceLogs with one ScopeLogs, with no SDK-shaped record
 * objects in between (building them and walking them again cost more than the encoding itself).
 *
 * The bytes equal what the official ProtobufLogsSerializer of @opentelemetry/otlp-transformer
 * writes for the mapper's records (test/unit/otlp-protobuf.test.ts checks that byte for byte):
 * same field order, LogRecord.dropped_attributes_count always written, int64 for integral
 * numbers, double otherwise. The resource and scope of a stream are encoded once.
 */
import type { Attributes, AttributeValue, LogEntry } from '../sources/types.ts';
import type { EntryFields } from './entry-fields.ts';

/** A stream's resource and scope, encoded once (each with its tag and length). */
export interface StreamHeader {
  /** ResourceLogs field 1: the Resource. */
  resource: Uint8Array;
  /** ScopeLogs field 1: the InstrumentationScope. */
  scope: Uint8Array;
}

const MIN_INT64 = -(2 ** 63);
const MAX_INT64 = 2 ** 63;
/** A scratch buffer larger than this is not kept after use (one huge entry should not pin memory). */
const KEEP_BYTES = 4 * 1024 * 1024;

/** Buffer's own UTF-8 writer (what `buf.write(s, o, n, 'utf8')` calls after checking its arguments). */
type Utf8Writer = Buffer & { utf8Write?(text: string, offset: number, length: number): number };

let buf: Utf8Writer = Buffer.allocUnsafe(256 * 1024);
let pos = 0;

function ensure(extra: number): void {
  if (pos + extra <= buf.length) return;
  let size = buf.length * 2;
  while (size < pos + extra) size *= 2;
  const next = Buffer.allocUnsafe(size);
  buf.copy(next, 0, 0, pos);
  buf = next;
}

function varintSize(v: number): number {
  return v < 0x80 ? 1 : v < 0x4000 ? 2 : v < 0x200000 ? 3 : v < 0x10000000 ? 4 : 5;
}

/** An unsigned 32-bit varint (tags and lengths). */
function writeUint32(v: number): void {
  while (v > 127) {
    buf[pos++] = (v & 127) | 128;
    v >>>= 7;
  }
  buf[pos++] = v;
}

/** An int64 varint, as the official writer does it (negative numbers: ten bytes of two's complement). */
function writeInt64(value: number): void {
  if (value >= 0 && value <= 0xffffffff) return writeUint32(value >>> 0);
  let low: number;
  let high: number;
  if (value >= 0) {
    low = value >>> 0;
    high = (value / 4294967296) >>> 0;
  } else {
    const abs = Math.abs(value);
    low = ~(abs >>> 0) >>> 0;
    high = ~((abs / 4294967296) >>> 0) >>> 0;
    low = (low + 1) >>> 0;
    if (low === 0) high = (high + 1) >>> 0;
  }
  while (high > 0 || low > 127) {
    buf[pos++] = (low & 127) | 128;
    low = ((low >>> 7) | (high << 25)) >>> 0;
    high >>>= 7;
  }
  buf[pos++] = low & 127;
}

function int64Size(value: number): number {
  if (value >= 0 && value <= 0xffffffff) return varintSize(value >>> 0);
  if (value < 0) return 10;
  let n = 1;
  let low = value >>> 0;
  let high = (value / 4294967296) >>> 0;
  while (high > 0 || low > 127) {
    n++;
    low = ((low >>> 7) | (high << 25)) >>> 0;
    high >>>= 7;
  }
  return n;
}

function writeFixed64(low: number, high: number): void {
  buf[pos++] = low;
  buf[pos++] = low >>> 8;
  buf[pos++] = low >>> 16;
  buf[pos++] = low >>> 24;
  buf[pos++] = high;
  buf[pos++] = high >>> 8;
  buf[pos++] = high >>> 16;
  buf[pos++] = high >>> 24;
}

/**
 * Milliseconds since the epoch (plus the nanoseconds past them, where the platform has them) as
 * fixed64 nanoseconds, the way the SDK's HrTime [s, ns] is written.
 */
function writeTimeMs(ms: number, nanosInMs = 0): void {
  timeWords(ms, nanosInMs);
  writeFixed64(words.low, words.high);
}

const words = { low: 0, high: 0 };

/** The two 32-bit words of writeTimeMs's fixed64, into `words` (every sum stays below 2^53: exact). */
function timeWords(ms: number, nanosInMs = 0): void {
  const seconds = Math.floor(ms / 1000);
  const nanos = Math.round((ms - seconds * 1000) * 1e6) + nanosInMs;
  const lower16 = (seconds & 0xffff) * 1e9;
  const upper = ((seconds / 65536) >>> 0) * 1e9;
  const low32 = (lower16 >>> 0) + ((((upper & 0xffff) * 65536) >>> 0) + nanos);
  const carry = Math.floor(low32 / 4294967296);
  words.low = low32 >>> 0;
  words.high = (Math.floor(lower16 / 4294967296) + ((upper / 65536) >>> 0) + carry) >>> 0;
}

/** flags (fixed32, only when not 0), trace_id (16 bytes), span_id (8 bytes), as the official writer puts them. */
function writeTraceContext(entry: LogEntry): void {
  ensure(48);
  if (entry.traceFlags) {
    buf[pos++] = 0x45;
    buf.writeUInt32LE(entry.traceFlags >>> 0, pos);
    pos += 4;
  }
  buf[pos++] = 0x4a;
  buf[pos++] = 16;
  pos += buf.write(entry.traceId!, pos, 16, 'hex');
  if (entry.spanId !== undefined) {
    buf[pos++] = 0x52;
    buf[pos++] = 8;
    pos += buf.write(entry.spanId, pos, 8, 'hex');
  }
}

function writeStringField(tag: number, text: string, bytes: number): void {
  buf[pos++] = tag;
  writeUint32(bytes);
  pos += buf.utf8Write !== undefined ? buf.utf8Write(text, pos, bytes) : buf.write(text, pos, bytes, 'utf8');
}

/**
 * A string field encoded once (tag, length, UTF-8) and kept in `cache`, for the few strings every
 * record repeats: KeyValue keys and severity_text. At most `limit` are kept.
 */
function cachedField(cache: Map<string, Buffer>, limit: number, tag: number, text: string): Buffer {
  let field = cache.get(text);
  if (field === undefined) {
    const n = Buffer.byteLength(text);
    field = Buffer.allocUnsafe(1 + varintSize(n) + n);
    field[0] = tag;
    let p = 1;
    let v = n;
    while (v > 127) {
      field[p++] = (v & 127) | 128;
      v >>>= 7;
    }
    field[p++] = v;
    field.write(text, p);
    if (cache.size < limit) cache.set(text, field);
  }
  return field;
}

const keyCache = new Map<string, Buffer>();
const severityCache = new Map<string, Buffer>();
/** KeyValue.key (field 1). */
const keyBytes = (key: string): Buffer => cachedField(keyCache, 1024, 0x0a, key);
/** LogRecord.severity_text (field 3). */
const severityField = (text: string): Buffer => cachedField(severityCache, 64, 0x1a, text);

/**
 * Whole LogRecord.attributes fields (tag 0x32) for short string values, per key: most record
 * attributes repeat a few values (`log.iostream: stdout`), and one copy is cheaper than measuring
 * and writing key and value again. At most VALUES_PER_KEY values per key are kept.
 */
const keyValueCache = new Map<string, Map<string, Buffer>>();
const VALUES_PER_KEY = 16;
const SHORT_VALUE = 48;

/** One KeyValue with its field tag (AnyValue of a string, bool, int64 or double). */
function writeKeyValue(tag: number, key: string, value: AttributeValue): void {
  if (tag === 0x32 && typeof value === 'string' && value.length <= SHORT_VALUE) {
    let values = keyValueCache.get(key);
    const field = values?.get(value);
    if (field !== undefined) {
      ensure(field.length);
      buf.set(field, pos);
      pos += field.length;
      return;
    }
    if (values === undefined && keyValueCache.size < 256) keyValueCache.set(key, (values = new Map<string, Buffer>()));
    if (values !== undefined && values.size < VALUES_PER_KEY) {
      const from = pos;
      writeKeyValueBytes(tag, key, value);
      values.set(value, Buffer.from(buf.subarray(from, pos)));
      return;
    }
  }
  writeKeyValueBytes(tag, key, value);
}

function writeKeyValueBytes(tag: number, key: string, value: AttributeValue): void {
  const k = keyBytes(key);
  let valueBytes: number;
  let any: number;
  if (typeof value === 'string') {
    valueBytes = Buffer.byteLength(value);
    any = 1 + varintSize(valueBytes) + valueBytes;
  } else if (typeof value === 'boolean') {
    valueBytes = 0;
    any = 2;
  } else if (Number.isInteger(value) && value >= MIN_INT64 && value < MAX_INT64) {
    valueBytes = 0;
    any = 1 + int64Size(value);
  } else {
    valueBytes = 0;
    any = 9;
  }
  const kv = k.length + 1 + varintSize(any) + any;
  ensure(16 + kv);
  buf[pos++] = tag;
  writeUint32(kv);
  buf.set(k, pos);
  pos += k.length;
  buf[pos++] = 0x12;
  writeUint32(any);
  if (typeof value === 'string') writeStringField(0x0a, value, valueBytes);
  else if (typeof value === 'boolean') {
    buf[pos++] = 0x10;
    buf[pos++] = value ? 1 : 0;
  } else if (any !== 9) {
    buf[pos++] = 0x18;
    writeInt64(value);
  } else {
    buf[pos++] = 0x21;
    buf.writeDoubleLE(value, pos);
    pos += 8;
  }
}

function encodeAttributes(attributes: Attributes, field: number): void {
  for (const key in attributes) if (Object.hasOwn(attributes, key)) writeKeyValue((field << 3) | 2, key, attributes[key]!);
}

function take(from: number): Uint8Array {
  const out = new Uint8Array(pos - from);
  out.set(buf.subarray(from, pos));
  pos = 0;
  if (buf.length > KEEP_BYTES) buf = Buffer.allocUnsafe(256 * 1024);
  return out;
}

/** Encode a stream's resource and instrumentation scope once. */
export function encodeStreamHeader(resource: Attributes, scope: { name: string; version?: string }): StreamHeader {
  pos = 0;
  encodeAttributes(resource, 1);
  ensure(2);
  buf[pos++] = 0x10; // Resource.dropped_attributes_count = 0, always written
  buf[pos++] = 0;
  const resourceBody = take(0);
  ensure(resourceBody.length + 8);
  buf[pos++] = 0x0a;
  writeUint32(resourceBody.length);
  buf.set(resourceBody, pos);
  pos += resourceBody.length;
  const resourceBytes = take(0);

  const name = Buffer.byteLength(scope.name);
  const version = scope.version ? Buffer.byteLength(scope.version) : 0;
  const body = 1 + varintSize(name) + name + (scope.version ? 1 + varintSize(version) + version : 0);
  ensure(body + 8);
  buf[pos++] = 0x0a;
  writeUint32(body);
  writeStringField(0x0a, scope.name, name);
  if (scope.version) writeStringField(0x12, scope.version, version);
  return { resource: resourceBytes, scope: take(0) };
}

const writeRecordAttribute = (key: string, value: AttributeValue): void => writeKeyValue(0x32, key, value);

/**
 * LogRecord.body as AnyValue{string_value}: the text is written first, behind one-byte lengths (a
 * line under 126 bytes), and moved when its lengths need more bytes. One pass over the text
 * instead of measuring it and then writing it. The caller ensured room for 3 bytes per unit.
 */
function writeBody(body: string): void {
  buf[pos] = 0x2a;
  buf[pos + 2] = 0x0a;
  const at = pos + 4;
  const n = buf.utf8Write !== undefined ? buf.utf8Write(body, at, buf.length - at) : buf.write(body, at, buf.length - at, 'utf8');
  const inner = varintSize(n);
  const any = 1 + inner + n;
  const outer = varintSize(any);
  if (inner + outer !== 2) buf.copyWithin(at + inner + outer - 2, at, at + n);
  pos++;
  writeUint32(any);
  buf[pos++] = 0x0a;
  writeUint32(n);
  pos += n;
}

/** Room kept before the records for the ResourceLogs and ScopeLogs headers. */
function headroom(header: StreamHeader): number {
  return header.resource.length + header.scope.length + 16;
}

/**
 * One ExportLogsServiceRequest with the stream's entries, observed at `observedMs`. Severity and
 * attributes come from `fields`, exactly as the mapper sets them for http/json.
 */
export function encodeEntries(entries: readonly LogEntry[], fields: EntryFields, header: StreamHeader, observedMs: number): Uint8Array {
  const head = headroom(header);
  pos = 0;
  ensure(head);
  pos = head;
  // Every record of the hand-off has the same observed time: its words once, not per record.
  timeWords(observedMs);
  const observedLow = words.low;
  const observedHigh = words.high;
  for (const entry of entries) {
    const body = entry.body;
    // At most 3 bytes per UTF-16 unit: room for the body without measuring it first.
    ensure(64 + body.length * 3);
    buf[pos++] = 0x12; // ScopeLogs.log_records
    // The record's length is known only at its end: keep two bytes (a typical console line) and
    // move the record when its length needs another size.
    const lengthAt = pos;
    pos += 2;
    const start = pos;
    buf[pos++] = 0x09; // time_unix_nano
    if (entry.timeMs === undefined) writeFixed64(0, 0);
    else writeTimeMs(entry.timeMs, entry.timeNanosInMs);
    const severity = fields.severityFor(entry);
    if (severity.number !== 0) {
      buf[pos++] = 0x10;
      writeUint32(severity.number);
    }
    if (severity.text) {
      const field = severityField(severity.text);
      buf.set(field, pos);
      pos += field.length;
    }
    writeBody(body);
    fields.forEachAttribute(entry, writeRecordAttribute);
    ensure(32 + (entry.eventName ? entry.eventName.length * 3 : 0));
    buf[pos++] = 0x38; // dropped_attributes_count = 0, always written
    buf[pos++] = 0;
    if (entry.traceId !== undefined) writeTraceContext(entry);
    buf[pos++] = 0x59; // observed_time_unix_nano
    writeFixed64(observedLow, observedHigh);
    if (entry.eventName) writeStringField(0x62, entry.eventName, Buffer.byteLength(entry.eventName));
    const length = pos - start;
    const size = varintSize(length);
    if (size !== 2) {
      ensure(size);
      buf.copyWithin(lengthAt + size, start, pos);
      pos += size - 2;
    }
    const end = pos;
    pos = lengthAt;
    writeUint32(length);
    pos = end;
  }
  // ResourceLogs{resource, ScopeLogs{scope, records}} written backwards into the headroom.
  const records = pos - head;
  const scopeLogs = header.scope.length + records;
  const resourceLogs = header.resource.length + 1 + varintSize(scopeLogs) + scopeLogs;
  const end = pos;
  let at = head - header.scope.length;
  buf.set(header.scope, at);
  at -= varintSize(scopeLogs) + 1;
  pos = at;
  buf[pos++] = 0x12;
  writeUint32(scopeLogs);
  at -= header.resource.length;
  buf.set(header.resource, at);
  at -= varintSize(resourceLogs) + 1;
  pos = at;
  buf[pos++] = 0x0a;
  writeUint32(resourceLogs);
  pos = end;
  return take(at);
}
