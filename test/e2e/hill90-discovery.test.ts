/**
 * Discovery of every running agent through `GET /agents`: new running agents are started,
 * stopped and removed ones released, a restarted agent is picked up again (resuming where it
 * stopped), and no agent is ever followed twice.
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

describe('Hill90 discovery', () => {
  it('follows running agents only, starts new ones, releases stopped ones, picks restarted ones up again, never twice', async () => {
    rig = await startHill90Rig();
    const e = rig.emulator;
    const planner = e.addAgent({ id: 'a-planner', name: 'Planner' });
    const coder = e.addAgent({ id: 'a-coder', name: 'Coder' });
    const idle = e.addAgent({ id: 'a-idle', name: 'Idle', status: 'stopped' });
    // Distinct ids per label (the seed picks them).
    const seedOf = (label: string): number => [...label].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7);
    const batch = (label: string, n: number) => generateEvents(n, { label, inferenceEvery: 0, seed: seedOf(label) });
    planner.append(...batch('planner-1', 3));
    coder.append(...batch('coder-1', 2));
    idle.append(...batch('idle-1', 2));

    const { daemon } = runHill90(writeHill90Config(rig, { discoverInterval: '100ms' }));
    await rig.receiver.waitFor(5, 10_000);
    const byAgent = (): string[] =>
      rig!.receiver.records.map((r) => `${String(r.resource['gen_ai.agent.name'])}/${String(r.resource['gen_ai.agent.id'])}: ${String(r.body)}`);
    expect(byAgent().sort()).toEqual([
      ...batch('coder-1', 2).map((ev) => `Coder/a-coder: ${ev.input_summary}`),
      ...batch('planner-1', 3).map((ev) => `Planner/a-planner: ${ev.input_summary}`),
    ].sort());

    // A new running agent, and the stopped one started again: both followed.
    const late = e.addAgent({ id: 'a-late', name: 'Late' });
    late.append(...batch('late-1', 2));
    idle.setStatus('running');
    await rig.receiver.waitFor(9, 10_000);

    // A stopped agent is released (its connection closed by the daemon).
    coder.setStatus('stopped');
    await until(() => coder.liveConnections === 0, 'coder released');
    await until(() => !daemon.status().sources[SOURCE]!.streams.some((s) => s.key === `${SOURCE}/a-coder`), 'coder stream gone');

    // The planner's container stops (event: end); it restarts later with new events: only those are new.
    planner.end();
    await until(() => !daemon.status().sources[SOURCE]!.streams.some((s) => s.key === `${SOURCE}/a-planner`), 'planner released');
    planner.setStatus('running');
    await planner.waitForConnection(2);
    planner.append(...batch('planner-2', 2));
    await rig.receiver.waitFor(11, 10_000);

    await pause(500); // several discovery rounds
    for (const agent of [planner, idle, late]) expect(agent.liveConnections, agent.id).toBe(1);
    expect(late.connections).toBe(1);
    expect(idle.connections).toBe(1);
    expect(planner.connections).toBe(2);
    expect(coder.connections).toBe(1);
    await daemon.shutdown(5000);

    const records = byAgent();
    expect(records.length).toBe(11);
    expect(records.filter((r) => r.startsWith('Planner/'))).toEqual([...batch('planner-1', 3), ...batch('planner-2', 2)].map((ev) => `Planner/a-planner: ${ev.input_summary}`));
    expect(records.filter((r) => r.startsWith('Idle/'))).toEqual(batch('idle-1', 2).map((ev) => `Idle/a-idle: ${ev.input_summary}`));
    const listings = e.requests.filter((r) => r.route === 'agents');
    expect(listings.length).toBeGreaterThan(5);
  });
});
