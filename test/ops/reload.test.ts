/**
 * SIGHUP reload with the real CLI (DESIGN §5): an added source starts, a removed one stops
 * (its checkpoint stays), a changed one restarts and resumes exactly where it was (nothing
 * lost, nothing repeated), an unchanged one is not touched; an exporter change is reported as
 * needing a restart; an invalid new config is logged with its problems (no secrets) and the
 * running one carries on.
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
const HEADER_SECRET = 'hdr-secret-71c0e5a9';

const ops = useOpsFixture();

function source(name: string, team: string): string {
  return `  - {name: ${name}, type: foundry, endpoint: "${ops.rig!.emulator.url}", agent: ${AGENT}, version: "1", session: s_${name}, auth: {type: bearer, token: "\${env:FOUNDRY_TOKEN}"}, attributes: {team: ${team}}}\n`;
}

function config(sources: string, batchTimeout = '20ms', extra = ''): string {
  return `sources:\n${sources}exporter:\n  endpoint: ${ops.rig!.receiver.url}\n  headers: {x-api-key: ${HEADER_SECRET}}\n  batch: {timeout: ${batchTimeout}}\n  retry: {initial_interval: 50ms, max_interval: 500ms}
storage: {dir: ${ops.rig!.dir}/data}\nserver: {listen: ""}\nlog: {level: info}\nshutdown_timeout: 5s\n${extra}`;
}

const keyOf = (r: ReceivedLogRecord): string => `${String(r.resource['service.name'])}|${r.timeUnixNano}|${String(r.body)}`;
const expectedKeys = (name: string, lines: GeneratedLine[]): string[] =>
  lines.map((l) => `${name}|${BigInt(Date.parse(l.timestamp)) * 1_000_000n}|${l.message}`);

async function reload(text: string, event: string, nth: number): Promise<void> {
  writeFileSync(ops.rig!.configPath, text);
  ops.daemon!.child.kill('SIGHUP');
  await until(() => ops.daemon!.stderr().split(`"event":"${event}"`).length - 1 >= nth, `${event} #${nth}`);
}

describe('SIGHUP reload with the real CLI', () => {
  it('adds, removes, restarts changed sources, leaves unchanged ones alone, and keeps running on an invalid config', async () => {
    ops.rig = await startRig();
    const sessions = Object.fromEntries(['a', 'b', 'c', 'd'].map((n) => [n, ops.rig!.emulator.addSession({ agent: AGENT, version: '1', id: `s_${n}` })]));
    // Distinct times per session and batch, no identical lines: every record has one key.
    const batch = (n: string, part: number): GeneratedLine[] =>
      generateLines(300, { start: Date.parse('2026-03-10T10:00:00Z') + ('abcd'.indexOf(n) * 10 + part) * 3_600_000, sameTimestampEvery: 0 });
    for (const n of ['a', 'b', 'c', 'd']) sessions[n]!.append(...batch(n, 0));

    ops.daemon = runDaemonCli(ops.rig, config(source('a', 'core') + source('b', 'core') + source('d', 'core')), { FOUNDRY_TOKEN: TOKEN });
    await ops.rig.receiver.waitFor(900, 20_000);

    // a changes (team), b goes, c comes, d stays; the exporter's batch timeout changes too.
    await reload(config(source('a', 'ops') + source('c', 'core') + source('d', 'core'), '30ms'), 'config.reloaded', 1);
    const log = ops.daemon.stderr();
    expect(log).toMatch(/"event":"config\.reloaded","added":\["c"\],"removed":\["b"\],"restarted":\["a"\],"unchanged":1/);
    expect(log).toMatch(/"event":"config\.restart_required","keys":\["exporter"\]/);
    expect(log).toMatch(/"event":"source\.stopped","source":"b"/);
    for (const n of ['a', 'b', 'c', 'd']) sessions[n]!.append(...batch(n, 1));
    // a: 600, c: 600 (new: from the start), d: 600; b: only its first 300.
    await ops.rig.receiver.waitFor(600 + 300 + 600 + 600, 20_000).catch((e: unknown) => {
      const counts: Record<string, number> = {};
      for (const r of ops.rig!.receiver.records) counts[String(r.resource['service.name'])] = (counts[String(r.resource['service.name'])] ?? 0) + 1;
      throw new Error(`${String(e)} ${JSON.stringify(counts)}\n${ops.daemon!.stderr()}`);
    });
    await new Promise((r) => setTimeout(r, 500));

    const got = ops.rig.receiver.records.map(keyOf);
    const byName = (n: string): string[] => got.filter((k) => k.startsWith(`${n}|`));
    expect(byName('a')).toEqual(expectedKeys('a', [...batch('a', 0), ...batch('a', 1)]));
    expect(byName('b')).toEqual(expectedKeys('b', batch('b', 0)));
    expect(byName('c')).toEqual(expectedKeys('c', [...batch('c', 0), ...batch('c', 1)]));
    expect(byName('d')).toEqual(expectedKeys('d', [...batch('d', 0), ...batch('d', 1)]));
    // The restarted source maps with its new config from the restart on.
    const teams = ops.rig.receiver.records.filter((r) => r.resource['service.name'] === 'a').map((r) => r.attributes.team);
    expect(teams.slice(0, 300).every((t) => t === 'core') && teams.slice(300).every((t) => t === 'ops')).toBe(true);
    // d was never restarted; b's checkpoint stays.
    expect(log.match(/"event":"stream\.started","source":"d"/g)).toHaveLength(1);
    const list = runCli(['checkpoints', 'list', '--config', ops.rig.configPath]);
    expect(list.stdout).toContain(`b/${AGENT}/s_b`);

    // An invalid config: every problem logged, secrets not, the old config keeps running.
    const invalid = config(source('a', 'ops') + source('c', 'core'), '30ms', 'bogus_key: 1\n').replace('max_interval: 500ms', 'max_interval: 500')
      .replace(`x-api-key: ${HEADER_SECRET}`, 'x-api-key: new-hdr-secret-0d3e');
    await reload(invalid, 'config.reload_failed', 1);
    const failed = ops.daemon.stderr().split('\n').find((l) => l.includes('"event":"config.reload_failed"'))!;
    expect(failed).toContain('bogus_key');
    expect(failed).toContain('exporter.retry.max_interval');
    expect(failed).toContain('"level":50');
    sessions.c!.append(...batch('c', 2));
    sessions.d!.append(...batch('d', 2));
    await ops.rig.receiver.waitFor(2100 + 600, 20_000);
    const after = ops.rig.receiver.records.map(keyOf);
    expect(after.filter((k) => k.startsWith('c|'))).toEqual(expectedKeys('c', [0, 1, 2].flatMap((p) => batch('c', p))));
    expect(after.filter((k) => k.startsWith('d|'))).toEqual(expectedKeys('d', [0, 1, 2].flatMap((p) => batch('d', p))));

    await stopCleanly(ops.daemon);
    for (const secret of [TOKEN, HEADER_SECRET, 'new-hdr-secret-0d3e']) expect(ops.daemon.stderr()).not.toContain(secret);
  }, 90_000);
});
