/**
 * The ugly cases of a real SSE stream, each against the real pipeline: whatever the
 * network and the platform do, every entry reaches the receiver exactly once, in order.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { generateLines, type FoundryFaults, type LogLine } from '../../emulators/foundry.ts';
import { runInProcess, startRig, writeConfig, type Rig } from '../helpers/harness.ts';

const SESSION = { agent: 'support-agent', version: '3', id: 's_faults' };

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

/** Run `lines` through a session with `faults`; return the bodies the receiver decoded, after the daemon stopped. */
async function deliver(faults: Partial<FoundryFaults>, lines: LogLine[], expected: number, spool = true) {
  rig = await startRig(faults);
  const session = rig.emulator.addSession(SESSION);
  session.append(...lines);
  const { daemon, events } = runInProcess(writeConfig(rig, { session: SESSION, spool }));
  await rig.receiver.waitFor(expected, 30_000);
  // Give a replaying server the chance to send duplicates that must be skipped.
  await new Promise((r) => setTimeout(r, 300));
  await daemon.shutdown(5000);
  return { records: rig.receiver.records, events, session };
}

const bodies = (lines: { message: string }[]): string[] => lines.map((l) => l.message);

describe('Foundry stream faults give exactly-once delivery', () => {
  it('chunks split at every byte boundary (multi-byte UTF-8 included)', async () => {
    const lines = generateLines(400);
    const { records } = await deliver({ chunking: 'bytewise' }, lines, lines.length);
    expect(records.map((r) => r.body)).toEqual(bodies(lines));
  });

  it('random chunk sizes with CRLF line endings and comment lines', async () => {
    const lines = generateLines(3000);
    const { records } = await deliver({ chunking: 'random', seed: 7, lineEnding: '\r\n', commentsEvery: 3 }, lines, lines.length);
    expect(records.map((r) => r.body)).toEqual(bodies(lines));
  });

  it('bare CR line endings', async () => {
    const lines = generateLines(500);
    const { records } = await deliver({ chunking: 'random', seed: 3, lineEnding: '\r' }, lines, lines.length);
    expect(records.map((r) => r.body)).toEqual(bodies(lines));
  });

  it('unknown event types are ignored and counted; non-JSON data is kept raw and marked', async () => {
    const lines: LogLine[] = [
      { timestamp: '2026-03-10T09:00:00.000Z', stream: 'stdout', message: 'before' },
      { event: 'metrics', data: '{"cpu":0.5}' },
      { raw: 'plain text, not JSON' },
      { raw: '{"truncated": ' },
      { timestamp: '2026-03-10T09:00:00.001Z', stream: 'stdout', message: 'after', extra: { region: 'westeurope', pid: 42 } },
    ];
    const { records, events } = await deliver({ chunking: 'bytewise' }, lines, 4);
    expect(records.map((r) => r.body)).toEqual(['before', 'plain text, not JSON', '{"truncated": ', 'after']);
    expect(records[1]!.attributes['agent_log_exporter.parse_error']).toBe(true);
    expect(records[2]!.attributes['agent_log_exporter.parse_error']).toBe(true);
    expect(records[0]!.attributes['agent_log_exporter.parse_error']).toBeUndefined();
    // A raw frame takes the position of the entry before it; it has no time of its own.
    expect(records[1]!.timeUnixNano).toBe(0n);
    expect(records[3]!.attributes['foundry.region']).toBe('westeurope');
    expect(records[3]!.attributes['foundry.pid']).toBe(42);
    expect(events.total('agentlog_records_skipped_total', { reason: 'unknown_event' })).toBe(1);
    expect(events.total('agentlog_parse_errors_total')).toBe(2);
  });

  it('disconnects mid-frame, each reconnect replaying the whole history', async () => {
    const lines = generateLines(2000);
    const { records, session, events } = await deliver(
      { chunking: 'random', seed: 11, disconnectAfter: [150, 400, 90, 700, 1200], disconnectMidFrame: true, replay: 'all' },
      lines,
      lines.length,
    );
    expect(records.map((r) => r.body)).toEqual(bodies(lines));
    expect(session.connections).toBeGreaterThanOrEqual(6);
    expect(events.total('agentlog_records_skipped_total', { reason: 'dedupe' })).toBeGreaterThan(1000);
    expect(events.total('agentlog_reconnects_total')).toBeGreaterThanOrEqual(5);
  });

  it('disconnects with replay and the spool off (checkpoints only after 2xx)', async () => {
    const lines = generateLines(1500);
    const { records } = await deliver({ disconnectAfter: [100, 300, 500], replay: 'all' }, lines, lines.length, false);
    expect(records.map((r) => r.body)).toEqual(bodies(lines));
  });

  it('identical lines at one timestamp are distinct records, also across a replay', async () => {
    const t = '2026-03-10T09:00:00.000Z';
    const same = { timestamp: t, stream: 'stdout', message: 'retrying…' };
    const lines: LogLine[] = [same, same, same, { timestamp: t, stream: 'stderr', message: 'retrying…' }, same];
    const { records } = await deliver({ disconnectAfter: [2, 3], replay: 'all' }, lines, 5);
    expect(records.map((r) => `${String(r.attributes['log.iostream'])}:${String(r.body)}`)).toEqual([
      'stdout:retrying…',
      'stdout:retrying…',
      'stdout:retrying…',
      'stderr:retrying…',
      'stdout:retrying…',
    ]);
  });

  it('a non-JSON banner before the first timestamped line is delivered once across replays and restarts', async () => {
    const lines: LogLine[] = [
      { raw: 'BOOT BANNER v1.2' },
      ...generateLines(40, { start: Date.parse('2026-03-10T09:00:00Z') }),
      { raw: 'a raw line in the middle' },
      ...generateLines(40, { start: Date.parse('2026-03-10T09:01:00Z') }),
    ];
    const expected = lines.map((l) => ('raw' in l ? l.raw : (l as { message: string }).message));
    const { records } = await deliver({ disconnectAfter: [3, 10, 30, 50, 70], replay: 'all' }, lines, lines.length);
    expect(records.map((r) => r.body)).toEqual(expected);
  });

  it('a stream of only non-JSON frames is delivered once across replays', async () => {
    const lines: LogLine[] = Array.from({ length: 300 }, (_, i) => ({ raw: `plain line ${i % 50}` }));
    const { records } = await deliver({ disconnectAfter: [40, 120, 200], replay: 'all' }, lines, lines.length);
    expect(records.map((r) => r.body)).toEqual(lines.map((l) => (l as { raw: string }).raw));
  });

  it('thousands of distinct non-JSON frames (no timestamps at all) are delivered once across a full replay', async () => {
    const lines: LogLine[] = Array.from({ length: 5000 }, (_, i) => ({ raw: `plain ${i}` }));
    const { records } = await deliver({ disconnectAfter: [4500], replay: 'all' }, lines, lines.length);
    expect(records.map((r) => r.body)).toEqual(lines.map((l) => (l as { raw: string }).raw));
  });

  it('raw lines at the start of a live (non-replaying) connection are delivered once a timestamped line places them', async () => {
    rig = await startRig({ replay: 'none', disconnectAfter: [1] });
    const session = rig.emulator.addSession(SESSION);
    const t = '2026-03-10T09:00:00.000Z';
    const { daemon } = runInProcess(writeConfig(rig, { session: SESSION }));
    await session.waitForConnection(1);
    session.append({ timestamp: t, stream: 'stdout', message: 'first' });
    await rig.receiver.waitFor(1, 10_000);
    await session.waitForConnection(2);
    session.append({ raw: 'live raw 1' }, { raw: 'live raw 2' }, { timestamp: t, stream: 'stdout', message: 'same ms, new line' });
    await rig.receiver.waitFor(4, 10_000);
    await new Promise((r) => setTimeout(r, 200));
    await daemon.shutdown(5000);
    expect(rig.receiver.records.map((r) => r.body)).toEqual(['first', 'live raw 1', 'live raw 2', 'same ms, new line']);
  });

  it('heartbeat status lines are dropped and counted', async () => {
    const lines: LogLine[] = [
      { timestamp: '2026-03-10T09:00:00.000Z', stream: 'status', message: 'No logs since last 60 seconds' },
      { timestamp: '2026-03-10T09:00:01.000Z', stream: 'stdout', message: 'work' },
    ];
    const { records, events } = await deliver({}, lines, 1);
    expect(records.map((r) => r.body)).toEqual(['work']);
    expect(events.total('agentlog_records_skipped_total', { reason: 'heartbeat' })).toBe(1);
  });
});
