// The demo's other ways to run, as a person runs them (the real CLI in child processes, a
// fresh TMPDIR each so leftovers show): a reader that closes the pipe early (`| head -3`),
// `--keep` for `checkpoints list` afterwards, and `--emulators-only` with `run`, `tail` and
// `checkpoints` pointed at the config it prints.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MAIN, ROOT } from '../helpers/cli.ts';

const SOURCES = ['support-agent', 'hill90-agents', 'daytona-ci', 'agentbox-pool'];
const scratch: string[] = [];
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

/** A fresh directory to be the child's TMPDIR (os.tmpdir()). */
function freshTmp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ale-demo-modes-'));
  scratch.push(dir);
  return dir;
}

function env(tmp: string): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, TMPDIR: tmp };
  delete e.FORCE_COLOR;
  return e;
}

/** The CLI in the background: its output so far, a way to wait for a line, Ctrl-C, and its exit. */
function background(args: string[], tmp: string) {
  const child = spawn(process.execPath, [MAIN, ...args], { cwd: ROOT, env: env(tmp), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    async waitFor(pattern: RegExp, ms: number): Promise<RegExpExecArray> {
      const deadline = Date.now() + ms;
      for (;;) {
        const m = pattern.exec(stdout);
        if (m) return m;
        if (Date.now() > deadline) throw new Error(`no ${pattern} within ${ms} ms:\n${stdout}\n${stderr}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    interrupt: () => child.kill('SIGINT'),
  };
}

describe('demo, other ways to run it', () => {
  it('a reader that closes the pipe (`| head -3`) ends it without a stack trace, exit 0, temporary directory removed', () => {
    const tmp = freshTmp();
    const r = spawnSync('bash', ['-o', 'pipefail', '-c', `"${process.execPath}" "${MAIN}" demo --duration 5s | head -3`], { cwd: ROOT, env: env(tmp), encoding: 'utf8', timeout: 20_000 });
    expect(r.stdout.split('\n').filter(Boolean)).toHaveLength(3);
    expect(r.stdout).toMatch(/^agent-log-exporter demo: /);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(readdirSync(tmp)).toEqual([]);
  }, 25_000);

  it('--keep leaves the config and its state: `checkpoints list` shows every source\'s streams', () => {
    const tmp = freshTmp();
    const r = spawnSync(process.execPath, [MAIN, 'demo', '--duration', '2s', '--keep'], { cwd: ROOT, env: env(tmp), encoding: 'utf8', timeout: 20_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('temporary directory kept');
    const config = /^\s+npx agent-log-exporter checkpoints list --config (\S+)$/m.exec(r.stdout)?.[1];
    expect(config, r.stdout).toBeDefined();
    expect(config!.startsWith(tmp)).toBe(true);
    const list = spawnSync(process.execPath, [MAIN, 'checkpoints', 'list', '--config', config!], { cwd: ROOT, env: env(tmp), encoding: 'utf8', timeout: 20_000 });
    expect(list.status, list.stderr).toBe(0);
    for (const source of SOURCES) expect(list.stdout).toMatch(new RegExp(`^${source}/`, 'm'));
  }, 25_000);

  it('--emulators-only prints a config that run, tail and checkpoints use, until Ctrl-C', async () => {
    const tmp = freshTmp();
    const emulators = background(['demo', '--emulators-only'], tmp);
    try {
      const config = (await emulators.waitFor(/^\s+config\s+(\S+\.yaml)$/m, 15_000))[1]!;
      await emulators.waitFor(/^Ctrl-C stops the emulators and removes /m, 5000);
      for (const command of ['run', 'tail', 'checkpoints list']) expect(emulators.stdout()).toContain(`npx agent-log-exporter ${command} --config ${config}`);
      // The credentials are in the file as defaults of ${env:…}: no variable needs to be set.
      expect(readFileSync(config, 'utf8')).toMatch(/token: "\$\{env:FOUNDRY_TOKEN:-demo-foundry-[0-9a-f]+\}"/);

      // tail: the sources' records on the terminal, one OTLP/JSON request per line.
      const tail = background(['tail', '--json', '--config', config], tmp);
      // Which source prints first depends on timing (a busy machine): wait for two of them.
      const services = (): Set<string | undefined> =>
        new Set(tail.stdout().split('\n').filter(Boolean).map((line) => /"key":"service\.name","value":\{"stringValue":"([^"]+)"/.exec(line)?.[1]));
      const deadline = Date.now() + 20_000;
      while (services().size < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      tail.interrupt();
      expect(await tail.exited).toBe(0);
      expect(services().size, tail.stdout()).toBeGreaterThanOrEqual(2);

      // run: the daemon ships to the emulators' receiver, which reports what it decoded.
      const run = background(['run', '--config', config], tmp);
      await emulators.waitFor(/the receiver decoded (\d+) records in \d+ requests: support-agent [1-9]\d* · hill90-agents [1-9]\d* · daytona-ci [1-9]\d* · agentbox-pool [1-9]\d*/, 15_000);
      run.interrupt();
      expect(await run.exited, run.stderr()).toBe(0);

      // checkpoints: where the run stopped, per stream.
      const list = spawnSync(process.execPath, [MAIN, 'checkpoints', 'list', '--config', config], { cwd: ROOT, env: env(tmp), encoding: 'utf8', timeout: 20_000 });
      expect(list.status, list.stderr).toBe(0);
      for (const source of SOURCES) expect(list.stdout).toMatch(new RegExp(`^${source}/`, 'm'));
    } finally {
      emulators.interrupt();
    }
    expect(await emulators.exited).toBe(0);
    expect(emulators.stdout()).toMatch(/^stopped: emulators and receiver closed, temporary directory removed$/m);
    expect(emulators.stderr()).toBe('');
    expect(readdirSync(tmp)).toEqual([]);
  }, 60_000);

  it('`npm run emulators` is that command', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.emulators).toBe('node src/main.ts demo --emulators-only');
  });
});
