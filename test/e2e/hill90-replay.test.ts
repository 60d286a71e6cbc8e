/**
 * Hill90 replays the last `tail` events on every connection: across cuts, duplicates, restarts and
 * HTTP failures every event reaches the receiver exactly once, and a replay window too small for
 * what happened is counted as a gap, never hidden.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { generateEvents, type Hill90EventJson, type Hill90Faults } from '../../emulators/hill90.ts';
import { until } from '../helpers/until.ts';
import { HILL90_TOKEN, pause, runHill90, SOURCE, startHill90Rig, writeHill90Config, type Hill90Rig } from '../helpers/hill90-rig.ts';

const AGENT = '7f1c2a9e-5b2e-4c1d-9a3b-0d4e5f6a7b8c';
let rig: Hill90Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const bodies = (events: Hill90EventJson[]): string[] => events.map((e) => String(e.input_summary));
const isInference = (body: string): boolean => body.startsWith('gpt-4o-mini');

/** Exactly once: the same multiset, nothing twice, and each kind in the order it was written. */
function expectExactlyOnce(got: string[], events: Hill90EventJson[]): void {
  const want = bodies(events);
  expect(got.length).toBe(want.length);
  expect(new Set(got).size).toBe(got.length);
  expect([...got].sort()).toEqual([...want].sort());
  expect(got.filter(isInference)).toEqual(want.filter(isInference));
  expect(got.filter((b) => !isInference(b))).toEqual(want.filter((b) => !isInference(b)));
}

async function deliverWithFaults(faults: Partial<Hill90Faults>, events: Hill90EventJson[], tail: number) {
  rig = await startHill90Rig({ faults });
  const agent = rig.emulator.addAgent({ id: AGENT });
  agent.append(...events);
  const { daemon, events: telemetry } = runHill90(writeHill90Config(rig, { agentId: AGENT, tail }));
  await rig.receiver.waitFor(events.length, 30_000);
  await pause(300); // a replaying server gets the chance to send duplicates that must be skipped
  await daemon.shutdown(5000);
  return { got: rig.receiver.records.map((r) => String(r.body)), agent, telemetry };
}

describe('Hill90 exactly-once across reconnects', () => {
  it('cuts with a replay larger than the gap, random chunks and repeated frames', async () => {
    const events = generateEvents(600, { inferenceEvery: 4 });
    const { got, agent, telemetry } = await deliverWithFaults(
      { chunking: 'random', seed: 9, disconnectAfter: [70, 200, 15, 330, 500], duplicateEvery: 11 },
      events,
      1000,
    );
    expectExactlyOnce(got, events);
    expect(agent.connections).toBeGreaterThanOrEqual(6);
    expect(telemetry.total('agentlog_records_skipped_total', { reason: 'dedupe' })).toBeGreaterThan(500);
    expect(telemetry.total('agentlog_gaps_total')).toBe(0);
  });

  it('bytewise chunks (multi-byte UTF-8 split everywhere)', async () => {
    const events = generateEvents(120, { inferenceEvery: 5 });
    const { got } = await deliverWithFaults({ chunking: 'bytewise' }, events, 200);
    expectExactlyOnce(got, events);
  });

  it.each([
    { tail: 50, lost: 0, gaps: 0 },
    { tail: 5, lost: 25, gaps: 1 },
  ])('a disconnection while 30 events happen, tail $tail: $lost lost and $gaps gap(s) counted', async ({ tail, lost, gaps }) => {
    rig = await startHill90Rig();
    const agent = rig.emulator.addAgent({ id: AGENT });
    const events = generateEvents(43, { inferenceEvery: 0 });
    const { daemon, events: telemetry } = runHill90(writeHill90Config(rig, { agentId: AGENT, tail }));
    await agent.waitForConnection(1);
    agent.append(...events.slice(0, 10));
    await rig.receiver.waitFor(10, 10_000);
    // Nothing can connect while the agent writes 30 more events.
    rig.emulator.pause();
    agent.cut();
    agent.append(...events.slice(10, 40));
    await until(() => rig!.emulator.requests.filter((r) => r.status === 503).length >= 2, 'refused reconnects');
    rig.emulator.resume();
    await agent.waitForConnection(2);
    agent.append(...events.slice(40));
    await rig.receiver.waitFor(43 - lost, 10_000);
    await pause(200);
    await daemon.shutdown(5000);
    const expected = [...events.slice(0, 10), ...events.slice(10 + lost)];
    expect(rig.receiver.records.map((r) => String(r.body))).toEqual(bodies(expected));
    expect(telemetry.total('agentlog_gaps_total', { source: SOURCE })).toBe(gaps);
  });

  it('resumes after a daemon restart on the same storage dir without repeating or losing an event', async () => {
    rig = await startHill90Rig();
    const agent = rig.emulator.addAgent({ id: AGENT });
    const events = generateEvents(90, { inferenceEvery: 3 });
    agent.append(...events.slice(0, 40));
    const config = writeHill90Config(rig, { agentId: AGENT, tail: 100 });
    const first = runHill90(config);
    await rig.receiver.waitFor(40, 10_000);
    await first.daemon.shutdown(5000);
    // Written while the daemon was down; the restart replays the last 100 of each kind.
    agent.append(...events.slice(40, 70));
    const second = runHill90(config);
    await agent.waitForConnection(2);
    agent.append(...events.slice(70));
    await rig.receiver.waitFor(90, 10_000);
    await pause(300);
    await second.daemon.shutdown(5000);
    const got = rig.receiver.records.map((r) => String(r.body));
    expectExactlyOnce(got.slice(0, 40), events.slice(0, 40));
    expectExactlyOnce(got.slice(40), events.slice(40));
    expect(second.events.total('agentlog_records_skipped_total', { reason: 'dedupe' })).toBe(40);
    expect(second.events.total('agentlog_gaps_total')).toBe(0);
  });

  it('a restart after more than tail events counts a gap and delivers the replay window', async () => {
    rig = await startHill90Rig();
    const agent = rig.emulator.addAgent({ id: AGENT });
    const events = generateEvents(50, { inferenceEvery: 0 });
    agent.append(...events.slice(0, 5));
    const config = writeHill90Config(rig, { agentId: AGENT, tail: 10 });
    const first = runHill90(config);
    await rig.receiver.waitFor(5, 10_000);
    await first.daemon.shutdown(5000);
    agent.append(...events.slice(5));
    const second = runHill90(config);
    await rig.receiver.waitFor(15, 10_000);
    await pause(200);
    await second.daemon.shutdown(5000);
    expect(rig.receiver.records.map((r) => String(r.body))).toEqual(bodies([...events.slice(0, 5), ...events.slice(40)]));
    expect(second.events.total('agentlog_gaps_total')).toBe(1);
  });
});

