/**
 * Follows one Foundry session's logstream: one call of `connect` is one SSE connection.
 * The server may replay history on every connection, so each entry passes the
 * timestamp + hashes cursor before it is handed on.
 */
import { readSse } from '../shared/sse-reader.ts';
import { outcomeForStatus } from '../shared/http-outcome.ts';
import { TimestampCursor } from '../shared/timestamp-cursor.ts';
import type { LogEntry, StreamContext, StreamFollower, StreamOutcome } from '../types.ts';
import type { FoundryClient } from './client.ts';
import { parseFoundryFrame, type FoundryFrame } from './parser.ts';

/** Entries and body bytes per hand-off: small enough that one hand-off never dominates a batch. */
const MAX_EMIT = 512;
const MAX_EMIT_BYTES = 512 * 1024;

/**
 * Foundry writes a "No logs since last 60 seconds" status line on idle sessions (PLATFORMS
 * §1.5), so three minutes without a byte means the connection is gone.
 */
const IDLE_TIMEOUT_MS = 180_000;

/** Frames without a timestamp held at a connection's start before they are taken as new. */
const MAX_HELD = 1000;

type FoundryEntryFrame = Extract<FoundryFrame, { kind: 'entry' }>;

/** What a run of frames came to, until it is handed on. */
interface Accumulated {
  entries: LogEntry[];
  bytes: number;
  duplicates: number;
  heartbeats: number;
  /** The cursor moved (even if every new frame was a dropped heartbeat): worth a checkpoint. */
  moved: boolean;
}

const emptyAccumulated = (): Accumulated => ({ entries: [], bytes: 0, duplicates: 0, heartbeats: 0, moved: false });

export interface FoundryStreamTarget {
  sourceName: string;
  agent: string;
  version: string;
  session: string;
  dropHeartbeats: boolean;
}

export function createFoundryFollower(client: FoundryClient, target: FoundryStreamTarget, ctx: StreamContext): StreamFollower {
  const cursor = TimestampCursor.parse(ctx.checkpoint);
  const { events, sink, signal } = ctx;
  const source = target.sourceName;
  const key = ctx.descriptor.key;

  /** Pass one frame through the cursor into `acc`: a repeat, a dropped heartbeat, or an entry. */
  const take = (parsed: FoundryEntryFrame, acc: Accumulated): void => {
    if (!cursor.admit(parsed.timeMs, parsed.digest)) {
      acc.duplicates++;
      return;
    }
    acc.moved = true;
    if (parsed.heartbeat && target.dropHeartbeats) {
      acc.heartbeats++;
      return;
    }
    if (parsed.entry.parseError) events.parseError(source, key, parsed.entry.body);
    acc.entries.push(parsed.entry);
    acc.bytes += parsed.entry.body.length;
  };

  /**
   * Count what was skipped, and start handing the entries on with the cursor that covers them.
   * Not an async function: the entries are not held while the hand-off waits for room (with 1000
   * streams waiting at once, that was all their entries); once encoded they can be collected.
   */
  const startHandOn = (acc: Accumulated): { emitting: Promise<void> | undefined; handed: boolean } => {
    events.recordsSkipped(source, 'dedupe', acc.duplicates);
    events.recordsSkipped(source, 'heartbeat', acc.heartbeats);
    const { entries, moved } = acc;
    Object.assign(acc, emptyAccumulated());
    return { emitting: moved ? sink.emit(entries, cursor.serialize()) : undefined, handed: entries.length > 0 };
  };

  /** Hand the entries on; true when there were any. */
  const handOn = async (acc: Accumulated): Promise<boolean> => {
    const { emitting, handed } = startHandOn(acc);
    await emitting;
    return handed;
  };

  return {
    async connect(): Promise<StreamOutcome> {
      cursor.startConnection();
      let delivered = false;
      // Frames without a timestamp at the start of a replaying connection wait for the first
      // timestamped frame, which tells whether they are replayed history or new.
      let held: FoundryEntryFrame[] = [];
      const release = (asHistory: boolean, acc: Accumulated): void => {
        if (asHistory) acc.duplicates += held.length;
        else for (const h of held) take(h, acc);
        held = [];
      };
      const end = await readSse({
        url: client.logstreamUrl(target.agent, target.version, target.session),
        headers: await client.headers(signal),
        signal,
        idleTimeoutMs: IDLE_TIMEOUT_MS,
        onOpen: () => ctx.setState('connected'),
        onOversized: () => events.oversizedEvent(source, key),
        onEvents: async (frames) => {
          // A stopped stream hands nothing more on: its successor resumes from what was handed.
          if (signal.aborted) return;
          const acc = emptyAccumulated();
          let received = 0;
          for (const frame of frames) {
            const parsed = parseFoundryFrame(frame);
            if (parsed.kind === 'unknown_event') {
              events.unknownEvent(source, key, parsed.type);
              continue;
            }
            received++;
            if (parsed.timeMs === undefined && cursor.awaitingAnchor) {
              held.push(parsed);
              if (held.length >= MAX_HELD) release(false, acc);
              continue;
            }
            // The first timestamped frame places the held ones: if it is itself a repeat, they were
            // replayed history before it; if it is new, so are they.
            if (held.length > 0 && parsed.timeMs !== undefined) release(!cursor.wouldAdmit(parsed.timeMs, parsed.digest), acc);
            take(parsed, acc);
            if (acc.entries.length >= MAX_EMIT || acc.bytes >= MAX_EMIT_BYTES) {
              if (await handOn(acc)) delivered = true;
              if (signal.aborted) break;
            }
          }
          events.recordsReceived(source, received);
          // Parsed already: the frames need not stay alive during the last hand-off.
          frames.length = 0;
          if (!signal.aborted && (await handOn(acc))) delivered = true;
        },
      });
      // The connection ended before anything placed the held frames: better delivered twice than lost.
      if (held.length > 0 && !signal.aborted) {
        const acc = emptyAccumulated();
        release(false, acc);
        if (await handOn(acc)) delivered = true;
      }
      switch (end.kind) {
        case 'ended':
          return { kind: 'retry', baseDelayMs: end.retryMs, reason: 'server closed the stream', delivered };
        case 'network_error':
          return { kind: 'retry', baseDelayMs: end.retryMs, reason: end.error.message, delivered };
        case 'http_error':
          return outcomeForStatus(end.status, end.headers, end.body);
      }
    },
  };
}
