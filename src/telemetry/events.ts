/**
 * Each internal event is named once here; one call both logs and counts,
 * so log text and metric never drift apart. A count goes to the daemon's
 * prom-client registry (what /metrics serves) and to a plain tally that
 * `total()` reads synchronously (the demo's progress lines, tests).
 */
import type { Logger } from './logger.ts';
import { createMetrics, type Labels, type Metrics } from './metrics.ts';
import { clip } from '../util/clip.ts';

export type { Labels };

export interface CounterSample {
  name: string;
  labels: Labels;
  value: number;
}

function keyOf(name: string, labels: Labels): string {
  return name + JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)));
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
  readonly #gauges = new Map<string, CounterSample>();
  readonly #authLimiter = new RateLimiter(60_000);
  readonly #broken = new Set<string>();
  readonly logger: Logger;
  /** The registry /metrics serves; without one given, a private one without process defaults. */
  readonly metrics: Metrics;

  constructor(logger: Logger, metrics: Metrics = createMetrics()) {
    this.logger = logger;
    this.metrics = metrics;
  }

  count(name: string, labels: Labels, n = 1): void {
    this.#tally(name, labels, n);
    this.#safely(name, () => this.metrics.inc(name, labels, n));
  }

  gauge(name: string, labels: Labels, value: number): void {
    this.#gauges.set(keyOf(name, labels), { name, labels, value });
    this.#safely(name, () => this.metrics.set(name, labels, value));
  }

  #tally(name: string, labels: Labels, n: number): void {
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
  total(name: string, labels: Labels = {}): number {
    let sum = 0;
    for (const s of this.#counters.values()) {
      if (s.name !== name) continue;
      if (Object.entries(labels).every(([k, v]) => s.labels[k] === v)) sum += s.value;
    }
    return sum;
  }

  counters(): CounterSample[] {
    return [...this.#counters.values()];
  }

  gauges(): CounterSample[] {
    return [...this.#gauges.values()];
  }

  recordsReceived(source: string, n: number): void {
    this.count('agentlog_records_received_total', { source }, n);
  }

  recordsSkipped(source: string, reason: 'dedupe' | 'heartbeat' | 'unknown_event' | 'filtered', n = 1): void {
    if (n > 0) this.count('agentlog_records_skipped_total', { source, reason }, n);
  }

  /** Records that had a secret replaced by the processing stage (DESIGN §4.5). */
  recordsRedacted(source: string, n = 1): void {
    if (n > 0) this.count('agentlog_records_redacted_total', { source }, n);
  }

  unknownEvent(source: string, stream: string, eventType: string): void {
    this.recordsSkipped(source, 'unknown_event');
    this.logger.debug({ event: 'source.unknown_event', source, stream, type: eventType }, 'unknown SSE event type ignored');
  }

  parseError(source: string, stream: string, sample: string): void {
    this.count('agentlog_parse_errors_total', { source });
    this.logger.debug({ event: 'source.parse_error', source, stream, sample: clip(sample, 200) }, 'frame is not the documented JSON; kept as raw body');
  }

  recordsExported(bySource: Record<string, number>): void {
    for (const [source, n] of Object.entries(bySource)) this.count('agentlog_records_exported_total', { source }, n);
  }

  /** An SSE event over the reader's size bound was skipped; the events around it are kept. */
  oversizedEvent(source: string, stream: string): void {
    this.count('agentlog_records_dropped_total', { source, reason: 'oversized' });
    this.logger.error({ event: 'stream.oversized_event', source, stream }, 'an event exceeded the size bound and was skipped');
  }

  recordsDropped(bySource: Record<string, number>, reason: string, detail: string): void {
    for (const [source, n] of Object.entries(bySource)) this.count('agentlog_records_dropped_total', { source, reason }, n);
    this.logger.error({ event: 'export.dropped', reason, detail, records: Object.values(bySource).reduce((a, b) => a + b, 0) }, 'batch dropped');
  }

  exportRequest(code: string, seconds: number): void {
    this.count('agentlog_export_requests_total', { code });
    // A real histogram on /metrics; the tally keeps sum and count for total().
    this.#tally('agentlog_export_duration_seconds_sum', {}, seconds);
    this.#tally('agentlog_export_duration_seconds_count', {}, 1);
    this.#safely('agentlog_export_duration_seconds', () => this.metrics.observeExportSeconds(seconds));
  }

  exportRetry(code: string, delayMs: number, detail: string): void {
    this.logger.warn({ event: 'export.retry', code, delay_ms: Math.round(delayMs), detail }, 'export failed; retrying');
  }

  reconnect(source: string, stream: string, reason: string, delayMs: number): void {
    this.count('agentlog_reconnects_total', { source });
    this.logger.info({ event: 'stream.reconnect', source, stream, reason, delay_ms: Math.round(delayMs) }, 'stream disconnected; reconnecting');
  }

  authFailed(source: string, stream: string, status: number, reason: string): void {
    this.count('agentlog_auth_failures_total', { source });
    if (this.#authLimiter.allow(`${source}/${stream}`)) {
      this.logger.error({ event: 'stream.auth_failed', source, stream, status, reason }, 'platform refused the credentials; retrying slowly');
    }
  }

  streamFinished(source: string, stream: string, reason: string): void {
    this.logger.info({ event: 'stream.finished', source, stream, reason }, 'stream finished and released');
  }

  gap(source: string, stream: string, detail: string): void {
    this.count('agentlog_gaps_total', { source });
    this.logger.warn({ event: 'stream.gap', source, stream, detail }, 'platform replay window could not cover what happened');
  }

  /** A source starts: its counters show 0 on /metrics from now on. */
  sourceStarted(source: string): void {
    this.#safely('source', () => this.metrics.addSource(source));
  }

  tokenFailed(source: string, reason: string): void {
    this.count('agentlog_auth_failures_total', { source });
    if (this.#authLimiter.allow(`${source}/token`)) {
      this.logger.error({ event: 'source.token_failed', source, reason }, 'could not obtain an access token; retrying');
    }
  }

  serverListening(url: string): void {
    this.logger.info({ event: 'telemetry.listening', url }, 'serving /healthz /readyz /metrics');
  }

  configReloaded(summary: { added: string[]; removed: string[]; restarted: string[]; unchanged: number }): void {
    this.count('agentlog_config_reloads_total', { result: 'success' });
    this.logger.info({ event: 'config.reloaded', ...summary }, 'config reloaded');
  }

  configReloadFailed(reason: string, issues: string[] = []): void {
    this.count('agentlog_config_reloads_total', { result: 'failure' });
    this.logger.error({ event: 'config.reload_failed', reason, issues }, 'new config not applied; still running with the previous one');
  }

  configNeedsRestart(keys: string[]): void {
    this.logger.warn({ event: 'config.restart_required', keys }, 'these changes take effect only after a restart; still running with the previous values');
  }
}
