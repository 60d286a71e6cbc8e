/**
 * What the endpoint answers decides what happens to a batch (DESIGN §5): retryable answers
 * are retried without loss or duplicates and never before Retry-After; permanent ones are
 * dropped and counted; a full spool pauses reading instead of dropping.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { generateLines } from '../../emulators/foundry.ts';
import { runInProcess, startRig, writeConfig, type Rig } from '../helpers/harness.ts';
import { until } from '../helpers/until.ts';

const SESSION = { agent: 'support-agent', version: '3', id: 's_export' };

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

describe('export outcomes', () => {
  it('503 for a while, then 429 with Retry-After, then 200: nothing lost, nothing duplicated, silence during Retry-After', async () => {
    rig = await startRig();
    rig.receiver.respondWith([{ status: 503, times: 4 }, { status: 429, retryAfter: 2 }]);
    const lines = generateLines(3000);
    const session = rig.emulator.addSession(SESSION);
    session.append(...lines);
    const { daemon, events } = runInProcess(writeConfig(rig, { session: SESSION, batchMaxRecords: 1000 }));
    await rig.receiver.waitFor(lines.length, 20_000);
    await new Promise((r) => setTimeout(r, 200));
    await daemon.shutdown(5000);

    expect(rig.receiver.records.map((r) => r.body)).toEqual(lines.map((l) => l.message));
    const statuses = rig.receiver.requests.map((r) => r.status);
    expect(statuses.slice(0, 6)).toEqual([503, 503, 503, 503, 429, 200]);
    const throttled = rig.receiver.requests[4]!;
    const after = rig.receiver.requests[5]!;
    expect(after.at - throttled.at).toBeGreaterThanOrEqual(2000);
    expect(events.total('agentlog_export_requests_total', { code: '503' })).toBe(4);
    expect(events.total('agentlog_export_requests_total', { code: '429' })).toBe(1);
    expect(events.total('agentlog_records_exported_total')).toBe(lines.length);
    expect(events.total('agentlog_records_dropped_total')).toBe(0);
  });

  it('a permanent 400 drops only that batch and counts it; partial_success rejections are counted', async () => {
    rig = await startRig();
    rig.receiver.respondWith([{ status: 400 }, { status: 200, partialSuccess: { rejectedLogRecords: 2, errorMessage: 'too old' } }]);
    const session = rig.emulator.addSession(SESSION);
    const { daemon, events } = runInProcess(writeConfig(rig, { session: SESSION, batchTimeout: '20ms' }));
    session.append(...generateLines(3, { start: Date.parse('2026-03-10T10:00:00Z') }));
    await until(() => rig!.receiver.requests.length >= 1, 'the first export request');
    session.append(...generateLines(4, { start: Date.parse('2026-03-10T11:00:00Z') }));
    await rig.receiver.waitFor(4, 10_000);
    session.append(...generateLines(5, { start: Date.parse('2026-03-10T12:00:00Z') }));
    await rig.receiver.waitFor(9, 10_000);
    await daemon.shutdown(5000);
    expect(rig.receiver.requests[0]!.status).toBe(400);
    expect(events.total('agentlog_records_dropped_total', { reason: 'rejected' })).toBe(3 + 2);
    expect(events.total('agentlog_records_exported_total')).toBe(9);
  });

  it('a spool filled to max_bytes pauses reading instead of dropping, then drains everything', async () => {
    rig = await startRig({ chunking: 'whole' });
    // The endpoint is down: everything must wait in the spool, which is tiny.
    rig.receiver.respondWith([{ status: 503, times: 1_000_000 }]);
    const long = 'x'.repeat(400);
    const lines = generateLines(20_000).map((l, i) => ({ ...l, message: `${i} ${long}` }));
    const session = rig.emulator.addSession(SESSION);
    session.append(...lines);
    const { daemon, events } = runInProcess(
      writeConfig(rig, { session: SESSION, compression: 'none', spoolMaxBytes: '256KiB', batchMaxRecords: 200 }),
    );
    await new Promise((r) => setTimeout(r, 1500));
    const status = daemon.status();
    const received = events.total('agentlog_records_received_total');
    // Paused: far fewer read than the platform holds, and the spool at its bound (one batch of slack).
    expect(received).toBeLessThan(lines.length / 2);
    expect(status.exporter.queuedBytes).toBeLessThanOrEqual(256 * 1024 + 200 * 500);
    expect(status.exporter.queuedBytes).toBeGreaterThan(100 * 1024);
    expect(events.total('agentlog_records_dropped_total')).toBe(0);
    await new Promise((r) => setTimeout(r, 500));
    expect(events.total('agentlog_records_received_total')).toBeLessThan(received + 2000);

    rig.receiver.reset(); // the endpoint comes back
    await rig.receiver.waitFor(lines.length, 60_000);
    await new Promise((r) => setTimeout(r, 200));
    await daemon.shutdown(5000);
    expect(rig.receiver.records.map((r) => r.body)).toEqual(lines.map((l) => l.message));
  });
});
