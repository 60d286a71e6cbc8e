/**
 * The telemetry server on its own: readiness follows the daemon's phase (503 while starting
 * and stopping), unknown paths and methods are refused, and a port already in use stops the
 * real CLI with one clear sentence (exit 1) before anything starts.
 */
import { createServer, type Server } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Events } from '../../src/telemetry/events.ts';
import { createHealth } from '../../src/telemetry/health.ts';
import { silentLogger } from '../../src/telemetry/logger.ts';
import { createMetrics } from '../../src/telemetry/metrics.ts';
import { parseListen, startTelemetryServer, type TelemetryServer } from '../../src/telemetry/server.ts';
import { runCli } from '../helpers/cli.ts';
import { get, parseMetrics, sample } from './ops-helpers.ts';
import { closedPort } from '../helpers/closed-port.ts';

const STATUS = {
  sources: { a: { state: 'connected', streams: [{ key: 'a/x/1', state: 'connected' }] } },
  exporter: { lastSuccessAt: '2026-01-01T00:00:00.000Z', inFlight: false, queuedBatches: 0, queuedRecords: 0, queuedBytes: 0 },
};

let server: TelemetryServer | undefined;
let blocker: Server | undefined;
afterEach(async () => {
  await server?.close();
  blocker?.close();
  server = blocker = undefined;
});

describe('telemetry server', () => {
  it('readiness is 503 while starting and stopping, 200 while running; liveness always 200', async () => {
    const health = createHealth();
    const metrics = createMetrics();
    server = await startTelemetryServer({ listen: '127.0.0.1:0', health, metrics, events: new Events(silentLogger(), metrics) });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const starting = await get(`${server.url}/readyz`);
    expect(starting.status).toBe(503);
    expect(JSON.parse(starting.text)).toEqual({ status: 'starting', sources: {}, exporter: null, memory: null, storage: null });
    expect((await get(`${server.url}/healthz`)).status).toBe(200);

    health.setStatusProvider(() => STATUS);
    health.setPhase('running');
    const running = await get(`${server.url}/readyz`);
    expect(running.status).toBe(200);
    expect(JSON.parse(running.text)).toEqual({
      status: 'running',
      sources: STATUS.sources,
      exporter: { state: null, last_success: '2026-01-01T00:00:00.000Z', last_failure: null, last_failure_reason: null, in_flight: false, queued_batches: 0, queued_records: 0, queued_bytes: 0 },
      memory: null,
      storage: null,
    });
    health.setPhase('stopping');
    expect((await get(`${server.url}/readyz`)).status).toBe(503);
    expect((await get(`${server.url}/healthz`)).status).toBe(200);
    expect((await get(`${server.url}/nope`)).status).toBe(404);
    expect((await fetch(`${server.url}/metrics`, { method: 'POST' })).status).toBe(405);
  });

  it('one named event call both counts (for total()) and feeds the prom-client registry', async () => {
    const metrics = createMetrics();
    const events = new Events(silentLogger(), metrics);
    events.sourceStarted('s');
    events.recordsReceived('s', 5);
    events.recordsExported({ s: 3 });
    events.exportRequest('2xx', 0.02);
    events.exportRequest('503', 0.3);
    expect(events.total('agentlog_records_received_total')).toBe(5);
    expect(events.total('agentlog_export_duration_seconds_count')).toBe(2);
    // Metric names are a closed union (npm test typechecks): a misspelt name does not compile.
    // @ts-expect-error not a metric of metrics.ts
    expect(events.total('agentlog_records_recieved_total')).toBe(0);
    const m = parseMetrics(await metrics.text());
    expect(sample(m, 'agentlog_records_received_total', { source: 's' })).toBe(5);
    expect(sample(m, 'agentlog_records_exported_total', { source: 's' })).toBe(3);
    expect(sample(m, 'agentlog_gaps_total', { source: 's' })).toBe(0);
    expect(sample(m, 'agentlog_export_requests_total', { code: '503' })).toBe(1);
    expect(sample(m, 'agentlog_export_duration_seconds_bucket', { le: '0.025' })).toBe(1);
    expect(sample(m, 'agentlog_export_duration_seconds_count')).toBe(2);
    // Registries are per daemon: a second one starts from zero.
    expect(sample(parseMetrics(await createMetrics().text()), 'agentlog_records_received_total')).toBeNaN();
  });

  it('parses every listen form', () => {
    expect(parseListen('127.0.0.1:13133')).toEqual({ host: '127.0.0.1', port: 13133 });
    expect(parseListen('[::1]:9')).toEqual({ host: '::1', port: 9 });
    expect(parseListen(':13133')).toEqual({ host: undefined, port: 13133 });
  });

  it('a port in use stops the real CLI with exit 1 and one clear message', async () => {
    blocker = createServer();
    await new Promise<void>((resolve) => blocker!.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    const dir = mkdtempSync(join(tmpdir(), 'ale-port-'));
    const base = `sources:\n  - {name: s, type: foundry, endpoint: "http://127.0.0.1:${await closedPort()}/api/projects/p", agent: a, auth: {type: bearer, token: t0ken}}\nstorage: {dir: ${dir}/data}\n`;
    writeFileSync(join(dir, 'busy.yaml'), `${base}server: {listen: "127.0.0.1:${port}"}\n`);
    const busy = runCli(['run', '--config', join(dir, 'busy.yaml')]);
    expect(busy.status).toBe(1);
    expect(busy.stderr.trim()).toBe(
      `agent-log-exporter: cannot serve /healthz /readyz /metrics on 127.0.0.1:${port}: the address is already in use (EADDRINUSE); set server.listen to a free HOST:PORT, or "" to disable the server`,
    );
  });
});
