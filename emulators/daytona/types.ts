// Public types of the Daytona emulator (PLATFORMS.md §3).
import type { IncomingHttpHeaders } from 'node:http';

/** Fault settings; emulator defaults, overridden per command. Read when a connection sends. */
export interface DaytonaFaults {
  /**
   * Bytes per WebSocket frame: the daemon reads the log 1024 bytes at a time (default 1024), so
   * markers and UTF-8 characters straddle frames; `'random'`: seeded sizes of 1–64 bytes.
   */
  frameBytes: number | 'random';
  /** Seed for `frameBytes: 'random'` (each connection gets seed + its ordinal). */
  seed: number;
  /** Delay between frames (a slow server); 0 = only yield to the event loop. */
  frameDelayMs: number;
  /** Delay between the exit code appearing and close 1000 (the daemon's EOF polling, ~1s). */
  exitCloseDelayMs: number;
  /** The socket stays open after the command exited (the daemon's close/writer race, PLATFORMS §3.7). */
  stayOpenAfterExit: boolean;
  /**
   * Cut the TCP connection (no close frame: the client sees 1006) after N bytes on each
   * connection; an array gives the limit for successive connections (past its end: no cut).
   */
  disconnectAfterBytes?: number | number[];
}

export interface FailOptions {
  /** Retry-After header value (seconds or an HTTP date). */
  retryAfter?: number | string;
  /** Response body; default: the daemon's error JSON. Strings are sent verbatim. */
  body?: unknown;
}

export type DaytonaRoute =
  | 'sandbox-list'
  | 'sandbox-get'
  | 'toolbox-proxy-url'
  | 'session-list'
  | 'session-get'
  | 'command-get'
  | 'logs'
  | 'entrypoint-get'
  | 'entrypoint-logs'
  | 'unknown';

/**
 * Which requests a scripted failure applies to: a route; `logs` (command and entrypoint logs);
 * `stream` (what a follower asks per connection: logs and the command/entrypoint status);
 * all toolbox routes; all API routes; or any.
 */
export type FailRoute = DaytonaRoute | 'stream' | 'toolbox' | 'api' | 'any';

export interface EmulatorFailOptions extends FailOptions {
  /** Default `logs` (command and entrypoint log requests, HTTP or WebSocket). */
  route?: FailRoute;
}

/** One request as the emulator saw it. `status` is 101 for an accepted WebSocket. */
export interface RecordedRequest {
  at: number;
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  route: DaytonaRoute;
  websocket: boolean;
  status?: number;
}

export interface CommandHandle {
  readonly sandboxId: string;
  readonly sessionId: string;
  readonly id: string;
  readonly command: string;
  readonly exitCode: number | undefined;
  /** The log file as it is now: raw bytes with markers. */
  readonly log: Buffer;
  /** What `stdout()` / `stderr()` wrote, as the SDK's demux must return it. */
  readonly stdoutText: string;
  readonly stderrText: string;
  /** Log requests that reached this command (HTTP or WebSocket, failed ones included). */
  readonly attempts: number;
  /** WebSocket connections accepted. */
  readonly connections: number;
  readonly liveConnections: number;
  /** Each line of `text` as the daemon writes it: stdout marker + line + LF (a last line without LF gets one). */
  stdout(text: string): void;
  stderr(text: string): void;
  /** Bytes appended verbatim (no marker added): partial lines, split markers, bytes before any marker. */
  raw(bytes: Uint8Array | string): void;
  /** The command ended: its exit code appears and follow sockets close with 1000 (unless stayOpenAfterExit). */
  exit(code: number): void;
  setFaults(faults: Partial<DaytonaFaults>): void;
  /** Resolves once the `count`-th WebSocket connection (total) is open. */
  waitForConnection(count?: number, timeoutMs?: number): Promise<void>;
}

export interface SessionHandle {
  readonly sandboxId: string;
  readonly id: string;
  /** A command with a daemon-style UUID unless `id` is given. */
  addCommand(opts: { command: string; id?: string; faults?: Partial<DaytonaFaults> }): CommandHandle;
  getCommand(id: string): CommandHandle | undefined;
  /** Deletes the session and its logs: follow sockets close with 1000, later requests get 404. */
  delete(): void;
}

export interface SandboxHandle {
  readonly id: string;
  readonly name: string;
  readonly state: string;
  addSession(id: string): SessionHandle;
  getSession(id: string): SessionHandle | undefined;
  /** The entrypoint command (session `entrypoint`, command `entrypoint_command`). */
  setEntrypoint(command: string, faults?: Partial<DaytonaFaults>): CommandHandle;
  readonly entrypoint: CommandHandle | undefined;
  /**
   * `started`, `stopped`, … (the toolbox answers only while started). Leaving `started` kills the
   * daemon like the platform does: follow sockets drop without a close frame, and every session and
   * the entrypoint are gone (they live in the daemon's memory).
   */
  setState(state: string): void;
  setLabels(labels: Record<string, string>): void;
}

export interface DaytonaEmulatorOptions {
  /** When set, every API and toolbox request needs `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  port?: number;
  /** `GET /api/sandbox` answers `{items, nextCursor}` (v0.180+, default) or a bare array (older servers). */
  listShape?: 'paged' | 'array';
  /** Caps the page size of the paged list, to force paging. */
  pageSize?: number;
  /** Default faults for every command. */
  faults?: Partial<DaytonaFaults>;
}

export interface DaytonaEmulator {
  /** The control-plane API base: `http://127.0.0.1:PORT/api`. */
  readonly apiUrl: string;
  /** What sandboxes report as `toolboxProxyUrl`: `http://127.0.0.1:PORT/toolbox`. */
  readonly toolboxProxyUrl: string;
  readonly requests: RecordedRequest[];
  readonly faults: DaytonaFaults;
  listShape: 'paged' | 'array';
  addSandbox(opts?: { id?: string; name?: string; labels?: Record<string, string>; state?: string }): SandboxHandle;
  getSandbox(id: string): SandboxHandle | undefined;
  /** Unlists a sandbox (destroyed): its toolbox answers 404 and its sockets close. */
  removeSandbox(id: string): void;
  setFaults(faults: Partial<DaytonaFaults>): void;
  /** The next `count` matching requests (default: log requests) answer `status`. */
  failNext(count: number, status: number, opts?: EmulatorFailOptions): void;
  close(): Promise<void>;
}
