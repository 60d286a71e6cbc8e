// `agent-log-exporter demo` as a person runs it: the real CLI in a child process, the four
// platform emulators, the real daemon and the loopback OTLP receiver, stopped by --duration.
// Captured output (a pipe: plain lines) always; a pseudo-terminal (redraw, colours) when
// util-linux `script` is installed.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));
const HAS_SCRIPT = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;
const ESC = '\x1b';
const SOURCES = ['support-agent', 'hill90-agents', 'daytona-ci', 'agentbox-pool'];

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], env: Record<string, string>, timeoutMs: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
    for (const name of ['NO_COLOR', 'FORCE_COLOR']) if (!(name in env)) delete childEnv[name];
    const child = spawn(command, args, { cwd: ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`demo did not exit within ${timeoutMs} ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The summary table's rows: source → records (the figure the screen shows at the end). */
function summaryRecords(stdout: string): Map<string, number> {
  const rows = new Map<string, number>();
  for (const m of stdout.matchAll(/^\s+([a-z0-9-]+)\s+(?:foundry|hill90|daytona|agentbox)\s+(?:\d+ live(?:, \d+ \w+)*|discovering)\s+(\d+)\s+\d+\s+/gm)) {
    rows.set(m[1]!, Number(m[2]));
  }
  return rows;
}

/** The receiver's table: source → records decoded. */
function decodedRecords(stdout: string): Map<string, { records: number; info: number; warn: number; error: number }> {
  const rows = new Map<string, { records: number; info: number; warn: number; error: number }>();
  for (const m of stdout.matchAll(/^\s+([a-z0-9-]+)\s+(?:foundry|hill90|daytona|agentbox)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+\d+$/gm)) {
    rows.set(m[1]!, { records: Number(m[3]), info: Number(m[4]), warn: Number(m[5]), error: Number(m[6]) });
  }
  return rows;
}

/** The README's recorded run (the block after "A recorded run (`npm run demo -- --duration 3s | cat`"). */
function readmeRecordedRun(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const at = readme.indexOf('A recorded run (`npm run demo -- --duration 3s | cat`');
  expect(at).toBeGreaterThan(0);
  const open = readme.indexOf('```\n', at) + 4;
  return readme.slice(open, readme.indexOf('```', open));
}

/** A run's outline: its unindented lines and table headers, figures and names that change per run blanked. */
function outline(text: string): string[] {
  return text
    .split('\n')
    .filter((line) => /^\S/.test(line) || /^\s+source\s+platform/.test(line))
    .map((line) => line.replace(/agent-log-exporter-demo-\w+/g, 'DIR').replace(/\d+(\.\d+)?/g, 'N').replace(/\s+/g, ' ').trim());
}

/** A sample record line: `time  source/stream  SEVERITY  body`. */
const sample = (label: string, severity: string, body: string): RegExp =>
  new RegExp(`^\\s+\\d\\d:\\d\\d:\\d\\d\\.\\d{3}  ${label}\\s+${severity}\\s+${body}`, 'm');

describe('agent-log-exporter demo', () => {
  it('runs four platforms through the real daemon; the summary matches what the receiver decoded', async () => {
    const result = await run(process.execPath, [MAIN, 'demo', '--duration', '3s'], {}, 15_000);
    const { stdout } = result;
    expect(result.code, `${stdout}\n${result.stderr}`).toBe(0);
    expect(result.stderr).toBe('');
    expect(stdout).not.toContain(ESC); // a pipe: no redraw, no colours

    // Plain progress lines, one a second, every platform flowing from the first second on.
    const first = /^\s+1s\s+support-agent (\d+) · hill90-agents (\d+) · daytona-ci (\d+) · agentbox-pool (\d+)\s+\(\d+ records\/s\)$/m.exec(stdout);
    expect(first, stdout).not.toBeNull();
    for (const n of first!.slice(1)) expect(Number(n)).toBeGreaterThan(0);

    // The final summary's figures are what the receiver decoded, source by source.
    const summary = summaryRecords(stdout);
    const decoded = decodedRecords(stdout);
    expect([...summary.keys()]).toEqual(SOURCES);
    expect([...decoded.keys()]).toEqual(SOURCES);
    let total = 0;
    for (const source of SOURCES) {
      expect(summary.get(source), source).toBeGreaterThan(3);
      expect(decoded.get(source)!.records, source).toBe(summary.get(source));
      total += summary.get(source)!;
    }
    expect(stdout).toMatch(new RegExp(`^the receiver decoded ${total} records in \\d+ requests; the daemon counted ${total} exported:$`, 'm'));
    expect(stdout).toMatch(new RegExp(`records exported in \\d+ requests`));
    expect(stdout).toContain('everything delivered');
    expect(stdout).toContain('temporary directory removed');

    // Every severity where the script put it.
    expect(decoded.get('support-agent')!.error).toBeGreaterThan(0); // the traceback
    expect(decoded.get('hill90-agents')!.warn).toBeGreaterThan(0); // the rate limit
    expect(decoded.get('daytona-ci')!.error).toBeGreaterThan(0); // exit 1
    expect(decoded.get('agentbox-pool')!.info).toBeGreaterThan(0);

    // Known lines with their severity: uvicorn's INFO on stderr is INFO; a traceback is ERROR;
    // the rate limit is WARN with its model and tokens; the failed test run ends with its exit code.
    expect(stdout).toMatch(sample('support-agent/s_4b1e0c7a', 'INFO', 'INFO:\\s+Started server process \\[1\\]\\s+log\\.iostream=stderr'));
    expect(stdout).toMatch(sample('support-agent/s_9d27f3e5', 'ERROR', 'Traceback \\(most recent call last\\):( \\(\\+\\d+ lines\\))?\\s+log\\.iostream=stderr'));
    expect(stdout).toMatch(sample('hill90-agents/research-agent', 'WARN', '\\S+ \\(chat\\): rate limited by the provider \\(429\\).*gen_ai\\.response\\.model=\\S+ gen_ai\\.usage\\.input_tokens=\\d+'));
    expect(stdout).toMatch(sample('hill90-agents/research-agent', 'INFO', '\\S+ \\(chat\\) step \\d+\\s+gen_ai\\.response\\.model=\\S+ gen_ai\\.usage\\.input_tokens=\\d+ gen_ai\\.usage\\.output_tokens=\\d+ hill90\\.cost_usd=[\\d.]+'));
    expect(stdout).toMatch(sample('daytona-ci/cmd-[0-9a-f]{8}', 'ERROR', 'command exited with code 1\\s+process\\.exit\\.code=1'));
    expect(stdout).toMatch(sample('daytona-ci/cmd-[0-9a-f]{8}', 'WARNING', 'WARNING: refunds: amount 12\\.50 exceeds.*log\\.iostream=stderr'));
    expect(stdout).toMatch(sample('agentbox-pool/agent', 'INFO', 'INFO:agent:sandbox ready.*k8s\\.container\\.name=agent'));
    expect(stdout).toMatch(sample('agentbox-pool/browser', 'INFO', '\\[INFO\\] chromium .*k8s\\.container\\.name=browser'));

    // The resource of one record per platform, as decoded: what a backend groups streams by.
    const resourcesAt = stdout.indexOf('resource attributes of one record per platform');
    const resources = stdout.slice(resourcesAt, stdout.indexOf('\n\n', resourcesAt) >>> 0);
    expect(resources).toMatch(/^\s+foundry\s+support-agent\/s_\w+\n\s+.*service\.name=support-agent[^]*?session\.id=s_\w+/m);
    expect(resources).toMatch(/^\s+hill90\s+hill90-agents\/\S+\n\s+.*service\.name=hill90-agents[^]*?gen_ai\.agent\.id=[0-9a-f-]{36}/m);
    expect(resources).toMatch(/^\s+daytona\s+daytona-ci\/cmd-[0-9a-f]{8}\n\s+.*service\.name=daytona-ci[^]*?daytona\.command\.id=[0-9a-f-]{36}/m);
    expect(resources).toMatch(/^\s+agentbox\s+agentbox-pool\/\S+\n\s+.*service\.name=agentbox-pool[^]*?k8s\.pod\.name=\S+/m);
    for (const line of resources.split('\n')) expect(line.length).toBeLessThanOrEqual(100);

    // The README's recorded run is this run: the same sections and headers, in the same order.
    expect(outline(readmeRecordedRun())).toEqual(outline(stdout));
  }, 20_000);

  it('refuses a duration without a unit (exit 2)', async () => {
    const result = await run(process.execPath, [MAIN, 'demo', '--duration', '3'], {}, 5000);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--duration');
  });

  describe.skipIf(!HAS_SCRIPT)('in a terminal (a pseudo-terminal from util-linux `script`)', () => {
    it('redraws the summary in place, with severities in colour', async () => {
      const command = `exec ${process.execPath} ${MAIN} demo --duration 2s`;
      const result = await run('script', ['-qfec', command, '/dev/null'], { TERM: 'xterm', COLUMNS: '120' }, 15_000);
      const { stdout } = result;
      expect(result.code, stdout).toBe(0);
      // Cursor back to the block's first line (6 lines: header, four sources, status), redrawn, rest cleared.
      const redraws = stdout.split(`${ESC}[6F`).length - 1;
      expect(redraws, stdout).toBeGreaterThanOrEqual(4);
      expect(stdout).toContain(`${ESC}[J`);
      expect(stdout).not.toMatch(/^\s+1s\s+support-agent \d+ ·/m); // no plain progress lines on a terminal
      // Colours: the traceback is red, the rate limit yellow, uvicorn's stderr INFO green.
      expect(stdout).toMatch(new RegExp(`${ESC}\\[31mERROR  ${ESC}\\[0m  Traceback \\(most recent call last\\):`));
      expect(stdout).toMatch(new RegExp(`${ESC}\\[33mWARN   ${ESC}\\[0m  \\S+ \\(chat\\): rate limited`));
      expect(stdout).toMatch(new RegExp(`${ESC}\\[32mINFO   ${ESC}\\[0m  INFO:\\s+Started server process`));
      // No line of the redrawn block is wider than the terminal (it would wrap and break the redraw).
      // eslint-disable-next-line no-control-regex
      const visible = stdout.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '').split(/\r?\n/);
      for (const line of visible.filter((l) => /^\s+(support-agent|hill90-agents|daytona-ci|agentbox-pool)\s+(foundry|hill90|daytona|agentbox)\s+\d+ live/.test(l))) {
        expect(line.length).toBeLessThan(120);
      }
    }, 20_000);

    it('NO_COLOR keeps the redraw but drops the colours', async () => {
      const command = `exec ${process.execPath} ${MAIN} demo --duration 1s`;
      const result = await run('script', ['-qfec', command, '/dev/null'], { TERM: 'xterm', NO_COLOR: '1' }, 15_000);
      expect(result.code, result.stdout).toBe(0);
      expect(result.stdout).toContain(`${ESC}[6F`);
      expect(result.stdout).not.toMatch(new RegExp(`${ESC}\\[3\\dm`));
      expect(result.stdout).toMatch(/the receiver decoded \d+ records/);
    }, 20_000);
  });
  if (!HAS_SCRIPT) it.skip('terminal (PTY) assertions need util-linux `script`, which is not installed here', () => undefined);
});
