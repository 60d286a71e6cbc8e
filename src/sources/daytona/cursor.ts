/**
 * The byte-offset cursor of a Daytona command log (PLATFORMS §3.9). The server keeps no offsets,
 * and every connection replays the log from byte 0, so the client counts bytes.
 *
 * Three numbers make a restart exact:
 * - `emitted` (E): offset just past the last line handed off. Lines are handed off in the order of
 *   their end offsets, so a line was handed off exactly when its end is ≤ E.
 * - `resume` (R ≤ E) and `channel`: where parsing may restart with nothing pending: the first byte
 *   of the earliest line not yet complete (a line split over the checkpoint boundary is read again
 *   from its start), else E. R is never inside a marker or a UTF-8 character: it is the first byte
 *   of a line's payload, or the byte after an LF. Bytes before R are skipped unparsed.
 * - `exit`: the exit record was handed off; the stream is done.
 */
import type { Channel } from './framing.ts';

export interface DaytonaPosition {
  resume: number;
  channel: Channel;
  emitted: number;
  exit?: number;
}

const START: DaytonaPosition = { resume: 0, channel: 'unknown', emitted: 0 };
const CHANNELS = new Set<Channel>(['stdout', 'stderr', 'unknown']);

/** `{"r":R,"c":"stdout","e":E,"x":N}`; anything unreadable starts from the beginning. */
export function parseCursor(text: string | undefined): DaytonaPosition {
  if (!text) return { ...START };
  try {
    const o = JSON.parse(text) as { r?: unknown; c?: unknown; e?: unknown; x?: unknown };
    const resume = o.r;
    const emitted = o.e;
    if (!isOffset(resume) || !isOffset(emitted) || resume > emitted || !CHANNELS.has(o.c as Channel)) return { ...START };
    const position: DaytonaPosition = { resume, channel: o.c as Channel, emitted };
    if (typeof o.x === 'number' && Number.isInteger(o.x)) position.exit = o.x;
    return position;
  } catch {
    return { ...START };
  }
}

export function serializeCursor(p: DaytonaPosition): string {
  return JSON.stringify({ r: p.resume, c: p.channel, e: p.emitted, ...(p.exit !== undefined ? { x: p.exit } : {}) });
}

function isOffset(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}
