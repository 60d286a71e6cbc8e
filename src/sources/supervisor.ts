/**
 * Runs one stream: connects its follower again and again according to each connection's
 * outcome (DESIGN §3 following rules): exponential backoff with full jitter 1s → 60s,
 * reset by a connection that delivered or stayed up for `healthyAfterMs` (an idle stream the
 * server closes now and then must not creep to the longest wait); SSE `retry:` / `Retry-After`
 * as a minimum;
 * 401/403 retried slowly; a finished stream is released.
 */
import type { Events } from '../telemetry/events.ts';
import type { Logger } from '../telemetry/logger.ts';
import { Backoff, sleep } from '../util/backoff.ts';
import type { StreamSink, StreamSpec, StreamState } from './types.ts';

export interface SupervisorTiming {
  initialBackoffMs: number;
  maxBackoffMs: number;
  /** Wait after a 401/403: credentials get rotated, but hammering helps nobody. */
  authRetryMs: number;
  /** A connection open at least this long was healthy, even if nothing new came through it. */
  healthyAfterMs?: number;
}

export const DEFAULT_TIMING: SupervisorTiming = { initialBackoffMs: 1000, maxBackoffMs: 60_000, authRetryMs: 60_000, healthyAfterMs: 30_000 };

export interface SupervisorDeps {
  sourceName: string;
  checkpoint: string | undefined;
  sink: StreamSink;
  logger: Logger;
  events: Events;
  timing: SupervisorTiming;
}

export class StreamSupervisor {
  readonly spec: StreamSpec;
  readonly #deps: SupervisorDeps;
  readonly #abort = new AbortController();
  #state: StreamState = 'discovering';
  #detail = '';
  #done: Promise<void> | undefined;

  constructor(spec: StreamSpec, deps: SupervisorDeps) {
    this.spec = spec;
    this.#deps = deps;
  }

  get key(): string {
    return this.spec.descriptor.key;
  }

  get state(): StreamState {
    return this.#state;
  }

  status(): { key: string; state: StreamState; detail?: string } {
    return { key: this.key, state: this.#state, ...(this.#detail ? { detail: this.#detail } : {}) };
  }

  get finished(): boolean {
    return this.#state === 'finished';
  }

  start(): void {
    this.#done ??= this.#run();
  }

  async #run(): Promise<void> {
    const { sourceName, logger, events, timing } = this.#deps;
    const signal = this.#abort.signal;
    const key = this.key;
    const follower = this.spec.createFollower({
      descriptor: this.spec.descriptor,
      checkpoint: this.#deps.checkpoint,
      sink: this.#deps.sink,
      signal,
      logger,
      events,
      setState: (state) => {
        this.#state = state;
        if (state === 'connected') connectedAt ??= performance.now();
      },
    });
    let connectedAt: number | undefined;
    const backoff = new Backoff({ initialMs: timing.initialBackoffMs, maxMs: timing.maxBackoffMs });
    while (!signal.aborted) {
      let outcome;
      connectedAt = undefined;
      try {
        outcome = await follower.connect();
      } catch (error) {
        // Stack traces only at log.level debug; the reconnect line below says what happened.
        events.streamError(sourceName, key, error);
        outcome = { kind: 'retry' as const, reason: (error as Error).message, delivered: false };
      }
      if (signal.aborted) return;
      this.#detail = outcome.reason;
      switch (outcome.kind) {
        case 'finished':
          this.#state = 'finished';
          events.streamFinished(sourceName, key, outcome.reason);
          return;
        case 'fatal':
          this.#state = 'finished';
          events.streamFatal(sourceName, key, outcome.reason);
          return;
        case 'auth_failed':
          this.#state = 'auth_failed';
          events.authFailed(sourceName, key, outcome.status, outcome.reason);
          await sleep(backoff.next(timing.authRetryMs), signal);
          break;
        case 'retry': {
          if (outcome.baseDelayMs !== undefined) backoff.setInitial(outcome.baseDelayMs);
          const healthy = connectedAt !== undefined && performance.now() - connectedAt >= (timing.healthyAfterMs ?? DEFAULT_TIMING.healthyAfterMs!);
          if (outcome.delivered || healthy) backoff.reset();
          this.#state = 'retrying';
          const delayMs = backoff.next(outcome.delayMs ?? 0);
          events.reconnect(sourceName, key, outcome.reason, delayMs);
          await sleep(delayMs, signal);
          break;
        }
      }
    }
  }

  /** Stop following; resolves when the follower has returned. Idempotent. */
  async stop(): Promise<void> {
    this.#abort.abort();
    await this.#done;
  }
}
