/**
 * memory_limit of the real daemon (issue 14): spool off, so everything read waits in memory, and a
 * receiver that stalls (each answer takes seconds) while a session holds far more than the limit.
 * The daemon pauses reading at the soft mark: /readyz shows it, agentlog_memory_limited_total
 * counts it, the peak resident set stays under memory_limit; once the receiver answers at once,
 * every line arrives exactly once. The same with 300 sessions replaying at once (the read gate:
 * streams open and parse under permits), the daemon run with the image's node flags.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateLines } from '../../emulators/foundry.ts';
import { TOKEN, startRig } from '../helpers/harness.ts';
import { until } from '../helpers/until.ts';
import { get, opsConfigYaml, parseMetrics, runDaemonCli, sample, stopCleanly, telemetryUrl, useOpsFixture } from './ops-helpers.ts';

const SESSION = { agent: 'support-agent', version: '3', id: 's_memory' };
const LIMIT_MIB = 256;
/** 2 KiB of incompressible text per line, 200 MiB in all: far past the limit if all of it were held. */
const LINES = 100_000;
/**
 * 300 sessions of one agent, discovered, replaying their history at once: 1 KiB of incompressible
 * text per line, 45 MB in all. Measured on 2 cores: without the read gate (all read and parsed in
 * one turn of the event loop) the daemon peaked at 254 MiB; with it, 164–174 MiB.
 */
const MANY_AGENT = 'many-agent';
const MANY_SESSIONS = 300;
const MANY_LINES = 150;
const MANY_LIMIT_MIB = 200;

const ops = useOpsFixture();

/** The node flags of the Dockerfile's ENTRYPOINT (V8's young generation): the daemon runs as the image runs it. */
function entrypointFlags(): string[] {
  const entrypoint = /^ENTRYPOINT (\[.*\])$/m.exec(readFileSync(new URL('../../Dockerfile', import.meta.url), 'utf8'));
  return (JSON.parse(entrypoint![1]!) as string[]).slice(1).filter((a) => a.startsWith('-'));
}

function peakRssMib(pid: number): number {
  return Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
}

describe('memory_limit', () => {
  it('pauses reading at the soft mark while the receiver stalls, stays under the limit, and loses nothing', async () => {
    ops.rig = await startRig();
    const receiver = ops.rig.receiver;
    receiver.delayMs = 2000;
    const lines = generateLines(LINES).map((line, i) => ({ ...line, message: `${i} ${randomBytes(1536).toString('base64')}` }));
    const session = ops.rig.emulator.addSession(SESSION);
    for (let i = 0; i < lines.length; i += 1000) session.append(...lines.slice(i, i + 1000));
    const yaml = opsConfigYaml(ops.rig, { session: SESSION, spool: false, spoolMaxBytes: '1GiB', compression: 'none', batchMaxRecords: 256, extra: `memory_limit: ${LIMIT_MIB}MiB\n` });
    ops.daemon = runDaemonCli(ops.rig, yaml, { FOUNDRY_TOKEN: TOKEN });
    const pid = ops.daemon.child.pid!;
    const base = await telemetryUrl(ops.daemon);

    let ready: { memory: { limited: boolean; soft_bytes: number; limit_bytes: number } | null } | undefined;
    for (const deadline = Date.now() + 60_000; ready?.memory?.limited !== true; ) {
      if (Date.now() > deadline) throw new Error(`never limited: ${JSON.stringify(ready)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
      ready = JSON.parse((await get(`${base}/readyz`)).text) as typeof ready;
    }
    expect(ready?.memory).toMatchObject({ limited: true, soft_bytes: Math.floor(LIMIT_MIB * 1024 * 1024 * 0.8), limit_bytes: LIMIT_MIB * 1024 * 1024 });
    expect(sample(parseMetrics((await get(`${base}/metrics`)).text), 'agentlog_memory_limited_total')).toBeGreaterThanOrEqual(1);
    // Held back: far from everything was read while the receiver stalled.
    expect(receiver.records.length).toBeLessThan(LINES / 2);

    receiver.delayMs = 0;
    await until(() => receiver.records.length >= LINES, 'every line', 120_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(peakRssMib(pid)).toBeLessThan(LIMIT_MIB);
    const bodies = receiver.records.map((r) => r.body);
    expect(bodies.length).toBe(LINES);
    expect(new Set(bodies).size).toBe(LINES);
    const m = parseMetrics((await get(`${base}/metrics`)).text);
    expect(sample(m, 'agentlog_memory_limited_total')).toBeGreaterThanOrEqual(1);
    await stopCleanly(ops.daemon);
  }, 240_000);

  it('holds many sessions replaying at once under the limit while the receiver stalls, and loses nothing', async () => {
    ops.rig = await startRig();
    const receiver = ops.rig.receiver;
    receiver.delayMs = 2000;
    let total = 0;
    for (let s = 0; s < MANY_SESSIONS; s++) {
      const session = ops.rig.emulator.addSession({ agent: MANY_AGENT, version: '1', id: `s_many_${s}` });
      session.append(...generateLines(MANY_LINES).map((line, i) => ({ ...line, message: `${s}.${i} ${randomBytes(768).toString('base64')}` })));
      total += MANY_LINES;
    }
    const yaml = opsConfigYaml(ops.rig, { agent: MANY_AGENT, spool: false, spoolMaxBytes: '1GiB', compression: 'none', batchMaxRecords: 256, extra: `memory_limit: ${MANY_LIMIT_MIB}MiB\n` });
    ops.daemon = runDaemonCli(ops.rig, yaml, { FOUNDRY_TOKEN: TOKEN, NODE_OPTIONS: entrypointFlags().join(' ') });
    const pid = ops.daemon.child.pid!;
    const base = await telemetryUrl(ops.daemon);

    for (const deadline = Date.now() + 120_000; ; ) {
      const ready = JSON.parse((await get(`${base}/readyz`)).text) as { memory: { limited: boolean } | null };
      if (ready.memory?.limited === true) break;
      if (Date.now() > deadline) throw new Error(`never limited: ${JSON.stringify(ready)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // Held back: far from everything was read while the receiver stalled.
    expect(receiver.records.length).toBeLessThan(total / 2);

    receiver.delayMs = 0;
    await until(() => receiver.records.length >= total, 'every line', 180_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const peak = peakRssMib(pid);
    expect(peak).toBeLessThan(MANY_LIMIT_MIB);
    const bodies = receiver.records.map((r) => r.body);
    expect(bodies.length).toBe(total);
    expect(new Set(bodies).size).toBe(total);
    await stopCleanly(ops.daemon);
  }, 360_000);
});
