/**
 * One daemon per storage.dir (issue 11), with real processes: a second `run` on a directory in
 * use exits 1 with one paragraph naming the directory and the other process's pid, and a lock
 * left behind by `kill -9` never blocks the restart, which then delivers everything.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { generateLines } from '../../emulators/foundry.ts';
import { acquireStateLock, StateDirInUseError } from '../../src/checkpoint/state-lock.ts';
import { daemonRunner, runCli } from '../helpers/cli.ts';
import { TOKEN, runInProcess, startRig, writeConfig, type Rig } from '../helpers/harness.ts';

const SESSION = { agent: 'support-agent', version: '3', id: 's_lock' };

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});
// Registered after the rig's afterEach: vitest runs after-hooks in reverse, so daemons die before the rig closes.
const start = daemonRunner({ FOUNDRY_TOKEN: TOKEN });

describe('one daemon per storage.dir', () => {
  it('a second run is refused naming the directory and the pid; kill -9 leaves no lock that blocks a restart', async () => {
    rig = await startRig();
    const session = rig.emulator.addSession(SESSION);
    const lines = generateLines(3000);
    session.append(...lines.slice(0, 1000));
    writeConfig(rig, { session: SESSION });
    const storage = join(rig.dir, 'data');

    const first = start(rig.configPath);
    await rig.receiver.waitFor(1000, 15_000);

    const second = runCli(['run', '--config', rig.configPath], { FOUNDRY_TOKEN: TOKEN });
    expect(second.status, second.stderr).toBe(1);
    expect(second.stderr).toContain(`storage.dir ${storage} is in use`);
    expect(second.stderr).toContain(`pid ${first.child.pid}`);
    expect(second.stderr.trim().split('\n')).toHaveLength(1);
    expect(second.stderr).not.toContain('    at ');

    // kill -9: the kernel drops the lock with the process; the restart resumes where it stopped.
    first.child.kill('SIGKILL');
    await first.exited;
    session.append(...lines.slice(1000));
    const restarted = start(rig.configPath);
    await rig.receiver.waitFor(lines.length, 20_000);
    restarted.child.kill('SIGTERM');
    expect((await restarted.exited).code, restarted.stderr()).toBe(0);
    expect(rig.receiver.records.map((r) => r.body)).toEqual(lines.map((l) => l.message));
  });

  it('in one process too: a second daemon on the directory is refused, and shutdown releases the lock', async () => {
    rig = await startRig();
    rig.emulator.addSession(SESSION);
    const config = writeConfig(rig, { session: SESSION });
    const { daemon } = runInProcess(config);
    expect(() => runInProcess(config)).toThrow(StateDirInUseError);
    expect(() => acquireStateLock(config.storage.dir, 'checkpoints reset')).toThrow(/is in use by another agent-log-exporter \(pid \d+/);
    await daemon.shutdown(2000);
    acquireStateLock(config.storage.dir, 'checkpoints reset').release();
  });
});
