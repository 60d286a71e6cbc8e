/**
 * Every metric of DESIGN §6, and every extra counter the sources count, is on /metrics from
 * the start with its HELP text, type and label set, and the per-source series are present at
 * 0 for every source (with every known reason), so rate() and dashboards never see gaps.
 */
import { describe, expect, it } from 'vitest';
import { Events } from '../../src/telemetry/events.ts';
import { silentLogger } from '../../src/telemetry/logger.ts';
import { createMetrics } from '../../src/telemetry/metrics.ts';
import { parseMetrics, sample } from './ops-helpers.ts';

/** name → [type, HELP] lines of a Prometheus exposition. */
function catalogue(text: string): Map<string, { type: string; help: string }> {
  const out = new Map<string, { type: string; help: string }>();
  for (const m of text.matchAll(/^# HELP (\S+) (.*)\n# TYPE \1 (\S+)$/gm)) out.set(m[1]!, { help: m[2]!, type: m[3]! });
  return out;
}

const COUNTERS_BY_SOURCE = [
  'agentlog_records_received_total',
  'agentlog_records_exported_total',
  'agentlog_reconnects_total',
  'agentlog_gaps_total',
  'agentlog_parse_errors_total',
  'agentlog_auth_failures_total',
  'agentlog_platform_errors_total',
];

describe('metric catalogue', () => {
  it('exposes every metric with HELP and type before anything happened, per-source series at 0', async () => {
    const metrics = createMetrics();
    const events = new Events(silentLogger(), metrics);
    metrics.setStatusProvider(() => ({ spoolBytes: 0, queueRecords: 0, streams: { a: [] }, newestExportedMs: {} }));
    events.sourceStarted('a');
    const text = await metrics.text();
    const types = catalogue(text);
    const expected: Record<string, string> = {
      agentlog_records_received_total: 'counter',
      agentlog_records_exported_total: 'counter',
      agentlog_records_dropped_total: 'counter',
      agentlog_records_skipped_total: 'counter',
      agentlog_export_requests_total: 'counter',
      agentlog_export_duration_seconds: 'histogram',
      agentlog_spool_bytes: 'gauge',
      agentlog_queue_records: 'gauge',
      agentlog_streams: 'gauge',
      agentlog_reconnects_total: 'counter',
      agentlog_gaps_total: 'counter',
      agentlog_stream_lag_seconds: 'gauge',
      agentlog_parse_errors_total: 'counter',
      agentlog_auth_failures_total: 'counter',
      agentlog_platform_errors_total: 'counter',
      agentlog_config_reloads_total: 'counter',
    };
    for (const [name, type] of Object.entries(expected)) {
      expect(types.get(name)?.type, name).toBe(type);
      // Real help text, not the metric's name repeated.
      expect(types.get(name)?.help, name).not.toBe(name);
      expect(types.get(name)?.help.length, name).toBeGreaterThan(15);
    }
    const m = parseMetrics(text);
    for (const name of COUNTERS_BY_SOURCE) expect(sample(m, name, { source: 'a' }), name).toBe(0);
    for (const reason of ['dedupe', 'heartbeat', 'unknown_event']) expect(sample(m, 'agentlog_records_skipped_total', { source: 'a', reason }), reason).toBe(0);
    for (const reason of ['rejected', 'oversized']) expect(sample(m, 'agentlog_records_dropped_total', { source: 'a', reason }), reason).toBe(0);
    for (const state of ['discovering', 'connected', 'retrying', 'auth_failed', 'finished']) expect(sample(m, 'agentlog_streams', { source: 'a', state }), state).toBe(0);
    for (const result of ['success', 'failure']) expect(sample(m, 'agentlog_config_reloads_total', { result }), result).toBe(0);
    // Label sets are exactly DESIGN §6's.
    expect(text).toMatch(/^agentlog_records_dropped_total\{source="a",reason="rejected"\} 0$/m);
    expect(text).toMatch(/^agentlog_records_skipped_total\{source="a",reason="dedupe"\} 0$/m);
  });

  it('a platform error counted by a source is on /metrics with its help text', async () => {
    const metrics = createMetrics();
    const events = new Events(silentLogger(), metrics);
    events.platformError('h', 'h/stream', 'the platform said so');
    const text = await metrics.text();
    expect(catalogue(text).get('agentlog_platform_errors_total')?.help).toMatch(/^(?!agentlog_).*error/i);
    expect(sample(parseMetrics(text), 'agentlog_platform_errors_total', { source: 'h' })).toBe(1);
  });
});