describe('Hill90 stream outcomes', () => {
  it('429 with Retry-After and 5xx are retried; an error frame then close reconnects; nothing lost or repeated', async () => {
    rig = await startHill90Rig();
    const agent = rig.emulator.addAgent({ id: AGENT });
    const events = generateEvents(30, { inferenceEvery: 0 });
    agent.append(...events.slice(0, 10));
    rig.emulator.failNext(1, 429, { retryAfter: 1 });
    rig.emulator.failNext(2, 503);
    const started = Date.now();
    const { daemon, events: telemetry } = runHill90(writeHill90Config(rig, { agentId: AGENT }));
    await rig.receiver.waitFor(10, 10_000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950); // Retry-After is a minimum
    agent.error('exec stream failed', { close: true });
    await agent.waitForConnection(2);
    agent.append(...events.slice(10));
    await rig.receiver.waitFor(30, 10_000);
    await pause(200);
    await daemon.shutdown(5000);
    expect(rig.receiver.records.map((r) => String(r.body))).toEqual(bodies(events));
    expect(agent.attempts).toBe(5);
    expect(telemetry.total('agentlog_platform_errors_total')).toBe(1);
    expect(telemetry.total('agentlog_reconnects_total')).toBe(4);
  });

  it('401 is marked auth_failed and retried slowly until the credentials work again', async () => {
    rig = await startHill90Rig();
    const agent = rig.emulator.addAgent({ id: AGENT });
    agent.append(...generateEvents(3, { inferenceEvery: 0 }));
    rig.emulator.setToken('rotated-token');
    const { daemon, events } = runHill90(writeHill90Config(rig, { agentId: AGENT }));
    await until(() => daemon.status().sources[SOURCE]?.streams[0]?.state === 'auth_failed', 'auth_failed state');
    expect(daemon.status().sources[SOURCE]!.state).toBe('auth_failed');
    rig.emulator.setToken(HILL90_TOKEN);
    await rig.receiver.waitFor(3, 10_000);
    await daemon.shutdown(5000);
    expect(events.total('agentlog_auth_failures_total')).toBeGreaterThanOrEqual(1);
  });

  it('event: end finishes the stream (released, not reconnected); 404 does the same', async () => {
    rig = await startHill90Rig();
    const ended = rig.emulator.addAgent({ id: AGENT });
    const removed = rig.emulator.addAgent({ id: 'b-404' });
    ended.append(...generateEvents(2, { inferenceEvery: 0 }));
    const config = writeHill90Config(rig, {
      agentId: AGENT,
      sourceExtra: `  - name: gone\n    type: hill90\n    endpoint: ${rig.emulator.url}\n    auth: {type: bearer, token: "\${env:HILL90_TOKEN}"}\n    agent_id: b-404\n`,
    });
    removed.remove();
    const { daemon } = runHill90(config);
    await rig.receiver.waitFor(2, 10_000);
    await ended.waitForConnection(1);
    ended.end();
    await until(() => daemon.status().sources[SOURCE]?.state === 'finished', 'finished after event: end');
    await until(() => daemon.status().sources.gone?.state === 'finished', 'finished after 404');
    await pause(300);
    expect(ended.connections).toBe(1);
    expect(removed.attempts).toBe(1);
    await daemon.shutdown(5000);
  });
});
