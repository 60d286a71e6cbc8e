/**
 * AgentBox polling end to end through the real pipeline: exact bodies and attributes, the
 * "last N lines" window with identical lines at one timestamp, servers without timestamps,
 * a counted gap, a restart on the same storage dir, malformed answers kept raw.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { VERSION } from '../../src/version.ts';
import { startAgentboxRig, type AgentboxRig } from '../helpers/agentbox-rig.ts';
import { until } from '../helpers/until.ts';

const SB = '0192f7a4-aaaa-7d3e-8f90-000000000001';
const NOW = Date.parse('2026-09-04T10:00:00.123Z');
let rig: AgentboxRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const settle = (ms = 300) => new Promise((r) => setTimeout(r, ms));

describe('AgentBox polling', () => {
  it('delivers two containers with exact bodies, resource and record attributes', async () => {
    rig = await startAgentboxRig({ now: () => NOW });
    const sb = rig.emulator.addSandbox({ id: SB, containers: ['sandbox', 'egress-proxy'], namespace: 't-team-user', podName: 'pool-xy7k2' });
    sb.append('sandbox', ['hello', 'ERROR: tool failed']);
    sb.append('egress-proxy', ['proxy up']);
    rig.run(`    sandbox: ${SB}\n    poll_interval: 50ms\n`);
    await rig.receiver.waitFor(3, 10_000);
    await settle();
    const records = rig.receiver.records;
    expect(records.map((r) => `${String(r.attributes['k8s.container.name'])}:${String(r.body)}`).sort()).toEqual([
      'egress-proxy:proxy up',
      'sandbox:ERROR: tool failed',
      'sandbox:hello',
    ]);
    const hello = records.find((r) => r.body === 'hello')!;
    expect(hello.attributes).toEqual({ 'k8s.container.name': 'sandbox', 'agentbox.log.source': 'live', team: 'core' });
    expect(hello.resource).toEqual({
      'service.name': 'boxes',
      'deployment.environment.name': 'test',
      'agentbox.sandbox.id': SB,
      'k8s.namespace.name': 't-team-user',
      'k8s.pod.name': 'pool-xy7k2',
    });
    expect(hello.scope).toEqual({ name: 'agent-log-exporter/agentbox', version: VERSION });
    expect(hello.timeUnixNano).toBe(BigInt(NOW) * 1_000_000n);
    expect(records.find((r) => r.body === 'ERROR: tool failed')!.severityText).toBe('ERROR');
    for (const req of rig.emulator.requests) expect(req.headers['agentbox-api-key']).toBe('agbx_e2e_key_41d9');
    const logs = rig.emulator.requests.filter((r) => r.route === 'logs');
    expect(new Set(logs.map((r) => r.query.container))).toEqual(new Set(['sandbox', 'egress-proxy']));
    // The first poll asks `lines`; once lines were seen, one more (the overlap that tells a gap).
    expect(logs.filter((r) => r.query.container === 'sandbox').map((r) => r.query.lines).slice(0, 2)).toEqual(['1000', '1001']);
  });

  it('identical lines at one timestamp arrive exactly once across many polls of a small window, and across a restart', async () => {
    rig = await startAgentboxRig({ now: () => NOW });
    const sb = rig.emulator.addSandbox({ id: SB });
    const expected: string[] = [];
    const append = (lines: string[]) => {
      sb.append('sandbox', lines, '2026-09-04T10:00:00.123000000Z');
      expected.push(...lines);
    };
    append(['tick', 'tick', 'start']);
    const first = rig.run(`    sandbox: ${SB}\n    container: sandbox\n    lines: 4\n    poll_interval: 20ms\n`);
    // A first start delivers the last `lines` lines only: wait for them before more come.
    await rig.receiver.waitFor(3, 10_000);
    for (let i = 0; i < 15; i++) {
      append(i % 2 ? ['tick', 'tick'] : ['tick', `step ${i}`, 'tick']);
      await settle(60);
    }
    await until(() => rig!.receiver.records.length >= expected.length, `${expected.length} records`);
    await first.daemon.shutdown(5000);
    append(['tick', 'after restart', 'tick']);
    rig.run(`    sandbox: ${SB}\n    container: sandbox\n    lines: 4\n    poll_interval: 20ms\n`);
    await until(() => rig!.receiver.records.length >= expected.length, `${expected.length} records`);
    await settle();
    expect(rig.receiver.records.map((r) => r.body)).toEqual(expected);
  });

  it('an older server without timestamps: new lines found by the overlap with the last lines seen', async () => {
    rig = await startAgentboxRig({ faults: { timestamps: false } });
    const sb = rig.emulator.addSandbox({ id: SB });
    const expected: string[] = [];
    const append = (lines: string[]) => {
      sb.append('sandbox', lines);
      expected.push(...lines);
    };
    append(['boot', 'tick']);
    const daemon = rig.run(`    sandbox: ${SB}\n    container: sandbox\n    lines: 5\n    poll_interval: 20ms\n`);
    for (let i = 0; i < 10; i++) {
      append(i % 3 ? ['tick'] : [`work ${i}`, 'tick']);
      await settle(60);
    }
    await until(() => rig!.receiver.records.length >= expected.length, `${expected.length} records`);
    await settle();
    expect(rig.receiver.records.map((r) => r.body)).toEqual(expected);
    expect(rig.receiver.records[0]!.timeUnixNano).toBe(0n);
    expect(daemon.events.total('agentlog_gaps_total')).toBe(0);
  });

  it('a burst larger than lines between two polls is a counted gap; the whole window is delivered', async () => {
    rig = await startAgentboxRig();
    const sb = rig.emulator.addSandbox({ id: SB });
    sb.append('sandbox', ['before']);
    const daemon = rig.run(`    sandbox: ${SB}\n    container: sandbox\n    lines: 3\n    poll_interval: 300ms\n`);
    await rig.receiver.waitFor(1, 10_000);
    const burst = Array.from({ length: 10 }, (_, i) => `burst ${i}`);
    sb.append('sandbox', burst.slice(0, 5));
    sb.append('sandbox', burst.slice(5));
    await until(() => rig!.receiver.records.length >= 4, 'the window after the burst');
    await settle(700);
    expect(rig.receiver.records.map((r) => r.body)).toEqual(['before', 'burst 6', 'burst 7', 'burst 8', 'burst 9']);
    expect(daemon.events.total('agentlog_gaps_total', { source: 'boxes' })).toBe(1);
  });

  it('lines: 1 and a burst of exactly lines: every line once, no gap', async () => {
    rig = await startAgentboxRig();
    const sb = rig.emulator.addSandbox({ id: SB });
    const expected = ['boot'];
    sb.append('sandbox', ['boot']);
    const daemon = rig.run(`    sandbox: ${SB}\n    container: sandbox\n    lines: 1\n    poll_interval: 40ms\n`);
    await rig.receiver.waitFor(1, 10_000);
    for (let i = 0; i < 8; i++) {
      sb.append('sandbox', [`one ${i}`]);
      expected.push(`one ${i}`);
      await until(() => rig!.receiver.records.length >= expected.length, `${expected.length} records`);
    }
    await settle(200);
    expect(rig.receiver.records.map((r) => r.body)).toEqual(expected);
    expect(daemon.events.total('agentlog_gaps_total')).toBe(0);
  });

  it('a container restart whose log starts over: its lines once, no gap; a burst while the daemon was down: one gap, once', async () => {
    rig = await startAgentboxRig();
    const sb = rig.emulator.addSandbox({ id: SB });
    sb.append('sandbox', ['a', 'b', 'c']);
    const config = `    sandbox: ${SB}\n    container: sandbox\n    lines: 3\n    poll_interval: 30ms\n`;
    const first = rig.run(config);
    await rig.receiver.waitFor(3, 10_000);
    sb.restartContainer('sandbox');
    sb.append('sandbox', ['a']);
    sb.append('sandbox', ['restarted']);
    await rig.receiver.waitFor(5, 10_000);
    await settle(200);
    expect(first.events.total('agentlog_gaps_total')).toBe(0);
    await first.daemon.shutdown(5000);
    const burst = Array.from({ length: 6 }, (_, i) => `burst ${i}`);
    sb.append('sandbox', burst);
    const second = rig.run(config);
    await rig.receiver.waitFor(9, 10_000);
    await settle(400);
    expect(rig.receiver.records.map((r) => r.body)).toEqual(['a', 'b', 'c', 'a', 'restarted', 'burst 2', 'burst 3', 'burst 4', 'burst 5']);
    expect(second.events.total('agentlog_gaps_total')).toBe(1);
  });

  it('an answer identical to the last one is new lines when the window is one group of identical lines', async () => {
    rig = await startAgentboxRig();
    const sb = rig.emulator.addSandbox({ id: SB });
    const T = '2026-09-04T10:00:00.123456789Z';
    sb.append('sandbox', ['x', 'x'], T);
    rig.run(`    sandbox: ${SB}\n    container: sandbox\n    lines: 2\n    poll_interval: 20ms\n`);
    await rig.receiver.waitFor(2, 10_000);
    sb.append('sandbox', ['x'], T);
    await rig.receiver.waitFor(3, 10_000);
    await settle(150);
    // The last 3 lines (lines + 1) look exactly as before: only a wider window shows the new x.
    sb.append('sandbox', ['x'], T);
    await rig.receiver.waitFor(4, 10_000);
    sb.append('sandbox', ['y']);
    await rig.receiver.waitFor(5, 10_000);
    await settle(150);
    expect(rig.receiver.records.map((r) => r.body)).toEqual(['x', 'x', 'x', 'x', 'y']);
  });

  it('keeps malformed entries and a non-JSON answer as raw bodies with parse_error, once', async () => {
    rig = await startAgentboxRig();
    const sb = rig.emulator.addSandbox({ id: SB });
    sb.append('sandbox', ['good 1']);
    sb.appendMalformed('sandbox', { container: 'sandbox', log: 42 }, '{bad');
    sb.append('sandbox', ['good 2']);
    rig.emulator.failNext(3, 200, { body: '<html>bad gateway</html>' });
    const daemon = rig.run(`    sandbox: ${SB}\n    container: sandbox\n    poll_interval: 20ms\n`);
    await rig.receiver.waitFor(4, 10_000);
    await settle();
    expect(rig.receiver.records.map((r) => [r.body, r.attributes['agent_log_exporter.parse_error']])).toEqual([
      ['<html>bad gateway</html>', true],
      ['good 1', undefined],
      ['{"container":"sandbox","log":42}', true],
      ['good 2', undefined],
    ]);
    expect(daemon.events.total('agentlog_parse_errors_total')).toBe(2);
  });
});
