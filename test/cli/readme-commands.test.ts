/**
 * The README's commands work as printed: every `agent-log-exporter …` line of its shell blocks
 * is given to the real CLI (with `--help` added, so nothing runs) and must be accepted — a
 * command or option renamed in the CLI and not in the README fails here. And every command the
 * CLI has appears in the README's command summary.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/commands.ts';
import { runCli } from '../helpers/cli.ts';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const shellLines = [...README.matchAll(/```sh\n([\s\S]*?)```/g)]
  .flatMap((m) => m[1]!.split('\n'))
  .filter((line) => line.startsWith('agent-log-exporter '))
  // A comment or a pipe ends the command.
  .map((line) => line.replace(/\s+#.*$/, '').replace(/\s+\|.*$/, '').trim());

describe('README commands', () => {
  it('has commands to check', () => {
    expect(shellLines.length).toBeGreaterThan(5);
  });
  for (const line of shellLines) {
    it(`accepts: ${line}`, () => {
      const argv = line.split(/\s+/).slice(1);
      const r = runCli([...argv, '--help']);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain('Usage');
    });
  }
  it('the command summary names every command', () => {
    const summary = /## Commands\n\n```\n([\s\S]*?)```/.exec(README)![1]!;
    for (const command of COMMANDS.filter((c) => c.name !== 'run' && c.name !== 'help' && c.name !== 'version')) {
      expect(summary, command.name).toMatch(new RegExp(`^agent-log-exporter ${command.name}\\b`, 'm'));
    }
    expect(summary).toMatch(/^agent-log-exporter \[run\]/m);
    expect(summary).toMatch(/^agent-log-exporter help \[COMMAND\] \| version/m);
  });
});
