/**
 * One Foundry stream of N frames (default 200 000) through the real daemon process:
 * delivered records/s (first byte of the stream to last record decoded by the loopback
 * receiver), records lost and duplicated, CPU seconds and peak RSS of the daemon.
 *
 *   node bench/single-stream.ts [--frames 200000] [--spool on|off] [--runs 3]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generateLines, startFoundryEmulator } from '../src/emulators/foundry.ts';
import { startOtlpReceiver } from '../src/emulators/otlp-receiver.ts';

const { values } = parseArgs({ options: { frames: { type: 'string', default: '200000' }, spool: { type: 'string', default: 'on' }, runs: { type: 'string', default: '3' } } });
const frames = Number(values.frames);
// The built CLI, as installed: running src/*.ts would add the type stripper's memory to every figure.
const main = new URL('../dist/main.js', import.meta.url).pathname;

/** Peak RSS (VmHWM) and CPU seconds of a live process, from /proc. */
function procStats(pid: number): { peakRssMb: number; cpuSeconds: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const hwm = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  const ticks = Number(stat[11]) + Number(stat[12]);
  return { peakRssMb: hwm / 1024, cpuSeconds: ticks / 100 };
}

async function once(): Promise<Record<string, number | string>> {
  const emulator = await startFoundryEmulator({ token: 'bench-token' });
  const receiver = await startOtlpReceiver();
  const dir = mkdtempSync(join(tmpdir(), 'ale-bench-'));
  const session = emulator.addSession({ agent: 'bench', version: '1', id: 's1' });
  const lines = generateLines(frames);
  for (let i = 0; i < lines.length; i += 10_000) session.append(...lines.slice(i, i + 10_000));
  writeFileSync(
    join(dir, 'config.yaml'),
    `sources:
  - name: bench
    type: foundry
    endpoint: ${emulator.url}
    agent: bench
    version: "1"
    session: s1
    auth: {type: bearer, token: bench-token}
exporter: {endpoint: ${receiver.url}}
storage: {dir: ${dir}/data, spool: {enabled: ${values.spool === 'on'}}}
server: {listen: ""}
log: {level: warn}
`,
  );
  const started = performance.now();
  const child = spawn(process.execPath, [...(process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? []), main, 'run', '--config', join(dir, 'config.yaml')], { stdio: ['ignore', 'inherit', 'inherit'] });
  await receiver.waitFor(frames, 600_000);
  const seconds = (performance.now() - started) / 1000;
  await new Promise((r) => setTimeout(r, 500)); // late duplicates would show here
  const stats = procStats(child.pid!);
  child.kill('SIGTERM');
  await new Promise((r) => child.on('exit', r));
  const received = receiver.records.length;
  await emulator.close();
  await receiver.close();
  rmSync(dir, { recursive: true, force: true });
  return {
    frames,
    spool: String(values.spool),
    records_per_s: Math.round(frames / seconds),
    seconds: Number(seconds.toFixed(2)),
    lost: Math.max(0, frames - received),
    duplicated: Math.max(0, received - frames),
    cpu_s: Number(stats.cpuSeconds.toFixed(2)),
    peak_rss_mb: Number(stats.peakRssMb.toFixed(1)),
  };
}

for (let i = 0; i < Number(values.runs); i++) console.log(JSON.stringify(await once()));
