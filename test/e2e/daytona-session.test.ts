import { afterEach, describe, expect, it } from 'vitest';
import { VERSION } from '../../src/version.ts';
import { namedCommand, startDaytonaRig, type DaytonaRig } from '../helpers/daytona-rig.ts';
import { until } from '../helpers/until.ts';

let rig: DaytonaRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const OUT = Buffer.from([1, 1, 1]);
const ERR = Buffer.from([2, 2, 2]);

/** Distinct stdout/stderr lines with multi-byte characters; every seventh longer than a frame. */
function lines(from: number, n: number): { body: string; stream: 'stdout' | 'stderr' }[] {
  return Array.from({ length: n }, (_, k) => {
    const i = from + k;
    const body = `${i % 3 === 2 ? 'warn-ish' : 'step'} ${i} — naïve café ✓ 日本 👋${i % 7 === 0 ? ` ${'é日👋'.repeat(200)}` : ''}`;
    return { body, stream: i % 3 === 2 ? 'stderr' : 'stdout' };
  });
}

describe('one Daytona command end to end', () => {
  it('delivers interleaved stdout/stderr lines exactly once with every field, then the exit record', async () => {
    rig = await startDaytonaRig({ faults: { frameBytes: 'random', seed: 11 } });
    const cmd = rig.emulator.addSandbox({ id: 'sb-1' }).addSession('s-1').addCommand({ command: 'python agent.py --verbose', id: 'c-1' });
    const history = lines(0, 300);
    for (const l of history) cmd[l.stream](l.body);
    const daemon = rig.startDaemon(namedCommand('sb-1', 's-1', 'c-1'));
    await until(() => rig!.receiver.records.length >= 300, 'the history', 20_000);

    // A line written in pieces is held until its newline; one without a newline is flushed at the end.
    const live = lines(300, 200);
    for (const l of live) cmd[l.stream](l.body);
    cmd.raw(Buffer.concat([OUT, Buffer.from('partial '), Buffer.from('日本', 'utf8').subarray(0, 4)]));
    await new Promise((r) => setTimeout(r, 100));
    cmd.raw(Buffer.concat([Buffer.from('日本', 'utf8').subarray(4), Buffer.from(' joined\n'), ERR, Buffer.from('tail without newline ✓')]));
    cmd.exit(0);

    const expected = [
      ...[...history, ...live].map((l) => [l.body, l.stream]),
      ['partial 日本 joined', 'stdout'],
      ['tail without newline ✓', 'stderr'],
      ['command exited with code 0', undefined],
    ];
    await until(() => rig!.receiver.records.length >= expected.length, 'every line and the exit record', 20_000);
    await until(() => rig!.streams(daemon).every((s) => s.state === 'finished'), 'the stream finished');
    await new Promise((r) => setTimeout(r, 300));
    const records = rig.receiver.records;
    expect(records.map((r) => [r.body, r.attributes['log.iostream']])).toEqual(expected);

    const first = records[0]!;
    expect(first.resource).toEqual({
      'service.name': 'daytona-test',
      'deployment.environment.name': 'test',
      'daytona.sandbox.id': 'sb-1',
      'daytona.session.id': 's-1',
      'daytona.command.id': 'c-1',
      'process.command_line': 'python agent.py --verbose',
    });
    expect(first.scope).toEqual({ name: 'agent-log-exporter/daytona', version: VERSION });
    expect(first.attributes).toEqual({ 'log.iostream': 'stdout', team: 'core' });
    expect([first.severityText, first.severityNumber]).toEqual(['INFO', 9]);
    // No platform timestamp: only the observed time is set.
    expect(first.timeUnixNano).toBe(0n);
    expect(first.observedTimeUnixNano).toBeGreaterThan(0n);
    const stderr = records[2]!;
    expect([stderr.attributes['log.iostream'], stderr.severityText, stderr.severityNumber]).toEqual(['stderr', 'ERROR', 17]);

    const exit = records.at(-1)!;
    expect(exit.attributes).toEqual({ 'process.exit.code': 0, team: 'core' });
    expect([exit.severityText, exit.severityNumber]).toEqual(['INFO', 9]);

    // Every toolbox call carried the key and the split header, and no SDK version (raw markers).
    const toolbox = rig.emulator.requests.filter((r) => r.path.startsWith('/toolbox/'));
    expect(toolbox.length).toBeGreaterThan(0);
    for (const req of toolbox) {
      expect(req.headers.authorization).toBe('Bearer daytona-e2e-key-7b3e');
      expect(req.headers['x-daytona-split-output']).toBe('true');
      expect(req.headers['x-daytona-sdk-version']).toBeUndefined();
    }
    expect(cmd.connections).toBe(1);
  });

  it('a failing command ends with an ERROR exit record; bytes before any marker and bad UTF-8 are kept and flagged', async () => {
    rig = await startDaytonaRig();
    const cmd = rig.emulator.addSandbox({ id: 'sb-2' }).addSession('s').addCommand({ command: 'make', id: 'c-2' });
    cmd.raw('banner before any marker\n');
    cmd.stdout('compiling');
    cmd.raw(Buffer.concat([ERR, Buffer.from('bad '), Buffer.from([0xc3, 0x28]), Buffer.from(' byte\n')]));
    cmd.stderr('make: *** [all] Error 2');
    cmd.exit(2);
    const daemon = rig.startDaemon(namedCommand('sb-2', 's', 'c-2'));
    await until(() => rig!.receiver.records.length >= 5, 'five records', 20_000);
    await until(() => rig!.streams(daemon).every((s) => s.state === 'finished'), 'the stream finished');
    const records = rig.receiver.records;
    expect(records.map((r) => [r.body, r.attributes['log.iostream'], r.attributes['agent_log_exporter.parse_error'], r.severityText])).toEqual([
      ['banner before any marker', undefined, true, ''],
      ['compiling', 'stdout', undefined, 'INFO'],
      ['bad \uFFFD( byte', 'stderr', true, 'ERROR'],
      ['make: *** [all] Error 2', 'stderr', undefined, 'ERROR'],
      ['command exited with code 2', undefined, undefined, 'ERROR'],
    ]);
    expect(records[4]!.attributes['process.exit.code']).toBe(2);
    expect(records[4]!.severityNumber).toBe(17);
    expect(daemon.events.total('agentlog_parse_errors_total', { source: 'daytona-test' })).toBe(2);
  });
});
