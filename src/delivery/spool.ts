/**
 * The disk buffer between sources and exporter (DESIGN §5): encoded batches in
 * `state.db`, appended in the same transaction as the checkpoints they cover, deleted
 * after the endpoint acknowledged them. A crash at any instant leaves checkpoint and
 * spool consistent: nothing handed off is lost, nothing is re-read.
 *
 * Room is bounded twice: by `spool.max_bytes`, and by what the volume under `storage.dir` still
 * holds (statfs, keeping a reserve so acknowledged batches can always be deleted). Either bound
 * makes `append` wait — the sources pause — until the exporter frees space; a write SQLite
 * refuses for space (another writer filled the volume) is waited out the same way.
 */
import { statSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import type { Database } from '../checkpoint/database.ts';
import { isDiskFull, setWalBounds, StorageError, statePath, transaction } from '../checkpoint/database.ts';
import type { CheckpointStore } from '../checkpoint/checkpoint-store.ts';
import { bytesNeededFor, ROOMY_ENTER_BYTES, ROOMY_EXIT_BYTES, volumeFreeBytes } from '../checkpoint/volume-room.ts';
import { QueueClosedError, Wakeup, type DeliveryQueue, type EncodedBatch, type QueuedBatch, type QueuePressure } from './queue.ts';
import type { Events } from '../telemetry/events.ts';

interface SpoolRow {
  id: number;
  payload: Uint8Array;
  content_type: string;
  content_encoding: string;
  records: number;
  by_source: string;
}

export interface SpoolOptions {
  /** `storage.dir`: its volume's free space bounds the spool too. Without it only max_bytes does. */
  dir?: string;
  /** Where pausing for room on the volume, and draining after it, is told. */
  events?: Events;
}

/** While paused for room on the volume, look again this often (space may be freed by others). */
const VOLUME_POLL_MS = 1000;

export class Spool implements DeliveryQueue {
  readonly #db: Database;
  readonly #checkpoints: CheckpointStore;
  readonly #maxBytes: number;
  readonly #options: SpoolOptions;
  readonly #freePages;
  readonly #pageSize: number;
  #pressure: QueuePressure = { state: 'ok' };
  /** A full volume was logged (and when): one line per outage, at most one a minute. */
  #fullLogged = false;
  #fullLoggedAt = 0;
  readonly #insert;
  readonly #delete;
  readonly #head;
  readonly #added = new Wakeup();
  readonly #removed = new Wakeup();
  #bytes: number;
  #records: number;
  #batches: number;
  #closed = false;
  /** The WAL may grow to 4 MiB between checkpoints: the volume has plenty of room (setWalBounds). */
  #walRoomy = false;

  constructor(db: Database, checkpoints: CheckpointStore, maxBytes: number, options: SpoolOptions = {}) {
    this.#db = db;
    this.#checkpoints = checkpoints;
    this.#maxBytes = maxBytes;
    this.#options = options;
    this.#freePages = db.prepare('PRAGMA freelist_count');
    this.#pageSize = Number((db.prepare('PRAGMA page_size').get() as { page_size: number }).page_size);
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
    const bytes = batch.payload.byteLength;
    for (;;) {
      if (signal?.aborted || this.#closed) throw new QueueClosedError('spool');
      // Backpressure: wait for room. An empty spool always takes one batch, however large…
      if (this.#batches > 0 && this.#bytes + bytes > this.#maxBytes) {
        this.#setPressure({ state: 'spool_full', since: this.#since('spool_full'), detail: `spool.max_bytes (${this.#maxBytes} bytes) reached` });
        await this.#removed.wait(signal);
        continue;
      }
      // …if the volume has room for it.
      const room = this.#volumeRoom(bytes);
      if (room) {
        this.#diskFull(`${room.free} bytes free on the volume, ${room.needed} needed to store a batch of ${bytes} bytes and still delete`, room.free);
        await this.#waitForRoom(signal);
        continue;
      }
      try {
        transaction(this.#db, () => {
          this.#insert.run(batch.payload, batch.contentType, batch.contentEncoding, batch.records, bytes, JSON.stringify(batch.bySource), Date.now());
          this.#checkpoints.putMany(checkpoints);
        });
      } catch (error) {
        if (!isDiskFull(error)) throw new StorageError(this.#path(), error);
        this.#diskFull((error as Error).message, this.#options.dir === undefined ? undefined : volumeFreeBytes(this.#options.dir)?.free);
        await this.#waitForRoom(signal);
        continue;
      }
      break;
    }
    this.#bytes += bytes;
    this.#records += batch.records;
    this.#batches += 1;
    this.#setPressure({ state: 'ok' });
    this.#added.wake();
  }

  /** Where each kind of pressure began; kept while it lasts. */
  #since(state: QueuePressure['state']): string {
    return this.#pressure.state === state && this.#pressure.since ? this.#pressure.since : new Date().toISOString();
  }

  #setPressure(next: QueuePressure): void {
    this.#pressure = next;
  }

  #diskFull(reason: string, free: number | undefined): void {
    if (!this.#fullLogged && Date.now() - this.#fullLoggedAt >= 60_000) {
      this.#fullLogged = true;
      this.#fullLoggedAt = Date.now();
      this.#options.events?.storageFull({ dir: this.#options.dir, file: this.#path(), reason, free_bytes: free, spooled_batches: this.#batches });
    }
    this.#pressure = { state: 'disk_full', since: this.#since('disk_full'), detail: reason };
  }

  /** What the volume lacks for a batch of `bytes`, or undefined when it has room (or cannot be asked). */
  #volumeRoom(bytes: number): { free: number; needed: number } | undefined {
    if (this.#options.dir === undefined) return undefined;
    const volume = volumeFreeBytes(this.#options.dir);
    if (!volume) return undefined;
    this.#boundWal(volume.free);
    let needed = this.#needed(bytes, false);
    if (volume.free >= needed) return undefined;
    // Short: checkpoint the WAL whole, so the batch rewrites its file from the start, and look again.
    if (!this.#checkpointWal('RESTART')) return { free: volume.free, needed };
    needed = this.#needed(bytes, true);
    const again = volumeFreeBytes(this.#options.dir)?.free ?? volume.free;
    return again >= needed ? undefined : { free: again, needed };
  }

  /**
   * Checkpoints sync the WAL and the main file: few of them while the volume has plenty of room,
   * every 128 KiB when it has not (issue 11), with the larger WAL given back at once on the way down.
   */
  #boundWal(free: number): void {
    const roomy = this.#walRoomy ? free >= ROOMY_EXIT_BYTES : free >= ROOMY_ENTER_BYTES;
    if (roomy === this.#walRoomy) return;
    try {
      setWalBounds(this.#db, roomy);
      this.#walRoomy = roomy;
      if (!roomy) this.#checkpointWal('TRUNCATE');
    } catch {
      // the bounds stay as they were; the next append tries again
    }
  }

  #needed(bytes: number, walJustCheckpointed: boolean): number {
    const reusable = Number((this.#freePages.get() as { freelist_count: number }).freelist_count) * this.#pageSize;
    let walBytes = 0;
    try {
      walBytes = statSync(`${this.#path()}-wal`).size;
    } catch {
      // no WAL file yet
    }
    return bytesNeededFor(bytes, { walBytes, reusable, spoolEmpty: this.#batches === 0, walJustCheckpointed, walRoomy: this.#walRoomy });
  }

  /** Copy the WAL into the main file (TRUNCATE also cuts its file to zero); true when it completed. */
  #checkpointWal(mode: 'RESTART' | 'TRUNCATE'): boolean {
    try {
      const row = this.#db.prepare(`PRAGMA wal_checkpoint(${mode})`).get() as { busy: number } | undefined;
      return Number(row?.busy ?? 1) === 0;
    } catch {
      return false;
    }
  }

  /** An ack frees room; so may anything else on the volume: look again at least every second. */
  async #waitForRoom(signal?: AbortSignal): Promise<void> {
    const poll = new AbortController();
    const both = signal ? AbortSignal.any([signal, poll.signal]) : poll.signal;
    await Promise.race([this.#removed.wait(both), delay(VOLUME_POLL_MS, undefined, { ref: false, signal: both }).catch(() => undefined)]);
    poll.abort();
  }

  #path(): string {
    return this.#options.dir === undefined ? 'state.db' : statePath(this.#options.dir);
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
    let changes: number;
    try {
      changes = Number(this.#delete.run(batch.id).changes);
    } catch (error) {
      // The reserve should make this impossible; if the volume filled anyway, give the WAL back.
      if (isDiskFull(error)) this.#checkpointWal('TRUNCATE');
      throw new StorageError(this.#path(), error);
    }
    if (changes > 0) {
      this.#bytes -= batch.payload.byteLength;
      this.#records -= batch.records;
      this.#batches -= 1;
    }
    if (this.#batches === 0 && this.#fullLogged) {
      this.#fullLogged = false;
      this.#options.events?.storageDrained(this.#options.dir);
    }
    this.#removed.wake();
  }

  size(): { bytes: number; records: number; batches: number } {
    return { bytes: this.#bytes, records: this.#records, batches: this.#batches };
  }

  /** Set by a waiting append, cleared when it got in: while not ok, a hand-off is waiting for room. */
  pressure(): QueuePressure {
    return { ...this.#pressure };
  }

  close(): void {
    this.#closed = true;
    this.#added.wake();
    this.#removed.wake();
  }
}
