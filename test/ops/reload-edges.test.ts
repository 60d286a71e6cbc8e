/**
 * SIGHUP reload edge cases with the real CLI: a change of only `attributes` or `severity`
 * restarts the source and every record after carries the new value exactly once, with no
 * record lost or repeated across the restart; a reload fixes a source stuck in auth_failed at
 * once (not after the slow auth retry); a rename is remove + add (the old checkpoint stays);
 * two SIGHUPs in quick succession end on the newest config with no stream followed twice; a
 * SIGHUP during shutdown changes nothing and the daemon still exits 0.
 */
import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateLines, type GeneratedLine } from '../../emulators/foundry.ts';
import type { ReceivedLogRecord } from '../../emulators/otlp-receiver.ts';
import { runCli } from '../helpers/cli.ts';
import { TOKEN, startRig } from '../helpers/harness.ts';
import { until } from '../helpers/until.ts';
import { runDaemonCli, stopCleanly, useOpsFixture } from './ops-helpers.ts';

const AGENT = 'bot';
const ops = useOpsFixture();

function source(name: string, session: string, extra = '', token = '${env:FOUNDRY_TOKEN}'): string {
  return `  - {name: ${name}, type: foundry, endpoint: "${ops.rig!.emulator.url}", agent: ${AGENT}, version: "1", session: ${session}, auth: {type: bearer, token: "${token}"}${extra}}\n`;
}
function config(sources: string): string {
  return `sources:\n${sources}exporter:\n  endpoint: ${ops.rig!.receiver.url}\n  batch: {timeout: 20ms}\n  retry: {initial_interval: 50ms, max_interval: 500ms}
storage: {dir: ${ops.rig!.dir}/data}\nserver: {listen: ""}\nlog: {level: info}\nshutdown_timeout: 5s\n`;
}
const count = (event: string): number => ops.daemon!.stderr().split(`"event":"${event}"`).length - 1;
async function reload(text: string, nth: number): Promise<void> {
  writeFileSync(ops.rig!.configPath, text);
  ops.daemon!.child.kill('SIGHUP');
  await until(() => count('config.reloaded') >= nth, `config.reloaded #${nth}`);
}
const batch = (part: number, n = 200): GeneratedLine[] =>
  generateLines(n, { start: Date.parse('2026-03-10T10:00:00Z') + part * 3_600_000, sameTimestampEvery: 0 });
const keyOf = (r: ReceivedLogRecord): string => `${r.timeUnixNano}|${String(r.body)}`;
const keys = (lines: GeneratedLine[]): string[] => lines.map((l) => `${BigInt(Date.parse(l.timestamp)) * 1_000_000n}|${l.message}`);
/** How often each attribute key occurs on the wire in a record (a map would hide a repeat). */
const wireKeys = (r: ReceivedLogRecord): string[] => ((r.raw.attributes ?? []) as { key: string }[]).map((a) => a.key);

