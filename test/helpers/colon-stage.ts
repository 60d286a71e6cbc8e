/**
 * A small LineStage for tests of the follower side, built on the contract alone (the real one is
 * src/processing's): a line ending with ':' starts a group, indented lines continue it, any other
 * line closes it; a group also closes after `timeoutMs` without a line. Records leave in the order
 * of their first line. Lines whose body starts with "DROP" are filtered out (entry undefined).
 */
import type { LineStage, StageOutput } from '../../src/processing/line-stage.ts';
import type { LogEntry } from '../../src/sources/types.ts';

export function createColonStage(timeoutMs = 60_000): LineStage {
  let open: { first: number; last: number; entry: LogEntry; lines: string[]; lastAt: number } | undefined;
  const starts = (e: LogEntry): boolean => e.body.endsWith(':');
  const continues = (e: LogEntry): boolean => /^\s/.test(e.body);
  const single = (seq: number, entry: LogEntry): StageOutput => ({ firstSeq: seq, lastSeq: seq, entry: entry.body.startsWith('DROP') ? undefined : entry });
  const close = (): StageOutput[] => {
    if (!open) return [];
    const out: StageOutput = { firstSeq: open.first, lastSeq: open.last, entry: { ...open.entry, body: open.lines.join('\n') } };
    open = undefined;
    return [out];
  };
  return {
    mayHold: (entry) => starts(entry),
    push(seq, entry, nowMs) {
      if (open && continues(entry)) {
        open.lines.push(entry.body);
        open.last = seq;
        open.lastAt = nowMs;
        return [];
      }
      const out = close();
      if (starts(entry)) open = { first: seq, last: seq, entry, lines: [entry.body], lastAt: nowMs };
      else out.push(single(seq, entry));
      return out;
    },
    expire: (nowMs) => (open && nowMs >= open.lastAt + timeoutMs ? close() : []),
    flush: close,
    nextDeadline: () => (open ? open.lastAt + timeoutMs : undefined),
    heldFrom: () => open?.first,
  };
}
