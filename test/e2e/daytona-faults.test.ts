import { afterEach, describe, expect, it } from 'vitest';
import { namedCommand, startDaytonaRig, type DaytonaRig } from '../helpers/daytona-rig.ts';
import { until } from '../helpers/until.ts';

let rig: DaytonaRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const OUT = Buffer.from([1, 1, 1]);
const ERR = Buffer.from([2, 2, 2]);
const settle = (ms = 300) => new Promise((r) => setTimeout(r, ms));

describe('Daytona faults end to end', () => {
  it('reconnects that each replay from byte 0, cut inside markers, characters and lines, deliver every line exactly once', async () => {
    rig = await startDaytonaRig();
    const cmd = rig.emulator.addSandbox({ id: 'sb' }).addSession('s').addCommand({ command: 'run', id: 'c' });
    const expected: string[] = [];
    for (let i = 0; i < 120; i++) {
      const body = `line ${i} ✓ 日本語 ${i % 2 ? 'err' : 'out'}`;
      if (i % 2) cmd.stderr(body);
      else cmd.stdout(body);
      expected.push(body);
    }
    // Cut points: 1 and 2 bytes into a marker, inside a 3-byte character, mid-line, right after a marker.
    const log = cmd.log;
    const markerAt = (n: number) => {
      let seen = -1;
      for (let i = 0; i + 2 < log.length; i++) if (log[i] === log[i + 1] && log[i] === log[i + 2] && (log[i] === 1 || log[i] === 2) && ++seen === n) return i;
      throw new Error('no such marker');
    };
    const cuts = [markerAt(10) + 1, markerAt(25) + 2, log.indexOf(Buffer.from('日本語 out'), markerAt(40)) + 4, markerAt(60) + 9, markerAt(90) + 3];
    cmd.setFaults({ disconnectAfterBytes: cuts });
    const daemon = rig.startDaemon(namedCommand('sb', 's', 'c'));
    await until(() => rig!.receiver.records.length >= 120, '120 records', 20_000);
    cmd.stdout('after the cuts');
    cmd.exit(0);
    expected.push('after the cuts', 'command exited with code 0');
    await until(() => rig!.receiver.records.length >= expected.length, 'the end', 20_000);
    await settle();
    expect(rig.receiver.records.map((r) => r.body)).toEqual(expected);
    expect(cmd.connections).toBe(cuts.length + 1);
    expect(daemon.events.total('agentlog_reconnects_total', { source: 'daytona-test' })).toBe(cuts.length);
  });

  it('resumes after a daemon restart exactly where it stopped, with a line split over the checkpoint and a marker split over the restart', async () => {
    rig = await startDaytonaRig();
    const cmd = rig.emulator.addSandbox({ id: 'sb' }).addSession('s').addCommand({ command: 'run', id: 'c' });
    cmd.stdout('one');
    // A stdout line begun before stderr lines that complete: the checkpoint lies past its start.
    cmd.raw(Buffer.concat([OUT, Buffer.from('split over the checkpoint, 日')]));
    cmd.stderr('two\nthree');
    cmd.raw(Buffer.from([2, 2])); // two bytes of a stderr marker
    const first = rig.startDaemon(namedCommand('sb', 's', 'c'));
    await until(() => rig!.receiver.records.length >= 3, 'three records', 20_000);
    await settle();
    await first.daemon.shutdown(5000);

    cmd.raw(Buffer.concat([Buffer.from([2]), Buffer.from('four\n'), OUT, Buffer.from('本 and continued\n')]));
    cmd.stdout('five');
    cmd.exit(0);
    const second = rig.startDaemon(namedCommand('sb', 's', 'c'));
    await until(() => rig!.receiver.records.length >= 7, 'seven records', 20_000);
    await until(() => rig!.streams(second).every((s) => s.state === 'finished'), 'the stream finished');
    await settle();
    expect(rig.receiver.records.map((r) => [r.body, r.attributes['log.iostream'] ?? null])).toEqual([
      ['one', 'stdout'],
      ['two', 'stderr'],
      ['three', 'stderr'],
      ['four', 'stderr'],
      ['split over the checkpoint, 日本 and continued', 'stdout'],
      ['five', 'stdout'],
      ['command exited with code 0', null],
    ]);
    expect(cmd.connections).toBe(2);
  });

  it('restarting after the exit record was handed off does not connect again', async () => {
    rig = await startDaytonaRig();
    const cmd = rig.emulator.addSandbox({ id: 'sb' }).addSession('s').addCommand({ command: 'true', id: 'c' });
    cmd.stdout('done');
    cmd.exit(0);
    const first = rig.startDaemon(namedCommand('sb', 's', 'c'));
    await until(() => rig!.receiver.records.length >= 2, 'the line and the exit record', 20_000);
    await until(() => rig!.streams(first).every((s) => s.state === 'finished'), 'the stream finished');
    await first.daemon.shutdown(5000);
    const second = rig.startDaemon(namedCommand('sb', 's', 'c'));
    await until(() => rig!.streams(second).some((s) => s.state === 'finished'), 'the stream finished again');
    await settle();
    expect(rig.receiver.records.map((r) => r.body)).toEqual(['done', 'command exited with code 0']);
    expect(cmd.connections).toBe(1);
  });

  it('a socket that stays open after the command exited is closed by the status fallback', async () => {
    rig = await startDaytonaRig({ faults: { stayOpenAfterExit: true } });
    const cmd = rig.emulator.addSandbox({ id: 'sb' }).addSession('s').addCommand({ command: 'run', id: 'c' });
    cmd.stdout('working');
    const daemon = rig.startDaemon(namedCommand('sb', 's', 'c'));
    await until(() => rig!.receiver.records.length >= 1, 'the first line', 20_000);
    cmd.stderr('failed');
    cmd.exit(1);
    await until(() => rig!.receiver.records.length >= 3, 'the exit record', 20_000);
    await until(() => rig!.streams(daemon).every((s) => s.state === 'finished'), 'the stream finished');
    expect(rig.receiver.records.map((r) => [r.body, r.severityText])).toEqual([
      ['working', 'INFO'],
      ['failed', 'ERROR'],
      ['command exited with code 1', 'ERROR'],
    ]);
    await until(() => cmd.liveConnections === 0, 'the socket closed by the exporter');
    expect(cmd.connections).toBe(1);
  });

  it('a deleted session closes the socket: what was read is delivered, the stream finishes without an exit record', async () => {
    rig = await startDaytonaRig();
    const sandbox = rig.emulator.addSandbox({ id: 'sb' });
    const session = sandbox.addSession('s');
    const cmd = session.addCommand({ command: 'run', id: 'c' });
    cmd.stdout('before delete');
    cmd.raw(Buffer.concat([ERR, Buffer.from('unterminated')]));
    const daemon = rig.startDaemon(namedCommand('sb', 's', 'c'));
    await until(() => rig!.receiver.records.length >= 1, 'the first line', 20_000);
    session.delete();
    await until(() => rig!.streams(daemon).every((s) => s.state === 'finished'), 'the stream finished');
    await settle();
    expect(rig.receiver.records.map((r) => r.body)).toEqual(['before delete', 'unterminated']);
  });
});
