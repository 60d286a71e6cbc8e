/**
 * The contract between a stream follower and the processing stage (DESIGN §4.5): lines go in one
 * at a time, in the platform's order; records come out in the order of their first line.
 *
 * The checkpoint invariant rests on one promise of every stage: after any call, the lines it has
 * returned are exactly the lines with `seq < heldFrom` (every line before the first line of the
 * oldest record still being built). A follower may therefore checkpoint the position just before
 * `heldFrom` — and only that — together with what the call returned. A line the stage may hold
 * open is announced by `mayHold` before the follower's cursor admits it, so the follower can take
 * its checkpoint there first.
 */
import type { LogEntry } from '../sources/log-entry.ts';

export interface StageOutput {
  /** Sequence numbers (as given to `push`) of the first and last line this output covers. */
  firstSeq: number;
  lastSeq: number;
  /**
   * The record, or undefined when the stage filtered it out (its lines still move the checkpoint).
   * The stage counts what it filters (`agentlog_records_skipped_total{reason="filtered"}`) and
   * what it redacts itself: a follower does not count these outputs again.
   */
  entry: LogEntry | undefined;
}

export interface LineStage {
  /**
   * Whether `entry`, pushed now, could stay held after `push` returns (it may start a multiline
   * group). Pure: called before the follower's cursor admits the line; `push` must never hold a
   * line that starts a record unless `mayHold` said true for it.
   */
  mayHold(entry: LogEntry): boolean;
  /** Feed the next line of the stream; `seq` increases by one per call. Returns what is complete. */
  push(seq: number, entry: LogEntry, nowMs: number): StageOutput[];
  /** Close groups whose timeout passed by `nowMs`. */
  expire(nowMs: number): StageOutput[];
  /** Close everything held (stream end, shutdown). */
  flush(): StageOutput[];
  /** When `expire` has work next, if anything is held. */
  nextDeadline(): number | undefined;
  /** The seq of the first line not yet returned, or undefined when nothing is held. */
  heldFrom(): number | undefined;
}

/**
 * No processing: every line is its own record at once (Hill90 events). The processing stage of a
 * source is `lineStagesFor(source, events)()` in create-line-stage.ts.
 */
export function createPassThroughStage(): LineStage {
  return {
    mayHold: () => false,
    push: (seq, entry) => [{ firstSeq: seq, lastSeq: seq, entry }],
    expire: () => [],
    flush: () => [],
    nextDeadline: () => undefined,
    heldFrom: () => undefined,
  };
}
