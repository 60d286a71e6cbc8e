/**
 * The follower kit's hand-off: the one way every follower gets lines from its cursor, through the
 * stream's processing stage, to the sink — in bounded slices, each with the checkpoint that covers
 * exactly what was handed (DESIGN §4.5 checkpoint invariant, §5).
 *
 * Per line: if the stage may hold it, the cursor's checkpoint is noted first (a snapshot of the
 * position just before the line); then the cursor admits it (or calls it a repeat) and the stage
 * takes it. What the stage returns waits here until the follower hands it on; the checkpoint of a
 * hand-off is the snapshot taken before the stage's oldest held line (`heldFrom`), or the cursor's
 * own position when nothing is held. So a crash while a multiline group is open re-reads the group.
 * Groups that time out are closed by a timer at the stage's deadline; `close` flushes the stage
 * (stream end, shutdown).
 */
import type { LineStage, StageOutput } from '../../processing/line-stage.ts';
import type { Events } from '../../telemetry/events.ts';
import type { LogEntry, StreamSink } from '../types.ts';
import type { Cursor } from './cursor.ts';

/** Records and body characters per hand-off: small enough that one hand-off never dominates a batch. */
export const MAX_EMIT = 512;
export const MAX_EMIT_BYTES = 512 * 1024;

export interface HandOffOptions {
  source: string;
  /** The stream key, for the events. */
  stream: string;
  sink: StreamSink;
  events: Events;
  stage: LineStage;
  /** The stream's cursor; `serialize` at any instant covers exactly what it admitted so far. */
  cursor: Cursor;
  /** Clock of the stage's timeouts (tests may pass their own). */
  now?: () => number;
}

export interface HandOff {
  /**
   * Offer one line: `admit` asks the cursor (true: new). Returns true once a full slice waits:
   * the follower should then `await handOn()` before offering more.
   */
  take(entry: LogEntry, admit: () => boolean): boolean;
  /** The cursor moved without a line for the stage (a dropped heartbeat): worth a checkpoint. */
  moved(): void;
  /** Lines the follower skipped on its own (replayed history it recognised without the cursor). */
  skipped(reason: 'dedupe' | 'heartbeat', n: number): void;
  /** Hand on what is ready, with its checkpoint. Resolves true when records were among it. */
  handOn(): Promise<boolean>;
  /**
   * The stream ends or stops: close every held group and hand everything on; `last` (e.g. Daytona's
   * exit record) follows the flushed records in the same hand-off, past the stage.
   */
  close(last?: LogEntry[]): Promise<boolean>;
}

export function createHandOff(o: HandOffOptions): HandOff {
  const { stage, cursor, events, source, sink } = o;
  const now = o.now ?? Date.now;
  let seq = 0;
  /** Checkpoints taken just before lines the stage may hold, oldest first: [seq, checkpoint]. */
  const snapshots: [number, string][] = [];
  let ready: LogEntry[] = [];
  let readyBytes = 0;
  let duplicates = 0;
  let heartbeats = 0;
  let moved = false;
  /** The checkpoint last handed on (the stored one at first): never more than what was handed. */
  let handed = cursor.serialize();
  /** Hand-offs run one after another, in the order they were cut. */
  let chain: Promise<unknown> = Promise.resolve();
  let inFlight = 0;
  let timer: NodeJS.Timeout | undefined;
  let timerAt: number | undefined;

  const accept = (outputs: StageOutput[]): void => {
    for (const out of outputs) {
      // A dropped record (entry undefined; the stage counts it as `filtered`) still moves the checkpoint.
      if (out.entry === undefined) continue;
      ready.push(out.entry);
      readyBytes += out.entry.body.length;
    }
    if (outputs.length > 0) moved = true;
  };

  /** The checkpoint that covers exactly what the stage has returned. */
  const checkpointNow = (): string => {
    const held = stage.heldFrom();
    while (snapshots.length > 0 && snapshots[0]![0] < (held ?? seq)) snapshots.shift();
    if (held === undefined) return cursor.serialize();
    const snapshot = snapshots[0];
    // A stage that holds a line it did not announce: hand on under the last checkpoint, which covers less.
    return snapshot !== undefined && snapshot[0] === held ? snapshot[1] : handed;
  };

  /** Take what is ready with its checkpoint, at this instant, and queue its hand-off. */
  const cut = (): Promise<boolean> => {
    events.recordsSkipped(source, 'dedupe', duplicates);
    events.recordsSkipped(source, 'heartbeat', heartbeats);
    duplicates = heartbeats = 0;
    if (!moved) return chain.then(() => false);
    moved = false;
    const entries = ready;
    ready = [];
    readyBytes = 0;
    const checkpoint = checkpointNow();
    if (entries.length === 0 && checkpoint === handed) return chain.then(() => false);
    handed = checkpoint;
    const any = entries.length > 0;
    // Called at once when nothing is in flight: the sink takes the entries now, and they are not
    // kept alive here while the hand-off waits for room.
    const emitting = inFlight === 0 ? sink.emit(entries, checkpoint) : chain.then(() => sink.emit(entries, checkpoint));
    inFlight++;
    chain = emitting.catch(() => undefined).finally(() => inFlight--);
    return emitting.then(() => any);
  };

  const schedule = (): void => {
    const deadline = stage.nextDeadline();
    if (deadline === timerAt) return;
    clearTimeout(timer);
    timerAt = deadline;
    if (deadline === undefined) return;
    timer = setTimeout(expire, Math.max(0, deadline - now()));
    timer.unref();
  };

  function expire(): void {
    timerAt = undefined;
    accept(stage.expire(now()));
    schedule();
    // A failed hand-off here has no caller to tell; the stream's next hand-off meets the same sink.
    cut().catch(() => undefined);
  }

  return {
    take(entry, admit) {
      const mayHold = stage.mayHold(entry);
      const before = mayHold ? cursor.serialize() : undefined;
      if (!admit()) {
        duplicates++;
        return false;
      }
      moved = true;
      if (before !== undefined) snapshots.push([seq, before]);
      if (entry.parseError) events.parseError(source, o.stream, entry.body);
      accept(stage.push(seq++, entry, now()));
      schedule();
      return ready.length >= MAX_EMIT || readyBytes >= MAX_EMIT_BYTES;
    },
    moved() {
      moved = true;
    },
    skipped(reason, n) {
      if (reason === 'dedupe') duplicates += n;
      else heartbeats += n;
    },
    handOn: cut,
    close(last = []) {
      clearTimeout(timer);
      timerAt = undefined;
      accept(stage.flush());
      for (const entry of last) {
        ready.push(entry);
        moved = true;
      }
      return cut();
    },
  };
}
