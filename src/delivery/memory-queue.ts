/**
 * The spool-off queue: bounded in memory by bytes like the spool, and checkpoints
 * advance only when the endpoint acknowledged the batch (DESIGN §5). What is in it
 * at a crash is re-read from the platform on restart.
 */
import type { CheckpointStore } from '../checkpoint/checkpoint-store.ts';
import { QueueClosedError, Wakeup, type DeliveryQueue, type EncodedBatch, type QueuedBatch } from './queue.ts';

interface Pending extends QueuedBatch {
  checkpoints: ReadonlyMap<string, string>;
}

export class MemoryQueue implements DeliveryQueue {
  readonly #checkpoints: CheckpointStore;
  readonly #maxBytes: number;
  readonly #items: Pending[] = [];
  readonly #added = new Wakeup();
  readonly #removed = new Wakeup();
  #nextId = 1;
  #bytes = 0;
  #records = 0;
  #closed = false;

  constructor(checkpoints: CheckpointStore, maxBytes: number) {
    this.#checkpoints = checkpoints;
    this.#maxBytes = maxBytes;
  }

  async append(batch: EncodedBatch, checkpoints: ReadonlyMap<string, string>, signal?: AbortSignal): Promise<void> {
    while (!this.#closed && this.#items.length > 0 && this.#bytes + batch.payload.byteLength > this.#maxBytes) {
      if (signal?.aborted) throw new QueueClosedError('delivery queue');
      await this.#removed.wait(signal);
    }
    if (this.#closed) throw new QueueClosedError('delivery queue');
    this.#items.push({ ...batch, id: this.#nextId++, checkpoints: new Map(checkpoints) });
    this.#bytes += batch.payload.byteLength;
    this.#records += batch.records;
    this.#added.wake();
  }

  async next(signal: AbortSignal): Promise<QueuedBatch | undefined> {
    for (;;) {
      if (signal.aborted || this.#closed) return undefined;
      const head = this.#items[0];
      if (head) return head;
      await this.#added.wait(signal);
    }
  }

  ack(batch: QueuedBatch): void {
    const head = this.#items[0];
    if (!head || head.id !== batch.id) throw new Error(`ack out of order: expected batch ${head?.id}, got ${batch.id}`);
    // Save first: if storage fails, the batch stays at the head and the ack can be retried.
    this.#checkpoints.saveMany(head.checkpoints);
    this.#items.shift();
    this.#bytes -= head.payload.byteLength;
    this.#records -= head.records;
    this.#removed.wake();
  }

  size(): { bytes: number; records: number; batches: number } {
    return { bytes: this.#bytes, records: this.#records, batches: this.#items.length };
  }

  close(): void {
    this.#closed = true;
    this.#added.wake();
    this.#removed.wake();
  }
}
