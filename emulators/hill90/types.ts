// Public types of the Hill90 agent-events emulator (PLATFORMS.md §2).
import type { Chunking } from '../shared/chunking.ts';
import type { RecordedRequestBase } from '../shared/recorded-request.ts';

/** An agent event as the platform sends it (PLATFORMS §2.4); types and tools are open strings. */
export interface Hill90EventJson {
  id: string;
  timestamp: string;
  type: string;
  tool?: string;
  input_summary?: string;
  output_summary?: string | null;
  duration_ms?: number | null;
  success?: boolean | null;
  metadata?: Record<string, unknown>;
  [key: string]: unknown;
}

/** `data:` sent verbatim (not an event JSON); kept in the container log, so replays bring it back. */
export interface RawItem {
  raw: string;
}

/** A live-only frame of another event type (`event: <type>`), e.g. an unknown type. */
export interface TypedItem {
  event: string;
  data: string;
}

export type AppendItem = Hill90EventJson | RawItem | TypedItem;

export type Family = 'container' | 'inference';

/** Fault settings; emulator defaults overridden per agent. Read at connect time. */
export interface Hill90Faults {
  chunking: Chunking;
  /** Seed for `chunking: 'random'` (each connection gets seed + its ordinal). */
  seed: number;
  /** Delay between writes of one response; 0 = only yield to the event loop. */
  chunkDelayMs: number;
  /** Destroy the socket after N data frames on each connection; an array gives successive connections' limits. */
  disconnectAfter?: number | number[];
  /** Write every N-th data frame twice (a flaky proxy): the client must drop the repeat. */
  duplicateEvery?: number;
}

/** `stopped`, `running`, `error`, `unknown` (PLATFORMS §2.7). */
export type AgentStatus = 'stopped' | 'running' | 'error' | 'unknown' | (string & Record<never, never>);

export interface AddAgentOptions {
  /** The agent's UUID (the `{id}` of the events route). */
  id: string;
  name?: string;
  /** Slug (container name); default derived from the name or id. */
  agentId?: string;
  status?: AgentStatus;
  faults?: Partial<Hill90Faults>;
}

export interface FailOptions {
  /** Retry-After header value (seconds or an HTTP date). */
  retryAfter?: number | string;
  /** Response body; default `{"error": "..."}`. */
  body?: unknown;
  /** Which requests it applies to; default `events`. */
  route?: Hill90Route | 'any';
}

export type Hill90Route = 'events' | 'agents' | 'token' | 'unknown';

export interface RecordedRequest extends RecordedRequestBase<Hill90Route> {
  agentId?: string;
}

export interface AgentHandle {
  readonly id: string;
  readonly name: string;
  readonly status: AgentStatus;
  /** Events requests that named this agent (including refused ones). */
  readonly attempts: number;
  /** SSE connections answered 200. */
  readonly connections: number;
  readonly liveConnections: number;
  /** `tail` of each SSE connection, in order. */
  readonly tails: readonly number[];
  /** Data payloads in the order written, with their family. */
  readonly history: readonly { family: Family; data: string }[];
  /** Appends events (history and live connections); typed items go to live connections only. */
  append(...items: AppendItem[]): void;
  /** `event: error` to live connections (text or `{"error","detail"}`); `close` then ends them (no `event: end`). */
  error(payload: string | { error: string; detail?: string }, opts?: { close?: boolean }): void;
  /** The container stopped: `event: end` on live connections, status `stopped` (later connects get 409). */
  end(): void;
  setStatus(status: AgentStatus): void;
  setFaults(faults: Partial<Hill90Faults>): void;
  /** Destroys live connections (a network cut). */
  cut(): void;
  /** end() and delete the agent (listing drops it, events 404). */
  remove(): void;
  /** Resolves once the `count`-th connection (answered 200) is open. */
  waitForConnection(count?: number, timeoutMs?: number): Promise<void>;
}

export interface OidcOptions {
  clientId: string;
  clientSecret: string;
  /** Life of issued tokens; the server ends a stream when its token expires. Default 300 s. */
  ttlMs?: number;
}

export interface Hill90EmulatorOptions {
  /** A static bearer token every request may use. */
  token?: string;
  /** Enable the token endpoint (client credentials); its tokens are accepted until they expire. */
  oidc?: OidcOptions;
  port?: number;
  faults?: Partial<Hill90Faults>;
}

export interface Hill90Emulator {
  /** `http://127.0.0.1:PORT` (the API base). */
  readonly url: string;
  /** The client-credentials token endpoint. */
  readonly tokenUrl: string;
  readonly requests: RecordedRequest[];
  readonly faults: Hill90Faults;
  /** Tokens issued by the token endpoint so far. */
  readonly tokensIssued: number;
  addAgent(opts: AddAgentOptions): AgentHandle;
  getAgent(id: string): AgentHandle | undefined;
  setFaults(faults: Partial<Hill90Faults>): void;
  setToken(token: string | undefined): void;
  /** The next `count` matching requests answer `status`. */
  failNext(count: number, status: number, opts?: FailOptions): void;
  /** While paused, events requests answer 503 (nothing can connect). */
  pause(): void;
  resume(): void;
  close(): Promise<void>;
}
