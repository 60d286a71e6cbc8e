// `agent-log-exporter demo` as a user runs it: the real CLI in a child process, the Foundry
// emulator, the real daemon and the loopback OTLP receiver, stopped by --duration.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runCli(args: string[], timeoutMs: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['src/main.ts', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
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

function count(output: string, label: 'read' | 'exported' | 'decoded'): number {
  const m = new RegExp(`^${label}\\s+(\\d+) records`, 'm').exec(output);
  if (!m) throw new Error(`no "${label} N records" line in:\n${output}`);
  return Number(m[1]);
}

describe('agent-log-exporter demo', () => {
  it('runs the pipeline on the emulator and shows what the receiver decoded', async () => {
    const run = await runCli(['demo', '--duration', '3s'], 9000);
    const { stdout } = run;
    expect(run.code, `${stdout}\n${run.stderr}`).toBe(0);
    expect(run.stderr).toBe('');

    // Progress while it runs, one line a second.
    expect(stdout).toMatch(/^\s+1s\s+read\s+\d+\s+exported\s+\d+\s+\d+ records\/s/m);

    // Everything the daemon exported was decoded by the receiver, nothing more, nothing less.
    const exported = count(stdout, 'exported');
    expect(exported).toBeGreaterThan(20);
    expect(count(stdout, 'decoded')).toBe(exported);
    expect(count(stdout, 'read')).toBe(exported);

    // Every severity, by its number, in the summary table.
    expect(stdout).toMatch(/^\s+INFO \(9\)\s+[1-9]\d*/m);
    expect(stdout).toMatch(/^\s+WARN(ING)? \(13\)\s+[1-9]\d*/m);
    expect(stdout).toMatch(/^\s+ERROR \(17\)\s+[1-9]\d*/m);

    // Records as `time  session  SEVERITY  body`: uvicorn's stderr start-up lines are INFO,
    // the warning is WARNING, the traceback is ERROR.
    const record = (severity: string, body: string): RegExp =>
      new RegExp(`^\\s+\\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\s+s_\\w+\\s+${severity}\\s+${body}`, 'm');
    expect(stdout).toMatch(record('INFO', 'INFO:\\s+Started server process \\[1\\]'));
    expect(stdout).toMatch(record('INFO', 'INFO:\\s+Uvicorn running on http://0\\.0\\.0\\.0:8088'));
    expect(stdout).toMatch(record('WARNING', 'WARNING:\\s+Rate limit approaching'));
    expect(stdout).toMatch(record('ERROR', 'Traceback \\(most recent call last\\):'));
    expect(stdout).toMatch(record('ERROR', "ValueError: unknown order id 'A-\\d+'"));

    // Both sessions were discovered (no session named in the config).
    expect(stdout).toMatch(/^\s+s_4b1e0c7a\s+support-agent v3\s+[1-9]\d*$/m);
    expect(stdout).toMatch(/^\s+s_9d27f3e5\s+support-agent v3\s+[1-9]\d*$/m);
    expect(stdout).toContain('temporary directory removed');
  });

  it('refuses a duration without a unit (exit 2)', async () => {
    const run = await runCli(['demo', '--duration', '3'], 5000);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--duration');
  });
});
