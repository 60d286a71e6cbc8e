/**
 * `checkpoints` with the real CLI (issue 11 item 3, issue 12 item 5): `list` in words and as
 * JSON, `reset` needing a name or --all and refusing an unknown one with a did-you-mean, a
 * renamed source reported orphaned (by `list` and once by the daemon), `reset`/`move` refused
 * while a daemon runs on storage.dir, and `move OLD NEW` carrying checkpoints and spooled batches
 * so the renamed source resumes without one duplicate.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { generateLines } from '../../emulators/foundry.ts';
import { daemonRunner, runCli, type Spawned } from '../helpers/cli.ts';
import { TOKEN, startRig, writeConfig, type Rig } from '../helpers/harness.ts';
import { until } from '../helpers/until.ts';

const SESSION = { agent: 'support-agent', version: '3', id: 's_ck' };

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});
// Registered after the rig's afterEach: vitest runs after-hooks in reverse, so daemons die before the rig closes.
const run = daemonRunner({ FOUNDRY_TOKEN: TOKEN });

async function stop(s: Spawned): Promise<string> {
  s.child.kill('SIGTERM');
  expect((await s.exited).code, s.stderr()).toBe(0);
  return s.stderr();
}

interface ListJson {
  storage_dir: string;
  daemon_running: boolean;
  daemon_pid?: number;
  streams: { stream: string; source: string; orphaned: boolean; format: string; position: string; last_record_time: string | null; age_seconds: number | null }[];
  spooled_records: Record<string, number>;
}

describe('checkpoints list, reset and move', () => {
  it('lists in words, refuses vague or unknown resets, and a renamed source resumes where it stopped after move', async () => {
    rig = await startRig();
    const session = rig.emulator.addSession(SESSION);
    const lines = generateLines(150, { start: Date.parse('2026-03-10T10:00:00Z') });
    session.append(...lines.slice(0, 100));
    writeConfig(rig, { session: SESSION });
    const original = readFileSync(rig.configPath, 'utf8');
    const cli = (...args: string[]): ReturnType<typeof runCli> => runCli([...args, '--config', rig!.configPath]);

    // The endpoint is down: the first run spools everything it read.
    rig.receiver.respondWith([{ status: 503, times: 1_000_000 }]);
    const first = run(rig.configPath);
    await until(() => first.stderr().includes('"event":"export.retry"'), 'a failed export', 20_000);
    await new Promise((r) => setTimeout(r, 500));
    await stop(first);

    // list, in words: the position as a person reads it, the newest record's time and its age.
    const key = `foundry-test/${SESSION.agent}/${SESSION.id}`;
    const newest = lines[99]!.timestamp;
    const list = cli('checkpoints', 'list');
    expect(list.status, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/^STREAM\s+POSITION\s+LAST RECORD\s+AGE$/m);
    expect(list.stdout).toMatch(new RegExp(`^${key}\\s+records up to ${newest.replaceAll('.', '\\.')} \\(\\d+ lines? at that instant\\)\\s+${newest.replaceAll('.', '\\.')}\\s+\\d+ d \\d+ h$`, 'm'));
    expect(list.stdout).toContain('spool: 100 records waiting for the endpoint (foundry-test 100)');
    expect(list.stdout).not.toContain('"counts"');
    const json = JSON.parse(cli('checkpoints', 'list', '--json').stdout) as ListJson;
    expect(json.streams).toEqual([
      expect.objectContaining({ stream: key, source: 'foundry-test', orphaned: false, format: 'foundry', last_record_time: newest }),
    ]);
    expect(json.streams[0]!.age_seconds).toBeGreaterThan(0);
    expect(json.spooled_records).toEqual({ 'foundry-test': 100 });
    expect(json.daemon_running).toBe(false);

    // reset needs a name or --all; an unknown name is refused with a did-you-mean; nothing removed.
    const vague = cli('checkpoints', 'reset');
    expect(vague.status).toBe(2);
    expect(vague.stderr).toContain('needs a stream or source name');
    expect(vague.stderr).toContain('--all');
    const typo = cli('checkpoints', 'reset', 'foundry-tset');
    expect(typo.status).toBe(2);
    expect(typo.stderr).toContain('did you mean "foundry-test"?');
    expect(typo.stderr).toContain('nothing was removed');
    expect(cli('checkpoints', 'list').stdout).toContain(key);

    // Renamed in the config: list marks the old checkpoints orphaned…
    const renamed = original.replace('name: foundry-test', 'name: foundry-new');
    writeFileSync(rig.configPath, renamed);
    const orphaned = cli('checkpoints', 'list');
    expect(orphaned.stdout).toContain(`${key} (orphaned)`);
    expect(orphaned.stdout).toContain('orphaned: foundry-test is not in the config');
    expect(orphaned.stdout).toContain('checkpoints move OLD NEW');

    // …and the daemon reports them once. (Its source follows a session that does not exist here,
    // so this run reads nothing under the new name.) While it runs, reset and move are refused.
    writeFileSync(rig.configPath, renamed.replace(`session: ${SESSION.id}`, 'session: s_elsewhere'));
    const daemon = run(rig.configPath);
    await until(() => daemon.stderr().includes('"event":"checkpoints.orphaned"'), 'the orphaned report', 20_000);
    expect(daemon.stderr()).toMatch(/"event":"checkpoints\.orphaned","sources":\["foundry-test"\],"streams":\{"foundry-test":1\}/);
    const storage = join(rig.dir, 'data');
    for (const args of [['reset', '--all'], ['move', 'foundry-test', 'foundry-new']]) {
      const refused = cli('checkpoints', ...args);
      expect(refused.status, args.join(' ')).toBe(1);
      expect(refused.stderr).toContain(`storage.dir ${storage} is in use`);
      expect(refused.stderr).toContain(`pid ${daemon.child.pid}`);
    }
    const whileRunning = cli('checkpoints', 'list');
    expect(whileRunning.status).toBe(0);
    expect(whileRunning.stdout).toContain(`a daemon is running on ${storage} (pid ${daemon.child.pid})`);
    expect((await stop(daemon)).match(/"event":"checkpoints\.orphaned"/g)).toHaveLength(1);

    // move carries the checkpoint and the spooled batches to the new name.
    writeFileSync(rig.configPath, renamed);
    const unknown = cli('checkpoints', 'move', 'foundry-tst', 'foundry-new');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('did you mean "foundry-test"?');
    const moved = cli('checkpoints', 'move', 'foundry-test', 'foundry-new');
    expect(moved.status, moved.stderr).toBe(0);
    expect(moved.stdout).toMatch(/^moved 1 checkpoint and \d+ spooled batch(es)? from foundry-test to foundry-new/);
    const after = JSON.parse(cli('checkpoints', 'list', '--json').stdout) as ListJson;
    expect(after.streams.map((s) => [s.stream, s.orphaned])).toEqual([[`foundry-new/${SESSION.agent}/${SESSION.id}`, false]]);
    expect(after.spooled_records).toEqual({ 'foundry-new': 100 });

    // The renamed source resumes: the spool drains and only the new lines are read; no duplicate.
    rig.receiver.reset();
    session.append(...lines.slice(100));
    const resumed = run(rig.configPath);
    await rig.receiver.waitFor(lines.length, 20_000);
    await new Promise((r) => setTimeout(r, 500));
    await stop(resumed);
    expect(rig.receiver.records.map((r) => r.body)).toEqual(lines.map((l) => l.message));
  }, 90_000);

  it('reset --all and reset SOURCE remove what they say; list on an empty directory creates nothing', async () => {
    rig = await startRig();
    const session = rig.emulator.addSession(SESSION);
    session.append(...generateLines(20));
    writeConfig(rig, { session: SESSION });
    const cli = (...args: string[]): ReturnType<typeof runCli> => runCli([...args, '--config', rig!.configPath]);
    const empty = cli('checkpoints', 'list');
    expect(empty.status).toBe(0);
    expect(empty.stdout).toContain('no checkpoints yet');
    expect(existsSync(join(rig.dir, 'data'))).toBe(false);

    const daemon = run(rig.configPath);
    await rig.receiver.waitFor(20, 20_000);
    await new Promise((r) => setTimeout(r, 300));
    await stop(daemon);
    const bySource = cli('checkpoints', 'reset', 'foundry-test');
    expect(bySource.status, bySource.stderr).toBe(0);
    expect(bySource.stdout).toContain('removed 1 checkpoint under foundry-test');
    expect(cli('checkpoints', 'reset', '--all').stdout).toContain('removed 0 checkpoints');
    expect(cli('checkpoints', 'list').stdout).toContain('no checkpoints yet');
  }, 60_000);
});
