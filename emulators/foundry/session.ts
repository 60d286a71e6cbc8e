// One hosted-agent session: its stored history, live connections, status and
// faults. The test-facing SessionHandle is a view on this record.
import type { ServerResponse } from 'node:http';
import { createConnectionCount } from '../shared/connection-count.ts';
import { createFailQueue, type ScriptedFailure } from '../shared/fail-queue.ts';
import { renderFrames, toFrame } from './frames.ts';
import { createStreamWriter } from './stream-writer.ts';
import type { StreamWriter } from './stream-writer.ts';
import type { AddSessionOptions, AgentSessionResource, Frame, FoundryFaults, SessionHandle, SessionStatus } from './types.ts';

const THIRTY_DAYS_S = 30 * 24 * 3600;

export interface SessionRecord {
  readonly handle: SessionHandle;
  readonly agent: string;
  readonly version: string;
  readonly id: string;
  readonly createdAt: number;
  /** Insertion order, to break created_at ties. */
  readonly seq: number;
  readonly listed: boolean;
  readonly ended: boolean;
  resource(): AgentSessionResource;
  /** Counts a log-stream request that named this session. */
  attempt(): void;
  /** Pops the next scripted failure (failNext), if any. */
  takeFailure(): ScriptedFailure | undefined;
  /** Opens a stream on `res` (headers already sent): replay, then live lines. */
  connect(res: ServerResponse, defaults: FoundryFaults): void;
  /** Destroy-free shutdown used by emulator.close(): sockets are cut there. */
  dispose(): void;
}

export function createSessionRecord(opts: AddSessionOptions, seq: number): SessionRecord {
  const history: Frame[] = [];
  const writers = new Set<StreamWriter>();
  const failures = createFailQueue<ScriptedFailure>();
  let overrides: Partial<FoundryFaults> = { ...opts.faults };
  let version = opts.version;
  let status: SessionStatus = opts.status ?? 'active';
  let attempts = 0;
  const connections = createConnectionCount(`session ${opts.id}`);
  let ended = false;
  let listed = true;
  const createdAt = opts.createdAt ?? Math.floor(Date.now() / 1000);
  let lastAccessedAt = createdAt;

  function touch(): void {
    lastAccessedAt = Math.max(lastAccessedAt, Math.floor(Date.now() / 1000));
  }

  function endWriters(): void {
    ended = true;
    for (const writer of writers) writer.end();
  }

  const handle: SessionHandle = {
    agent: opts.agent,
    get version() {
      return version;
    },
    id: opts.id,
    get status() {
      return status;
    },
    get attempts() {
      return attempts;
    },
    get connections() {
      return connections.value;
    },
    get liveConnections() {
      return writers.size;
    },
    get ended() {
      return ended;
    },
    get history() {
      return history;
    },
    append(...lines) {
      const frames = lines.map((line) => toFrame(line));
      history.push(...frames);
      touch();
      for (const writer of writers) writer.send(frames);
    },
    setStatus(next) {
      status = next;
    },
    setVersion(next) {
      version = next;
    },
    setFaults(faults) {
      overrides = { ...overrides, ...faults };
    },
    failNext(count, failStatus, failOpts = {}) {
      failures.push(count, { ...failOpts, status: failStatus });
    },
    end: endWriters,
    remove() {
      endWriters();
      listed = false;
    },
    renderHistory(lineEnding = '\n') {
      return renderFrames(history, lineEnding);
    },
    waitForConnection: (count = 1, timeoutMs = 5000) => connections.waitFor(count, timeoutMs),
  };

  return {
    handle,
    agent: opts.agent,
    get version() {
      return version;
    },
    id: opts.id,
    createdAt,
    seq,
    get listed() {
      return listed;
    },
    get ended() {
      return ended;
    },
    resource() {
      return {
        agent_session_id: opts.id,
        version_indicator: { type: 'version_ref', agent_version: version },
        status,
        created_at: createdAt,
        last_accessed_at: lastAccessedAt,
        expires_at: lastAccessedAt + THIRTY_DAYS_S,
      };
    },
    attempt() {
      attempts += 1;
    },
    takeFailure() {
      return failures.take();
    },
    connect(res, defaults) {
      const faults: FoundryFaults = { ...defaults, ...overrides };
      const writer = createStreamWriter(res, faults, connections.value, () => {
        writers.delete(writer);
      });
      touch();
      writers.add(writer);
      writer.send(replayed(history, faults.replay));
      connections.add();
    },
    dispose() {
      ended = true;
      writers.clear();
    },
  };
}

/** The history a new connection gets: all, the last N event frames (and comments among them), or none. */
export function replayed(history: readonly Frame[], replay: FoundryFaults['replay']): Frame[] {
  if (replay === 'none') return [];
  if (replay === 'all') return [...history];
  if (replay <= 0) return [];
  let seen = 0;
  for (let i = history.length - 1; i >= 0; i--) {
    if (history[i]?.kind === 'event') seen += 1;
    if (seen === replay) return history.slice(i);
  }
  return [...history];
}
