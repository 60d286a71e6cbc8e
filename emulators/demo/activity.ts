/**
 * The shape every scripted platform activity of the demo shares: an async script that waits
 * between steps (every wait ends at once when the demo stops) and counts the lines it wrote.
 */
import { sleep } from '../../src/util/backoff.ts';

export interface Activity {
  /** Lines (or events) written to the emulator so far. */
  readonly appended: number;
  /** Stops the script; resolves once nothing more will be written. */
  stop(): Promise<void>;
}

export interface Script {
  /** Waits `ms`; false once the demo is stopping (the script then returns). */
  wait(ms: number): Promise<boolean>;
  /** Notes `n` lines written. */
  wrote(n: number): void;
  /** A deterministic random number in [0, 1), so every run tells the same story. */
  random(): number;
}

/** xorshift32: small, seeded, the same story on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
}

export function runScript(seed: number, script: (s: Script) => Promise<void>): Activity {
  const abort = new AbortController();
  let appended = 0;
  const random = seededRandom(seed);
  const done = script({
    wait: (ms) => sleep(ms, abort.signal),
    wrote: (n) => void (appended += n),
    random,
  }).catch(() => undefined); // an emulator closed under a late step: nothing left to show
  return {
    get appended() {
      return appended;
    },
    async stop() {
      abort.abort();
      await done;
    },
  };
}
