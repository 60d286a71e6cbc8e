// The scenarios of issues 6 (a–e) and 14 (f, g), each run once for one program: a fresh
// emulator, receiver thread and scratch directory per run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nowMs, sleep } from './clock.ts';
import { startFastFoundry } from './fast-foundry.ts';
import type { FastFoundry } from './fast-foundry.ts';
import { parseSize } from '../src/config/units.ts';
import { procStats } from './proc-stats.ts';
import type { ProcStats } from './proc-stats.ts';
import { startProgram, stopProgram } from './programs.ts';
import type { ProgramName, Running } from './programs.ts';
import { startSink } from './sink.ts';
import { median } from './table.ts';
import type { Sink } from './sink.ts';
import type { SinkResult } from './sink-slots.ts';

export type ScenarioId = 'a' | 'b' | 'c' | 'd' | 'e' | 'f' | 'g';
export const SCENARIOS: readonly ScenarioId[] = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
/** Scenarios that last a fixed time by definition (`--long-runs`, not `--runs`). */
export const LONG_SCENARIOS: readonly ScenarioId[] = ['d', 'e', 'f', 'g'];

export interface Sizes {
  frames: number;
  streams: number;
  framesPerStream: number;
  idleStreams: number;
  idleFramesPerStream: number;
  idleSeconds: number;
  rate: number;
  warmSeconds: number;
  outageSeconds: number;
  /** (f): lines/s of the one quiet stream, seconds after start-up that are not measured, seconds measured. */
  quietRate: number;
  quietWarmSeconds: number;
  quietSeconds: number;
  /** (g): sessions without a line, and the idle seconds measured once all are connected. */
  manySessions: number;
  manyIdleSeconds: number;
}

export const FULL: Sizes = {
  frames: 200_000, streams: 1000, framesPerStream: 200, idleStreams: 1000, idleFramesPerStream: 5, idleSeconds: 60, rate: 5000, warmSeconds: 10, outageSeconds: 60,
  quietRate: 20, quietWarmSeconds: 10, quietSeconds: 60, manySessions: 10_000, manyIdleSeconds: 60,
};
export const QUICK: Sizes = {
  frames: 20_000, streams: 100, framesPerStream: 100, idleStreams: 100, idleFramesPerStream: 5, idleSeconds: 10, rate: 5000, warmSeconds: 3, outageSeconds: 10,
  quietRate: 20, quietWarmSeconds: 5, quietSeconds: 15, manySessions: 1000, manyIdleSeconds: 10,
};

export interface RunResult {
  scenario: ScenarioId;
  program: ProgramName;
  run: number;
  /** (a–c) delivered records / (first stream byte → last first delivery); (e) the drain rate. */
  records_per_s: number | null;
  expected: number;
  lost: number;
  duplicates: number;
  /** Records the receiver got that the emulator never wrote (must be 0). */
  foreign: number;
  cpu_s: number;
  peak_rss_mb: number;
  seconds: number;
  extra: Record<string, number | null>;
  error?: string;
}

interface Rig {
  foundry: FastFoundry;
  sink: Sink;
  dir: string;
  naiveJs: string;
}

const QUIET_MS = 5000;

