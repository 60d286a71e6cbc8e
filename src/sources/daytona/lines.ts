/**
 * Per-channel line assembly and UTF-8 decoding of a demuxed Daytona log.
 *
 * Each channel keeps the raw bytes of its pending (unterminated) line, so a line split over frames,
 * over markers of the other channel or over a reconnect is joined before it is decoded. Decoding a
 * whole line at once is a streaming decode per channel: LF (0x0A) never occurs inside a UTF-8
 * sequence, so cutting at LF never splits a character, and a character split over frames is joined
 * with its line. Invalid UTF-8 is decoded with U+FFFD (WHATWG) and the line is flagged, never dropped.
 */
import { isUtf8 } from 'node:buffer';
import type { Channel, Segment } from './framing.ts';

/** One complete line (or the flushed tail of the log). Offsets are log byte offsets. */
export interface Line {
  channel: Channel;
  text: string;
  /** The bytes were not valid UTF-8 (decoded with replacement characters). */
  invalidUtf8: boolean;
  /** Offset of the line's first byte. */
  start: number;
  /** Offset just past the line's terminator (or its last byte, when flushed or cut). */
  end: number;
}

/** Longest line kept in one record; a longer one is cut (at a character boundary) into several. */
export const MAX_LINE_BYTES = 1024 * 1024;

const LF = 0x0a;
const CR = 0x0d;
const decoder = new TextDecoder('utf-8');

interface Pending {
  parts: Uint8Array[];
  /** Log offset of each part's first byte (a line's bytes need not be contiguous in the log). */
  starts: number[];
  bytes: number;
  start: number;
}

export interface LineAssembler {
  /** Lines completed by these segments, in log order of their end. */
  push(segments: Segment[]): Line[];
  /** The log ended: every pending line is complete as it is. */
  flush(end: number): Line[];
  /** Log offset of the earliest pending line's first byte, and its channel; undefined when nothing is pending. */
  earliestPending(): { offset: number; channel: Channel } | undefined;
}

export function createLineAssembler(maxLineBytes = MAX_LINE_BYTES): LineAssembler {
  const pending = new Map<Channel, Pending>();

  const finish = (channel: Channel, p: Pending, end: number, terminated: boolean): Line => {
    const bytes = p.parts.length === 1 ? p.parts[0]! : Buffer.concat(p.parts, p.bytes);
    // The terminator is LF or CRLF; anything else is part of the message.
    let length = bytes.length;
    if (terminated && length > 0 && bytes[length - 1] === CR) length--;
    const body = bytes.subarray(0, length);
    return { channel, text: decoder.decode(body), invalidUtf8: !isUtf8(body), start: p.start, end };
  };

  const append = (channel: Channel, bytes: Uint8Array, start: number, out: Line[]): void => {
    let p = pending.get(channel);
    let from = 0;
    while (from < bytes.length) {
      const lf = bytes.indexOf(LF, from);
      const stop = lf === -1 ? bytes.length : lf;
      if (stop > from) {
        if (!p) {
          p = { parts: [], starts: [], bytes: 0, start: start + from };
          pending.set(channel, p);
        }
        p.parts.push(bytes.subarray(from, stop));
        p.starts.push(start + from);
        p.bytes += stop - from;
      }
      if (lf !== -1) {
        out.push(finish(channel, p ?? { parts: [], starts: [], bytes: 0, start: start + lf }, start + lf + 1, true));
        pending.delete(channel);
        p = undefined;
        from = lf + 1;
      } else {
        from = bytes.length;
        if (p && p.bytes >= maxLineBytes) p = cut(channel, p, start + stop, out);
      }
    }
  };

  /**
   * Cut an endless line at a character boundary. The piece ends where reading stands (so line ends
   * stay in reading order, which the cursor relies on); the few bytes after the boundary start the next line.
   */
  const cut = (channel: Channel, p: Pending, at: number, out: Line[]): Pending | undefined => {
    const joined = Buffer.concat(p.parts, p.bytes);
    const boundary = characterBoundary(joined, maxLineBytes);
    out.push(finish(channel, { parts: [joined.subarray(0, boundary)], starts: [p.start], bytes: boundary, start: p.start }, at, false));
    pending.delete(channel);
    if (boundary === joined.length) return undefined;
    const rest = joined.subarray(boundary);
    const restStart = offsetOf(p, boundary);
    const next: Pending = { parts: [rest], starts: [restStart], bytes: rest.length, start: restStart };
    pending.set(channel, next);
    return next;
  };

  return {
    push(segments) {
      const out: Line[] = [];
      for (const s of segments) append(s.channel, s.bytes, s.start, out);
      return out;
    },
    flush(end) {
      const out: Line[] = [];
      for (const [channel, p] of [...pending].sort(([, a], [, b]) => a.start - b.start)) out.push(finish(channel, p, end, false));
      pending.clear();
      // Ordered by end offset like every other emission; the flushed lines all end at the log's end.
      return out;
    },
    earliestPending() {
      let best: { offset: number; channel: Channel } | undefined;
      for (const [channel, p] of pending) if (!best || p.start < best.offset) best = { offset: p.start, channel };
      return best;
    },
  };
}

/** Log offset of the line's `index`-th byte. */
function offsetOf(p: Pending, index: number): number {
  let seen = 0;
  for (const [i, part] of p.parts.entries()) {
    if (index < seen + part.length) return p.starts[i]! + (index - seen);
    seen += part.length;
  }
  return p.starts[p.starts.length - 1]! + (p.parts[p.parts.length - 1]?.length ?? 0);
}

/** The largest index ≤ limit that does not fall inside a UTF-8 sequence (never 0 for a non-empty buffer). */
function characterBoundary(bytes: Uint8Array, limit: number): number {
  let i = Math.min(limit, bytes.length);
  // Continuation bytes are 10xxxxxx; step back at most 3 to the sequence's lead byte.
  for (let back = 0; back < 3 && i > 1 && i < bytes.length && (bytes[i]! & 0xc0) === 0x80; back++) i--;
  return i;
}
