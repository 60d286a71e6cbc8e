/**
 * The daemon's Prometheus metrics (DESIGN §6) on a registry of its own, never prom-client's
 * global one: two daemons in one process (tests, library use) must not share counters.
 * Counters and the export-duration histogram are fed by Events; the gauges that describe
 * state (spool, queue, streams, lag) are read from the daemon's status at scrape time, so
 * they can never go stale.
 */
import { Counter, Gauge, Histogram, Registry } from './prom.ts';
import { registerProcessMetrics } from './process-metrics.ts';

export type Labels = Record<string, string>;

/** What the scrape-time gauges read; the daemon wiring adapts its status to this. */
export interface ScrapeStatus {
  spoolBytes: number;
  queueRecords: number;
  /** Per source: its streams' states. */
  streams: Record<string, { state: StreamStateName }[]>;
  /** Per source: platform time (ms) of the newest record the endpoint accepted. */
  newestExportedMs: Record<string, number>;
}

export const STREAM_STATES = ['discovering', 'connected', 'retrying', 'auth_failed', 'finished'] as const;
export type StreamStateName = (typeof STREAM_STATES)[number];

/** Every counter with its help text and labels: the one list of names (an unlisted name does not compile). */
const COUNTERS = {
  agentlog_records_received_total: { help: 'Entries read from the platform, before dedupe and filters.', labels: ['source'] },
  agentlog_records_exported_total: { help: 'Records the OTLP endpoint acknowledged (2xx).', labels: ['source'] },
  agentlog_records_dropped_total: { help: 'Records dropped: rejected by the endpoint (non-retryable 4xx, partial_success), oversized, or too_large (a single record the endpoint refused with 413).', labels: ['source', 'reason'] },
  agentlog_records_skipped_total: { help: 'Entries not exported on purpose: dedupe (replayed), heartbeat, unknown_event, filtered (processing drop).', labels: ['source', 'reason'] },
  agentlog_records_redacted_total: { help: 'Records that had a secret replaced by processing.redact.', labels: ['source'] },
  agentlog_export_requests_total: { help: 'Export requests by outcome: 2xx, an HTTP status, or a network error code.', labels: ['code'] },
  agentlog_reconnects_total: { help: 'Stream reconnects after a connection ended.', labels: ['source'] },
  agentlog_gaps_total: { help: 'Times the platform replay window could not cover what happened while disconnected.', labels: ['source'] },
  agentlog_parse_errors_total: { help: 'Frames that were not the documented format; kept as raw text.', labels: ['source'] },
  agentlog_auth_failures_total: { help: 'Connections the platform refused (401/403) or whose credentials could not be obtained.', labels: ['source'] },
  agentlog_platform_errors_total: { help: 'Errors the platform reported inside a stream (e.g. Hill90 `event: error`); logged, never exported.', labels: ['source'] },
  agentlog_checkpoint_errors_total: { help: 'Stored checkpoints that could not be read; the stream started as if it had none.', labels: ['source'] },
  agentlog_config_reloads_total: { help: 'SIGHUP config reloads by result (success, failure).', labels: ['result'] },
  agentlog_memory_limited_total: { help: 'Times memory_limit\'s soft mark was reached and reading paused until memory fell below it again.', labels: [] },
} as const satisfies Record<string, { help: string; labels: readonly string[] }>;

/** A counter's name: one of COUNTERS, so a misspelt or new name is a compile error, not a new series. */
export type CounterName = keyof typeof COUNTERS;
/** The labels a counter takes, exactly its label names. */
export type LabelsOf<N extends CounterName> = Record<(typeof COUNTERS)[N]['labels'][number], string>;

/** Series every source has from its start, so dashboards and rate() see 0 rather than nothing. */
const PER_SOURCE: { name: CounterName; reasons?: string[] }[] = [
  { name: 'agentlog_records_received_total' },
  { name: 'agentlog_records_exported_total' },
  { name: 'agentlog_records_dropped_total', reasons: ['rejected', 'oversized', 'too_large'] },
  { name: 'agentlog_records_skipped_total', reasons: ['dedupe', 'heartbeat', 'unknown_event', 'filtered'] },
  { name: 'agentlog_records_redacted_total' },
  { name: 'agentlog_reconnects_total' },
  { name: 'agentlog_gaps_total' },
  { name: 'agentlog_parse_errors_total' },
  { name: 'agentlog_auth_failures_total' },
  { name: 'agentlog_platform_errors_total' },
  { name: 'agentlog_checkpoint_errors_total' },
];

