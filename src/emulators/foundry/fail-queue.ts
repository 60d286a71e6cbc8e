// failNext(): a FIFO of scripted failures, each good for `count` requests.
import type { FailOptions } from './types.ts';

export interface ScriptedFailure extends FailOptions {
  status: number;
}

export interface FailQueue<T extends ScriptedFailure> {
  push(count: number, failure: T): void;
  /** Takes one failure that `accepts` matches, if any. */
  take(accepts?: (failure: T) => boolean): T | undefined;
}

export function createFailQueue<T extends ScriptedFailure>(): FailQueue<T> {
  const entries: { remaining: number; failure: T }[] = [];
  return {
    push(count, failure) {
      if (!Number.isInteger(count) || count < 1) throw new RangeError(`failNext count must be a positive integer, got ${count}`);
      entries.push({ remaining: count, failure });
    },
    take(accepts = () => true) {
      const index = entries.findIndex((entry) => accepts(entry.failure));
      const entry = entries[index];
      if (entry === undefined) return undefined;
      entry.remaining -= 1;
      if (entry.remaining === 0) entries.splice(index, 1);
      return entry.failure;
    },
  };
}
