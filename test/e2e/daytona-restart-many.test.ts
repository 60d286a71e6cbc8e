import { afterEach, describe, expect, it } from 'vitest';
import { startDaytonaRig, type DaytonaRig } from '../helpers/daytona-rig.ts';
import { until } from '../helpers/until.ts';

let rig: DaytonaRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const settle = (ms = 500) => new Promise((r) => setTimeout(r, ms));

describe('Daytona: many commands in one session across discovery rounds and a restart', () => {
  it('finished commands stay released: no socket, no snapshot and no status call for them after a restart', async () => {
    rig = await startDaytonaRig();
    const session = rig.emulator.addSandbox({ id: 'sb' }).addSession('s');
    const n = 25;
    for (let i = 0; i < n; i++) {
      const c = session.addCommand({ command: `job ${i}`, id: `c${String(i).padStart(2, '0')}` });
      c.stdout(`job ${i} ran`);
      c.exit(i % 3);
    }
    const running = session.addCommand({ command: 'serve', id: 'live' });
    running.stdout('serving');
    const target = '    sandbox: sb\n    entrypoint: false\n    discover_interval: 100ms\n';
    const first = rig.startDaemon(target);
    await until(() => rig!.receiver.records.length >= 2 * n + 1, 'every line and exit record', 20_000);
    await settle(); // several discovery rounds after the commands finished
    const perCommand = (route: string) => rig!.emulator.requests.filter((r) => r.route === route && r.path.includes('/command/c')).length;
    expect(perCommand('logs')).toBe(2 * n); // one socket and one reconciliation snapshot each
    await first.daemon.shutdown(5000);

    const before = rig.emulator.requests.length;
    const second = rig.startDaemon(target);
    await until(() => running.connections >= 2, 'the running command followed again', 20_000);
    await settle();
    const after = rig.emulator.requests.slice(before);
    expect(after.filter((r) => r.path.includes('/command/c')).map((r) => r.route)).toEqual([]);
    expect(rig.receiver.records.length).toBe(2 * n + 1);
    expect(rig.streams(second).map((s) => s.key)).toEqual(['daytona-test/sb/s/live']);
  }, 40_000);

  it('a sandbox stopped while following drops the socket and loses its sessions (daemon memory): the stream retries, then finishes on 404 once it is started again', async () => {
    rig = await startDaytonaRig();
    const sandbox = rig.emulator.addSandbox({ id: 'sb' });
    const cmd = sandbox.addSession('s').addCommand({ command: 'serve', id: 'c' });
    cmd.stdout('before stop');
    const daemon = rig.startDaemon('    sandbox: sb\n    session: s\n    command: c\n');
    await until(() => rig!.receiver.records.length >= 1 && cmd.liveConnections === 1, 'the first line on a live socket', 20_000);
    sandbox.setState('stopped');
    await until(() => cmd.liveConnections === 0, 'the socket dropped with the daemon', 5000);
    expect(sandbox.getSession('s')).toBeUndefined();
    await settle(1500);
    const refused = rig.emulator.requests.filter((r) => r.route === 'command-get' && r.status === 400);
    expect(refused.length).toBeGreaterThan(0);
    expect(rig.streams(daemon).map((s) => s.state)).toEqual(['retrying']);
    sandbox.setState('started');
    await until(() => rig!.streams(daemon).every((s) => s.state === 'finished'), 'the stream finished (session gone)', 20_000);
    expect(rig.receiver.records.map((r) => r.body)).toEqual(['before stop']);
  }, 40_000);
});
