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
import { createPassThroughStage, type LineStage } from '../processing/line-stage.ts';
import { readCursor } from './shared/cursor.ts';
import type { ReadGate } from './read-gate.ts';
import type { StreamFollower, StreamSink, StreamSpec, StreamState } from './types.ts';

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
  /** The stream's processing stage; none: every line is its own record. */
  stage?: LineStage;
  /** The daemon's read gate (issue 14); none: no pacing. */
  gate?: ReadGate;
}

export class StreamSupervisor {
  readonly spec: StreamSpec;
  readonly #deps: SupervisorDeps;
  readonly #abort = new AbortController();
  #state: StreamState = 'discovering';
  #detail = '';
  #done: Promise<void> | undefined;
  /** When the current connection was reported connected. */
  #connectedAt: number | undefined;

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
    const { sourceName, events } = this.#deps;
    const follower = this.#createFollower((state) => {
      this.#state = state;
      if (state === 'connected') this.#connectedAt ??= performance.now();
    });
    if (!follower) return;
    try {
      await this.#follow(follower);
    } finally {
      // Open multiline groups are closed at stream end and at shutdown (DESIGN §4.5).
      await follower.close?.().catch((error: unknown) => events.streamCloseFailed(sourceName, this.key, (error as Error).message));
    }
  }

  /**
   * Read the stored checkpoint and create the follower. A checkpoint that cannot be read never
   * stops the daemon: the stream starts as if it had none, said once and counted (DESIGN §6).
   */
  #createFollower(setState: (state: StreamState) => void): StreamFollower | undefined {
    const { sourceName, logger, events } = this.#deps;
    const parsed = readCursor(this.spec.cursor, this.#deps.checkpoint);
    if (parsed.damaged) events.checkpointUnreadable(sourceName, this.key);
    try {
      return this.spec.createFollower(
        {
          descriptor: this.spec.descriptor,
          sink: this.#deps.sink,
          stage: this.#deps.stage ?? createPassThroughStage(),
          signal: this.#abort.signal,
          logger,
          events,
          setState,
          ...(this.#deps.gate ? { gate: this.#deps.gate } : {}),
        },
        parsed.cursor,
      );
    } catch (error) {
      this.#state = 'finished';
      this.#detail = (error as Error).message;
      events.streamFatal(sourceName, this.key, this.#detail);
      return undefined;
    }
  }

  async #follow(follower: StreamFollower): Promise<void> {
    const { sourceName, events, timing } = this.#deps;
    const signal = this.#abort.signal;
    const key = this.key;
    const backoff = new Backoff({ initialMs: timing.initialBackoffMs, maxMs: timing.maxBackoffMs });
    while (!signal.aborted) {
      let outcome;
      this.#connectedAt = undefined;
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
          const since = this.#connectedAt;
          const healthy = since !== undefined && performance.now() - since >= (timing.healthyAfterMs ?? DEFAULT_TIMING.healthyAfterMs!);
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
