// failNext(): a FIFO of scripted failures, each good for `count` requests.

/** What every platform's failNext scripts: the status, and maybe Retry-After and a body. */
export interface ScriptedFailure {
  status: number;
  /** Retry-After header value (seconds or an HTTP date). */
  retryAfter?: number | string;
  body?: unknown;
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
