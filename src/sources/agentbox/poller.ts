/**
 * Polls one container's log: one call of `connect` polls every `poll_interval` until a poll
 * fails (the supervisor then applies backoff, Retry-After, the slow auth retry, or releases a
 * finished stream). Each answer is a "last N lines" window; the window cursor hands on only
 * what is new.
 */
import { outcomeForStatus } from '../shared/http-outcome.ts';
import { entryHash } from '../shared/timestamp-cursor.ts';
import { sleep } from '../../util/backoff.ts';
import type { LogEntry, StreamContext, StreamFollower, StreamOutcome } from '../types.ts';
import type { AgentboxClient, HttpResult } from './client.ts';
import type { WindowCursor } from './cursor.ts';
import { parseLogsResponse, type ParsedLine } from './parser.ts';
import { MAX_LINES, type ContainerTarget } from './target.ts';

export interface PollState {
  cursor: WindowCursor;
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
  const { events, sink, signal } = ctx;
  const source = target.sourceName;
  const key = ctx.descriptor.key;

  const fetchWindow = (lines: number): Promise<HttpResult> =>
    client.logs({ sandbox: target.sandbox, container: target.container, lines, runtime: target.runtime }, signal);

  /** One poll; undefined when it went well, else how the connection ends. */
  async function pollOnce(): Promise<{ outcome?: StreamOutcome; delivered: boolean }> {
    let lines = state.cursor.requestLines(target.lines);
    for (;;) {
      const result = await fetchWindow(lines);
      if (result.kind === 'network_error') return { outcome: { kind: 'retry', reason: result.error.message, delivered: false }, delivered: false };
      if (result.kind === 'http_error') return { outcome: outcomeForStatus(result.status, result.headers, result.body), delivered: false };
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
        events.parseError(source, key, parsed.raw);
        await sink.emit([{ body: parsed.raw, parseError: true, attributes: { 'k8s.container.name': target.container } }], state.cursor.serialize());
        return { delivered: true };
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
    const { fresh, gap } = state.cursor.takeWindow(window.map((l) => ({ ts: l.ts, digest: l.digest })), requested);
    events.recordsReceived(source, window.length);
    if (gap) events.gap(source, key, `no line of a ${window.length}-line window was seen before; lines between two polls may be missing (raise lines or lower poll_interval)`);
    const out: LogEntry[] = [];
    window.forEach((l, i) => {
      if (!fresh[i]) return;
      if (l.entry.parseError) events.parseError(source, key, l.entry.body);
      out.push(l.entry);
    });
    events.recordsSkipped(source, 'dedupe', window.length - out.length);
    if (out.length === 0) return false;
    await sink.emit(out, state.cursor.serialize());
    return true;
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
