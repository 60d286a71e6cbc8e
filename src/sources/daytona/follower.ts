/**
 * Follows one Daytona command log (or the entrypoint log): one call of `connect` is one WebSocket
 * connection with `X-Daytona-Split-Output: true`. Every connection replays the log from byte 0;
 * the byte-offset cursor skips what was handed off. When the command has ended (close 1000, or a
 * socket that stays open after the exit code appeared) the log is reconciled against one
 * snapshot, its unterminated tail flushed, and a final `command exited with code N` record closes it.
 */
import { outcomeOf } from '../shared/connection-end.ts';
import { createHandOff, type HandOff } from '../shared/hand-off.ts';
import { readWebSocket } from '../shared/websocket-reader.ts';
import type { LogEntry, StreamContext, StreamFollower, StreamOutcome } from '../types.ts';
import type { DaytonaClient, HttpResult, Toolbox } from './client.ts';
import type { DaytonaCursor } from './cursor.ts';
import type { Line } from './lines.ts';
import { createLogParser, type LogParser } from './log-parser.ts';

export interface DaytonaFollowerTiming {
  /** Silence on an open socket after which the command's status is checked (the stays-open fallback). */
  quietMs: number;
  /** The checks then back off (doubling) up to this: a long silent command costs few requests. */
  maxQuietCheckMs: number;
}

export const DEFAULT_FOLLOWER_TIMING: DaytonaFollowerTiming = { quietMs: 2000, maxQuietCheckMs: 60_000 };

export interface DaytonaStreamTarget {
  sourceName: string;
  toolbox: Toolbox;
  /** A session command, or the sandbox's entrypoint. */
  kind: 'command' | 'entrypoint';
  sessionId: string;
  commandId: string;
  /** Called once the stream is finished for good, so discovery does not list it again. */
  onFinished?(): void;
}

