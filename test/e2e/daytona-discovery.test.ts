import { afterEach, describe, expect, it } from 'vitest';
import type { CommandHandle } from '../../emulators/daytona.ts';
import { startDaytonaRig, type DaytonaRig } from '../helpers/daytona-rig.ts';
import { until } from '../helpers/until.ts';

let rig: DaytonaRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const settle = (ms = 400) => new Promise((r) => setTimeout(r, ms));
const bodies = (r: DaytonaRig, commandId: string) => r.recordsOf(commandId).map((x) => x.body);

describe.each(['paged', 'array'] as const)('Daytona discovery (sandbox list as %s)', (listShape) => {
  it('follows every command and entrypoint of the labelled started sandboxes, starts new ones, releases finished ones, never follows one twice', async () => {
    rig = await startDaytonaRig({ listShape, pageSize: 1 });
    const e = rig.emulator;
    const a = e.addSandbox({ id: 'sb-a', labels: { app: 'agent', tier: 'x' } });
    e.addSandbox({ id: 'sb-other', labels: { app: 'other' } }).addSession('s').addCommand({ command: 'nope', id: 'c-other' }).stdout('not ours');
    const stopped = e.addSandbox({ id: 'sb-stopped', labels: { app: 'agent' } });
    stopped.addSession('s').addCommand({ command: 'nope', id: 'c-stopped' }).stdout('not started');
    stopped.setState('stopped');
    const c1 = a.addSession('s1').addCommand({ command: 'python a.py', id: 'c1' });
    c1.stdout('c1 first');
    const entry = a.setEntrypoint('/usr/bin/agent --serve');
    entry.stdout('entrypoint up');
    entry.stderr('entrypoint warning ✓');

    const daemon = rig.startDaemon('    sandbox_labels: {app: agent}\n    discover_interval: 100ms\n');
    await until(() => bodies(rig!, 'c1').length >= 1 && bodies(rig!, 'entrypoint_command').length >= 2, 'c1 and the entrypoint', 20_000);

    // New commands, a new session and a new sandbox are picked up by the next listings.
    const c2 = a.getSession('s1')!.addCommand({ command: 'python b.py', id: 'c2' });
    c2.stderr('c2 says hi');
    const c3 = a.addSession('s2').addCommand({ command: 'bash -lc job', id: 'c3' });
    c3.stdout('c3 line');
    const d = e.addSandbox({ id: 'sb-d', labels: { app: 'agent' } });
    const c4 = d.addSession('s').addCommand({ command: 'node x.js', id: 'c4' });
    c4.stdout('c4 in a new sandbox');
    await until(() => ['c2', 'c3', 'c4'].every((id) => bodies(rig!, id).length >= 1), 'the new streams', 20_000);

    // Finished commands are released and not followed again, while still listed by the platform.
    c1.stdout('c1 last');
    c1.exit(0);
    c3.exit(4);
    await until(() => bodies(rig!, 'c1').length >= 3 && bodies(rig!, 'c3').length >= 2, 'the exit records', 20_000);
    await until(() => !rig!.streams(daemon).some((s) => s.key.endsWith('/c1') || s.key.endsWith('/c3')), 'c1 and c3 released');
    await settle(600);

    expect(bodies(rig, 'c1')).toEqual(['c1 first', 'c1 last', 'command exited with code 0']);
    expect(bodies(rig, 'c2')).toEqual(['c2 says hi']);
    expect(bodies(rig, 'c3')).toEqual(['c3 line', 'command exited with code 4']);
    expect(bodies(rig, 'c4')).toEqual(['c4 in a new sandbox']);
    expect(bodies(rig, 'entrypoint_command')).toEqual(['entrypoint up', 'entrypoint warning ✓']);
    expect(rig.receiver.records).toHaveLength(9);

    expect(rig.streams(daemon).map((s) => s.key).sort()).toEqual([
      'daytona-test/sb-a/entrypoint',
      'daytona-test/sb-a/s1/c2',
      'daytona-test/sb-d/s/c4',
    ]);
    const entryRecord = rig.recordsOf('entrypoint_command')[0]!;
    expect(entryRecord.resource).toMatchObject({
      'daytona.sandbox.id': 'sb-a',
      'daytona.session.id': 'entrypoint',
      'daytona.command.id': 'entrypoint_command',
      'process.command_line': '/usr/bin/agent --serve',
    });
    const handles: CommandHandle[] = [c1, c2, c3, c4, entry];
    expect(handles.map((h) => h.connections)).toEqual([1, 1, 1, 1, 1]);
    // The list was paged (one sandbox per page) or read as an array, and filtered client-side too.
    const lists = e.requests.filter((r) => r.route === 'sandbox-list');
    expect(lists[0]!.query.get('states')).toBe('started');
    expect(JSON.parse(lists[0]!.query.get('labels')!)).toEqual({ app: 'agent' });
    if (listShape === 'paged') expect(lists.some((r) => r.query.get('cursor'))).toBe(true);
  });
});

describe('Daytona discovery of one sandbox', () => {
  it('follows its sessions and, with entrypoint: false, not its entrypoint; a removed sandbox stops its streams', async () => {
    rig = await startDaytonaRig();
    const sb = rig.emulator.addSandbox({ id: 'sb-one' });
    sb.setEntrypoint('agent').stdout('not followed');
    const c = sb.addSession('s').addCommand({ command: 'x', id: 'c' });
    c.stdout('followed');
    const daemon = rig.startDaemon('    sandbox: sb-one\n    entrypoint: false\n    discover_interval: 100ms\n');
    await until(() => rig!.receiver.records.length >= 1, 'the command', 20_000);
    expect(rig.streams(daemon).map((s) => s.key)).toEqual(['daytona-test/sb-one/s/c']);
    // The toolbox base came from the sandbox's toolboxProxyUrl.
    expect(rig.emulator.requests.some((r) => r.route === 'sandbox-get' && r.path === '/api/sandbox/sb-one')).toBe(true);
    rig.emulator.removeSandbox('sb-one');
    await settle(600);
    expect(rig.receiver.records.map((r) => r.body)).toEqual(['followed']);
  });
});
