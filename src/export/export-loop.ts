/**
 * Sends queued batches one at a time, in order, and acknowledges each to the queue only
 * after a 2xx (or a permanent rejection, which is counted). Retries forever with backoff +
 * full jitter, never sooner than the endpoint's Retry-After: the Collector's
 * "retryable vs permanent vs throttled" outcomes, without ever dropping a retryable batch.
 */
import type { DeliveryQueue, QueuedBatch } from '../delivery/queue.ts';
import type { Events } from '../telemetry/events.ts';
import { Backoff, sleep } from '../util/backoff.ts';
import type { Transport } from './http-transport.ts';
import { clip } from '../util/clip.ts';
import type { EncodedBatch } from '../mapping/encoded-batch.ts';
import { splitBatch } from './split-batch.ts';

/** `n` records of a batch's only source, or of `mixed` (as partial_success is counted). */
function soleSource(bySource: Record<string, number>, n: number): Record<string, number> {
  const sources = Object.keys(bySource);
  return { [sources.length === 1 ? sources[0]! : 'mixed']: n };
}

export interface ExportLoopOptions {
  queue: DeliveryQueue;
  transport: Transport;
  events: Events;
  retry: { initialMs: number; maxMs: number };
  /** The loop cannot go on (a bug, or storage failing in a way retries do not fix). */
  onFatal?(reason: string): void;
}

export interface ExporterStatus {
  /** `connected`: no failure since the last success (or none yet); `retrying`; `auth_failed`: 401/403 or a refused header. */
  state: 'connected' | 'retrying' | 'auth_failed';
  lastSuccessAt?: string;
  lastFailureAt?: string;
  lastFailure?: string;
  inFlight: boolean;
}

export class ExportLoop {
  readonly #options: ExportLoopOptions;
  readonly #abort = new AbortController();
  readonly #status: ExporterStatus = { state: 'connected', inFlight: false };
  #running: Promise<void> | undefined;

  constructor(options: ExportLoopOptions) {
    this.#options = options;
  }