export function createDaytonaFollower(
  client: DaytonaClient,
  target: DaytonaStreamTarget,
  ctx: StreamContext,
  cursor: DaytonaCursor,
  timing: DaytonaFollowerTiming = DEFAULT_FOLLOWER_TIMING,
): StreamFollower {
  const { events, signal } = ctx;
  const source = target.sourceName;
  const key = ctx.descriptor.key;
  const logsPath =
    target.kind === 'entrypoint'
      ? '/process/session/entrypoint/logs'
      : `/process/session/${encodeURIComponent(target.sessionId)}/command/${encodeURIComponent(target.commandId)}/logs`;
  const handOff: HandOff = createHandOff({ source, stream: key, sink: ctx.sink, events, stage: ctx.stage, cursor });

  /** The command's exit code (undefined while it runs), or the HTTP error. */
  const exitStatus = async (): Promise<HttpResult<number | undefined>> => {
    if (target.kind === 'entrypoint') {
      const session = await client.getEntrypoint(target.toolbox, signal);
      if (!session.ok) return session;
      const command = session.value?.commands.find((c) => c.id === target.commandId) ?? session.value?.commands[0];
      return { ok: true, value: command?.exitCode };
    }
    const command = await client.getCommand(target.toolbox, target.sessionId, target.commandId, signal);
    return command.ok ? { ok: true, value: command.value?.exitCode } : command;
  };

  const entryOf = (line: Line): LogEntry => {
    const entry: LogEntry = { body: line.text };
    if (line.channel !== 'unknown') entry.iostream = line.channel;
    // Bytes before any marker, or not UTF-8: kept as text, flagged (and counted by the hand-off).
    if (line.channel === 'unknown' || line.invalidUtf8) entry.parseError = true;
    return entry;
  };

  /** Pass new lines through the cursor and the stage; hand off in bounded slices unless `whole`. */
  const take = async (lines: Line[], whole = false): Promise<boolean> => {
    let delivered = false;
    cursor.begin(lines);
    for (const line of lines) {
      if (signal.aborted) break;
      if (handOff.take(entryOf(line), () => cursor.admit()) && !whole && (await handOff.handOn())) delivered = true;
    }
    return delivered;
  };

  /** Take the lines and hand on what is ready. */
  const handOn = async (lines: Line[]): Promise<boolean> => {
    const sliced = await take(lines);
    return (await handOff.handOn()) || sliced;
  };

  /** The command ended: read what the socket may have missed, flush the tail, close with the exit record. */
  const finish = async (parser: LogParser, exitCode: number): Promise<StreamOutcome> => {
    // Streamed: the bytes this connection already read are skipped as they pass, the rest handed off in slices.
    const seen = parser.received;
    let at = 0;
    await client.snapshot(logsPath, target.toolbox, signal, async (chunk) => {
      const from = Math.max(0, seen - at);
      at += chunk.length;
      if (from >= chunk.length) return;
      const more = parser.feed(chunk.subarray(from));
      events.recordsReceived(source, more.lines.length + more.repeats);
      handOff.skipped('dedupe', more.repeats);
      await handOn(more.lines);
    });
    const tail = parser.finish();
    events.recordsReceived(source, tail.lines.length + tail.repeats);
    handOff.skipped('dedupe', tail.repeats);
    if (signal.aborted) return { kind: 'retry', reason: 'stopping', delivered: false };
    const exit: LogEntry = {
      body: `command exited with code ${exitCode}`,
      level: exitCode === 0 ? 'INFO' : 'ERROR',
      attributes: { 'process.exit.code': exitCode },
    };
    // One hand-off: the flushed tail lines all end at the log's end, so they must not be split;
    // the stage's open groups close before the exit record, which follows them.
    await take(tail.lines, true);
    cursor.markExit(exitCode);
    await handOff.close([exit]);
    target.onFinished?.();
    return { kind: 'finished', reason: `command exited with code ${exitCode}` };
  };

  return {
    close: async () => {
      await handOff.close();
    },
    async connect(): Promise<StreamOutcome> {
      if (cursor.exit !== undefined) {
        target.onFinished?.();
        return { kind: 'finished', reason: `command exited with code ${cursor.exit} (already delivered)` };
      }
      // The WebSocket API hides a refused handshake's status: ask the command first (401, 404, 429).
      const before = await exitStatus();
      if (!before.ok) return settle(outcomeOf({ kind: 'http_error', status: before.status, headers: before.headers, body: before.body }, false));

      const parser = createLogParser(cursor.restart());
      cursor.attach(() => parser.earliestPending());
      let delivered = false;
      let quietChecks = 0;
      let nextQuietCheck = 0;
      const end = await readWebSocket({
        url: client.followUrl(logsPath, target.toolbox),
        headers: client.toolboxHeaders(),
        signal,
        quietMs: timing.quietMs,
        onOpen: () => ctx.setState('connected'),
        onFrames: async (frames) => {
          quietChecks = 0;
          nextQuietCheck = 0;
          const lines: Line[] = [];
          let repeats = 0;
          for (const frame of frames) {
            const read = parser.feed(frame);
            for (const l of read.lines) lines.push(l);
            repeats += read.repeats;
          }
          events.recordsReceived(source, lines.length + repeats);
          handOff.skipped('dedupe', repeats);
          if (await handOn(lines)) delivered = true;
        },
        // The stays-open fallback: a silent socket of a command that has an exit code is done.
        onQuiet: async () => {
          if (Date.now() < nextQuietCheck) return false;
          nextQuietCheck = Date.now() + Math.min(timing.maxQuietCheckMs, timing.quietMs * 2 ** quietChecks++);
          const status = await exitStatus();
          return status.ok ? status.value !== undefined : status.status === 404;
        },
      });
      if (signal.aborted || end.kind === 'aborted') return outcomeOf({ kind: 'aborted' }, delivered);
      if (end.kind === 'overflow') return outcomeOf({ kind: 'ended', reason: 'frames arrived faster than they were handed off; reconnecting' }, true);
      if (end.kind === 'closed' && !end.opened) return outcomeOf({ kind: 'ended', reason: `WebSocket handshake failed (close ${end.code})` }, delivered);
      if (end.kind === 'closed' && end.code !== 1000) {
        return outcomeOf({ kind: 'ended', reason: `WebSocket closed with ${end.code}${end.reason ? `: ${end.reason}` : ''}` }, delivered);
      }

      // Closed normally (1000), or stopped by the fallback: has the command ended?
      const after = await exitStatus();
      if (!after.ok) {
        if (after.status === 404 || after.status === 410) {
          // The session was deleted with its log: what was read is all there will be.
          const tail = parser.finish();
          await take(tail.lines, true);
          await handOff.close();
        }
        return settle(outcomeOf({ kind: 'http_error', status: after.status, headers: after.headers, body: after.body }, delivered));
      }
      if (after.value === undefined) return outcomeOf({ kind: 'ended', reason: 'socket closed while the command runs' }, delivered);
      return finish(parser, after.value);
    },
  };

  function settle(outcome: StreamOutcome): StreamOutcome {
    if (outcome.kind === 'finished') target.onFinished?.();
    return outcome;
  }
}
