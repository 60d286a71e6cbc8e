/**
 * One connection's view of a Daytona command log: the bytes replayed from offset 0, skipped up to
 * the cursor's resume point, demuxed and cut into lines; lines already handed off (end ≤ emitted)
 * are counted as repeats, the rest are new. `positionAfter` gives the cursor that covers a prefix
 * of the new lines.
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
  /**
   * The cursor once `handed` lines are handed off while `later` (complete, not yet handed) wait:
   * resume at the earliest line not handed off yet, so a crash never cuts one.
   */
  positionAfter(handed: readonly Line[], later: readonly Line[]): DaytonaPosition;
}

export function createLogParser(from: DaytonaPosition): LogParser {
  const demuxer = createDemuxer(from.resume, from.channel);
  const assembler = createLineAssembler();
  let received = 0;
  let emitted = from.emitted;
  let resume = { offset: from.resume, channel: from.channel };

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
    positionAfter(handed, later) {
      const last = handed[handed.length - 1];
      if (last !== undefined) {
        emitted = last.end;
        resume = { offset: last.end, channel: last.channel };
      }
      let earliest: { offset: number; channel: Channel } = resume;
      for (const l of later) if (l.start < earliest.offset) earliest = { offset: l.start, channel: l.channel };
      const pending = assembler.earliestPending();
      if (pending && pending.offset < earliest.offset) earliest = pending;
      // Unknown-channel lines resume as unknown; a line's channel is the channel at its start.
      return { resume: earliest.offset, channel: earliest.channel, emitted };
    },
  };
}
