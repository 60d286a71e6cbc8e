// Counts the LogRecords of an OTLP/HTTP body without decoding them, so the
// receiver can tell when a run is complete at almost no CPU cost. The exact
// count (every record decoded with the official schema) is done after the run.

/** ExportLogsServiceRequest.resource_logs(1) → ResourceLogs.scope_logs(2) → ScopeLogs.log_records(2). */
export function countProtobufRecords(buf: Uint8Array): number {
  let count = 0;
  forEachField(buf, 0, buf.length, 1, (start, end) => {
    forEachField(buf, start, end, 2, (scopeStart, scopeEnd) => {
      forEachField(buf, scopeStart, scopeEnd, 2, () => {
        count += 1;
      });
    });
  });
  return count;
}

const JSON_MARK = Buffer.from('"timeUnixNano"');

/** OTLP/JSON: one `"timeUnixNano"` key per LogRecord (observedTimeUnixNano does not match it). */
export function countJsonRecords(buf: Buffer): number {
  let count = 0;
  for (let at = buf.indexOf(JSON_MARK); at >= 0; at = buf.indexOf(JSON_MARK, at + JSON_MARK.length)) count += 1;
  return count;
}

/** Calls `onField` with the bounds of every length-delimited field `wanted` in buf[start, end). */
function forEachField(buf: Uint8Array, start: number, end: number, wanted: number, onField: (start: number, end: number) => void): void {
  let pos = start;
  const varint = (): number => {
    let value = 0;
    let scale = 1;
    for (;;) {
      const byte = buf[pos++] ?? 0;
      value += (byte & 0x7f) * scale;
      if (byte < 0x80 || pos >= end) return value;
      scale *= 128;
    }
  };
  while (pos < end) {
    const key = varint();
    const field = Math.floor(key / 8);
    switch (key & 7) {
      case 0:
        varint();
        break;
      case 1:
        pos += 8;
        break;
      case 5:
        pos += 4;
        break;
      case 2: {
        const length = varint();
        if (field === wanted) onField(pos, pos + length);
        pos += length;
        break;
      }
      default:
        return; // groups are not used by OTLP: a malformed body, counted as what was seen
    }
  }
}
