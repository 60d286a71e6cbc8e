/**
 * Scratch (perf work): bench/single-stream.ts with the OTLP receiver in a child process, so the
 * bench process decoding records does not limit the daemon. Streams × frames, spool on/off.
 *
 *   node bench/scratch-perf.ts [--frames 200000] [--streams 1] [--spool on|off] [--runs 3]
 */
import { fork, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generateLines, startFoundryEmulator } from '../emulators/foundry.ts';

const { values } = parseArgs({
  options: {
    frames: { type: 'string', default: '200000' },
    streams: { type: 'string', default: '1' },
    spool: { type: 'string', default: 'on' },
    runs: { type: 'string', default: '3' },
    child: { type: 'boolean', default: false },
    extra: { type: 'string', default: '' },
    main: { type: 'string', default: new URL('../dist/main.js', import.meta.url).pathname },
  },
});

if (values.child) {
  // Counts records by walking the protobuf wire format (no objects): the receiver must not be the bottleneck.
  const { createServer } = await import('node:http');
  const { gunzipSync } = await import('node:zlib');
  const protobuf = (await import('protobufjs/minimal.js')).default;
  let received = 0;
  let firstAt = 0;
  let want = Infinity;
  let resolveWant: (() => void) | undefined;
  const count = (body: Uint8Array): number => {
    let n = 0;
    const req = protobuf.Reader.create(body);
    while (req.pos < req.len) {
      const tag = req.uint32();
      if (tag !== 0x0a) { req.skipType(tag & 7); continue; }
      const rl = protobuf.Reader.create(req.bytes());
      while (rl.pos < rl.len) {
        const t = rl.uint32();
        if (t !== 0x12) { rl.skipType(t & 7); continue; }
        const sl = protobuf.Reader.create(rl.bytes());
        while (sl.pos < sl.len) {
          const u = sl.uint32();
          if (u === 0x12) n++;
          sl.skipType(u & 7);
        }
      }
    }
    return n;
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body = Buffer.concat(chunks);
      if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
      if (firstAt === 0) firstAt = Date.now();
      received += count(body);
      res.writeHead(200, { 'content-type': 'application/x-protobuf', 'content-length': 0 });
      res.end();
      if (received >= want) resolveWant?.();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  process.send!({ url: `http://127.0.0.1:${port}/v1/logs` });
  process.on('message', (m: { want: number }) => {
    want = m.want;
    void new Promise<void>((r) => { resolveWant = r; if (received >= want) r(); }).then(async () => {
      const at = Date.now();
      await new Promise((r) => setTimeout(r, 500));
      process.send!({ received, at: at + 500, firstAt });
      received = 0;
      firstAt = 0;
    });
  });
} else {
  const frames = Number(values.frames);
  const streams = Number(values.streams);
  const total = frames * streams;
  const main = values.main;

  const procStats = (pid: number): { peakRssMb: number; cpuSeconds: number } => {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const hwm = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return { peakRssMb: hwm / 1024, cpuSeconds: (Number(stat[11]) + Number(stat[12])) / 100 };
  };

  for (let run = 0; run < Number(values.runs); run++) {
    const rx = fork(new URL(import.meta.url).pathname, ['--child'], { stdio: 'inherit' });
    const url = await new Promise<string>((r) => rx.once('message', (m: { url: string }) => r(m.url)));
    const emulator = await startFoundryEmulator({ token: 'bench-token' });
    const dir = mkdtempSync(join(tmpdir(), 'ale-scratch-'));
    const lines = generateLines(frames);
    const sources: string[] = [];
    if (streams === 1) {
      const s = emulator.addSession({ agent: 'bench', version: '1', id: 's1' });
      for (let i = 0; i < lines.length; i += 10_000) s.append(...lines.slice(i, i + 10_000));
      sources.push(`  - {name: bench, type: foundry, endpoint: ${emulator.url}, agent: bench, version: "1", session: s1, auth: {type: bearer, token: bench-token}}`);
    } else {
      for (let k = 0; k < streams; k++) {
        const s = emulator.addSession({ agent: 'bench', version: '1', id: `s${k}` });
        s.append(...lines);
      }
      sources.push(`  - {name: bench, type: foundry, endpoint: ${emulator.url}, agent: bench, version: "1", auth: {type: bearer, token: bench-token}}`);
    }
    writeFileSync(
      join(dir, 'config.yaml'),
      `sources:\n${sources.join('\n')}\nexporter: {endpoint: ${url}${process.env.SCRATCH_EXPORTER ?? ''}}\nstorage: {dir: ${dir}/data, spool: {enabled: ${values.spool === 'on'}}}\nserver: {listen: ""}\nlog: {level: warn}\n${values.extra}\n`,
    );
    const done = new Promise<{ received: number; at: number; firstAt: number }>((r) => rx.once('message', r as never));
    rx.send({ want: total });
    const started = Date.now();
    const child = spawn(process.execPath, [...(process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? []), main, 'run', '--config', join(dir, 'config.yaml')], {
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    let peakAnon = 0;
    let peakFile = 0;
    const poll = setInterval(() => {
      try {
        const st = readFileSync(`/proc/${child.pid}/status`, 'utf8');
        peakAnon = Math.max(peakAnon, Number(/RssAnon:\s+(\d+)/.exec(st)?.[1] ?? 0) / 1024);
        peakFile = Math.max(peakFile, Number(/RssFile:\s+(\d+)/.exec(st)?.[1] ?? 0) / 1024);
      } catch {
        // exited
      }
    }, 50);
    const result = await done;
    clearInterval(poll);
    const seconds = (result.at - 500 - started) / 1000;
    const stats = procStats(child.pid!);
    child.kill('SIGTERM');
    await new Promise((r) => child.on('exit', r));
    rx.kill();
    await emulator.close();
    rmSync(dir, { recursive: true, force: true });
    console.log(
      JSON.stringify({
        streams,
        frames,
        spool: values.spool,
        records_per_s: Math.round(total / seconds),
        seconds: Number(seconds.toFixed(2)),
        first_to_last_per_s: Math.round(total / ((result.at - 500 - result.firstAt) / 1000)),
        startup_to_first_s: Number(((result.firstAt - started) / 1000).toFixed(2)),
        lost: Math.max(0, total - result.received),
        duplicated: Math.max(0, result.received - total),
        cpu_s: Number(stats.cpuSeconds.toFixed(2)),
        peak_rss_mb: Number(stats.peakRssMb.toFixed(1)),
        peak_anon_mb: Math.round(peakAnon),
        peak_file_mb: Math.round(peakFile),
      }),
    );
  }
}