/** Polls `done` every 20 ms; fails if the program exits or `timeoutMs` passes. */
async function until(done: () => boolean, timeoutMs: number, running: Running, what: string): Promise<void> {
  const deadline = nowMs() + timeoutMs;
  while (!done()) {
    if (running.child.exitCode !== null || running.child.signalCode !== null) throw new Error(`program exited (${running.child.exitCode ?? running.child.signalCode}) while waiting for ${what}: ${running.tail()}`);
    if (nowMs() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
}

/** Every expected record counted, or nothing new for QUIET_MS since the stream began (records were lost). */
function completeOrQuiet(rig: Rig, expected: number): () => boolean {
  return () => {
    if (rig.sink.counted >= expected) return true;
    const since = Math.max(rig.sink.lastAt, rig.foundry.firstByteAt ?? Infinity);
    return nowMs() - since > QUIET_MS;
  };
}

function tally(scenario: ScenarioId, program: ProgramName, run: number, expected: number, r: SinkResult, stats: ProcStats): RunResult {
  let delivered = 0;
  for (const at of r.firstAt) if (at > 0) delivered += 1;
  return {
    scenario, program, run, records_per_s: null, expected,
    lost: expected - delivered,
    duplicates: r.duplicates,
    foreign: r.foreign + r.decodeErrors,
    cpu_s: round(stats.cpuSeconds, 2),
    peak_rss_mb: round(stats.peakRssMb, 1),
    seconds: 0,
    extra: { rss_anon_mb: round(stats.anonMb, 1), rss_file_mb: round(stats.fileMb, 1) },
  };
}

function lastDelivery(firstAt: Float64Array): number {
  let last = 0;
  for (const at of firstAt) if (at > last) last = at;
  return last;
}

/** (a), (b), (c): history replayed as fast as the program takes it. */
async function throughput(rig: Rig, scenario: ScenarioId, program: ProgramName, run: number, streams: number, perStream: number, spool: boolean): Promise<RunResult> {
  for (let s = 0; s < streams; s++) rig.foundry.addSession(`s${s}`, s * perStream, perStream);
  const expected = streams * perStream;
  const benchCpu = process.cpuUsage();
  const running = startProgram(program, { foundryUrl: rig.foundry.url, otlpUrl: rig.sink.url, session: streams === 1 ? 's0' : undefined, spool, dir: rig.dir }, rig.naiveJs);
  try {
    await until(completeOrQuiet(rig, expected), 600_000, running, `${expected} records`);
    // What the bench itself (server, receiver thread, polling) took from the same 2 cores.
    const own = process.cpuUsage(benchCpu);
    await sleep(500); // late duplicates would arrive here
    const stats = procStats(running.child.pid ?? 0);
    await stopProgram(running);
    const r = await rig.sink.finish(expected);
    const result = tally(scenario, program, run, expected, r, stats);
    const seconds = (lastDelivery(r.firstAt) - (rig.foundry.firstByteAt ?? 0)) / 1000;
    result.seconds = round(seconds, 2);
    result.records_per_s = seconds > 0 ? Math.round((expected - result.lost) / seconds) : null;
    result.extra.bench_cpu_s = round((own.user + own.system) / 1e6, 2);
    // BENCH_MEMORY_LIMIT: the daemon's memory_limit, printed beside its peak RSS.
    const limit = process.env.BENCH_MEMORY_LIMIT;
    if (limit && program.startsWith('daemon')) result.extra.memory_limit_mb = round(parseSize(limit) / 1024 / 1024, 1);
    return result;
  } finally {
    await stopProgram(running);
  }
}

/** (d): idle streams after a short history; CPU and RSS over the idle window. */
async function idle(rig: Rig, program: ProgramName, run: number, s: Sizes): Promise<RunResult> {
  for (let i = 0; i < s.idleStreams; i++) rig.foundry.addSession(`s${i}`, i * s.idleFramesPerStream, s.idleFramesPerStream);
  const expected = s.idleStreams * s.idleFramesPerStream;
  const running = startProgram(program, { foundryUrl: rig.foundry.url, otlpUrl: rig.sink.url, spool: true, dir: rig.dir }, rig.naiveJs);
  try {
    await until(() => rig.foundry.liveConnections >= s.idleStreams && completeOrQuiet(rig, expected)(), 180_000, running, `${s.idleStreams} connected streams`);
    const before = procStats(running.child.pid ?? 0);
    await sleep(s.idleSeconds * 1000);
    const after = procStats(running.child.pid ?? 0);
    await stopProgram(running);
    const r = await rig.sink.finish(expected);
    const result = tally('d', program, run, expected, r, after);
    const cpu = after.cpuSeconds - before.cpuSeconds;
    result.cpu_s = round(cpu, 2);
    result.seconds = s.idleSeconds;
    result.extra = { ...result.extra, cpu_pct_of_core: round((cpu / s.idleSeconds) * 100, 2), rss_mb: round(after.rssMb, 1), connected: rig.foundry.liveConnections };
    return result;
  } finally {
    await stopProgram(running);
  }
}

/** (e): a steady live stream; the receiver answers 503 for outageSeconds, then the backlog drains. */
async function outage(rig: Rig, program: ProgramName, run: number, s: Sizes): Promise<RunResult> {
  rig.foundry.addSession('live', 0, 0);
  const running = startProgram(program, { foundryUrl: rig.foundry.url, otlpUrl: rig.sink.url, session: 'live', spool: true, dir: rig.dir }, rig.naiveJs);
  const log: [number, number][] = []; // [nowMs, frames written by then]
  let written = 0;
  let writer: NodeJS.Timeout | undefined;
  try {
    await until(() => rig.foundry.liveConnections >= 1, 30_000, running, 'the stream to connect');
    const t0 = nowMs();
    writer = setInterval(() => {
      const target = Math.floor(((nowMs() - t0) / 1000) * s.rate);
      rig.foundry.append('live', target - written);
      written = Math.max(written, target);
      log.push([nowMs(), written]);
    }, 10);
    await sleep(s.warmSeconds * 1000);
    rig.sink.outage = true;
    const outageStart = nowMs();
    await sleep(s.outageSeconds * 1000);
    rig.sink.outage = false;
    const outageEnd = nowMs();
    const backlogMark = written;
    // Drained: every record written before the outage ended has been counted, or deliveries
    // are back to the live rate (the rest was lost). The retry backoff may delay the start.
    const window: [number, number][] = [];
    const drained = (): boolean => {
      const now = nowMs();
      window.push([now, rig.sink.counted]);
      while (window.length > 0 && now - window[0]![0] > 3000) window.shift();
      if (rig.sink.counted >= backlogMark) return true;
      const resumedAt = rig.sink.lastAt > outageEnd ? rig.sink.lastAt : undefined;
      const span = window.length > 1 ? (window.at(-1)![1] - window[0]![1]) / ((now - window[0]![0]) / 1000) : Infinity;
      return resumedAt !== undefined && now - outageEnd > 10_000 && span < s.rate * 1.3;
    };
    await until(drained, 180_000, running, 'the backlog to drain').catch(() => undefined);
    await sleep(2000);
    clearInterval(writer);
    writer = undefined;
    const expected = written;
    await until(completeOrQuiet(rig, expected), 60_000, running, 'the last live records').catch(() => undefined);
    await sleep(500);
    const stats = procStats(running.child.pid ?? 0);
    await stopProgram(running);
    const r = await rig.sink.finish(expected);
    const result = tally('e', program, run, expected, r, stats);
    // The first delivery after the outage, the records written by then, and when the last of those arrived.
    let resumed = Infinity;
    for (const at of r.firstAt) if (at >= outageEnd && at < resumed) resumed = at;
    let cutoff = 0;
    for (const [at, count] of log) if (at <= resumed) cutoff = count;
    let backlog = 0;
    let drainedAt = 0;
    for (let seq = 0; seq < cutoff; seq++) {
      const at = r.firstAt[seq] ?? 0;
      if (at >= resumed) {
        backlog += 1;
        if (at > drainedAt) drainedAt = at;
      }
    }
    const drainSeconds = backlog > 0 ? (drainedAt - resumed) / 1000 : null;
    result.records_per_s = drainSeconds !== null && drainSeconds > 0 ? Math.round(backlog / drainSeconds) : null;
    result.seconds = round((nowMs() - t0) / 1000, 1);
    result.extra = {
      ...result.extra,
      drained_after_outage_s: drainSeconds === null || !Number.isFinite(resumed) ? null : round((drainedAt - outageEnd) / 1000, 2),
      outage_s: round((outageEnd - outageStart) / 1000, 1),
      resume_after_s: Number.isFinite(resumed) ? round((resumed - outageEnd) / 1000, 2) : null,
      backlog_delivered: backlog,
      drain_s: drainSeconds === null ? null : round(drainSeconds, 2),
      rejected_requests: rig.sink.rejected,
    };
    return result;
  } finally {
    if (writer) clearInterval(writer);
    await stopProgram(running);
  }
}

/** Sleeps `ms`, failing at once if the program exits meanwhile. */
async function watch(ms: number, running: Running, what: string): Promise<void> {
  const end = nowMs() + ms;
  await until(() => nowMs() >= end, ms + 60_000, running, what);
}

/**
 * (f): one live session at `quietRate` lines/s, written from the program's start on (the agent
 * is already running when its sidecar starts). After `quietWarmSeconds`, CPU, requests and RSS
 * (sampled each second) over `quietSeconds`; and when the first record reached the receiver,
 * counted from the program's spawn.
 */
async function quietStream(rig: Rig, program: ProgramName, run: number, sizes: Sizes): Promise<RunResult> {
  // BENCH_QUIET_RATE=0 measures the same stream idle: what the daemon costs before any line.
  const s = process.env.BENCH_QUIET_RATE ? { ...sizes, quietRate: Number(process.env.BENCH_QUIET_RATE) } : sizes;
  rig.foundry.addSession('quiet', 0, 0);
  let written = 0;
  const t0 = nowMs();
  const writer = setInterval(() => {
    const target = Math.floor(((nowMs() - t0) / 1000) * s.quietRate);
    rig.foundry.append('quiet', target - written);
    written = Math.max(written, target);
  }, 1000 / Math.max(1, s.quietRate));
  const running = startProgram(program, { foundryUrl: rig.foundry.url, otlpUrl: rig.sink.url, session: 'quiet', spool: true, dir: rig.dir }, rig.naiveJs);
  const pid = running.child.pid ?? 0;
  try {
    await watch(s.quietWarmSeconds * 1000, running, 'the warm-up');
    const before = procStats(pid);
    const requestsBefore = rig.sink.requests;
    const recordsBefore = rig.sink.counted;
    const rss: number[] = [];
    for (let i = 0; i < s.quietSeconds; i++) {
      await watch(1000, running, 'the quiet stream');
      rss.push(procStats(pid).rssMb);
    }
    const after = procStats(pid);
    const requests = rig.sink.requests - requestsBefore;
    const records = rig.sink.counted - recordsBefore;
    clearInterval(writer);
    const expected = written;
    await until(completeOrQuiet(rig, expected), 30_000, running, 'the last records').catch(() => undefined);
    await sleep(500);
    const stats = procStats(pid);
    await stopProgram(running);
    const r = await rig.sink.finish(expected);
    const result = tally('f', program, run, expected, r, stats);
    const cpu = after.cpuSeconds - before.cpuSeconds;
    result.seconds = s.quietSeconds;
    result.extra = {
      ...result.extra,
      cpu_pct_of_core: round((cpu / s.quietSeconds) * 100, 2),
      rss_mb: round(median(rss) ?? 0, 1),
      requests_per_record: records > 0 ? round(requests / records, 3) : null,
      first_record_s: rig.sink.firstAt > 0 ? round((rig.sink.firstAt - t0) / 1000, 2) : null,
    };
    return result;
  } finally {
    clearInterval(writer);
    await stopProgram(running);
  }
}

/** (g): `manySessions` sessions without a line, discovered through the listing; CPU and RSS once all are connected. */
async function manyIdle(rig: Rig, program: ProgramName, run: number, s: Sizes): Promise<RunResult> {
  for (let i = 0; i < s.manySessions; i++) rig.foundry.addSession(`s${i}`, 0, 0);
  const t0 = nowMs();
  const running = startProgram(program, { foundryUrl: rig.foundry.url, otlpUrl: rig.sink.url, spool: true, dir: rig.dir }, rig.naiveJs);
  const pid = running.child.pid ?? 0;
  try {
    await until(() => rig.foundry.liveConnections >= s.manySessions, 600_000, running, `${s.manySessions} connected streams`);
    const connected = nowMs();
    await watch(5000, running, 'the streams to settle');
    const before = procStats(pid);
    await watch(s.manyIdleSeconds * 1000, running, 'the idle sessions');
    const after = procStats(pid);
    await stopProgram(running);
    const r = await rig.sink.finish(0);
    const result = tally('g', program, run, 0, r, after);
    const cpu = after.cpuSeconds - before.cpuSeconds;
    result.cpu_s = round(cpu, 2);
    result.seconds = s.manyIdleSeconds;
    result.extra = {
      ...result.extra,
      cpu_pct_of_core: round((cpu / s.manyIdleSeconds) * 100, 2),
      rss_mb: round(after.rssMb, 1),
      connect_s: round((connected - t0) / 1000, 1),
      connected: rig.foundry.liveConnections,
    };
    return result;
  } finally {
    await stopProgram(running);
  }
}

export async function runScenario(id: ScenarioId, program: ProgramName, run: number, s: Sizes, naiveJs: string): Promise<RunResult> {
  const rig: Rig = { foundry: await startFastFoundry(), sink: await startSink(), dir: mkdtempSync(join(tmpdir(), 'ale-bench-')), naiveJs };
  try {
    switch (id) {
      case 'a':
        return await throughput(rig, id, program, run, 1, s.frames, true);
      case 'b':
        return await throughput(rig, id, program, run, s.streams, s.framesPerStream, true);
      case 'c':
        return await throughput(rig, id, program, run, 1, s.frames, false);
      case 'd':
        return await idle(rig, program, run, s);
      case 'e':
        return await outage(rig, program, run, s);
      case 'f':
        return await quietStream(rig, program, run, s);
      case 'g':
        return await manyIdle(rig, program, run, s);
    }
  } catch (error) {
    return { scenario: id, program, run, records_per_s: null, expected: 0, lost: 0, duplicates: 0, foreign: 0, cpu_s: 0, peak_rss_mb: 0, seconds: 0, extra: {}, error: (error as Error).message };
  } finally {
    await rig.sink.terminate();
    await rig.foundry.close();
    rmSync(rig.dir, { recursive: true, force: true });
  }
}

export function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
