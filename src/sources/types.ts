/**
 * The contract between a platform source and the rest of the daemon.
 *
 * A source owns transport and platform parsing. It yields platform-neutral
 * entries together with the cursor that covers them, and knows nothing of OTLP.
 */
import type { Logger } from '../telemetry/logger.ts';
import type { Events } from '../telemetry/events.ts';
import type { LineStage } from '../processing/line-stage.ts';
import type { Cursor, CursorFormat } from './shared/cursor.ts';

export type { AttributeValue, Attributes, LogEntry } from './log-entry.ts';
import type { Attributes, LogEntry } from './log-entry.ts';
import type { ReadGate } from './read-gate.ts';

/** One thing that has its own log: a session, an agent, a command, a container. */
export interface StreamDescriptor {
  /** Stable key `source/…ids…`, used for checkpoints, metrics and sharding. */
  key: string;
  /** Platform identity attributes of the OTLP resource (service.name etc. are added by the mapper). */
  resource: Attributes;
}

/**
 * Where a stream delivers. `emit` resolves once the entries are accepted by the pipeline
 * (the awaited hand-off is the backpressure); `checkpoint` is the serialized cursor that
 * covers every entry up to and including these ones.
 */
export interface StreamSink {
  emit(entries: LogEntry[], checkpoint: string): Promise<void>;
}

/** How one connection of a stream ended: a closed union, never a string or boolean. */
export type StreamOutcome =
  /** `delayMs`: the least wait (Retry-After); `baseDelayMs`: the backoff's new base (SSE `retry:`). */
  | { kind: 'retry'; delayMs?: number; baseDelayMs?: number; reason: string; delivered: boolean }
  | { kind: 'auth_failed'; status: number; reason: string }
  | { kind: 'finished'; reason: string }
  | { kind: 'fatal'; reason: string };

export type StreamState = 'discovering' | 'connected' | 'retrying' | 'auth_failed' | 'finished';

/** What a running stream needs from the daemon. */
export interface StreamContext {
  descriptor: StreamDescriptor;
  sink: StreamSink;
  /** The stream's processing stage (DESIGN §4.5); line-based followers drive it through the hand-off kit. */
  stage: LineStage;
  signal: AbortSignal;
  logger: Logger;
  events: Events;
  setState(state: StreamState): void;
  /** The daemon's read gate: readers open and parse under it (issue 14). None: no pacing. */
  gate?: ReadGate;
}

/** A stream follower: one connection attempt, run repeatedly by the supervisor. */
export interface StreamFollower {
  connect(): Promise<StreamOutcome>;
  /** The stream finished or is stopping: hand on what is still held (open multiline groups). */
  close?(): Promise<void>;
}

/** What discovery or a named stream hands to the supervisor. */
export interface StreamSpec<C extends Cursor = Cursor> {
  descriptor: StreamDescriptor;
  /** How the stream's stored checkpoint is read (inside the supervisor's error handling). */
  cursor: CursorFormat<C>;
  /** Create the follower once its cursor is read from the stored checkpoint. */
  createFollower(ctx: StreamContext, cursor: C): StreamFollower;
}

/** A source: lists the streams it follows now (named, or discovered). */
export interface Source {
  /** Streams to follow now; called at start and then every `discoverIntervalMs` when defined. */
  listStreams(signal: AbortSignal): Promise<StreamSpec[]>;
  /** Discovery period; undefined for sources that name one fixed stream. */
  discoverIntervalMs?: number;
}

/** What a platform's `create()` gets from the daemon. */
export interface SourceDeps {
  logger: Logger;
  events: Events;
}

/** A stream spec, its follower typed by its own cursor (`cursor: DaytonaCursor` → `createFollower(ctx, c: DaytonaCursor)`). */
export function streamSpec<C extends Cursor>(spec: StreamSpec<C>): StreamSpec {
  return spec;
}
