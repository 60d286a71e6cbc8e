/**
 * Gap detection on one connection (DESIGN §3, last paragraph). A reconnect replays the last
 * `tail` events of each family; if that replay is full and none of it had been handed off
 * before, more than `tail` events happened while disconnected and the difference is lost.
 */
import type { Family } from './seen-ids.ts';

export class ReplayWatch {
  readonly #tail: number;
  readonly #fresh: Record<Family, number> = { container: 0, inference: 0 };
  readonly #settled: Record<Family, boolean>;

  /** `hadHistory`: was anything of the family handed off before this connection (so a replay can be recognised)? */
  constructor(tail: number, hadHistory: (family: Family) => boolean) {
    this.#tail = tail;
    // tail 0 replays nothing: a gap cannot be seen.
    this.#settled = { container: tail === 0 || !hadHistory('container'), inference: tail === 0 || !hadHistory('inference') };
  }

  /** A replayed event was already handed off: the replay reached back far enough. */
  known(family: Family): void {
    this.#settled[family] = true;
  }

  /** A new event; true exactly once, when the `tail`-th new event arrives before any known one. */
  fresh(family: Family): boolean {
    if (this.#settled[family]) return false;
    this.#fresh[family] += 1;
    if (this.#fresh[family] < this.#tail) return false;
    this.#settled[family] = true;
    return true;
  }
}
