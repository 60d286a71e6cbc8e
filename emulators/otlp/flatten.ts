// ExportLogsServiceRequest (plain object) → one flat record per log record,
// with resource and scope copied in, so tests assert on simple values.

export interface ReceivedLogRecord {
  resource: Record<string, unknown>;
  scope: { name: string; version: string };
  timeUnixNano: bigint;
  observedTimeUnixNano: bigint;
  severityNumber: number;
  severityText: string;
  /** AnyValue → JS: string, boolean, number (intValue within ±2^53, else bigint), array, object, Uint8Array. */
  body: unknown;
  attributes: Record<string, unknown>;
  eventName?: string;
  /** Lower-case hex, when set. */
  traceId?: string;
  spanId?: string;
  flags: number;
  droppedAttributesCount: number;
  /** The LogRecord as decoded (int64 as strings), for type-exact checks. */
  raw: Record<string, unknown>;
}

type Obj = Record<string, unknown>;

export function flattenRequest(request: Obj): ReceivedLogRecord[] {
  const out: ReceivedLogRecord[] = [];
  for (const resourceLogs of list(request.resourceLogs)) {
    const resource = attributes((resourceLogs.resource as Obj | null)?.attributes);
    for (const scopeLogs of list(resourceLogs.scopeLogs)) {
      const scope = (scopeLogs.scope as Obj | null) ?? {};
      for (const raw of list(scopeLogs.logRecords)) {
        const record: ReceivedLogRecord = {
          resource,
          scope: { name: text(scope.name, ''), version: text(scope.version, '') },
          timeUnixNano: BigInt(text(raw.timeUnixNano, '0')),
          observedTimeUnixNano: BigInt(text(raw.observedTimeUnixNano, '0')),
          severityNumber: Number(raw.severityNumber ?? 0),
          severityText: text(raw.severityText, ''),
          body: anyValue(raw.body),
          attributes: attributes(raw.attributes),
          flags: Number(raw.flags ?? 0),
          droppedAttributesCount: Number(raw.droppedAttributesCount ?? 0),
          raw,
        };
        if (typeof raw.eventName === 'string' && raw.eventName !== '') record.eventName = raw.eventName;
        const traceId = hex(raw.traceId);
        const spanId = hex(raw.spanId);
        if (traceId !== undefined) record.traceId = traceId;
        if (spanId !== undefined) record.spanId = spanId;
        out.push(record);
      }
    }
  }
  return out;
}

export function attributes(value: unknown): Record<string, unknown> {
  return Object.fromEntries(list(value).map((kv) => [text(kv.key, ''), anyValue(kv.value)]));
}

export function anyValue(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Obj;
  if ('stringValue' in v) return v.stringValue;
  if ('boolValue' in v) return v.boolValue;
  if ('intValue' in v) {
    const big = BigInt(text(v.intValue, '0'));
    return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
  }
  if ('doubleValue' in v) return Number(v.doubleValue);
  if ('arrayValue' in v) return list((v.arrayValue as Obj | null)?.values).map(anyValue);
  if ('kvlistValue' in v) return attributes((v.kvlistValue as Obj | null)?.values);
  if ('bytesValue' in v) return new Uint8Array(v.bytesValue as Uint8Array);
  return undefined;
}

/** int64 arrive as decimal strings (TO_OBJECT uses longs: String). */
function text(value: unknown, fallback: string): string {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : fallback;
}

function hex(value: unknown): string | undefined {
  return value instanceof Uint8Array && value.length > 0 ? Buffer.from(value).toString('hex') : undefined;
}

function list(value: unknown): Obj[] {
  return Array.isArray(value) ? (value as Obj[]) : [];
}
