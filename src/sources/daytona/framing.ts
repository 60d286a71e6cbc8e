/**
 * The 3-byte stdout/stderr marker demux of a Daytona command log (PLATFORMS §3.5).
 *
 * The log is a byte stream `marker + payload…`; `01 01 01` starts stdout, `02 02 02` stderr, and
 * every byte after a marker belongs to that channel until the next marker. The WebSocket sends the
 * file in 1024-byte reads, so a marker can straddle two frames: up to two trailing bytes that could
 * start one (`01`, `01 01`, `02`, `02 02`) are held until the next frame decides. Bytes before the
 * first marker belong to no channel (`unknown`): they are kept, not dropped.
 */

export type Channel = 'stdout' | 'stderr' | 'unknown';

/** Payload bytes of one channel; `start` is the log offset of `bytes[0]`. */
export interface Segment {
  channel: Channel;
  bytes: Uint8Array;
  start: number;
}

const STDOUT = 0x01;
const STDERR = 0x02;

const channelOf = (byte: number): Channel => (byte === STDOUT ? 'stdout' : 'stderr');

export interface Demuxer {
  /** The channel the next payload byte belongs to. */
  readonly channel: Channel;
  /** Log offset of the next byte `feed` expects (held bytes are before it). */
  readonly offset: number;
  /** Splits `chunk` (the log bytes at `offset`) into channel segments, in log order. */
  feed(chunk: Uint8Array): Segment[];
  /** The log ended: held bytes were payload after all. */
  flush(): Segment[];
}

/** A demuxer starting at log offset `offset` with `channel` current (a resume point is never inside a marker). */
export function createDemuxer(offset = 0, channel: Channel = 'unknown'): Demuxer {
  let current = channel;
  let next = offset;
  let held: Uint8Array = new Uint8Array(0);

  return {
    get channel() {
      return current;
    },
    get offset() {
      return next;
    },
    feed(chunk) {
      if (chunk.length === 0) return [];
      const buf = held.length === 0 ? chunk : concat(held, chunk);
      const base = next - held.length;
      next += chunk.length;
      const segments: Segment[] = [];
      let payloadStart = 0;
      let i = 0;
      const end = buf.length;
      while (i < end) {
        const b = buf[i]!;
        if ((b === STDOUT || b === STDERR) && i + 2 < end && buf[i + 1] === b && buf[i + 2] === b) {
          if (i > payloadStart) segments.push({ channel: current, bytes: buf.subarray(payloadStart, i), start: base + payloadStart });
          current = channelOf(b);
          i += 3;
          payloadStart = i;
          continue;
        }
        i++;
      }
      // Hold a tail that could still become a marker with the next frame's bytes.
      let keep = 0;
      const last = buf[end - 1];
      if (end - payloadStart >= 1 && (last === STDOUT || last === STDERR)) {
        keep = end - payloadStart >= 2 && buf[end - 2] === last ? 2 : 1;
      }
      const payloadEnd = end - keep;
      if (payloadEnd > payloadStart) segments.push({ channel: current, bytes: buf.subarray(payloadStart, payloadEnd), start: base + payloadStart });
      held = keep === 0 ? new Uint8Array(0) : buf.slice(payloadEnd);
      return segments;
    },
    flush() {
      if (held.length === 0) return [];
      const segment: Segment = { channel: current, bytes: held, start: next - held.length };
      held = new Uint8Array(0);
      return [segment];
    },
  };
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
