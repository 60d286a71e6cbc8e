/**
 * Each internal event is named once here; one call both logs and counts,
 * so log text and metric never drift apart. A count goes to the daemon's
 * prom-client registry (what /metrics serves) and to a plain tally that
 * `total()` reads synchronously (the demo's progress lines, tests).
 */
import type { Logger } from './logger.ts';
import { createMetrics, type CounterName, type Labels, type LabelsOf, type Metrics } from './metrics.ts';
import { clip } from '../util/clip.ts';
import { formatBytes } from '../util/format-bytes.ts';

export type { CounterName, Labels };

/** The fields of the progress line (lifecycle/progress.ts computes them). */
export interface ProgressFields {
  interval_s: number;
  records_in_per_s: number;
  records_out_per_s: number;
  /** Handed in and not yet acknowledged (spool or memory queue, and the batcher). */
  waiting_records: number;
  spool_bytes: number;
  per_source: Record<string, { state: string; streams: number; in_per_s: number; out_per_s: number; lag_s: number | null }>;
}

/** What `total()` reads: a counter, or the export-duration histogram's sum and count. */
export type TallyName = CounterName | 'agentlog_export_duration_seconds_sum' | 'agentlog_export_duration_seconds_count';

export interface CounterSample {
  name: string;
  labels: Labels;
  value: number;
}

