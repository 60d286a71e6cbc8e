// `agent-log-exporter tail` as a person runs it: the real CLI in a child process, following a
// Foundry session (the seed's frames and a traceback) and a Hill90 agent on their emulators,
// with an exporter that does not exist and a storage.dir that must stay untouched.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_LINES, startFoundryEmulator, type FoundryEmulator } from '../../emulators/foundry.ts';
import { startHill90Emulator, type Hill90Emulator } from '../../emulators/hill90.ts';
import { closedPort } from '../helpers/closed-port.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));
const HAS_SCRIPT = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;
const ESC = '\x1b';
const TOKEN = 'tail-test-token-5f1c9e';
const AGENT_ID = '3c90c3cc-0d44-4b50-8888-8dd25736052a';

let foundry: FoundryEmulator;
let hill90: Hill90Emulator;
let dir: string;
let configPath: string;
let storage: string;

beforeAll(async () => {
  foundry = await startFoundryEmulator({ token: TOKEN });
  const session = foundry.addSession({ agent: 'support-agent', version: '3', id: 's_seed' });
  session.append(...SEED_LINES);
  session.append(
    { timestamp: '2026-03-10T09:36:00.000Z', stream: 'stderr', message: 'Traceback (most recent call last):' },
    { timestamp: '2026-03-10T09:36:00.001Z', stream: 'stderr', message: '  File "/app/agent.py", line 88, in respond' },
    { timestamp: '2026-03-10T09:36:00.002Z', stream: 'stderr', message: "ValueError: unknown order id 'A-10414'" },
    { timestamp: '2026-03-10T09:36:01.000Z', stream: 'stdout', message: 'POST /responses 500 112ms' },
  );
  hill90 = await startHill90Emulator({ token: TOKEN });
  hill90.addAgent({ id: AGENT_ID, name: 'research' }).append({
    id: '7f0e1b2a-1c3d-4e5f-8a9b-0c1d2e3f4a5b',
    timestamp: '2026-03-10T09:36:02.000Z',
    type: 'inference_rate_limited',
    tool: 'inference',
    input_summary: 'gpt-4o (chat) rate limited',
    success: false,
    metadata: { model_name: 'gpt-4o', request_type: 'chat', status: 'rate_limited' },
  });
  dir = mkdtempSync(join(tmpdir(), 'ale-tail-'));
  storage = join(dir, 'data');
  configPath = join(dir, 'agent-log-exporter.yaml');
  writeFileSync(
    configPath,
    `sources:
  - name: support
    type: foundry
    endpoint: ${foundry.url}
    agent: support-agent
    auth: {type: bearer, token: "\${env:DEMO_TOKEN}"}
  - name: research
    type: hill90
    endpoint: ${hill90.url}
    agent_id: ${AGENT_ID}
    auth: {type: bearer, token: "\${env:DEMO_TOKEN}"}
exporter:
  endpoint: http://127.0.0.1:${await closedPort()}/v1/logs   # nothing listens: tail never exports
storage:
  dir: ${storage}
server: {listen: ""}
`,
  );
});

afterAll(async () => {
  await Promise.all([foundry?.close(), hill90?.close()]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The tail's environment: the config's token; colours only as `env` says. */
function tailEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, DEMO_TOKEN: TOKEN, ...env };
  for (const name of ['NO_COLOR', 'FORCE_COLOR']) if (!(name in env)) delete childEnv[name];
  return childEnv;
}

/** Runs a command until `enough(stdout)` holds, then interrupts it as a person would; 10 s at most. */
function runUntil(command: string, args: string[], env: NodeJS.ProcessEnv, enough: (stdout: string) => boolean, interrupt: (child: ChildProcessWithoutNullStreams) => void): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env, stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    let interrupted = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (!interrupted && enough(stdout)) {
        interrupted = true;
        interrupt(child);
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`tail did not finish in time\n${stdout}\n${stderr}`));
    }, 10_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Runs tail until `enough(stdout)` holds, then Ctrl-C (SIGINT), as a person would. */
