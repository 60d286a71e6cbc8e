/**
 * Runs one configured source: lists its streams at start and every discover interval,
 * starts a supervisor for each new stream key, stops those no longer listed, and
 * releases finished ones. A stream key is never followed twice at once.
 */
import type { Events } from '../telemetry/events.ts';
import type { Logger } from '../telemetry/logger.ts';
import { Backoff, sleep } from '../util/backoff.ts';
import type { LineStage } from '../processing/line-stage.ts';
import { PlatformError } from './errors.ts';
import type { ReadGate } from './read-gate.ts';
import { StreamSupervisor, type SupervisorTiming } from './supervisor.ts';
import type { Source, StreamDescriptor, StreamSink, StreamSpec, StreamState } from './types.ts';

export interface SourceRunnerDeps {
  /** Where a stream stands: the newest checkpoint handed to the pipeline, else the stored one. */
  checkpointFor(key: string): string | undefined;
  sinkFor(descriptor: StreamDescriptor): StreamSink;
  /** A new processing stage for a stream (DESIGN §4.5); none: every line is its own record. */
  stageFor?(descriptor: StreamDescriptor): LineStage;
  logger: Logger;
  events: Events;
  timing: SupervisorTiming;
  /** The daemon's read gate, shared by every stream (issue 14); none: no pacing. */
  gate?: ReadGate;
}

export interface SourceStatus {
  state: StreamState;
  streams: { key: string; state: StreamState; detail?: string }[];
}

export class SourceRunner {
  readonly name: string;
  readonly #source: Source;
  readonly #deps: SourceRunnerDeps;
  readonly #abort = new AbortController();
  readonly #streams = new Map<string, StreamSupervisor>();
  /** Streams told to stop that have not returned yet: never started again until they have. */
  readonly #stopping = new Map<string, Promise<void>>();
  #listed = false;
  /** The last listing was refused (401/403): the source is auth_failed, not still discovering. */
  #listingRefused = false;
  #done: Promise<void> | undefined;

  constructor(name: string, source: Source, deps: SourceRunnerDeps) {
    this.name = name;
    this.#source = source;
    this.#deps = deps;
  }

  start(): void {
    this.#done ??= this.#run();
  }

  status(): SourceStatus {
    const streams = [...this.#streams.values()].map((s) => s.status());
    const state: StreamState = this.#listingRefused
      ? 'auth_failed'
      : !this.#listed
        ? 'discovering'
      : streams.some((s) => s.state === 'auth_failed')
        ? 'auth_failed'
        : streams.some((s) => s.state === 'connected')
          ? 'connected'
          : streams.length > 0 && streams.every((s) => s.state === 'finished')
            ? 'finished'
            : streams.length === 0
              ? 'discovering'
              : 'retrying';
    return { state, streams };
  }

  async #run(): Promise<void> {
    const signal = this.#abort.signal;
    const listingBackoff = new Backoff({ initialMs: 1000, maxMs: 60_000 });
    while (!signal.aborted) {
      let wait = this.#source.discoverIntervalMs;
      try {
        const specs = await this.#source.listStreams(signal);
        this.#listed = true;
        this.#listingRefused = false;
        listingBackoff.reset();
        this.#reconcile(specs);
      } catch (error) {
        if (signal.aborted) break;
        const platform = error instanceof PlatformError ? error : undefined;
        // The platform's Retry-After (429/503) is the least wait; the backoff may wait longer.
        const delay = Math.max(platform?.retryAfterMs ?? 0, Math.min(wait ?? Infinity, listingBackoff.next()));
        const status = platform?.status;
        this.#listingRefused = status === 401 || status === 403;
        // A refusal is counted every time but logged once a minute (like a refused stream).
        if (this.#listingRefused) this.#deps.events.authFailed(this.name, 'discovery', status!, (error as Error).message);
        else this.#deps.events.discoveryFailed(this.name, (error as Error).message, delay);
        wait = delay;
      }
      if (wait === undefined) return; // a named stream: listed once
      await sleep(wait, signal);
    }
  }

  /** Stop without blocking discovery; the key is not started again until the old follower returned. */
  #stopInBackground(key: string, supervisor: StreamSupervisor): void {
    this.#stopping.set(
      key,
      supervisor.stop().finally(() => this.#stopping.delete(key)),
    );
  }

  #reconcile(specs: StreamSpec[]): void {
    const listed = new Map(specs.map((s) => [s.descriptor.key, s]));
    const discovering = this.#source.discoverIntervalMs !== undefined;
    for (const [key, supervisor] of this.#streams) {
      const spec = listed.get(key);
      if (supervisor.finished) this.#streams.delete(key);
      else if (discovering && !spec) {
        this.#streams.delete(key);
        this.#deps.events.streamFinished(this.name, key, 'no longer listed by the platform');
        this.#stopInBackground(key, supervisor);
      } else if (spec && fingerprint(spec) !== fingerprint(supervisor.spec)) {
        // Same stream, new identity (a Foundry session moved to another agent version): its URL
        // changed. Stop the old follower before the new one starts, so it is never followed twice.
        this.#streams.delete(key);
        this.#deps.events.streamChanged(this.name, key);
        this.#stopInBackground(key, supervisor);
      }
    }
    for (const spec of specs) {
      const key = spec.descriptor.key;
      if (this.#streams.has(key) || this.#stopping.has(key) || this.#abort.signal.aborted) continue;
      const supervisor = new StreamSupervisor(spec, {
        sourceName: this.name,
        checkpoint: this.#deps.checkpointFor(key),
        sink: this.#deps.sinkFor(spec.descriptor),
        stage: this.#deps.stageFor?.(spec.descriptor),
        logger: this.#deps.logger,
        events: this.#deps.events,
        timing: this.#deps.timing,
        gate: this.#deps.gate,
      });
      this.#streams.set(key, supervisor);
      this.#deps.events.streamStarted(this.name, key);
      supervisor.start();
    }
  }

  /** Stop discovery and every stream; resolves when all have returned. Idempotent. */
  async stop(): Promise<void> {
    this.#abort.abort();
    await this.#done;
    await Promise.all([...this.#streams.values()].map((s) => s.stop()).concat([...this.#stopping.values()]));
  }
}

/** What identifies a stream's connection besides its key (e.g. the agent version in the URL). */
function fingerprint(spec: StreamSpec): string {
  return JSON.stringify(spec.descriptor.resource);
}
