/**
 * The disk buffer between sources and exporter (DESIGN §5): encoded batches in
 * `state.db`, appended in the same transaction as the checkpoints they cover, deleted
 * after the endpoint acknowledged them. A crash at any instant leaves checkpoint and
 * spool consistent: nothing handed off is lost, nothing is re-read.
 */
import type { Database } from '../checkpoint/database.ts';
import { transaction } from '../checkpoint/database.ts';
import type { CheckpointStore } from '../checkpoint/checkpoint-store.ts';
import { QueueClosedError, Wakeup, type DeliveryQueue, type EncodedBatch, type QueuedBatch } from './queue.ts';

interface SpoolRow {
  id: number;
  payload: Uint8Array;
  content_type: string;
  content_encoding: string;
  records: number;
  by_source: string;
}

export class Spool implements DeliveryQueue {
  readonly #db: Database;
  readonly #checkpoints: CheckpointStore;
  readonly #maxBytes: number;
  readonly #insert;
  readonly #delete;
  readonly #head;
  readonly #added = new Wakeup();
  readonly #removed = new Wakeup();
  #bytes: number;
  #records: number;
  #batches: number;
  #closed = false;

  constructor(db: Database, checkpoints: CheckpointStore, maxBytes: number) {
    this.#db = db;
    this.#checkpoints = checkpoints;
    this.#maxBytes = maxBytes;
    this.#insert = db.prepare(
      'INSERT INTO spool (payload, content_type, content_encoding, records, bytes, by_source, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.#delete = db.prepare('DELETE FROM spool WHERE id = ?');
    this.#head = db.prepare('SELECT id, payload, content_type, content_encoding, records, by_source FROM spool ORDER BY id LIMIT 1');
    const totals = db.prepare('SELECT COALESCE(SUM(bytes), 0) AS bytes, COALESCE(SUM(records), 0) AS records, COUNT(*) AS n FROM spool').get() as {
      bytes: number;
      records: number;
      n: number;
    };
    this.#bytes = Number(totals.bytes);
    this.#records = Number(totals.records);
    this.#batches = Number(totals.n);
  }

  async append(batch: EncodedBatch, checkpoints: ReadonlyMap<string, string>, signal?: AbortSignal): Promise<void> {
    if (batch.records === 0) {
      // Cursor movement only (e.g. skipped heartbeats): every earlier batch is durable already.
      this.#checkpoints.saveMany(checkpoints);
      return;
    }
    // Backpressure: wait for room. An empty spool always takes one batch, however large.
    while (!this.#closed && this.#batches > 0 && this.#bytes + batch.payload.byteLength > this.#maxBytes) {
      if (signal?.aborted) throw new QueueClosedError('spool');
      await this.#removed.wait(signal);
    }
    if (this.#closed) throw new QueueClosedError('spool');
    const bytes = batch.payload.byteLength;
    transaction(this.#db, () => {
      this.#insert.run(batch.payload, batch.contentType, batch.contentEncoding, batch.records, bytes, JSON.stringify(batch.bySource), Date.now());
      this.#checkpoints.putMany(checkpoints);
    });
    this.#bytes += bytes;
    this.#records += batch.records;
    this.#batches += 1;
    this.#added.wake();
  }

  async next(signal: AbortSignal): Promise<QueuedBatch | undefined> {
    for (;;) {
      if (signal.aborted || this.#closed) return undefined;
      const row = this.#head.get() as SpoolRow | undefined;
      if (row) {
        return {
          id: Number(row.id),
          payload: row.payload,
          contentType: row.content_type,
          contentEncoding: row.content_encoding === 'gzip' ? 'gzip' : 'identity',
          records: Number(row.records),
          bySource: JSON.parse(row.by_source) as Record<string, number>,
        };
      }
      await this.#added.wait(signal);
    }
  }

  ack(batch: QueuedBatch): void {
    const changes = Number(this.#delete.run(batch.id).changes);
    if (changes > 0) {
      this.#bytes -= batch.payload.byteLength;
      this.#records -= batch.records;
      this.#batches -= 1;
    }
    this.#removed.wake();
  }

  size(): { bytes: number; records: number; batches: number } {
    return { bytes: this.#bytes, records: this.#records, batches: this.#batches };
  }

  close(): void {
    this.#closed = true;
    this.#added.wake();
    this.#removed.wake();
  }
}
