// Public types of the AgentBox (scitix Agent-Sandbox) emulator (PLATFORMS.md §4).
import type { Chunking } from '../shared/chunking.ts';
import type { RecordedRequestBase } from '../shared/recorded-request.ts';

/** One stored line of a container's log. */
export type StoredLine =
  /** A console line; `time` is the kubelet's RFC 3339 text with nanoseconds. */
  | { kind: 'line'; time: string; log: string }
  /** Not the documented shape: `entry` goes into `entries[]` as is, `text` is the NDJSON line. */
  | { kind: 'malformed'; entry: unknown; text: string };

export type SandboxStatus = 'Pending' | 'Starting' | 'Running' | 'Stopping' | 'Failed' | 'Completed' | 'Canceled' | 'Released';

export interface AddSandboxOptions {
  /** Default: a generated UUID-like id. */
  id?: string;
  pool?: string;
  status?: SandboxStatus;
  namespace?: string;
  podName?: string;
  /** Container names in pod spec order; default ['sandbox']. */
  containers?: string[];
  /** Runtime names that have a logDir (valid `source=` values). */
  runtimes?: string[];
  /** Milliseconds; the list is sorted by claimedAt desc. Default: now + insertion order. */
  claimedAt?: number;
}

export interface AgentboxFaults {
  /** How NDJSON stream bytes are cut into writes. */
  chunking: Chunking;
  seed: number;
  /** Cut each stream connection after N lines (array: per successive connection; past its end: no cut). */
  disconnectAfter?: number | number[];
  /** Serve `/logs/stream`; false: 404 like a deployment without the route. */
  streamRoute: boolean;
  /** Newer server: entries carry `timestamp`; false: older server, no timestamps. */
  timestamps: boolean;
}

export interface FailOptions {
  retryAfter?: number | string;
  /** Which requests: `logs` (snapshot and stream, default), `list`, `get` or `any`. */
  route?: 'logs' | 'list' | 'get' | 'any';
  /** Answer 200 with this text instead (a broken gateway page). */
  body?: string;
}

export type AgentboxRoute = 'list' | 'get' | 'logs' | 'stream' | 'unknown';

export interface RecordedRequest extends RecordedRequestBase<AgentboxRoute> {
  sandboxId?: string;
}

export interface SandboxHandle {
  readonly id: string;
  readonly status: SandboxStatus;
  readonly containers: readonly string[];
  /**
   * Appends lines to a container, all stamped with one timestamp (the hard case for a cursor),
   * or `time` when given; pushes them to open streams. Returns the stored lines.
   */
  append(container: string, lines: readonly string[], time?: string): void;
  /** Appends an entry that is not the documented shape (the NDJSON route sends `text`). */
  appendMalformed(container: string, entry: unknown, text: string): void;
  /** The container restarts: its log starts over, empty (the kubelet serves the new instance's log). */
  restartContainer(container: string): void;
  /** Every stored line of a container. */
  lines(container: string): readonly StoredLine[];
  /** Status change; anything but Running ends open streams (404 for logs afterwards, like an older server). */
  setStatus(status: SandboxStatus): void;
  /** Gone from the list and get (404). */
  remove(): void;
  /** Stream connections answered 200, and those open now. */
  readonly streamConnections: number;
  readonly liveStreams: number;
}

export interface AgentboxEmulatorOptions {
  /** Required `AGENTBOX-API-KEY`; undefined: no check. */
  apiKey?: string;
  faults?: Partial<AgentboxFaults>;
  /** Cap of the list page size, to force paging with few sandboxes (the server clamps to 100). */
  pageSize?: number;
  /** Sent as `X-AgentBox-Server-Version`. */
  serverVersion?: string;
  /** Clock for line timestamps (ms); default Date.now. */
  now?: () => number;
}

export interface AgentboxEmulator {
  /** `http://127.0.0.1:PORT` (the gateway; the API is under /v1). */
  readonly url: string;
  readonly requests: RecordedRequest[];
  readonly faults: AgentboxFaults;
  addSandbox(opts?: AddSandboxOptions): SandboxHandle;
  getSandbox(id: string): SandboxHandle | undefined;
  setFaults(faults: Partial<AgentboxFaults>): void;
  /** The next `count` matching requests answer `status` (or 200 with `body`). */
  failNext(count: number, status: number, opts?: FailOptions): void;
  close(): Promise<void>;
}
