/**
 * Hill90 edge cases found in review: agent ids that need URL encoding, a restart with a larger
 * tail, a container clock that steps back, and a listing answered 429.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { generateEvents } from '../../emulators/hill90.ts';
import { until } from '../helpers/until.ts';
import { pause, runHill90, SOURCE, startHill90Rig, writeHill90Config, type Hill90Rig } from '../helpers/hill90-rig.ts';

let rig: Hill90Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const bodiesOf = (r: Hill90Rig): string[] => r.receiver.records.map((x) => String(x.body));

describe('Hill90 edge cases', () => {
  it('an agent id with characters that need URL encoding, named and discovered', async () => {
    rig = await startHill90Rig();
    const odd = 'ag ent/ü?#%';
    const agent = rig.emulator.addAgent({ id: odd, name: 'Odd' });
    const events = generateEvents(4, { inferenceEvery: 2 });
    agent.append(...events);
    const { daemon } = runHill90(writeHill90Config(rig, { discoverInterval: '100ms' }));
    await rig.receiver.waitFor(4, 10_000);
    await pause(300);
    await daemon.shutdown(5000);
    expect(bodiesOf(rig).sort()).toEqual(events.map((e) => String(e.input_summary)).sort());
    expect(rig.receiver.records[0]!.resource['gen_ai.agent.id']).toBe(odd);
    expect(agent.connections).toBe(1);
  });

  it('a restart with a larger tail: history evicted from the id set is not delivered again', async () => {
    rig = await startHill90Rig();
    const agent = rig.emulator.addAgent({ id: 'grow' });
    const events = generateEvents(110, { inferenceEvery: 0 });
    const first = runHill90(writeHill90Config(rig, { agentId: 'grow', tail: 5 }));
    await agent.waitForConnection(1);
    agent.append(...events.slice(0, 100));
    await rig.receiver.waitFor(100, 10_000);
    await first.daemon.shutdown(5000);
    // tail 5 keeps 69 ids; the restart asks for 100: 31 of them fell out of the set and are behind its floor.
    agent.append(...events.slice(100));
    const second = runHill90(writeHill90Config(rig, { agentId: 'grow', tail: 100 }));
    await rig.receiver.waitFor(110, 10_000);
    await pause(300);
    await second.daemon.shutdown(5000);
    expect(bodiesOf(rig)).toEqual(events.map((e) => String(e.input_summary)));
  });

  it('events written after the container clock stepped back are delivered, not taken for old history', async () => {
    rig = await startHill90Rig();
    const agent = rig.emulator.addAgent({ id: 'clock' });
    const before = generateEvents(100, { inferenceEvery: 0, label: 'before', seed: 1 });
    // NTP stepped the clock back a minute: the next events carry older timestamps than the first ones.
    const after = generateEvents(10, { inferenceEvery: 0, label: 'after', seed: 2, start: Date.parse('2026-08-01T09:59:00.000Z') });
    const { daemon, events: telemetry } = runHill90(writeHill90Config(rig, { agentId: 'clock', tail: 5 }));
    await agent.waitForConnection(1);
    agent.append(...before);
    await rig.receiver.waitFor(100, 10_000);
    agent.append(...after.slice(0, 5));
    // ...and across a reconnect: the replay brings known events first, then the new ones.
    await rig.receiver.waitFor(105, 10_000).catch(() => undefined);
    agent.cut();
    await agent.waitForConnection(2);
    agent.append(...after.slice(5));
    await rig.receiver.waitFor(110, 10_000).catch(() => undefined);
    await pause(200);
    await daemon.shutdown(5000);
    expect(bodiesOf(rig)).toEqual([...before, ...after].map((e) => String(e.input_summary)));
    expect(telemetry.total('agentlog_gaps_total')).toBe(0);
  });

  it('429 on GET /agents keeps the streams that run and lists again later', async () => {
    rig = await startHill90Rig();
    const a = rig.emulator.addAgent({ id: 'a-one' });
    const events = generateEvents(6, { inferenceEvery: 0 });
    a.append(...events.slice(0, 3));
    const { daemon } = runHill90(writeHill90Config(rig, { discoverInterval: '100ms' }));
    await rig.receiver.waitFor(3, 10_000);
    rig.emulator.failNext(3, 429, { route: 'agents', retryAfter: 1 });
    await until(() => rig!.emulator.requests.filter((r) => r.route === 'agents' && r.status === 429).length >= 1, '429 on the listing');
    a.append(...events.slice(3));
    const b = rig.emulator.addAgent({ id: 'b-two' });
    b.append(...generateEvents(2, { inferenceEvery: 0, label: 'b', seed: 5 }));
    await rig.receiver.waitFor(8, 10_000);
    await daemon.shutdown(5000);
    expect(a.connections).toBe(1);
    expect(daemon.status().sources[SOURCE]).toBeDefined();
  });
});
