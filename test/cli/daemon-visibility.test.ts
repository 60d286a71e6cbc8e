/**
 * A daemon that shows it works, with the real CLI on the Foundry emulator and the loopback
 * OTLP receiver: records a previous run left in the spool are announced on start and their
 * delivery confirmed; a progress line comes every log.progress_interval; `status` reads the
 * running daemon's /readyz and /metrics (by --config and by --url); logs are JSON lines when
 * stderr is a pipe and short human lines on a terminal.
 */
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateLines } from '../../emulators/foundry.ts';
import { MAIN, ROOT, runCliAsync, spawnCli } from '../helpers/cli.ts';
import { TOKEN, foundryConfigYaml, startRig, type Rig } from '../helpers/harness.ts';
import { until } from '../helpers/until.ts';

const HAS_SCRIPT = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;
const SESSION = { agent: 'a', version: '1', id: 's_visible' };
const LINES = generateLines(2000);

let rig: Rig;
let session: ReturnType<Rig['emulator']['addSession']>;
let port: number;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port: free } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return free;
}

/** Every JSON line of a stderr with this event. */
function events(stderr: string, event: string): Record<string, unknown>[] {
  return stderr
    .split('\n')
    .filter((l) => l.includes(`"event":"${event}"`))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

beforeAll(async () => {
  rig = await startRig();
  session = rig.emulator.addSession(SESSION);
  session.append(...LINES);
  port = await freePort();
  writeFileSync(
    rig.configPath,
    foundryConfigYaml(rig, { session: SESSION })
      .replace('server: {listen: ""}', `server: {listen: "127.0.0.1:${port}"}`)
      .replace('log: {level: warn}', 'log: {level: info, progress_interval: 300ms}')
      .replace('shutdown_timeout: 5s', 'shutdown_timeout: 300ms'),
  );
});

afterAll(async () => {
  await rig?.close();
});

describe('a daemon that shows it works', () => {
  it('announces what a previous run spooled and confirms its delivery, logs progress, and `status` reads it', async () => {
    // 1. The endpoint is down: everything read stays in the spool when the daemon stops.
    rig.receiver.respondWith([{ status: 503, times: 1_000_000 }]);
    const first = spawnCli(['run', '--config', rig.configPath], { FOUNDRY_TOKEN: TOKEN });
    await until(() => first.stderr().includes('"event":"export.retry"'), 'a failed export', 20_000);
    first.child.kill('SIGTERM');
    expect((await first.exited).code, first.stderr()).toBe(0);
    const [stopped] = events(first.stderr(), 'daemon.stopped');
    const spooled = stopped!.spooled_records as number;
    expect(spooled).toBeGreaterThan(0);

    // 2. The endpoint is back: the next run says what it found, sends it, and says so.
    rig.receiver.reset();
    const second = spawnCli(['run', '--config', rig.configPath], { FOUNDRY_TOKEN: TOKEN });
    try {
      await rig.receiver.waitFor(LINES.length, 20_000);
      await until(() => events(second.stderr(), 'spool.recovered').length > 0 && events(second.stderr(), 'daemon.progress').length > 0, 'spool.recovered and a progress line');
      expect(events(second.stderr(), 'spool.resumed')[0]).toMatchObject({ level: 30, records: spooled, msg: `${spooled} records spooled by a previous run are sent first` });
      expect(events(second.stderr(), 'spool.recovered')[0]).toMatchObject({ level: 30, records: spooled });
      expect(rig.receiver.records.map((r) => r.body)).toEqual(LINES.map((l) => l.message));

      // Progress lines: at info, per source, with spool and lag (every 300 ms here).
      const progress = events(second.stderr(), 'daemon.progress').at(-1)!;
      expect(progress).toMatchObject({ level: 30, progress: { waiting_records: expect.any(Number) as number, spool_bytes: expect.any(Number) as number, per_source: { 'foundry-test': { state: 'connected', streams: 1 } } } });
      // (No lag yet: only records read by this run have a known age once exported, and these were spooled before.)
      expect(progress.msg).toMatch(/^foundry-test [\d.]+\/s in [\d.]+\/s out( lag [\d.]+s)? \| \d+ records waiting, \d+ KiB spooled$/);

      // Piped stderr: JSON lines only.
      for (const line of second.stderr().trim().split('\n')) expect(line).toMatch(/^\{.*\}$/);

      // 3. `status`, by the config's server.listen and by --url, while records flow.
      // Lines of now (the cursor is past the first batch's 2026-03-10 times): exported, with a lag.
      const feeding = setInterval(() => session.append(...generateLines(20, { start: Date.now(), stepMs: 1 })), 50);
      let byConfig, byUrl;
      try {
        byConfig = await runCliAsync(['status', '--config', rig.configPath, '--interval', '1s']);
        byUrl = await runCliAsync(['status', '--url', `http://127.0.0.1:${port}`, '--interval', '300ms']);
      } finally {
        clearInterval(feeding);
      }
      expect(byConfig.status, byConfig.stderr).toBe(0);
      const out = byConfig.stdout;
      expect(out).toContain(`agent-log-exporter at http://127.0.0.1:${port}: running`);
      expect(out).toMatch(/^SOURCE +STATE +STREAMS +IN\/S +OUT\/S +LAG +ERRORS$/m);
      const row = /^foundry-test +connected +1 connected +([\d.]+) +([\d.]+) +([\d.]+s) +(.+)$/m.exec(out);
      expect(row, out).not.toBeNull();
      expect(Number(row![1])).toBeGreaterThan(0);
      expect(Number(row![2])).toBeGreaterThan(0);
      expect(row![4]).toBe('none');
      expect(out).toMatch(/^exporter {2}last success \d{4}-\d\d-\d\dT[\d:.]+Z \([\d.]+s ago\)$/m);
      expect(out).toMatch(/^spool {5}[\d.]+ (B|KiB|MiB) in \d+ batch(es)?, \d+ records? waiting for the endpoint$/m);
      expect(out).toMatch(/^requests {2}.*2xx: \d+/m);
      expect(byUrl.status, byUrl.stderr).toBe(0);
      expect(byUrl.stdout).toMatch(/^foundry-test +connected/m);
      expect(byUrl.stdout + byConfig.stdout).not.toContain(TOKEN);
    } finally {
      second.child.kill('SIGTERM');
    }
    expect((await second.exited).code, second.stderr()).toBe(0);
    expect(second.stderr()).not.toContain(TOKEN);
  }, 60_000);

  it('`status` with no daemon there: exit 1 in one line', async () => {
    const r = await runCliAsync(['status', '--url', `http://127.0.0.1:${port}`]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`agent-log-exporter: no agent-log-exporter answers at http://127.0.0.1:${port} (ECONNREFUSED); is the daemon running, and is this its server.listen?\n`);
    const off = await runCliAsync(['status', '--config', rig.configPath.replace(/[^/]+$/, 'nope.yaml')]);
    expect(off.status).toBe(2);
  });

  describe.skipIf(!HAS_SCRIPT)('on a terminal (a pseudo-terminal from util-linux `script`)', () => {
    it('log.format defaults to short human lines', async () => {
      const command = `exec ${process.execPath} ${MAIN} run --config ${rig.configPath}`;
      const child = spawn('script', ['-qfec', command, '/dev/null'], { cwd: ROOT, env: { ...process.env, FOUNDRY_TOKEN: TOKEN, TERM: 'xterm' }, stdio: ['pipe', 'pipe', 'pipe'] });
      let text = '';
      child.stdout.on('data', (d: Buffer) => (text += d.toString()));
      const exited = new Promise((resolve) => child.on('close', resolve));
      try {
        await until(() => text.includes('daemon.progress'), 'a progress line', 20_000);
      } finally {
        child.stdin.write('\x03');
      }
      await exited;
      const lines = text.split(/\r?\n/).filter(Boolean);
      expect(lines.some((l) => /^\d\d:\d\d:\d\d\.\d{3} INFO {2}daemon\.started agent-log-exporter started sources=1 /.test(l)), text).toBe(true);
      expect(lines.some((l) => /^\d\d:\d\d:\d\d\.\d{3} INFO {2}daemon\.progress foundry-test .* \| \d+ records waiting, \d+ KiB spooled$/.test(l)), text).toBe(true);
      expect(lines.filter((l) => l.startsWith('{'))).toEqual([]);
      expect(text).not.toContain(TOKEN);
    }, 30_000);
  });
  if (!HAS_SCRIPT) it.skip('terminal (PTY) assertions need util-linux `script`, which is not installed here', () => undefined);
});