function tail(args: string[], enough: (stdout: string) => boolean, env: Record<string, string> = {}): Promise<Run> {
  return runUntil(process.execPath, [MAIN, 'tail', '--config', configPath, ...args], tailEnv(env), enough, (child) => child.kill('SIGINT'));
}

const lines = (text: string): string[] => text.split('\n').filter((l) => l !== '');
const withTraceback = (out: string): boolean => out.includes('POST /responses 500');
const withBoth = (out: string): boolean => withTraceback(out) && out.includes('rate limited');
/** `HH:MM:SS.mmm  LABEL  SEVERITY  body` (local time of the platform timestamp). */
const row = (label: string, severity: string, body: string): RegExp =>
  new RegExp(`^\\d\\d:\\d\\d:\\d\\d\\.\\d{3}  ${label}  ${severity}\\s+${body.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm');

describe('agent-log-exporter tail', () => {
  it('prints the seed frames and a traceback readably, with the severity the mapper gives', async () => {
    const run = await tail([], withBoth);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).not.toContain(ESC); // not a terminal: no colours
    const session = 'support/support-agent/s_seed';
    expect(run.stdout).toMatch(row(session, 'INFO', 'Starting FoundryCBAgent server on port 8088'));
    // uvicorn's INFO on stderr is INFO: the level in the text wins over the stream default.
    expect(run.stdout).toMatch(row(session, 'INFO', 'INFO: Application startup complete.'));
    expect(run.stdout).toMatch(row(session, 'INFO', 'Successfully connected to container'));
    expect(run.stdout).not.toContain('No logs since last 60 seconds'); // a heartbeat, dropped as by run
    // The traceback is one record (processing, DESIGN §4.5): its lines under each other.
    const indent = ' '.repeat(`00:00:00.000  ${session}  ERROR    `.length);
    expect(run.stdout).toMatch(row(session, 'ERROR', `Traceback (most recent call last):\n${indent}  File "/app/agent.py", line 88, in respond\n${indent}ValueError: unknown order id 'A-10414'`));
    expect(run.stdout).toMatch(row(`research/${AGENT_ID}`, 'WARN', 'gpt-4o (chat) rate limited'));
    // The session's records in the platform's order, each once.
    const foundryLines = lines(run.stdout).filter((l) => l.includes(session));
    expect(foundryLines).toHaveLength(5);
    expect(foundryLines[0]).toContain('Starting FoundryCBAgent');
    expect(foundryLines[4]).toContain('POST /responses 500 112ms');
  });

  it('--json prints one OTLP/JSON request per line, each holding one record', async () => {
    const run = await tail(['--json', '--source', 'support'], withTraceback);
    expect(run.code, run.stderr).toBe(0);
    const parsed = lines(run.stdout).map((l) => JSON.parse(l) as { resourceLogs: { resource: { attributes: { key: string; value: { stringValue?: string } }[] }; scopeLogs: { scope: { name: string }; logRecords: Record<string, unknown>[] }[] }[] });
    expect(parsed).toHaveLength(5); // only the Foundry source; the traceback is one record
    for (const request of parsed) {
      expect(request.resourceLogs).toHaveLength(1);
      expect(request.resourceLogs[0]!.scopeLogs[0]!.logRecords).toHaveLength(1);
      expect(request.resourceLogs[0]!.scopeLogs[0]!.scope.name).toBe('agent-log-exporter/foundry');
    }
    const record = (i: number): Record<string, unknown> => parsed[i]!.resourceLogs[0]!.scopeLogs[0]!.logRecords[0]!;
    expect(record(1)).toMatchObject({
      timeUnixNano: '1773135197130000000',
      severityNumber: 9,
      severityText: 'INFO',
      body: { stringValue: 'INFO: Application startup complete.' },
      attributes: [{ key: 'log.iostream', value: { stringValue: 'stderr' } }],
    });
    expect(record(3)).toMatchObject({ severityNumber: 17, severityText: 'ERROR', body: { stringValue: `Traceback (most recent call last):\n  File "/app/agent.py", line 88, in respond\nValueError: unknown order id 'A-10414'` } });
    const resource = Object.fromEntries(parsed[0]!.resourceLogs[0]!.resource.attributes.map((a) => [a.key, a.value.stringValue]));
    expect(resource).toMatchObject({ 'service.name': 'support', 'session.id': 's_seed', 'gen_ai.agent.name': 'support-agent', 'gen_ai.agent.version': '3' });
  });

  it('colours severities when forced (FORCE_COLOR), and NO_COLOR wins', async () => {
    const coloured = await tail(['--source', 'support'], withTraceback, { FORCE_COLOR: '1' });
    expect(coloured.stdout).toContain(`${ESC}[32mINFO   ${ESC}[0m  INFO: Application startup complete.`);
    expect(coloured.stdout).toContain(`${ESC}[31mERROR  ${ESC}[0m  Traceback (most recent call last):`);
    const plain = await tail(['--source', 'support'], withTraceback, { FORCE_COLOR: '1', NO_COLOR: '1' });
    expect(plain.stdout).not.toContain(ESC);
    expect(plain.stdout).toMatch(row('support/support-agent/s_seed', 'ERROR', 'Traceback (most recent call last):'));
  });

  it('never creates or changes anything in storage.dir, and needs no exporter', async () => {
    rmSync(storage, { recursive: true, force: true });
    const first = await tail([], withBoth);
    expect(first.code, first.stderr).toBe(0);
    expect(existsSync(storage)).toBe(false);

    // An existing state database (the daemon's) is not opened: same bytes, same mtime, no -wal/-shm.
    mkdirSync(storage);
    const db = join(storage, 'state.db');
    writeFileSync(db, 'the daemon state; tail must not touch it');
    const before = statSync(db).mtimeMs;
    const second = await tail([], withBoth);
    expect(second.code, second.stderr).toBe(0);
    expect(readdirSync(storage)).toEqual(['state.db']);
    expect(readFileSync(db, 'utf8')).toBe('the daemon state; tail must not touch it');
    expect(statSync(db).mtimeMs).toBe(before);
    rmSync(storage, { recursive: true, force: true });
  });

  it('refuses a source the config does not have (exit 2, naming the sources)', () => {
    const run = spawnSync(process.execPath, [MAIN, 'tail', '--config', configPath, '--source', 'nope'], { cwd: ROOT, env: { ...process.env, DEMO_TOKEN: TOKEN }, encoding: 'utf8', timeout: 10_000 });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--source "nope" is not in');
    expect(run.stderr).toContain('support, research');
  });

  describe.skipIf(!HAS_SCRIPT)('in a terminal (a pseudo-terminal from util-linux `script`)', () => {
    /** Runs tail on a PTY; when enough was printed, types Ctrl-C into the terminal. */
    function tailOnTerminal(env: Record<string, string>): Promise<Run> {
      // `exec`: script runs `$SHELL -c`; dash (the default when SHELL is unset) stays the parent,
      // receives the terminal's SIGINT itself and dies of it (exit 130) whatever node does.
      const command = `exec ${process.execPath} ${MAIN} tail --config ${configPath} --source support`;
      return runUntil('script', ['-qfec', command, '/dev/null'], tailEnv({ TERM: 'xterm', ...env }), withTraceback, (child) => child.stdin.write('\x03'));
    }

    it('colours severities on a terminal, stops on Ctrl-C, and NO_COLOR turns colours off', async () => {
      const run = await tailOnTerminal({});
      expect(run.code, run.stdout).toBe(0);
      expect(run.stdout).toContain(`${ESC}[32mINFO   ${ESC}[0m  INFO: Application startup complete.`);
      expect(run.stdout).toContain(`${ESC}[31mERROR  ${ESC}[0m  Traceback (most recent call last):`);
      const plain = await tailOnTerminal({ NO_COLOR: '1' });
      expect(plain.code, plain.stdout).toBe(0);
      expect(plain.stdout).not.toContain(`${ESC}[3`);
      expect(plain.stdout.replaceAll('\r', '')).toMatch(row('support/support-agent/s_seed', 'INFO', 'INFO: Application startup complete.'));
    });
  });
  if (!HAS_SCRIPT) it.skip('terminal (PTY) assertions need util-linux `script`, which is not installed here', () => undefined);
});