  start(): void {
    this.#running ??= this.#run().catch((error: unknown) => {
      this.#options.events.exportLoopFailed(error);
      this.#options.onFatal?.((error as Error).message);
    });
  }

  /**
   * Acknowledge to the queue, retrying when storage is briefly unavailable (SQLITE_BUSY while
   * `checkpoints reset` holds the lock, a full disk being cleaned up). False when stopped first.
   */
  async #ack(batch: QueuedBatch, signal: AbortSignal): Promise<boolean> {
    const backoff = new Backoff({ initialMs: 100, maxMs: 10_000 });
    for (;;) {
      try {
        this.#options.queue.ack(batch);
        return true;
      } catch (error) {
        const delayMs = backoff.next();
        this.#options.events.exportAckFailed((error as Error).message, delayMs);
        if (!(await sleep(delayMs, signal))) return false;
      }
    }
  }

  status(): ExporterStatus {
    return { ...this.#status };
  }

  async #run(): Promise<void> {
    const { queue, transport, events } = this.#options;
    const signal = this.#abort.signal;
    const backoff = new Backoff({ initialMs: this.#options.retry.initialMs, maxMs: this.#options.retry.maxMs });
    for (;;) {
      const batch = await queue.next(signal);
      if (!batch) return;
      if (batch.records === 0) {
        if (!(await this.#ack(batch, signal))) return;
        continue;
      }
      for (;;) {
        this.#status.inFlight = true;
        const started = performance.now();
        const outcome = await transport.send(batch, signal);
        this.#status.inFlight = false;
        if (signal.aborted) return; // the batch stays queued; it is sent again after restart
        const code = outcome.status === 'success' ? '2xx' : outcome.code;
        events.exportRequest(code, (performance.now() - started) / 1000);
        if (outcome.status === 'success') {
          backoff.reset();
          this.#status.state = 'connected';
          this.#status.lastSuccessAt = new Date().toISOString();
          if (!(await this.#ack(batch, signal))) return;
          events.recordsExported(batch.bySource);
          if (outcome.rejected > 0) {
            const sources = Object.keys(batch.bySource);
            const source = sources.length === 1 ? sources[0]! : 'mixed';
            events.recordsDropped({ [source]: outcome.rejected }, 'rejected', `partial_success: ${outcome.message ?? ''}`);
          }
          break;
        }
        this.#status.lastFailureAt = new Date().toISOString();
        this.#status.lastFailure = clip(`${outcome.code}: ${outcome.detail}`, 300);
        if (outcome.status === 'failure' && outcome.code === '413') {
          // Too large for the endpoint: sent again in halves, never dropped whole (DESIGN §5).
          if (!(await this.#sendInHalves(batch, signal)) || !(await this.#ack(batch, signal))) return;
          break;
        }
        if (outcome.status === 'failure') {
          if (!(await this.#ack(batch, signal))) return;
          events.recordsDropped(batch.bySource, 'rejected', `${outcome.code}: ${outcome.detail}`);
          break;
        }
        let waitMs: number;
        if (outcome.status === 'auth_failed') {
          this.#status.state = 'auth_failed';
          waitMs = backoff.next();
          events.exportAuthFailed(outcome.code, waitMs, outcome.detail);
        } else {
          this.#status.state = 'retrying';
          waitMs = backoff.next(outcome.retryAfterMs ?? 0);
          events.exportRetry(outcome.code, waitMs, outcome.detail);
        }
        if (!(await sleep(waitMs, signal))) return;
      }
    }
  }

  /**
   * Deliver a batch the endpoint refused as too large: each half is sent (and retried) on its own,
   * in order, and halved again while it is refused; a single record still refused is dropped and
   * counted `too_large`. False when stopped first (the whole batch stays queued).
   */
  async #sendInHalves(batch: EncodedBatch, signal: AbortSignal): Promise<boolean> {
    const { transport, events } = this.#options;
    const halves = await splitBatch(batch);
    if (halves === undefined) {
      events.recordsDropped(batch.bySource, 'too_large', 'a single record is larger than the endpoint accepts (413)');
      return true;
    }
    const backoff = new Backoff({ initialMs: this.#options.retry.initialMs, maxMs: this.#options.retry.maxMs });
    for (const half of halves) {
      for (;;) {
        const started = performance.now();
        const outcome = await transport.send({ ...half, id: (batch as QueuedBatch).id }, signal);
        if (signal.aborted) return false;
        events.exportRequest(outcome.status === 'success' ? '2xx' : outcome.code, (performance.now() - started) / 1000);
        if (outcome.status === 'success') {
          backoff.reset();
          events.recordsExported(half.bySource);
          if (outcome.rejected > 0) events.recordsDropped(soleSource(half.bySource, outcome.rejected), 'rejected', `partial_success: ${outcome.message ?? ''}`);
          break;
        }
        if (outcome.status === 'failure' && outcome.code === '413') {
          if (!(await this.#sendInHalves(half, signal))) return false;
          break;
        }
        if (outcome.status === 'failure') {
          events.recordsDropped(half.bySource, 'rejected', `${outcome.code}: ${outcome.detail}`);
          break;
        }
        const waitMs = backoff.next('retryAfterMs' in outcome ? (outcome.retryAfterMs ?? 0) : 0);
        events.exportRetry(outcome.code, waitMs, outcome.detail);
        if (!(await sleep(waitMs, signal))) return false;
      }
    }
    return true;
  }

  /** Wait until the queue is empty or the deadline passes; true when everything was delivered. */
  async drain(deadline: number): Promise<boolean> {
    while (Date.now() < deadline) {
      if (this.#options.queue.size().batches === 0 && !this.#status.inFlight) return true;
      await new Promise((r) => setTimeout(r, 20));
    }
    return this.#options.queue.size().batches === 0;
  }

  /** Stop sending; an in-flight request is aborted and its batch stays queued. Idempotent. */
  async stop(): Promise<void> {
    this.#abort.abort();
    this.#options.queue.close();
    await this.#running;
    await this.#options.transport.close();
  }
}
