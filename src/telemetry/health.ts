/**
 * Liveness and readiness (DESIGN §6). Alive while the process answers; ready only while the
 * daemon runs and is not shutting down, so an orchestrator stops routing to, or waiting on, a
 * daemon that is starting or draining. The body says where every stream stands and when the
 * exporter last succeeded and failed, which is what an operator asks first.
 */

export type Phase = 'starting' | 'running' | 'stopping';

/** The part of the daemon's status readiness reports (the daemon's status has this shape). */
export interface ReadinessStatus {
  sources: Record<string, { state: string; streams: { key: string; state: string; detail?: string }[] }>;
  exporter: {
    /** connected | retrying | auth_failed */
    state?: string;
    lastSuccessAt?: string;
    lastFailureAt?: string;
    lastFailure?: string;
    inFlight: boolean;
    queuedBatches: number;
    queuedRecords: number;
    queuedBytes: number;
  };
  memory?: { limited: boolean; rssBytes: number; softBytes: number; limitBytes: number };
  /** Whether hand-offs wait for room: ok | spool_full | disk_full (sources paused while not ok). */
  storage?: { state: string; since?: string; detail?: string };
}

export interface ReadinessAnswer {
  statusCode: 200 | 503;
  body: {
    status: Phase;
    sources: ReadinessStatus['sources'];
    exporter: {
      state: string | null;
      last_success: string | null;
      last_failure: string | null;
      last_failure_reason: string | null;
      in_flight: boolean;
      queued_batches: number;
      queued_records: number;
      queued_bytes: number;
    } | null;
    /** memory_limit: null without one. Held back (limited) does not make the daemon unready: it catches up once memory falls. */
    memory: { limited: boolean; rss_bytes: number; soft_bytes: number; limit_bytes: number } | null;
    storage: { state: string; since: string | null; detail: string | null } | null;
  };
}

export interface Health {
  readonly phase: Phase;
  setPhase(phase: Phase): void;
  setStatusProvider(provider: () => ReadinessStatus): void;
  readiness(): ReadinessAnswer;
}

export function createHealth(): Health {
  let phase: Phase = 'starting';
  let provider: (() => ReadinessStatus) | undefined;
  return {
    get phase() {
      return phase;
    },
    setPhase(next) {
      phase = next;
    },
    setStatusProvider(next) {
      provider = next;
    },
    readiness() {
      const status = provider?.();
      const e = status?.exporter;
      return {
        statusCode: phase === 'running' && status ? 200 : 503,
        body: {
          status: phase,
          sources: status?.sources ?? {},
          exporter: e
            ? {
                state: e.state ?? null,
                last_success: e.lastSuccessAt ?? null,
                last_failure: e.lastFailureAt ?? null,
                last_failure_reason: e.lastFailure ?? null,
                in_flight: e.inFlight,
                queued_batches: e.queuedBatches,
                queued_records: e.queuedRecords,
                queued_bytes: e.queuedBytes,
              }
            : null,
          memory: status?.memory
            ? { limited: status.memory.limited, rss_bytes: status.memory.rssBytes, soft_bytes: status.memory.softBytes, limit_bytes: status.memory.limitBytes }
            : null,
          storage: status?.storage ? { state: status.storage.state, since: status.storage.since ?? null, detail: status.storage.detail ?? null } : null,
        },
      };
    },
  };
}
