/**
 * Collects mapped records of all streams into batches and hands each encoded batch to
 * the delivery queue together with the newest checkpoint of every stream it contains.
 *
 * One `add` is atomic: its records never straddle two batches, because its checkpoint
 * covers all of them (splitting would commit records whose checkpoint is not committed,
 * and a crash would then re-read them: duplicates). Sources keep their emits small.
 * Flushes run one at a time, so batches reach the queue in the order records arrived.
 */
import type { LogRecord } from '../mapping/mapper.ts';
import type { BatchCodec, EncodedBatch } from '../mapping/encoded-batch.ts';
import { QueueClosedError, type DeliveryQueue } from './queue.ts';
import { setTimeout as delay } from 'node:timers/promises';
import { Backoff } from '../util/backoff.ts';

interface Taken<P> {
  parts: P[];
  records: number;
  bySource: Record<string, number>;
  checkpoints: Map<string, string>;
}

/** Batches being encoded or handed off while the next one fills. */
const MAX_IN_FLIGHT = 2;

/**
 * A burst has ended once no record came for GAP_FACTOR times the mean gap between the records of
 * the batch, and at least BURST_QUIET_MS: a traceback written at once leaves within milliseconds,
 * a stream writing a line every 50 ms is not taken for a series of one-line bursts.
 */
const GAP_FACTOR = 4;
const BURST_QUIET_MS = 5;

export interface BatcherOptions<P, R = LogRecord, C = unknown> {
  maxRecords: number;
  maxBytes: number;
  timeoutMs: number;
  /**
   * Nagle's rule for batches: once no record was added for `lingerMs` and nothing is waiting
   * for or being sent to the endpoint, a partial batch goes at once instead of after `timeoutMs`.
   * Under load the exporter is busy and batches fill up; when a burst ends (the last lines of a
   * traceback) they do not wait a whole `timeoutMs`. Off when undefined.
   *
   * Two refinements keep requests few at low rates without breaking that promise: partial batches
   * leave at most once per `lingerMs` (so at most 1000 / `lingerMs` partial requests per second),
   * and a batch whose burst visibly ended (no record for GAP_FACTOR times its own mean gap, at
   * least BURST_QUIET_MS) leaves sooner than `lingerMs` when the previous partial batch is that
   * long gone. Both only make a batch leave earlier than `lingerMs` after its newest record, never later.
   */
  lingerMs?: number;
  /** Nothing queued and nothing in flight: the exporter would send a batch at once. */
  deliveryIdle?(): boolean;
  codec: BatchCodec<P, R, C>;
  queue: DeliveryQueue;
  /** Called when a flush fails (encoding bug, closed queue); the batch's checkpoints are not advanced. */
  onError(error: unknown): void;
}

export class Batcher<P = unknown, R = LogRecord, C = unknown> {
  readonly #options: BatcherOptions<P, R, C>;
  #parts: P[] = [];
  #records = 0;
  #bytes = 0;
  #bySource: Record<string, number> = {};
  #checkpoints = new Map<string, string>();
  #timer: NodeJS.Timeout | undefined;
  #lingerTimer: NodeJS.Timeout | undefined;
  /** When the first and the newest record of the pending batch were added (performance.now()). */
  #firstAddAt = 0;
  #lastAddAt = 0;
  /** When the last partial batch (linger or timeout) was taken: the next leaves `lingerMs` later at the earliest. */
  #lastPartialAt = -Infinity;
  #flushing: Promise<void> = Promise.resolve();
  readonly #inFlight: Promise<void>[] = [];
  #handingOff = 0;
  #closed = false;

  constructor(options: BatcherOptions<P, R, C>) {
    this.#options = options;
  }

