/**
 * `follow: true`: one container's log over the NDJSON `/logs/stream` route (PLATFORMS §4.7),
 * with the same window cursor as polling. Every connection starts with the last `lines` lines:
 * they are held until the replay is over (a line newer than the cursor, `lines` lines, or a
 * pause), then placed as one window; later lines are live. Where the deployment has no such
 * route (404/405) the stream falls back to polling, said once.
 */
import { outcomeOf } from '../shared/connection-end.ts';
import type { StreamContext, StreamFollower, StreamOutcome } from '../types.ts';
import type { AgentboxClient } from './client.ts';
import { readNdjson } from './ndjson-reader.ts';
import { parseNdjsonLine, type ParsedLine } from './parser.ts';
import { createPoller, takeLines, type PollState } from './poller.ts';
import type { ContainerTarget } from './target.ts';

/** No byte for this long: the connection is taken for dead and opened again (the replay is deduped). */
const IDLE_TIMEOUT_MS = 10 * 60_000;
/** A pause this long after the first lines ends the replay. */
const REPLAY_QUIET_MS = 250;

/**
 * A deployment without the route answers the router's own 404 (plain text) or 405; a 404 with the
 * platform's `{"error": …}` body is about the sandbox (gone), which finishes the stream.
 */
function routeMissing(status: number, body: string): boolean {
  if (status === 405) return true;
  if (status !== 404) return false;
  try {
    const parsed = JSON.parse(body) as { error?: unknown };
    return typeof parsed.error !== 'string';
  } catch {
    return true;
  }
}

export function createFollower(client: AgentboxClient, target: ContainerTarget, ctx: StreamContext, state: PollState): StreamFollower {
  const { events, signal } = ctx;
  const source = target.sourceName;
  const key = ctx.descriptor.key;
  const poller = createPoller(client, target, ctx, state);
  const cursor = state.cursor;
  const logSource = target.runtime !== undefined ? 'runtime' : 'live';
  let polling = false;

  async function follow(): Promise<StreamOutcome> {
    let delivered = false;
    let held: ParsedLine[] | undefined = [];
    let systemLogged = false;
    const requested = cursor.requestLines(target.lines);

    const release = async (): Promise<void> => {
      if (held === undefined) return;
      const window = held;
      held = undefined;
      const take = cursor.window(window.map((l) => ({ ts: l.ts, digest: l.digest })), requested);
      events.recordsReceived(source, window.length);
      if (take.gap) events.gap(source, key, `no line of the ${window.length}-line replay was seen before; lines may be missing`);
      if (await takeLines(state.handOff, window, take, signal)) delivered = true;
    };

    const end = await readNdjson({
      url: client.logsUrl({ sandbox: target.sandbox, container: target.container, lines: requested, runtime: target.runtime }, true),
      headers: client.headers('application/x-ndjson'),
      signal,
      idleTimeoutMs: IDLE_TIMEOUT_MS,
      quietMs: REPLAY_QUIET_MS,
      onOpen: () => ctx.setState('connected'),
      onQuiet: release,
      onLines: async (texts) => {
        if (signal.aborted) return;
        const live: ParsedLine[] = [];
        for (const text of texts) {
          const item = parseNdjsonLine(text, target.container, logSource, target.runtime === undefined);
          if (item.kind === 'meta') continue;
          if (item.kind === 'system') {
            // In-band errors are the server's, not the agent's output: logged, not exported.
            if (!systemLogged) events.agentboxStreamError(source, key, item.message);
            systemLogged = true;
            continue;
          }
          if (item.line.container !== undefined && item.line.container !== target.container) continue;
          if (held === undefined) {
            live.push(item.line);
            continue;
          }
          held.push(item.line);
          const newest = cursor.newest;
          // A first line already past the cursor overlaps nothing: hold on until the replay is full
          // (a gap) or pauses (a log that started over), or the gap could not be told.
          const past = (l: ParsedLine): boolean => l.ts !== undefined && (newest === undefined || l.ts > newest);
          const pastCursor = past(item.line) && !past(held[0]!);
          if (!cursor.hasHistory || pastCursor || held.length >= requested) await release();
        }
        if (live.length > 0) {
          events.recordsReceived(source, live.length);
          if (await takeLines(state.handOff, live, cursor.live(live.map((l) => ({ ts: l.ts, digest: l.digest }))), signal)) delivered = true;
        }
      },
    });
    if (end.kind === 'ended' && !signal.aborted) {
      // The server ended the replay itself: what came is the whole window.
      await release();
      return outcomeOf({ kind: 'ended', reason: 'server closed the log stream' }, delivered);
    }
    // Cut inside the replay (network_error): the held lines are only its start, which cannot be
    // placed against the tail; they are dropped here and the next connection replays them.
    if (end.kind === 'http_error' && routeMissing(end.status, end.body)) {
      polling = true;
      events.agentboxNoStreamRoute(source, key, end.status);
      return poller.connect();
    }
    return outcomeOf(end, delivered);
  }

  return {
    connect: () => (polling ? poller.connect() : follow()),
    close: async () => {
      await state.handOff.close();
    },
  };
}