export interface Metrics {
  readonly registry: Registry;
  inc<N extends CounterName>(name: N, labels: LabelsOf<N>, n: number): void;
  observeExportSeconds(seconds: number): void;
  /** Make a source's counters visible at 0. */
  addSource(source: string): void;
  /** Where scrape-time gauges read the daemon's state; until set they are empty. */
  setStatusProvider(provider: () => ScrapeStatus): void;
  /** The Prometheus text exposition. */
  text(): Promise<string>;
  readonly contentType: string;
}

export interface MetricsOptions {
  /** Process and Node.js metrics (CPU, memory, event loop), read at scrape time: process-metrics.ts. */
  processDefaults?: boolean;
  now?: () => number;
}

export function createMetrics(options: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  if (options.processDefaults) registerProcessMetrics(registry);
  const now = options.now ?? Date.now;
  const counters = new Map<CounterName, Counter>();
  let provider: (() => ScrapeStatus) | undefined;

  function counter(name: CounterName): Counter {
    let c = counters.get(name);
    if (!c) {
      const { help, labels } = COUNTERS[name];
      c = new Counter({ name, help, labelNames: labels, registers: [registry] });
      counters.set(name, c);
    }
    return c;
  }

  // Every counter is registered up front: its HELP and TYPE are on /metrics before the first event.
  for (const name of Object.keys(COUNTERS) as CounterName[]) counter(name);
  // Both reload results from the start: an alert on increase(...{result="failure"}) needs the 0.
  for (const result of ['success', 'failure']) counter('agentlog_config_reloads_total').inc({ result }, 0);
  counter('agentlog_memory_limited_total').inc(0);

  const exportSeconds = new Histogram({
    name: 'agentlog_export_duration_seconds',
    help: 'Duration of export requests to the OTLP endpoint, whatever their outcome.',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });

  // Scrape-time gauges: each reads the provider when Prometheus asks.
  new Gauge({
    name: 'agentlog_spool_bytes',
    help: 'Bytes of encoded batches waiting in the spool (or the in-memory queue with the spool off).',
    registers: [registry],
    collect() {
      if (provider) this.set(provider().spoolBytes);
    },
  });
  new Gauge({
    name: 'agentlog_queue_records',
    help: 'Records handed in and not yet acknowledged by the endpoint (spool/queue and batcher).',
    registers: [registry],
    collect() {
      if (provider) this.set(provider().queueRecords);
    },
  });
  new Gauge({
    name: 'agentlog_streams',
    help: 'Streams by source and state.',
    labelNames: ['source', 'state'],
    registers: [registry],
    collect() {
      this.reset();
      if (!provider) return;
      for (const [source, streams] of Object.entries(provider().streams)) {
        for (const state of STREAM_STATES) this.set({ source, state }, streams.filter((s) => s.state === state).length);
      }
    },
  });
  new Gauge({
    name: 'agentlog_stream_lag_seconds',
    help: 'Now minus the platform time of the newest record the endpoint accepted, per source.',
    labelNames: ['source'],
    registers: [registry],
    collect() {
      this.reset();
      if (!provider) return;
      for (const [source, ms] of Object.entries(provider().newestExportedMs)) this.set({ source }, Math.max(0, (now() - ms) / 1000));
    },
  });

  return {
    registry,
    contentType: registry.contentType,
    inc(name, labels, n) {
      counter(name).inc(labels, n);
    },
    observeExportSeconds(seconds) {
      exportSeconds.observe(seconds);
    },
    addSource(source) {
      for (const { name, reasons } of PER_SOURCE) {
        if (!reasons) counter(name).inc({ source }, 0);
        else for (const reason of reasons) counter(name).inc({ source, reason }, 0);
      }
    },
    setStatusProvider(next) {
      provider = next;
    },
    text: () => registry.metrics(),
  };
}