  /** Add one stream's records with the checkpoint that covers them; waits while the pipeline is full. */
  add(stream: string, source: string, records: R[], checkpoint: string, context?: C): Promise<void> {
    if (this.#closed) return Promise.reject(new Error('pipeline is shutting down'));
    const count = records.length;
    // Encoded before any wait, in a function that does not wait: a stream waiting for room holds
    // only its encoded part, not its records (an async function keeps its arguments while it waits,
    // and with 1000 streams waiting those were all their records).
    let prepared: { part: P | undefined; bytes: number };
    try {
      prepared = count > 0 ? this.#options.codec.prepare(records, context as C) : { part: undefined, bytes: 0 };
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    return this.#place(stream, source, count, prepared.part, prepared.bytes, checkpoint);
  }

  async #place(stream: string, source: string, count: number, part: P | undefined, bytes: number, checkpoint: string): Promise<void> {
    // Checked again after every wait: other streams may have filled the batch meanwhile.
    while (this.#records > 0 && (this.#records + count > this.#options.maxRecords || this.#bytes + bytes > this.#options.maxBytes)) {
      await this.#flushAhead();
    }
    if (part !== undefined) this.#parts.push(part);
    if (count > 0) {
      const now = performance.now();
      if (this.#records === 0) this.#firstAddAt = now;
      this.#lastAddAt = now;
    }
    this.#records += count;
    this.#bytes += bytes;
    if (count > 0) this.#bySource[source] = (this.#bySource[source] ?? 0) + count;
    this.#checkpoints.set(stream, checkpoint);
    if (this.#records >= this.#options.maxRecords || this.#bytes >= this.#options.maxBytes) {
      await this.#flushAhead();
    } else {
      if (!this.#timer) {
        this.#timer = setTimeout(() => {
          this.#timer = undefined;
          this.#lastPartialAt = performance.now();
          this.flush().catch((error: unknown) => this.#options.onError(error));
        }, this.#options.timeoutMs);
        this.#timer.unref();
      }
      // Only records are worth sending early: cursor movement alone (skipped heartbeats) waits for
      // `timeoutMs`, so 1000 quiet streams do not each commit their checkpoints separately.
      if (this.#records > 0) this.#armLinger();
    }
  }

  /**
   * When the pending batch may leave: its burst has ended (quiet for GAP_FACTOR times its mean
   * gap, at least BURST_QUIET_MS, at most `lingerMs`) and the previous partial batch left at least
   * `lingerMs` ago. Both bounds are at most `lingerMs` after the newest record.
   */
  #dueAt(lingerMs: number): number {
    const meanGap = this.#records > 1 ? (this.#lastAddAt - this.#firstAddAt) / (this.#records - 1) : 0;
    const quietMs = Math.min(lingerMs, Math.max(BURST_QUIET_MS, GAP_FACTOR * meanGap));
    return Math.max(this.#lastAddAt + quietMs, this.#lastPartialAt + lingerMs);
  }

  /** One timer per pending batch, not one per add: when it fires it looks at the newest add. */
  #armLinger(waitMs?: number): void {
    const lingerMs = this.#options.lingerMs;
    if (lingerMs === undefined || this.#lingerTimer) return;
    this.#lingerTimer = setTimeout(() => {
      this.#lingerTimer = undefined;
      if (this.#checkpoints.size === 0) return;
      const now = performance.now();
      const dueAt = this.#dueAt(lingerMs);
      if (now < dueAt) return this.#armLinger(dueAt - now);
      // The exporter is busy: look again shortly (the batch keeps filling meanwhile, and
      // `timeoutMs` still bounds the wait).
      if (this.#handingOff > 0 || !(this.#options.deliveryIdle?.() ?? true)) return this.#armLinger(Math.min(lingerMs, BURST_QUIET_MS));
      this.#lastPartialAt = now;
      this.flush().catch((error: unknown) => this.#options.onError(error));
    }, Math.max(1, waitMs ?? this.#dueAt(lingerMs) - performance.now()));
    this.#lingerTimer.unref();
  }

  /**
   * Start flushing the pending batch without waiting for it, so the source keeps reading
   * while the batch is encoded and compressed; wait only when MAX_IN_FLIGHT flushes are
   * already under way (the bound on memory, and the backpressure from a full queue).
   */
  async #flushAhead(): Promise<void> {
    const flushing = this.flush();
    this.#inFlight.push(flushing);
    const settle = (): void => {
      const i = this.#inFlight.indexOf(flushing);
      if (i >= 0) void this.#inFlight.splice(i, 1);
    };
    void flushing.then(settle, (error: unknown) => {
      settle();
      this.#options.onError(error);
    });
    while (this.#inFlight.length > MAX_IN_FLIGHT) {
      await this.#inFlight[0]!.catch(() => undefined);
    }
  }

  /**
   * Encode and hand off what is pending now; resolves when the queue accepted it. The batch is
   * taken at the call, not when the flush gets its turn, so it never grows past the limits while
   * an earlier flush is still running.
   */
  flush(): Promise<void> {
    const taken = this.#take();
    const next = this.#flushing.then(() => (taken ? this.#handOff(taken) : undefined));
    // Keep the chain alive after a failure; the caller of this flush still sees the error.
    this.#flushing = next.catch(() => undefined);
    return next;
  }

  #take(): Taken<P> | undefined {
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    if (this.#lingerTimer) {
      clearTimeout(this.#lingerTimer);
      this.#lingerTimer = undefined;
    }
    if (this.#checkpoints.size === 0) return undefined;
    const taken = { parts: this.#parts, records: this.#records, bySource: this.#bySource, checkpoints: this.#checkpoints };
    this.#handingOff += this.#records;
    this.#parts = [];
    this.#records = 0;
    this.#bytes = 0;
    this.#bySource = {};
    this.#checkpoints = new Map();
    return taken;
  }

  async #handOff(taken: Taken<P>): Promise<void> {
    try {
      await this.#handOffOnce(taken);
    } finally {
      this.#handingOff -= taken.records;
    }
  }

  async #handOffOnce({ parts, records, bySource, checkpoints }: Taken<P>): Promise<void> {
    // Only cursor movement (e.g. everything was a heartbeat) is handed off too, with nothing to send.
    const batch = records === 0 ? emptyBatch() : await this.#options.codec.join(parts, records, bySource);
    // A failed hand-off (disk full, database busy) is retried, not skipped: a later batch must never
    // commit a checkpoint past records that are not committed. Flushes queue up behind this one,
    // `add` waits on them, and the sources stop reading: backpressure until storage recovers.
    const backoff = new Backoff({ initialMs: 100, maxMs: 30_000 });
    for (;;) {
      try {
        await this.#options.queue.append(batch, checkpoints);
        return;
      } catch (error) {
        if (error instanceof QueueClosedError) throw error;
        this.#options.onError(error);
        await delay(backoff.next(), undefined, { ref: false });
      }
    }
  }

  /** Records in memory, not yet accepted by the queue (collecting, or being encoded / handed off). */
  pending(): number {
    return this.#records + this.#handingOff;
  }

  /** Flush what is pending, then refuse further adds. */
  async close(): Promise<void> {
    await this.flush();
    this.#closed = true;
  }
}

function emptyBatch(): EncodedBatch {
  return { payload: new Uint8Array(0), contentType: '', contentEncoding: 'identity', records: 0, bySource: {} };
}
