/**
 * The hand-off between batcher and exporter: encoded batches in order.
 * Two implementations keep one contract: the SQLite spool (default) and a bounded
 * in-memory queue (spool off). Both bound their size by bytes and make `append`
 * wait for room — backpressure, never a drop.
 */

import type { EncodedBatch } from '../mapping/encoded-batch.ts';
import { StateError } from '../errors.ts';

export type { EncodedBatch };

export interface QueuedBatch extends EncodedBatch {
  id: number;
}

export interface DeliveryQueue {
  /**
   * Hand a batch off together with the checkpoints it covers. Resolves when the batch is
   * accepted (spool: committed in the same transaction as the checkpoints).
   */
  append(batch: EncodedBatch, checkpoints: ReadonlyMap<string, string>, signal?: AbortSignal): Promise<void>;
  /** The oldest batch not yet acknowledged; waits until there is one or the signal aborts (then undefined). */
  next(signal: AbortSignal): Promise<QueuedBatch | undefined>;
  /** The batch is done with (delivered, or permanently rejected): remove it, advance what it covers. */
  ack(batch: QueuedBatch): void;
  /** Bytes and records waiting. */
  size(): { bytes: number; records: number; batches: number };
  /** Whether hand-offs wait for room right now, and why (for /readyz). */
  pressure?(): QueuePressure;
  close(): void;
}

/**
 * `spool_full`: `spool.max_bytes` reached; `disk_full`: the volume under `storage.dir` has no room
 * for the next batch. Either way the sources are paused (backpressure) and nothing is dropped.
 */
export interface QueuePressure {
  state: 'ok' | 'spool_full' | 'disk_full';
  since?: string;
  detail?: string;
}

/** The queue was closed (shutdown): a hand-off that did not happen stays un-checkpointed. */
export class QueueClosedError extends StateError {
  constructor(what: string) {
    super(`${what} is closed`, 'QUEUE_CLOSED');
    this.name = 'QueueClosedError';
  }
}

/** A one-shot signal that wakes every waiter; re-armed after each wake. */
export class Wakeup {
  #resolve: (() => void) | undefined;
  #promise: Promise<void> | undefined;

  wait(signal?: AbortSignal): Promise<void> {
    this.#promise ??= new Promise<void>((resolve) => {
      this.#resolve = resolve;
    });
    if (!signal) return this.#promise;
    if (signal.aborted) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const onAbort = (): void => resolve();
      signal.addEventListener('abort', onAbort, { once: true });
      void this.#promise!.then(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      });
    });
  }

  wake(): void {
    const resolve = this.#resolve;
    this.#resolve = undefined;
    this.#promise = undefined;
    resolve?.();
  }
}
