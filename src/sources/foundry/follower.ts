/**
 * Follows one Foundry session's logstream: one call of `connect` is one SSE connection.
 * The server may replay history on every connection, so each entry passes the
 * timestamp + hashes cursor before it is handed on.
 */
import { outcomeOf } from '../shared/connection-end.ts';
import { createHandOff } from '../shared/hand-off.ts';
import { readSse } from '../shared/sse-reader.ts';
import type { TimestampCursor } from '../shared/timestamp-cursor.ts';
import type { StreamContext, StreamFollower, StreamOutcome } from '../types.ts';
import type { FoundryClient } from './client.ts';
import { parseFoundryFrame, type FoundryFrame } from './parser.ts';

/**
 * Foundry writes a "No logs since last 60 seconds" status line on idle sessions (PLATFORMS
 * §1.5), so three minutes without a byte means the connection is gone.
 */
const IDLE_TIMEOUT_MS = 180_000;

/** Frames without a timestamp held at a connection's start before they are taken as new. */
const MAX_HELD = 1000;

type FoundryEntryFrame = Extract<FoundryFrame, { kind: 'entry' }>;

export interface FoundryStreamTarget {
  sourceName: string;
  agent: string;
  version: string;
  session: string;
  dropHeartbeats: boolean;
}

export function createFoundryFollower(client: FoundryClient, target: FoundryStreamTarget, ctx: StreamContext, cursor: TimestampCursor): StreamFollower {
  const { events, signal } = ctx;
  const source = target.sourceName;
  const key = ctx.descriptor.key;
  const handOff = createHandOff({ source, stream: key, sink: ctx.sink, events, stage: ctx.stage, cursor });

  /**
   * Pass one frame through the cursor: a repeat, a dropped heartbeat, or a line for the stage.
   * True once a full slice waits to be handed on.
   */
  const take = (parsed: FoundryEntryFrame): boolean => {
    if (parsed.heartbeat && target.dropHeartbeats) {
      if (cursor.admit(parsed.timeMs, parsed.digest)) {
        handOff.moved();
        handOff.skipped('heartbeat', 1);
      } else handOff.skipped('dedupe', 1);
      return false;
    }
    return handOff.take(parsed.entry, () => cursor.admit(parsed.timeMs, parsed.digest));
  };

  return {
    close: async () => {
      await handOff.close();
    },
    async connect(): Promise<StreamOutcome> {
      cursor.startConnection();
      let delivered = false;
      // Frames without a timestamp at the start of a replaying connection wait for the first
      // timestamped frame, which tells whether they are replayed history or new.
      let held: FoundryEntryFrame[] = [];
      /** Place the held frames; true once a full slice waits. */
      const release = (asHistory: boolean): boolean => {
        let full = false;
        if (asHistory) handOff.skipped('dedupe', held.length);
        else for (const h of held) full = take(h) || full;
        held = [];
        return full;
      };
      const end = await readSse({
        url: client.logstreamUrl(target.agent, target.version, target.session),
        headers: await client.headers(signal),
        signal,
        idleTimeoutMs: IDLE_TIMEOUT_MS,
        onOpen: () => ctx.setState('connected'),
        onOversized: () => events.oversizedEvent(source, key),
        gate: ctx.gate,
        onEvents: async (frames) => {
          // A stopped stream hands nothing more on: its successor resumes from what was handed.
          if (signal.aborted) return;
          let received = 0;
          for (const frame of frames) {
            const parsed = parseFoundryFrame(frame);
            if (parsed.kind === 'unknown_event') {
              events.unknownEvent(source, key, parsed.type);
              continue;
            }
            received++;
            let full = false;
            if (parsed.timeMs === undefined && cursor.awaitingAnchor) {
              held.push(parsed);
              if (held.length >= MAX_HELD) full = release(false);
            } else {
              // The first timestamped frame places the held ones: if it is itself a repeat, they were
              // replayed history before it; if it is new, so are they.
              if (held.length > 0 && parsed.timeMs !== undefined) full = release(!cursor.wouldAdmit(parsed.timeMs, parsed.digest));
              full = take(parsed) || full;
            }
            if (full) {
              if (await handOff.handOn()) delivered = true;
              if (signal.aborted) break;
            }
          }
          events.recordsReceived(source, received);
          // Parsed already: the frames need not stay alive during the last hand-off.
          frames.length = 0;
          if (!signal.aborted && (await handOff.handOn())) delivered = true;
        },
      });
      // The connection ended before anything placed the held frames: better delivered twice than lost.
      if (held.length > 0 && !signal.aborted) {
        release(false);
        if (await handOff.handOn()) delivered = true;
      }
      return outcomeOf(end, delivered);
    },
  };
}
