/**
 * The LineStage of DESIGN §4.5: lines are grouped into records per log.iostream (step 1), each
 * complete record goes through `steps` (2-5), and records leave in the order of their first line.
 *
 * Held records wait in `#queue`, ordered by first line. A record leaves once it is complete and
 * everything before it has left, and only together with every record up to the next one still
 * held, when none of the lines it returns comes after that one's first line: then the returned
 * lines are exactly those before `heldFrom()`, the promise the follower's checkpoint rests on.
 */
import type { LogEntry } from '../sources/types.ts';
import type { LineStage, StageOutput } from './line-stage.ts';
import type { GroupingRule, OpenGroup } from './multiline-rules.ts';
import type { RecordSteps } from './record-steps.ts';

export interface GroupingLimits {
  maxLines: number;
  maxBytes: number;
  timeoutMs: number;
}

interface Line {
  seq: number;
  entry: LogEntry;
}

/** A record being built (open) or complete but not yet returned. */
interface Held {
  firstSeq: number;
  lastSeq: number;
  first: LogEntry;
  bodies: string[];
  /** UTF-8 bytes of the joined body (counted for groups only: most lines are no group). */
  bytes: number;
  open: OpenGroup | undefined;
  /** Lines that belong to the group only if a later line joins it. */
  maybe: Line[];
  deadline: number;
}

const streamOf = (entry: LogEntry): string => entry.iostream ?? '';

export function createGroupingStage(rule: GroupingRule, limits: GroupingLimits, steps: RecordSteps): LineStage {
  const queue: Held[] = [];
  const openBy = new Map<string, Held>();

  function single(seq: number, entry: LogEntry): Held {
    return { firstSeq: seq, lastSeq: seq, first: entry, bodies: [entry.body], bytes: 0, open: undefined, maybe: [], deadline: Infinity };
  }

  /** Place a record by its first line (lines released from a closed group come after others already queued). */
  function enqueue(held: Held): void {
    let i = queue.length;
    while (i > 0 && queue[i - 1]!.firstSeq > held.firstSeq) i--;
    queue.splice(i, 0, held);
  }

  function close(held: Held): void {
    held.open = undefined;
    held.deadline = Infinity;
    openBy.delete(streamOf(held.first));
    const released = held.maybe;
    held.maybe = [];
    for (const line of released) enqueue(single(line.seq, line.entry));
  }

  /** Would the line (and the tentative lines before it) make the record longer than max_bytes? */
  function tooBig(held: Held, body: string): boolean {
    let bytes = held.bytes + Buffer.byteLength(body) + 1;
    for (const line of held.maybe) bytes += Buffer.byteLength(line.entry.body) + 1;
    return bytes > limits.maxBytes;
  }

  function join(held: Held, seq: number, entry: LogEntry, nowMs: number): void {
    for (const line of held.maybe) {
      held.bodies.push(line.entry.body);
      held.bytes += Buffer.byteLength(line.entry.body) + 1;
    }
    held.maybe = [];
    held.bodies.push(entry.body);
    held.bytes += Buffer.byteLength(entry.body) + 1;
    held.lastSeq = seq;
    held.deadline = nowMs + limits.timeoutMs;
  }

  /** Offer the line to its stream's open group; true when the group took it. */
  function offer(held: Held, seq: number, entry: LogEntry, nowMs: number): boolean {
    const lines = held.bodies.length + held.maybe.length;
    if (lines >= limits.maxLines) {
      close(held);
      return false;
    }
    const verdict = held.open!.next(entry.body);
    if (verdict === 'close' || tooBig(held, entry.body)) {
      close(held);
      return false;
    }
    if (verdict === 'maybe') {
      held.maybe.push({ seq, entry });
      held.deadline = nowMs + limits.timeoutMs;
      return true;
    }
    join(held, seq, entry, nowMs);
    if (verdict === 'end' || held.bodies.length >= limits.maxLines) close(held);
    return true;
  }

  function place(seq: number, entry: LogEntry, nowMs: number): void {
    const key = streamOf(entry);
    const open = openBy.get(key);
    if (open && offer(open, seq, entry, nowMs)) return;
    const held = single(seq, entry);
    if (starts(entry.body)) {
      held.open = rule.open(entry.body);
      held.bytes = Buffer.byteLength(entry.body);
      held.deadline = nowMs + limits.timeoutMs;
      openBy.set(key, held);
    }
    queue.push(held);
  }

  function joinedBody(held: Held): string {
    return held.bodies.length === 1 ? held.bodies[0]! : held.bodies.join('\n');
  }

  function output(held: Held): StageOutput {
    const entry = held.bodies.length === 1 ? held.first : { ...held.first, body: joinedBody(held) };
    return { firstSeq: held.firstSeq, lastSeq: held.lastSeq, entry: steps(entry) };
  }

  /** Return the longest complete prefix of the queue whose lines all come before the next held record. */
  function drain(): StageOutput[] {
    let take = 0;
    let maxLast = -Infinity;
    for (let i = 0; i < queue.length; i++) {
      const held = queue[i]!;
      if (held.open) break;
      maxLast = Math.max(maxLast, held.lastSeq);
      const next = queue[i + 1];
      if (next === undefined || maxLast < next.firstSeq) take = i + 1;
    }
    if (take === 0) return [];
    return queue.splice(0, take).map(output);
  }

  /**
   * `rule.starts` of the line `mayHold` was last asked about: the follower asks mayHold and then
   * pushes the same line, and the auto rule scans the whole line for "Error", "Exception", …
   */
  let askedBody: string | undefined;
  let askedStarts = false;
  const starts = (body: string): boolean => {
    if (body === askedBody) return askedStarts;
    askedBody = body;
    askedStarts = rule.starts(body);
    return askedStarts;
  };

  return {
    mayHold(entry) {
      return queue.length > 0 || starts(entry.body);
    },
    push(seq, entry, nowMs) {
      // The common case: nothing held and the line starts no group. It leaves at once.
      if (queue.length === 0 && !starts(entry.body)) return [{ firstSeq: seq, lastSeq: seq, entry: steps(entry) }];
      place(seq, entry, nowMs);
      return drain();
    },
    expire(nowMs) {
      let closed = false;
      for (const held of [...openBy.values()]) {
        if (held.deadline <= nowMs) {
          close(held);
          closed = true;
        }
      }
      return closed ? drain() : [];
    },
    flush() {
      for (const held of [...openBy.values()]) close(held);
      return drain();
    },
    nextDeadline() {
      let next: number | undefined;
      for (const held of openBy.values()) if (next === undefined || held.deadline < next) next = held.deadline;
      return next;
    },
    heldFrom() {
      return queue[0]?.firstSeq;
    },
  };
}
