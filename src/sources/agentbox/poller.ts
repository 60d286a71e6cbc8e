/**
 * Polls one container's log: one call of `connect` polls every `poll_interval` until a poll
 * fails (the supervisor then applies backoff, Retry-After, the slow auth retry, or releases a
 * finished stream). Each answer is a "last N lines" window; the window cursor hands on only
 * what is new.
 */
import { outcomeOf } from '../shared/connection-end.ts';
import type { HandOff } from '../shared/hand-off.ts';
import { entryHash } from '../shared/timestamp-cursor.ts';
import { sleep } from '../../util/backoff.ts';
import type { StreamContext, StreamFollower, StreamOutcome } from '../types.ts';
import type { AgentboxClient, HttpResult } from './client.ts';
import type { WindowCursor, WindowTake } from './cursor.ts';
import { parseLogsResponse, type ParsedLine } from './parser.ts';
import { MAX_LINES, type ContainerTarget } from './target.ts';

export interface PollState {
  cursor: WindowCursor;
  /** The stream's hand-off (shared by follow mode and its polling fallback). */
  handOff: HandOff;
  /** The server version was logged (once per stream). */
  versionLogged: boolean;
  /** Digest of the last 200 answer that was not the documented JSON: kept once, not once per poll. */
  malformed: string;
  /** The last answer whose repeat cannot hold a new line (see `settled`), and its line count. */
  idle?: { digest: string; lines: number };
}

/**
 * Can the same answer again hold a new line? Only when it is a full window of one timestamp:
 * identical lines appended at that timestamp shift the window without changing it. Otherwise the
 * same answer is the same last lines of the log: nothing new, no parsing or hashing needed.
 */
function settled(window: readonly ParsedLine[], requested: number): boolean {
  if (window.length < requested) return true;
  const first = window[0]?.ts;
  const last = window[window.length - 1]?.ts;
  if (window.every((l) => l.ts === undefined)) return true;
  return first !== undefined && last !== undefined && first < last;
}

export function createPoller(client: AgentboxClient, target: ContainerTarget, ctx: StreamContext, state: PollState): StreamFollower {
  const { events, signal } = ctx;
  const source = target.sourceName;
  const key = ctx.descriptor.key;

  const fetchWindow = (lines: number): Promise<HttpResult> =>
    client.logs({ sandbox: target.sandbox, container: target.container, lines, runtime: target.runtime }, signal);

  /** One poll; undefined when it went well, else how the connection ends. */
  async function pollOnce(): Promise<{ outcome?: StreamOutcome; delivered: boolean }> {
    let lines = state.cursor.requestLines(target.lines);
    for (;;) {
      const result = await fetchWindow(lines);
      if (result.kind !== 'ok') return { outcome: outcomeOf(result, false), delivered: false };
      ctx.setState('connected');
      if (!state.versionLogged) {
        state.versionLogged = true;
        const version = result.headers['x-agentbox-server-version'];
        events.agentboxServer(source, key, typeof version === 'string' ? version : 'unknown');
      }
      const digest = entryHash('body', String(lines), result.text);
      if (digest === state.idle?.digest) {
        // An idle poll: the answer is the last one again, and that one could hide nothing.
        events.recordsReceived(source, state.idle.lines);
        events.recordsSkipped(source, 'dedupe', state.idle.lines);
        return { delivered: false };
      }
      state.idle = undefined;
      const parsed = parseLogsResponse(result.text, target.container);
      if (!parsed.ok) {
        if (digest === state.malformed) return { delivered: false };
        state.malformed = digest;
        state.handOff.take({ body: parsed.raw, parseError: true, attributes: { 'k8s.container.name': target.container } }, () => true);
        return { delivered: await state.handOff.handOn() };
      }
      state.malformed = '';
      // `container` asks for one container; an older server may still send others.
      const window = parsed.lines.filter((l) => l.container === undefined || l.container === target.container);
      const entries = window.map((l) => ({ ts: l.ts, digest: l.digest }));
      if (lines < MAX_LINES && state.cursor.needsWiderWindow(entries, lines)) {
        lines = Math.min(MAX_LINES, lines * 4);
        continue;
      }
      const delivered = await handOn(window, lines);
      if (lines === state.cursor.requestLines(target.lines) && settled(window, lines)) state.idle = { digest, lines: window.length };
      return { delivered };
    }
  }

  async function handOn(window: ParsedLine[], requested: number): Promise<boolean> {
    const take = state.cursor.window(window.map((l) => ({ ts: l.ts, digest: l.digest })), requested);
    events.recordsReceived(source, window.length);
    if (take.gap) events.gap(source, key, `no line of a ${window.length}-line window was seen before; lines between two polls may be missing (raise lines or lower poll_interval)`);
    return takeLines(state.handOff, window, take, signal);
  }

  return {
    async connect(): Promise<StreamOutcome> {
      let delivered = false;
      while (!signal.aborted) {
        const poll = await pollOnce();
        if (poll.delivered) delivered = true;
        if (poll.outcome) {
          return poll.outcome.kind === 'retry' ? { ...poll.outcome, delivered } : poll.outcome;
        }
        if (!(await sleep(target.pollIntervalMs, signal))) break;
      }
      return { kind: 'retry', reason: 'stopped', delivered };
    },
  };
}

/**
 * Pass a window (or live lines) through the cursor, line by line, and hand them on in bounded
 * slices: a window of up to 10 000 lines is never one hand-off.
 */
export async function takeLines(handOff: HandOff, lines: readonly ParsedLine[], take: WindowTake, signal: AbortSignal): Promise<boolean> {
  let delivered = false;
  for (const line of lines) {
    if (signal.aborted) break;
    if (handOff.take(line.entry, () => take.next()) && (await handOff.handOn())) delivered = true;
  }
  if (!signal.aborted && (await handOff.handOn())) delivered = true;
  return delivered;
}
