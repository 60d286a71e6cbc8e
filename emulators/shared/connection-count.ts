// Counts the connections a platform object (session, agent, command) answered, so a test can
// wait for the n-th one before it appends live data.
export interface ConnectionCount {
  /** Connections opened so far. */
  readonly value: number;
  /** Counts one more connection and wakes the waiters it satisfies; returns its 0-based ordinal. */
  add(): number;
  /** Resolves once `count` connections (total) were opened; rejects after `timeoutMs`. */
  waitFor(count: number, timeoutMs: number): Promise<void>;
}

/** `name` starts the timeout message, e.g. `session s_1`. */
export function createConnectionCount(name: string): ConnectionCount {
  const waiters: { count: number; resolve: () => void }[] = [];
  let value = 0;
  return {
    get value() {
      return value;
    },
    add() {
      value += 1;
      for (const waiter of [...waiters]) {
        if (value >= waiter.count) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve();
        }
      }
      return value - 1;
    },
    waitFor(count, timeoutMs) {
      if (value >= count) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1);
          reject(new Error(`${name}: ${value} connection(s) after ${timeoutMs} ms, wanted ${count}`));
        }, timeoutMs);
        const waiter = {
          count,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        };
        waiters.push(waiter);
      });
    },
  };
}
