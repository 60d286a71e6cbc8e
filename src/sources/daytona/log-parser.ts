/**
 * One connection's view of a Daytona command log: the bytes replayed from offset 0, skipped up to
 * the cursor's resume point, demuxed and cut into lines; lines already handed off (end ≤ emitted)
 * are counted as repeats, the rest are new. The cursor (DaytonaCursor) reads `earliestPending` to
 * resume before a line that is not complete yet.
 */
import type { DaytonaPosition } from './cursor.ts';
import { createDemuxer, type Channel } from './framing.ts';
import { createLineAssembler, type Line } from './lines.ts';

export interface LogParser {
  /** Bytes of the log this connection has seen, replayed ones included (= the log offset reached). */
  readonly received: number;
  /** Feed the next bytes of the log; returns the complete new lines and how many repeats were skipped. */
  feed(chunk: Uint8Array): { lines: Line[]; repeats: number };
  /** The log is complete (the command ended): pending bytes and lines are flushed as they are. */
  finish(): { lines: Line[]; repeats: number };
  /** Where the earliest line not complete yet starts (a crash must not cut it), if any. */
  earliestPending(): { offset: number; channel: Channel } | undefined;
}

export function createLogParser(from: DaytonaPosition): LogParser {
  const demuxer = createDemuxer(from.resume, from.channel);
  const assembler = createLineAssembler();
  let received = 0;
  const emitted = from.emitted;

  const fresh = (lines: Line[]): { lines: Line[]; repeats: number } => {
    const out = lines.filter((l) => l.end > emitted);
    return { lines: out, repeats: lines.length - out.length };
  };

  return {
    get received() {
      return received;
    },
    feed(chunk) {
      const at = received;
      received += chunk.length;
      if (received <= from.resume) return { lines: [], repeats: 0 };
      const bytes = at >= from.resume ? chunk : chunk.subarray(from.resume - at);
      return fresh(assembler.push(demuxer.feed(bytes)));
    },
    finish() {
      const tail = assembler.push(demuxer.flush());
      return fresh([...tail, ...assembler.flush(Math.max(demuxer.offset, from.resume))]);
    },
    earliestPending: () => assembler.earliestPending(),
  };
}
