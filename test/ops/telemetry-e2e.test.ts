/**
 * The telemetry server of the real CLI under load (DESIGN §6): /healthz and /readyz answer
 * while a stream of 20 000 lines flows, /metrics counts exactly what the loopback receiver
 * decoded, the export duration is a histogram, scrape-time gauges show the drained queue and
 * the lag, and while stopping /readyz says 503 and /healthz still 200.
 */
import { describe, expect, it } from 'vitest';
import { generateLines } from '../../emulators/foundry.ts';
import { TOKEN, startRig } from '../helpers/harness.ts';
import { until } from '../helpers/until.ts';
import { get, opsConfigYaml, parseMetrics, runDaemonCli, sample, telemetryUrl, useOpsFixture } from './ops-helpers.ts';

const SESSION = { agent: 'support-agent', version: '3', id: 's_ops' };
const SOURCE = 'foundry-test';

const ops = useOpsFixture();

describe('telemetry server of the real daemon', () => {
  it('answers probes and metrics under load; metric values equal what the receiver got', async () => {
    ops.rig = await startRig({ chunking: 'random', seed: 7 });
    const session = ops.rig.emulator.addSession(SESSION);
    const start = Date.now() - 60_000;
    const lines = generateLines(20_000, { start, stepMs: 2 });
    ops.daemon = runDaemonCli(ops.rig, opsConfigYaml(ops.rig, { session: SESSION, batchMaxRecords: 500, batchTimeout: '20ms' }), { FOUNDRY_TOKEN: TOKEN });
    const base = await telemetryUrl(ops.daemon);

    await until(() => ops.rig!.emulator.requests.length > 0, 'the first connection');
    let written = 0;
    const writer = setInterval(() => {
      const next = lines.slice(written, written + 1000);
      written += next.length;
      if (next.length > 0) session.append(...next);
    }, 20);
    // Probes and scrapes all through the load: never an error, /readyz 200 once running.
    let scrapes = 0;
    try {
      while (ops.rig.receiver.records.length < lines.length) {
        const [health, ready, metrics] = await Promise.all([get(`${base}/healthz`), get(`${base}/readyz`), get(`${base}/metrics`)]);
        expect(health.status).toBe(200);
        expect(JSON.parse(health.text)).toEqual({ status: 'ok' });
        expect(ready.status, ready.text).toBe(200);
        expect(metrics.status).toBe(200);
        expect(metrics.contentType).toContain('text/plain');
        const exported = sample(parseMetrics(metrics.text), 'agentlog_records_exported_total', { source: SOURCE });
        expect(exported).toBeLessThanOrEqual(lines.length);
        scrapes += 1;
        await new Promise((r) => setTimeout(r, 30));
      }
    } finally {
      clearInterval(writer);
    }
    expect(scrapes).toBeGreaterThan(3);
    // The last acknowledgement is counted right after the receiver answered it.
    await until(() => ops.rig!.receiver.records.length === lines.length, 'all records');
    await new Promise((r) => setTimeout(r, 300));
    const m = parseMetrics((await get(`${base}/metrics`)).text);

    const receiver = ops.rig.receiver;
    const accepted = receiver.requests.filter((r) => r.status >= 200 && r.status < 300 && r.recordCount > 0);
    expect(receiver.records.length).toBe(lines.length);
    expect(sample(m, 'agentlog_records_exported_total', { source: SOURCE })).toBe(receiver.records.length);
    expect(sample(m, 'agentlog_records_received_total', { source: SOURCE })).toBe(lines.length);
    expect(sample(m, 'agentlog_export_requests_total', { code: '2xx' })).toBe(accepted.length);
    expect(sample(m, 'agentlog_export_requests_total')).toBe(receiver.requests.length);
    expect(sample(m, 'agentlog_export_duration_seconds_count')).toBe(receiver.requests.length);
    expect(sample(m, 'agentlog_export_duration_seconds_bucket', { le: '+Inf' })).toBe(receiver.requests.length);
    expect(sample(m, 'agentlog_export_duration_seconds_sum')).toBeGreaterThan(0);
    expect(sample(m, 'agentlog_records_dropped_total', { source: SOURCE })).toBe(0); // never dropped: series at 0 from the start
    expect(sample(m, 'agentlog_reconnects_total', { source: SOURCE })).toBe(0);
    expect(sample(m, 'agentlog_gaps_total', { source: SOURCE })).toBe(0);
    expect(sample(m, 'agentlog_streams', { source: SOURCE, state: 'connected' })).toBe(1);
    expect(sample(m, 'agentlog_streams', { source: SOURCE, state: 'retrying' })).toBe(0);
    expect(sample(m, 'agentlog_queue_records')).toBe(0);
    expect(sample(m, 'agentlog_spool_bytes')).toBe(0);
    // Lag: now minus the newest exported record's platform time.
    const newest = Date.parse(lines.at(-1)!.timestamp);
    const expectedLag = (Date.now() - newest) / 1000;
    const lag = sample(m, 'agentlog_stream_lag_seconds', { source: SOURCE });
    expect(Math.abs(lag - expectedLag), `lag ${lag} vs ${expectedLag}`).toBeLessThan(3);
    // prom-client's process defaults, on the daemon's own registry.
    expect(m.has('process_cpu_user_seconds_total')).toBe(true);
    expect(sample(m, 'nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);

    const ready = JSON.parse((await get(`${base}/readyz`)).text) as {
      status: string;
      sources: Record<string, { state: string; streams: { key: string; state: string }[] }>;
      exporter: { last_success: string | null; last_failure: string | null; queued_records: number };
    };
    expect(ready.status).toBe('running');
    expect(ready.sources[SOURCE]!.state).toBe('connected');
    expect(ready.sources[SOURCE]!.streams).toEqual([{ key: `${SOURCE}/${SESSION.agent}/${SESSION.id}`, state: 'connected' }]);
    expect(Date.parse(ready.exporter.last_success!)).toBeGreaterThan(Date.now() - 10_000);
    expect(ready.exporter.last_failure).toBeNull();
    expect(ready.exporter.queued_records).toBe(0);

    // Stopping: the endpoint is down, so the drain takes the whole shutdown_timeout (5s);
    // meanwhile the daemon is alive but not ready.
    receiver.respondWith([{ status: 503, times: 1_000_000 }]);
    session.append(...generateLines(50, { start: Date.now() }));
    await until(() => receiver.requests.some((r) => r.status === 503), 'a failing export');
    const failing = JSON.parse((await get(`${base}/readyz`)).text) as typeof ready & { exporter: { last_failure_reason: string } };
    expect(failing.exporter.last_failure).not.toBeNull();
    expect(failing.exporter.last_failure_reason).toContain('503');
    ops.daemon.child.kill('SIGTERM');
    let sawStopping = false;
    for (let i = 0; i < 50 && !sawStopping; i++) {
      const answer = await get(`${base}/readyz`).catch(() => undefined);
      if (answer?.status === 503 && (JSON.parse(answer.text) as { status: string }).status === 'stopping') {
        sawStopping = true;
        expect((await get(`${base}/healthz`)).status).toBe(200);
      } else await new Promise((r) => setTimeout(r, 20));
    }
    expect(sawStopping).toBe(true);
    expect((await ops.daemon.exited).code, ops.daemon.stderr()).toBe(0);
  }, 90_000);
});