describe('SIGHUP reload edge cases', () => {
  it('attributes-only and severity-only changes restart the source; new values exactly once, nothing lost or repeated', async () => {
    ops.rig = await startRig();
    const s = ops.rig.emulator.addSession({ agent: AGENT, version: '1', id: 's_x' });
    s.append(...batch(0));
    ops.daemon = runDaemonCli(ops.rig, config(source('x', 's_x', ', attributes: {team: core}')), { FOUNDRY_TOKEN: TOKEN });
    await ops.rig.receiver.waitFor(200, 20_000);

    await reload(config(source('x', 's_x', ', attributes: {team: core, tier: gold}')), 1);
    expect(ops.daemon.stderr()).toMatch(/"event":"config\.reloaded","added":\[\],"removed":\[\],"restarted":\["x"\]/);
    s.append(...batch(1));
    await ops.rig.receiver.waitFor(400, 20_000);

    await reload(config(source('x', 's_x', ', attributes: {team: core, tier: gold}, severity: {stdout: WARN, detect: false}')), 2);
    expect(ops.daemon.stderr().split('\n').filter((l) => l.includes('"event":"config.reloaded"'))[1]).toContain('"restarted":["x"]');
    s.append(...batch(2));
    await ops.rig.receiver.waitFor(600, 20_000);
    await new Promise((r) => setTimeout(r, 300));

    const got = ops.rig.receiver.records;
    expect(got.map(keyOf)).toEqual(keys([...batch(0), ...batch(1), ...batch(2)]));
    for (const r of got) expect(new Set(wireKeys(r)).size, JSON.stringify(wireKeys(r))).toBe(wireKeys(r).length);
    expect(got.slice(0, 200).every((r) => r.attributes.team === 'core' && !('tier' in r.attributes))).toBe(true);
    expect(got.slice(200).every((r) => r.attributes.team === 'core' && r.attributes.tier === 'gold')).toBe(true);
    // detect off, stdout WARN: every stdout line after the reload is WARN whatever its text.
    const stdoutAfter = got.slice(400).filter((r) => r.attributes['log.iostream'] === 'stdout');
    expect(stdoutAfter.length).toBeGreaterThan(50);
    expect(stdoutAfter.every((r) => r.severityText === 'WARN' && r.severityNumber === 13)).toBe(true);
    // Before it, detection was on: some stdout lines said otherwise.
    expect(got.slice(200, 400).some((r) => r.attributes['log.iostream'] === 'stdout' && r.severityText !== 'WARN')).toBe(true);
    await stopCleanly(ops.daemon);
  }, 60_000);

  it('a reload with the right token fixes a source in auth_failed at once', async () => {
    ops.rig = await startRig();
    ops.rig.emulator.addSession({ agent: AGENT, version: '1', id: 's_y' }).append(...batch(0, 20));
    ops.daemon = runDaemonCli(ops.rig, config(source('y', 's_y', '', 'wrong-token-1234')), { FOUNDRY_TOKEN: TOKEN });
    await until(() => ops.daemon!.stderr().includes('"event":"stream.auth_failed"'), 'the refusal');
    const t0 = Date.now();
    await reload(config(source('y', 's_y')), 1);
    await ops.rig.receiver.waitFor(20, 10_000);
    // The default auth retry waits a minute; a reload must not.
    expect(Date.now() - t0).toBeLessThan(5_000);
    await stopCleanly(ops.daemon);
    expect(ops.daemon.stderr()).not.toContain(TOKEN);
  }, 30_000);

  it('a rename is remove + add: the old checkpoint stays, the new name starts its own stream', async () => {
    ops.rig = await startRig();
    const s = ops.rig.emulator.addSession({ agent: AGENT, version: '1', id: 's_r' });
    s.append(...batch(0, 50));
    ops.daemon = runDaemonCli(ops.rig, config(source('old', 's_r')), { FOUNDRY_TOKEN: TOKEN });
    await ops.rig.receiver.waitFor(50, 20_000);
    await reload(config(source('new', 's_r')), 1);
    expect(ops.daemon.stderr()).toMatch(/"added":\["new"\],"removed":\["old"\],"restarted":\[\]/);
    // The new name is a new stream key: it reads the session from the start.
    await ops.rig.receiver.waitFor(100, 20_000);
    s.append(...batch(1, 10));
    await ops.rig.receiver.waitFor(110, 20_000);
    await new Promise((r) => setTimeout(r, 300));
    const by = (name: string): string[] => ops.rig!.receiver.records.filter((r) => r.resource['service.name'] === name).map(keyOf);
    expect(by('old')).toEqual(keys(batch(0, 50)));
    expect(by('new')).toEqual(keys([...batch(0, 50), ...batch(1, 10)]));
    await stopCleanly(ops.daemon);
    const list = runCli(['checkpoints', 'list', '--config', ops.rig.configPath]);
    expect(list.stdout).toContain(`old/${AGENT}/s_r`);
    expect(list.stdout).toContain(`new/${AGENT}/s_r`);
  }, 60_000);

  it('two SIGHUPs in quick succession end on the newest config, no stream followed twice', async () => {
    ops.rig = await startRig();
    const sessions = ['a', 'b', 'c'].map((n) => ops.rig!.emulator.addSession({ agent: AGENT, version: '1', id: `s_${n}` }));
    sessions.forEach((s, i) => s.append(...batch(i * 10, 30)));
    ops.daemon = runDaemonCli(ops.rig, config(source('a', 's_a')), { FOUNDRY_TOKEN: TOKEN });
    await ops.rig.receiver.waitFor(30, 20_000);
    writeFileSync(ops.rig.configPath, config(source('a', 's_a', ', attributes: {v: "1"}') + source('b', 's_b')));
    ops.daemon.child.kill('SIGHUP');
    writeFileSync(ops.rig.configPath, config(source('a', 's_a', ', attributes: {v: "2"}') + source('c', 's_c')));
    ops.daemon.child.kill('SIGHUP');
    await until(() => /"event":"config\.reloaded"[^\n]*"added":\["c"\]/.test(ops.daemon!.stderr()) || /"added":\[\],"removed":\["b"\]/.test(ops.daemon!.stderr()), 'the newest config applied');
    sessions[0]!.append(...batch(1, 30));
    await until(() => ops.rig!.receiver.records.filter((r) => r.attributes.v === '2').length === 30, 'a records with v=2', 20_000);
    await until(() => ops.rig!.receiver.records.some((r) => r.resource['service.name'] === 'c'), 'c', 20_000);
    await new Promise((r) => setTimeout(r, 300));
    const a = ops.rig.receiver.records.filter((r) => r.resource['service.name'] === 'a').map(keyOf);
    expect(a).toEqual(keys([...batch(0, 30), ...batch(1, 30)]));
    const status = JSON.stringify(ops.daemon.stderr().split('\n').filter((l) => l.includes('"event":"config.reloaded"')));
    // Whatever the merge, the end state is the newest file: a and c run, b does not.
    await stopCleanly(ops.daemon);
    const started = (n: string): number => (ops.daemon!.stderr().match(new RegExp(`"event":"stream\\.started","source":"${n}"`, 'g')) ?? []).length;
    const stopped = (n: string): number => (ops.daemon!.stderr().match(new RegExp(`"event":"source\\.stopped","source":"${n}"`, 'g')) ?? []).length;
    expect(started('b') - stopped('b'), status).toBe(0);
    expect(started('c') - stopped('c'), status).toBe(1);
    expect(started('a') - stopped('a'), status).toBe(1);
    expect(ops.rig.receiver.records.filter((r) => r.resource['service.name'] === 'c').map(keyOf)).toEqual(keys(batch(20, 30)));
  }, 60_000);

  it('a SIGHUP during shutdown changes nothing; the daemon still exits 0', async () => {
    ops.rig = await startRig();
    ops.rig.emulator.addSession({ agent: AGENT, version: '1', id: 's_z' }).append(...batch(0, 20));
    // The endpoint is slow to answer, so the shutdown takes a while.
    ops.daemon = runDaemonCli(ops.rig, config(source('z', 's_z')), { FOUNDRY_TOKEN: TOKEN });
    await ops.rig.receiver.waitFor(20, 20_000);
    writeFileSync(ops.rig.configPath, config(source('z2', 's_z')));
    ops.daemon.child.kill('SIGTERM');
    await until(() => ops.daemon!.stderr().includes('"event":"daemon.stopping"'), 'stopping');
    ops.daemon.child.kill('SIGHUP');
    const exit = await ops.daemon.exited;
    expect(exit, ops.daemon.stderr()).toEqual({ code: 0, signal: null });
    expect(ops.daemon.stderr()).not.toContain('"event":"config.reloaded"');
    expect(ops.daemon.stderr()).not.toContain('"source":"z2"');
  }, 30_000);
});