function keyOf(name: string, labels: Labels): string {
  // Code-unit order, not localeCompare: label names are ASCII, and ICU's collation data costs ~2 MB of RSS.
  return name + JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Log once per window per key (e.g. a 401 once a minute, not once per retry). */
class RateLimiter {
  readonly #last = new Map<string, number>();
  readonly windowMs: number;
  constructor(windowMs: number) {
    this.windowMs = windowMs;
  }
  allow(key: string, now = Date.now()): boolean {
    const last = this.#last.get(key);
    if (last !== undefined && now - last < this.windowMs) return false;
    this.#last.set(key, now);
    return true;
  }
}

export class Events {
  readonly #counters = new Map<string, CounterSample>();
  readonly #authLimiter = new RateLimiter(60_000);
  readonly #broken = new Set<string>();
  readonly logger: Logger;
  /** The registry /metrics serves; without one given, a private one without process defaults. */
  readonly metrics: Metrics;

  constructor(logger: Logger, metrics: Metrics = createMetrics()) {
    this.logger = logger;
    this.metrics = metrics;
  }

  /** Counting is private: each count belongs to a named event below. */
  #count<N extends CounterName>(name: N, labels: LabelsOf<N>, n = 1): void {
    this.#tally(name, labels, n);
    this.#safely(name, () => this.metrics.inc(name, labels, n));
  }

  #tally(name: TallyName, labels: Labels, n: number): void {
    const key = keyOf(name, labels);
    const sample = this.#counters.get(key);
    if (sample) sample.value += n;
    else this.#counters.set(key, { name, labels, value: n });
  }

  /** A metric used with inconsistent labels is a bug, but never one that stops the daemon. */
  #safely(name: string, update: () => void): void {
    try {
      update();
    } catch (error) {
      if (this.#broken.has(name)) return;
      this.#broken.add(name);
      this.logger.warn({ event: 'telemetry.metric_failed', metric: name, reason: (error as Error).message }, 'metric could not be updated');
    }
  }

  /** Sum of a counter over all label sets matching `labels`. */
  total(name: TallyName, labels: Labels = {}): number {
    let sum = 0;
    for (const s of this.#counters.values()) {
      if (s.name !== name) continue;
      if (Object.entries(labels).every(([k, v]) => s.labels[k] === v)) sum += s.value;
    }
    return sum;
  }

  recordsReceived(source: string, n: number): void {
    this.#count('agentlog_records_received_total', { source }, n);
  }

  recordsSkipped(source: string, reason: 'dedupe' | 'heartbeat' | 'unknown_event' | 'filtered', n = 1): void {
    if (n > 0) this.#count('agentlog_records_skipped_total', { source, reason }, n);
  }

  /** Records that had a secret replaced by the processing stage (DESIGN §4.5). */
  recordsRedacted(source: string, n = 1): void {
    if (n > 0) this.#count('agentlog_records_redacted_total', { source }, n);
  }

  /** A stored checkpoint could not be read: the stream starts as if it had none (DESIGN §6). */
  checkpointUnreadable(source: string, stream: string): void {
    this.#count('agentlog_checkpoint_errors_total', { source });
    this.logger.warn({ event: 'checkpoint.unreadable', source, stream }, 'stored checkpoint unreadable; the stream starts as if it had none');
  }

  unknownEvent(source: string, stream: string, eventType: string): void {
    this.recordsSkipped(source, 'unknown_event');
    this.logger.debug({ event: 'source.unknown_event', source, stream, type: eventType }, 'unknown SSE event type ignored');
  }

  parseError(source: string, stream: string, sample: string): void {
    this.#count('agentlog_parse_errors_total', { source });
    this.logger.debug({ event: 'source.parse_error', source, stream, sample: clip(sample, 200) }, 'frame is not the documented JSON; kept as raw body');
  }

  recordsExported(bySource: Record<string, number>): void {
    for (const [source, n] of Object.entries(bySource)) this.#count('agentlog_records_exported_total', { source }, n);
  }

  /** An SSE event over the reader's size bound was skipped; the events around it are kept. */
  oversizedEvent(source: string, stream: string): void {
    this.#count('agentlog_records_dropped_total', { source, reason: 'oversized' });
    this.logger.error({ event: 'stream.oversized_event', source, stream }, 'an event exceeded the size bound and was skipped');
  }

  recordsDropped(bySource: Record<string, number>, reason: string, detail: string): void {
    for (const [source, n] of Object.entries(bySource)) this.#count('agentlog_records_dropped_total', { source, reason }, n);
    this.logger.error({ event: 'export.dropped', reason, detail, records: Object.values(bySource).reduce((a, b) => a + b, 0) }, 'batch dropped');
  }

  exportRequest(code: string, seconds: number): void {
    this.#count('agentlog_export_requests_total', { code });
    // A real histogram on /metrics; the tally keeps sum and count for total().
    this.#tally('agentlog_export_duration_seconds_sum', {}, seconds);
    this.#tally('agentlog_export_duration_seconds_count', {}, 1);
    this.#safely('agentlog_export_duration_seconds', () => this.metrics.observeExportSeconds(seconds));
  }

  exportRetry(code: string, delayMs: number, detail: string): void {
    this.logger.warn({ event: 'export.retry', code, delay_ms: Math.round(delayMs), detail }, 'export failed; retrying');
  }

  /** The endpoint refused the credentials (or the client refused a header): warn once a minute, keep the batch. */
  exportAuthFailed(code: string, delayMs: number, detail: string): void {
    if (this.#authLimiter.allow('exporter')) {
      this.logger.warn(
        { event: 'export.auth_failed', code, delay_ms: Math.round(delayMs), detail },
        'the OTLP endpoint refused the credentials (check exporter.headers); batches are kept and retried',
      );
    }
  }

  /** The volume under storage.dir has no room for the next batch: the sources pause (logged once per outage by the spool). */
  storageFull(fields: { dir?: string; file: string; reason: string; free_bytes?: number; spooled_batches: number }): void {
    this.logger.warn({ event: 'storage.full', ...fields }, 'the volume of storage.dir is full: sources paused until the exporter delivers and frees space (nothing is dropped)');
  }

  storageDrained(dir: string | undefined): void {
    this.logger.info({ event: 'storage.drained', dir }, 'the spool is empty again after the volume was full');
  }

  /** Checkpoints of sources not in the config (a rename starts over under the new name). */
  checkpointsOrphaned(orphans: ReadonlyMap<string, number>): void {
    this.logger.warn(
      { event: 'checkpoints.orphaned', sources: [...orphans.keys()], streams: Object.fromEntries(orphans) },
      'checkpoints of sources that are not in the config: a renamed source starts over under its new name. ' +
        'To keep its place, stop the daemon and run `agent-log-exporter checkpoints move OLD NEW`; `checkpoints reset OLD` removes them',
    );
  }

  reconnect(source: string, stream: string, reason: string, delayMs: number): void {
    this.#count('agentlog_reconnects_total', { source });
    this.logger.info({ event: 'stream.reconnect', source, stream, reason, delay_ms: Math.round(delayMs) }, 'stream disconnected; reconnecting');
  }

  authFailed(source: string, stream: string, status: number, reason: string): void {
    this.#count('agentlog_auth_failures_total', { source });
    if (this.#authLimiter.allow(`${source}/${stream}`)) {
      this.logger.error({ event: 'stream.auth_failed', source, stream, status, reason }, 'platform refused the credentials; retrying slowly');
    }
  }

  streamFinished(source: string, stream: string, reason: string): void {
    this.logger.info({ event: 'stream.finished', source, stream, reason }, 'stream finished and released');
  }

  /** memory_limit's soft mark reached: hand-offs wait, sources pause reading. */
  memoryLimited(rssBytes: number, mark: 'soft' | 'hard', limitBytes: number): void {
    this.#count('agentlog_memory_limited_total', {});
    this.logger.warn(
      { event: 'memory.limited', rss_bytes: rssBytes, mark, limit_bytes: limitBytes },
      `memory at its ${mark} mark: reading paused until it falls below 80 % of memory_limit`,
    );
  }

  /** At the hard mark with nothing left to send: the limit is below what the open streams need. */
  memoryBelowFloor(rssBytes: number, limitBytes: number): void {
    this.logger.warn(
      { event: 'memory.below_floor', rss_bytes: rssBytes, limit_bytes: limitBytes },
      `memory at ${formatBytes(rssBytes)} with nothing left to send, above memory_limit (${formatBytes(limitBytes)}): what the daemon keeps open (its streams' connections and state) needs more than the limit, so new streams open one at a time; raise memory_limit or follow fewer streams (about 90 MB plus 40 KB per stream)`,
    );
  }

  memoryReleased(rssBytes: number): void {
    this.logger.info({ event: 'memory.released', rss_bytes: rssBytes }, 'memory below the soft mark again: reading resumes');
  }

  gap(source: string, stream: string, detail: string): void {
    this.#count('agentlog_gaps_total', { source });
    this.logger.warn({ event: 'stream.gap', source, stream, detail }, 'platform replay window could not cover what happened');
  }

  /** A source starts: its counters show 0 on /metrics from now on. */
  sourceStarted(source: string): void {
    this.#safely('source', () => this.metrics.addSource(source));
  }

  tokenFailed(source: string, reason: string): void {
    this.#count('agentlog_auth_failures_total', { source });
    if (this.#authLimiter.allow(`${source}/token`)) {
      this.logger.error({ event: 'source.token_failed', source, reason }, 'could not obtain an access token; retrying');
    }
  }

  serverListening(url: string): void {
    this.logger.info({ event: 'telemetry.listening', url }, 'serving /healthz /readyz /metrics');
  }

  configReloaded(summary: { added: string[]; removed: string[]; restarted: string[]; unchanged: number }): void {
    this.#count('agentlog_config_reloads_total', { result: 'success' });
    this.logger.info({ event: 'config.reloaded', ...summary }, 'config reloaded');
  }

  configReloadFailed(reason: string, issues: string[] = []): void {
    this.#count('agentlog_config_reloads_total', { result: 'failure' });
    this.logger.error({ event: 'config.reload_failed', reason, issues }, 'new config not applied; still running with the previous one');
  }

  configNeedsRestart(keys: string[]): void {
    this.logger.warn({ event: 'config.restart_required', keys }, 'these changes take effect only after a restart; still running with the previous values');
  }

  configReloading(configPath: string): void {
    this.logger.info({ event: 'config.reloading', config: configPath }, 'SIGHUP: reloading the config');
  }

  configReloadAbandoned(): void {
    this.logger.info({ event: 'config.reload_abandoned' }, 'shutting down: the reload was not applied');
  }

  // The daemon's life.

  daemonStarted(sources: number, endpoint: string, spool: boolean): void {
    this.logger.info({ event: 'daemon.started', sources, endpoint, spool }, 'agent-log-exporter started');
  }

  daemonSignal(signal: string): void {
    this.logger.info({ event: 'daemon.signal', signal }, 'signal received');
  }

  daemonForcedExit(signal: string): void {
    this.logger.warn({ event: 'daemon.forced_exit', signal }, 'second signal: exiting at once; undelivered batches stay in the spool');
  }

  daemonStopping(timeoutMs: number): void {
    this.logger.info({ event: 'daemon.stopping', timeout_ms: timeoutMs }, 'stopping: flushing what can be flushed');
  }

  daemonStopped(delivered: boolean, left: { batches: number; records: number }): void {
    this.logger.info(
      { event: 'daemon.stopped', delivered, spooled_batches: left.batches, spooled_records: left.records },
      delivered ? 'stopped; everything delivered' : 'stopped; undelivered batches stay in the spool',
    );
  }

  /** The heartbeat line every log.progress_interval: numbers in `progress` (pretty lines leave it out), spelt out in the message. */
  progress(fields: ProgressFields, message: string): void {
    this.logger.info({ event: 'daemon.progress', progress: fields }, message);
  }

  /** Records a previous run left in the spool are sent first. */
  spoolResumed(earlier: { batches: number; records: number; bytes: number }): void {
    this.logger.info(
      { event: 'spool.resumed', batches: earlier.batches, records: earlier.records, bytes: earlier.bytes },
      `${earlier.records} records spooled by a previous run are sent first`,
    );
  }

  spoolRecovered(batches: number, records: number): void {
    this.logger.info(
      { event: 'spool.recovered', batches, records },
      `the ${records} records spooled by a previous run have left the spool (delivered; any the endpoint refused are logged as export.dropped)`,
    );
  }

  daemonShutdownFailed(reason: string): void {
    this.logger.error({ event: 'daemon.shutdown_failed', reason }, 'shutdown failed');
  }

  daemonFatal(reason: string): void {
    this.logger.fatal({ event: 'daemon.fatal', reason }, 'fatal error; stopping');
  }

  // Sources, discovery and streams.

  /** A source left on reload; its checkpoints stay in the store. */
  sourceStopped(source: string): void {
    this.logger.info({ event: 'source.stopped', source }, 'source stopped; its checkpoints stay');
  }

  discoveryFailed(source: string, reason: string, delayMs: number): void {
    this.logger.warn({ event: 'discovery.failed', source, reason, delay_ms: Math.round(delayMs) }, 'listing streams failed');
  }

  /** One Daytona sandbox could not be listed; its streams known from before are kept. */
  sandboxListingFailed(source: string, sandbox: string, reason: string, kept: number): void {
    this.logger.warn({ event: 'discovery.sandbox_failed', source, sandbox, reason, kept }, 'listing the streams of a sandbox failed; keeping its streams');
  }

  /** A Foundry session without an agent version reference cannot be followed. */
  discoverySkipped(source: string, session: string, versionType: string | undefined): void {
    this.logger.warn({ event: 'discovery.skipped', source, session, version_type: versionType }, 'session has no agent version reference; skipped');
  }

  streamStarted(source: string, stream: string): void {
    this.logger.info({ event: 'stream.started', source, stream }, 'following stream');
  }

  /** Same stream, new identity (e.g. a Foundry session moved to another agent version). */
  streamChanged(source: string, stream: string): void {
    this.logger.info({ event: 'stream.changed', source, stream }, 'stream identity changed; restarting it');
  }

  /** A connection attempt threw; the stack only at log.level debug (the reconnect line says what happened). */
  streamError(source: string, stream: string, error: unknown): void {
    this.logger.debug({ event: 'stream.error', source, stream, err: error }, 'connection failed');
  }

  /** Records a stream still held when it ended (open multiline groups) could not be handed off. */
  streamCloseFailed(source: string, stream: string, reason: string): void {
    this.logger.warn({ event: 'stream.close_failed', source, stream, reason }, 'records held at the stream end could not be handed off');
  }

  streamFatal(source: string, stream: string, reason: string): void {
    this.logger.error({ event: 'stream.fatal', source, stream, reason }, 'stream stopped');
  }

  /** An error the platform reported inside a stream (Hill90 `event: error`): logged and counted, never exported. */
  platformError(source: string, stream: string, message: string): void {
    this.#count('agentlog_platform_errors_total', { source });
    this.logger.warn({ event: 'stream.platform_error', source, stream, message }, 'platform reported an error on the stream');
  }

  agentboxServer(source: string, stream: string, serverVersion: string): void {
    this.logger.info({ event: 'agentbox.server', source, stream, server_version: serverVersion }, 'AgentBox server answered');
  }

  /** In-band errors are the AgentBox server's, not the agent's output: logged, not exported. */
  agentboxStreamError(source: string, stream: string, message: string): void {
    this.logger.warn({ event: 'agentbox.stream_error', source, stream, message: clip(message, 300) }, 'AgentBox reported an error in the log stream');
  }

  agentboxNoStreamRoute(source: string, stream: string, status: number): void {
    this.logger.warn({ event: 'agentbox.no_stream_route', source, stream, status }, 'the deployment has no /logs/stream route; polling instead');
  }

  // Delivery.

  /** The batcher could not hand a batch to the queue (spool write failed). */
  flushFailed(reason: string): void {
    this.logger.error({ event: 'pipeline.flush_failed', reason }, 'batch could not be handed off');
  }

  exportAckFailed(reason: string, delayMs: number): void {
    this.logger.error({ event: 'export.ack_failed', reason, delay_ms: Math.round(delayMs) }, 'could not record a delivered batch; retrying');
  }

  /** The export loop itself broke (a bug): one fatal line, the stack at debug. */
  exportLoopFailed(error: unknown): void {
    this.logger.fatal({ event: 'export.loop_failed', reason: (error as Error).message }, 'export loop stopped');
    this.logger.debug({ event: 'export.loop_failed', err: error }, 'export loop stack');
  }

  // The telemetry server.

  telemetryRequestFailed(path: string | undefined, reason: string): void {
    this.logger.error({ event: 'telemetry.request_failed', path, reason }, 'telemetry request failed');
  }

  telemetryServerError(reason: string): void {
    this.logger.error({ event: 'telemetry.server_error', reason }, 'telemetry server error');
  }
}
