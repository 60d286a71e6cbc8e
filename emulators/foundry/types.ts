// Public types of the Foundry hosted-agent emulator (PLATFORMS.md §1).
import type { Chunking } from '../shared/chunking.ts';
import type { RecordedRequestBase } from '../shared/recorded-request.ts';

/** A console line as the platform sends it: `data: {"timestamp","stream","message"}`. */
export interface JsonLogLine {
  /** ISO string sent verbatim; Date/epoch ms are rendered with toISOString(). Default: now. */
  timestamp?: string | Date | number;
  /** `stdout` | `stderr` | `status`, or anything else (the schema is not contractual). Default `stdout`. */
  stream?: string;
  message?: string;
  /** Extra keys appended after `message` (Microsoft says keys may be added). */
  extra?: Record<string, unknown>;
}

/** `data:` sent verbatim (non-JSON text; a `\n` inside becomes several `data:` lines). */
export interface RawLogLine {
  raw: string;
}

/** A frame of an event type the client must ignore. */
export interface UnknownEventLine {
  event: string;
  data: string;
}

/** An SSE comment line (`: text`). */
export interface CommentLine {
  comment: string;
}

export type LogLine = JsonLogLine | RawLogLine | UnknownEventLine | CommentLine;

/** What the emulator keeps in a session's history: event frames and comments. */
export type Frame = { kind: 'event'; event: string; data: string } | { kind: 'comment'; text: string };

export type LineEnding = '\n' | '\r\n' | '\r';

/** Documented values; the platform types it "string | enum", so any string is allowed. */
export type SessionStatus =
  | 'creating'
  | 'active'
  | 'idle'
  | 'updating'
  | 'failed'
  | 'deleting'
  | 'deleted'
  | 'expired'
  | (string & Record<never, never>);

/** Fault settings; set as emulator defaults and overridden per session. Read at connect time. */
export interface FoundryFaults {
  chunking: Chunking;
  /** Seed for `chunking: 'random'` (each connection gets seed + its ordinal). */
  seed: number;
  /** Delay between writes of one response (a slow server); 0 = only yield to the event loop. */
  chunkDelayMs: number;
  lineEnding: LineEnding;
  /** Insert a `: keep-alive` comment after every N event frames. */
  commentsEvery?: number;
  /**
   * Destroy the socket after N event frames on each connection; an array gives the
   * limit for successive connections (1st, 2nd, …; past its end: no cut).
   */
  disconnectAfter?: number | number[];
  /** With disconnectAfter: write half of the next frame before cutting. */
  disconnectMidFrame: boolean;
  /** How much history is replayed on connect: all of it, the last N event frames, or none. */
  replay: 'all' | number | 'none';
  /** Emit a transient `status` line "No logs since last 60 seconds" after this many idle ms. */
  heartbeatEvery?: number;
}

export interface FailOptions {
  /** Retry-After header value (seconds or an HTTP date). */
  retryAfter?: number | string;
  /** Response body; default: an OpenAI.Error JSON. Strings are sent verbatim. */
  body?: unknown;
}

export interface EmulatorFailOptions extends FailOptions {
  /** Which requests the failure applies to. Default `logstream`. */
  route?: 'logstream' | 'sessions' | 'any';
}

export type FoundryRoute = 'logstream' | 'list-sessions' | 'get-session' | 'unknown';

export interface RecordedRequest extends RecordedRequestBase<FoundryRoute> {
  tls: boolean;
}

export interface AddSessionOptions {
  agent: string;
  version: string;
  id: string;
  status?: SessionStatus;
  /** Unix seconds; default: now (ties keep insertion order). */
  createdAt?: number;
  /** Per-session fault overrides. */
  faults?: Partial<FoundryFaults>;
}

/** The list/get item, as the service returns it. */
export interface AgentSessionResource {
  agent_session_id: string;
  version_indicator: { type: 'version_ref'; agent_version: string };
  status: string;
  created_at: number;
  last_accessed_at: number;
  expires_at: number;
}

export interface SessionHandle {
  readonly agent: string;
  readonly version: string;
  readonly id: string;
  readonly status: SessionStatus;
  /** Log-stream requests that reached this session (including failed ones). */
  readonly attempts: number;
  /** Log-stream connections answered 200. */
  readonly connections: number;
  /** Connections open right now. */
  readonly liveConnections: number;
  readonly ended: boolean;
  /** The stored history (heartbeats are transient and never stored). */
  readonly history: readonly Frame[];
  /** Appends lines to the history and pushes them to live connections. */
  append(...lines: LogLine[]): void;
  setStatus(status: SessionStatus): void;
  /** Moves the session to another agent version (the old logstream URL then 404s). */
  setVersion(version: string): void;
  setFaults(faults: Partial<FoundryFaults>): void;
  /** The next `count` log-stream connects to this session answer `status`. */
  failNext(count: number, status: number, opts?: FailOptions): void;
  /** Ends live connections gracefully; later connects get 404 (like a deleted session). Stays listed. */
  end(): void;
  /** end() and unlist the session (list/get no longer show it). */
  remove(): void;
  /** The SSE text a full replay sends (without keep-alive comments). */
  renderHistory(lineEnding?: LineEnding): string;
  /** Resolves once the `count`-th connection (total, answered 200) is open: append live lines after it. */
  waitForConnection(count?: number, timeoutMs?: number): Promise<void>;
}

export interface FoundryEmulatorOptions {
  /** When set, every request needs `Authorization: Bearer <token>`. */
  token?: string;
  /** Serve https too, on a second port (`tlsUrl`). */
  tls?: { key: string; cert: string };
  /** Port for the http listener (default: ephemeral). */
  port?: number;
  /** Port for the https listener (default: ephemeral). */
  tlsPort?: number;
  /** Caps the page size of the sessions list, to force paging. */
  pageSize?: number;
  /** Project name in the endpoint path (default `demo`). */
  project?: string;
  /** Default faults for every session. */
  faults?: Partial<FoundryFaults>;
}

export interface FoundryEmulator {
  /** Project endpoint over http: `http://127.0.0.1:PORT/api/projects/demo`. */
  readonly url: string;
  /** Project endpoint over https (a second port), when `tls` was given. */
  readonly tlsUrl: string | undefined;
  readonly requests: RecordedRequest[];
  /** Default faults (sessions override them). */
  readonly faults: FoundryFaults;
  addSession(opts: AddSessionOptions): SessionHandle;
  getSession(id: string): SessionHandle | undefined;
  setFaults(faults: Partial<FoundryFaults>): void;
  /** Replace (or clear, with undefined) the expected bearer token. */
  setToken(token: string | undefined): void;
  /** The next `count` matching requests (default: log-stream connects) answer `status`. */
  failNext(count: number, status: number, opts?: EmulatorFailOptions): void;
  /** Closes listeners and destroys every socket. Idempotent. */
  close(): Promise<void>;
}
