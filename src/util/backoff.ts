/** Exponential backoff with full jitter (AWS architecture blog): spreads reconnect storms. */
import { setTimeout as delay } from 'node:timers/promises';

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  /** Random source in [0,1); injectable for tests. */
  random?: () => number;
}

/** The least base delay a server may set. */
const MIN_BASE_MS = 250;

export class Backoff {
  readonly #options: { initialMs: number; maxMs: number; random?: () => number };
  #attempt = 0;

  constructor(options: BackoffOptions) {
    this.#options = { ...options };
  }

  /** The next delay: uniform in [0, min(max, initial·2^attempt)], never below `minimumMs`. */
  next(minimumMs = 0): number {
    const { initialMs, maxMs, random = Math.random } = this.#options;
    const ceiling = Math.min(maxMs, initialMs * 2 ** Math.min(this.#attempt, 30));
    this.#attempt += 1;
    return Math.max(minimumMs, random() * ceiling);
  }

  reset(): void {
    this.#attempt = 0;
  }

  /**
   * A new base delay (an SSE `retry:` field), between a floor and the maximum: `retry: 0` must
   * not turn every later reconnect (after 5xx, network errors) into a hot loop.
   */
  setInitial(ms: number): void {
    this.#options.initialMs = Math.min(Math.max(MIN_BASE_MS, ms), this.#options.maxMs);
  }

  get attempt(): number {
    return this.#attempt;
  }
}

/** Node turns a timer above 2^31-1 ms into 1 ms: a huge Retry-After would become a busy loop. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Sleep that ends early (without throwing) when the signal aborts; returns false if aborted. */
export async function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return false;
  try {
    await delay(Math.min(Math.max(0, ms), MAX_TIMER_MS), undefined, { signal, ref: false });
    return true;
  } catch {
    return false;
  }
}
