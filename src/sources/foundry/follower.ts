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

  return {
    async connect(): Promise<StreamOutcome> {
      cursor.startConnection();
      let delivered = false;
      // Frames without a timestamp at the start of a replaying connection wait for the first
      // timestamped frame, which tells whether they are replayed history or new.
      let held: FoundryEntryFrame[] = [];
      const end = await readSse({
        url: client.logstreamUrl(target.agent, target.version, target.session),
        headers: await client.headers(signal),
        signal,
        idleTimeoutMs: IDLE_TIMEOUT_MS,
        onOpen: () => ctx.setState('connected'),
        onEvents: async (frames) => {
          // A stopped stream hands nothing more on: its successor resumes from what was handed.
          if (signal.aborted) return;
          let entries: LogEntry[] = [];
          let bytes = 0;
          let received = 0;
          let duplicates = 0;
          let heartbeats = 0;
          let moved = false;
          const admit = (parsed: FoundryEntryFrame): void => {
            if (!cursor.admit(parsed.timeMs, parsed.digest)) {
              duplicates++;
              return;
            }
            moved = true;
            if (parsed.heartbeat && target.dropHeartbeats) {
              heartbeats++;
              return;
            }
            if (parsed.entry.parseError) events.parseError(source, key, parsed.entry.body);
            entries.push(parsed.entry);
            bytes += parsed.entry.body.length;
          };
          const release = (asHistory: boolean): void => {
            if (asHistory) duplicates += held.length;
            else for (const h of held) admit(h);
            held = [];
          };
          for (const frame of frames) {
            const parsed = parseFoundryFrame(frame);
            if (parsed.kind === 'unknown_event') {
              events.unknownEvent(source, key, parsed.type);
              continue;
            }
            received++;
            if (parsed.timeMs === undefined && cursor.awaitingAnchor) {
              held.push(parsed);
              if (held.length >= MAX_HELD) release(false);
              continue;
            }
            // The first timestamped frame places the held ones: if it is itself a repeat, they were
            // replayed history before it; if it is new, so are they.
            if (held.length > 0 && parsed.timeMs !== undefined) release(!cursor.wouldAdmit(parsed.timeMs, parsed.digest));
            admit(parsed);
            if (entries.length >= MAX_EMIT || bytes >= MAX_EMIT_BYTES) {
              await sink.emit(entries, cursor.serialize());
              if (signal.aborted) return;
              entries = [];
              bytes = 0;
              delivered = true;
              moved = false;
            }
          }
          events.recordsReceived(source, received);
          events.recordsSkipped(source, 'dedupe', duplicates);
          events.recordsSkipped(source, 'heartbeat', heartbeats);
          if (moved) {
            await sink.emit(entries, cursor.serialize());
            if (entries.length > 0) delivered = true;
          }
        },
      });
      // The connection ended before anything placed the held frames: better delivered twice than lost.
      if (held.length > 0 && !signal.aborted) {
        const late: LogEntry[] = [];
        for (const h of held) if (cursor.admit(h.timeMs, h.digest)) late.push(h.entry);
        held = [];
        await sink.emit(late, cursor.serialize());
        if (late.length > 0) delivered = true;
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
