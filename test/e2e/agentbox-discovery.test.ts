/**
 * AgentBox discovery (paged list of Running sandboxes of one pool, one stream per container,
 * stopped sandboxes released, nothing followed twice) and follow mode over NDJSON (split chunks,
 * disconnects, fallback to polling where the route is missing).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startAgentboxRig, type AgentboxRig } from '../helpers/agentbox-rig.ts';
import { until } from '../helpers/until.ts';

let rig: AgentboxRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});
const settle = (ms = 300) => new Promise((r) => setTimeout(r, ms));
const label = (r: { body: unknown; resource: Record<string, unknown>; attributes: Record<string, unknown> }) =>
  `${String(r.resource['agentbox.sandbox.id'])}/${String(r.attributes['k8s.container.name'])}:${String(r.body)}`;

describe('AgentBox discovery', () => {
  it('follows every container of the Running sandboxes of a pool across pages, starts new ones, releases stopped ones', async () => {
    rig = await startAgentboxRig({ pageSize: 2 });
    const boxes = [1, 2, 3].map((i) => rig!.emulator.addSandbox({ id: `sb-${i}`, pool: 'gpu', containers: ['sandbox', 'egress-proxy'], claimedAt: i }));
    rig.emulator.addSandbox({ id: 'other-pool', pool: 'cpu' }).append('sandbox', ['not mine']);
    rig.emulator.addSandbox({ id: 'pending', pool: 'gpu', status: 'Pending' });
    for (const b of boxes) {
      b.append('sandbox', [`hello from ${b.id}`]);
      b.append('egress-proxy', [`proxy of ${b.id}`]);
    }
    const daemon = rig.run('    pool: gpu\n    poll_interval: 50ms\n    discover_interval: 50ms\n');
    await rig.receiver.waitFor(6, 10_000);
    const late = rig.emulator.addSandbox({ id: 'sb-late', pool: 'gpu', claimedAt: 10 });
    late.append('sandbox', ['late joiner']);
    await rig.receiver.waitFor(7, 10_000);
    boxes[0]!.setStatus('Completed');
    await until(() => !daemon.daemon.status().sources.boxes!.streams.some((s) => s.key.startsWith('boxes/sb-1/')), 'release of sb-1');
    boxes[1]!.append('sandbox', ['still here']);
    await rig.receiver.waitFor(8, 10_000);
    await settle();
    expect(rig.receiver.records.map(label).sort()).toEqual([
      'sb-1/egress-proxy:proxy of sb-1', 'sb-1/sandbox:hello from sb-1',
      'sb-2/egress-proxy:proxy of sb-2', 'sb-2/sandbox:hello from sb-2', 'sb-2/sandbox:still here',
      'sb-3/egress-proxy:proxy of sb-3', 'sb-3/sandbox:hello from sb-3',
      'sb-late/sandbox:late joiner',
    ]);
    const lists = rig.emulator.requests.filter((r) => r.route === 'list');
    expect(lists.some((r) => r.query.offset === '2')).toBe(true);
    expect(lists.every((r) => r.query.poolName === 'gpu' && r.query.status === 'Running')).toBe(true);
    expect(daemon.daemon.status().sources.boxes!.streams.map((s) => s.key).sort()).toEqual([
      'boxes/sb-2/egress-proxy', 'boxes/sb-2/sandbox', 'boxes/sb-3/egress-proxy', 'boxes/sb-3/sandbox', 'boxes/sb-late/sandbox',
    ]);
  });

  it('re-lists sandboxes every discover_interval, not every poll_interval', async () => {
    rig = await startAgentboxRig();
    const sb = rig.emulator.addSandbox({ id: 'sb-d' });
    sb.append('sandbox', ['one']);
    rig.run('    poll_interval: 20ms\n    discover_interval: 30s\n');
    await rig.receiver.waitFor(1, 10_000);
    await settle(500);
    const routes = rig.emulator.requests.map((r) => r.route);
    expect(routes.filter((r) => r === 'list')).toHaveLength(1);
    expect(routes.filter((r) => r === 'logs').length).toBeGreaterThan(10);
  });
});

describe('AgentBox follow mode', () => {
  it('NDJSON in random chunks with disconnects: each line once, in order', async () => {
    rig = await startAgentboxRig({ faults: { chunking: 'random', seed: 5, disconnectAfter: [20, 35, 5, 60] } });
    const sb = rig.emulator.addSandbox({ id: 'sb-f' });
    const expected = Array.from({ length: 150 }, (_, i) => `line ${i} — ✓ 東京`);
    sb.append('sandbox', expected.slice(0, 100));
    rig.run('    sandbox: sb-f\n    container: sandbox\n    follow: true\n    poll_interval: 50ms\n');
    await rig.receiver.waitFor(20, 10_000);
    sb.append('sandbox', expected.slice(100));
    await rig.receiver.waitFor(150, 15_000);
    await settle(500);
    expect(rig.receiver.records.map((r) => r.body)).toEqual(expected);
    expect(sb.streamConnections).toBeGreaterThanOrEqual(5);
  });

  it('a replay after a restart: a burst of exactly lines is no gap, a bigger one is one gap, each line once', async () => {
    rig = await startAgentboxRig();
    const sb = rig.emulator.addSandbox({ id: 'sb-g' });
    sb.append('sandbox', ['start']);
    const config = '    sandbox: sb-g\n    container: sandbox\n    follow: true\n    lines: 3\n    poll_interval: 50ms\n';
    const first = rig.run(config);
    await rig.receiver.waitFor(1, 10_000);
    await first.daemon.shutdown(5000);
    sb.append('sandbox', ['e1', 'e2', 'e3']);
    const second = rig.run(config);
    await rig.receiver.waitFor(4, 10_000);
    await settle(400);
    expect(second.events.total('agentlog_gaps_total')).toBe(0);
    await second.daemon.shutdown(5000);
    sb.append('sandbox', ['o1', 'o2', 'o3', 'o4', 'o5']);
    const third = rig.run(config);
    await rig.receiver.waitFor(8, 10_000);
    sb.append('sandbox', ['live']);
    await rig.receiver.waitFor(9, 10_000);
    await settle(400);
    expect(rig.receiver.records.map((r) => r.body)).toEqual(['start', 'e1', 'e2', 'e3', 'o2', 'o3', 'o4', 'o5', 'live']);
    expect(third.events.total('agentlog_gaps_total')).toBe(1);
  });

  it('falls back to polling where the deployment has no stream route', async () => {
    rig = await startAgentboxRig({ faults: { streamRoute: false } });
    const sb = rig.emulator.addSandbox({ id: 'sb-p' });
    sb.append('sandbox', ['via polling']);
    rig.run('    sandbox: sb-p\n    container: sandbox\n    follow: true\n    poll_interval: 30ms\n');
    await rig.receiver.waitFor(1, 10_000);
    sb.append('sandbox', ['second']);
    await rig.receiver.waitFor(2, 10_000);
    await settle();
    expect(rig.receiver.records.map((r) => r.body)).toEqual(['via polling', 'second']);
    expect(rig.emulator.requests.filter((r) => r.route === 'stream')).toHaveLength(1);
  });
});
