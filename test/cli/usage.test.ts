/**
 * The command line as a new user slips on it, with the real CLI: each command's own `--help`
 * (its options, an example), `help [cmd]` and `version`, did-you-mean for commands and options,
 * and bad options answered in one sentence of ours (never parseArgs' own text), exit 2.
 */
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/commands.ts';
import { VERSION } from '../../src/version.ts';
import { runCli } from '../helpers/cli.ts';

describe('help', () => {
  it('every command has its own --help with each of its options and an example, the same as `help CMD`', () => {
    const pages = new Set<string>();
    for (const command of COMMANDS) {
      const r = runCli([command.name, '--help']);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain(`agent-log-exporter ${command.usage[0]}`);
      for (const option of command.options) expect(r.stdout, `${command.name} --${option.name}`).toContain(`--${option.name}`);
      expect(r.stdout).toMatch(/Examples?:\n {2}\S/);
      expect(runCli(['help', command.name]).stdout).toBe(r.stdout);
      pages.add(r.stdout);
    }
    expect(pages.size).toBe(COMMANDS.length);
  });

  it('the overview lists every command and says what SIGHUP and SIGTERM do; `help` prints it too', () => {
    const r = runCli(['--help']);
    expect(r.status).toBe(0);
    for (const command of COMMANDS) expect(r.stdout).toMatch(new RegExp(`^ {2}${command.name} +\\S`, 'm'));
    expect(r.stdout).toMatch(/SIGHUP reloads the config/);
    expect(r.stdout).toMatch(/SIGTERM\/SIGINT stop gracefully/);
    expect(runCli(['help']).stdout).toBe(r.stdout);
    expect(runCli(['run', '--help']).stdout).toMatch(/SIGHUP reloads the config/);
  });

  it('`version`, `--version` and `-v` print the version, whatever the command', () => {
    for (const args of [['version'], ['--version'], ['validate', '-v'], ['-v', 'tail']]) {
      const r = runCli(args);
      expect(r.status).toBe(0);
      expect(r.stdout).toBe(`${VERSION}\n`);
    }
  });
});

describe('slips', () => {
  /** [argv, what stderr says]. */
  const SLIPS: [string[], RegExp][] = [
    [['valdate'], /unknown command "valdate"; did you mean "validate"\?/],
    [['stauts'], /unknown command "stauts"; did you mean "status"\?/],
    [['help', 'tial'], /unknown command "tial"; did you mean "tail"\?/],
    [['frobnicate'], /unknown command "frobnicate"\. Commands: run, validate/],
    [['my.yaml'], /unknown command "my\.yaml"; a config file goes after --config: agent-log-exporter run --config my\.yaml/],
    [['run', '--confg', 'x.yaml'], /unknown option --confg for run; did you mean --config\?/],
    [['validate', '--chekc'], /unknown option --chekc for validate; did you mean --check\?/],
    [['run', '--json'], /--json is an option of tail and checkpoints, not of run/],
    [['validate', '--config'], /option --config needs a value: --config FILE\./],
    [['validate', '--config', '--check'], /option --config needs a value: --config FILE\./],
    [['validate', '--check=yes'], /option --check takes no value/],
    [['run', 'extra'], /run takes no arguments, got "extra"\./],
    [['validate', '--timeout', '5s'], /--timeout applies only with --check/],
    [['demo', '--duration', 'soon'], /--duration: /],
  ];
  for (const [argv, said] of SLIPS) {
    it(`${argv.join(' ')}: exit 2, one paragraph naming the fix`, () => {
      const r = runCli(argv);
      expect(r.status, r.stderr).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(said);
      expect(r.stderr).toMatch(/^agent-log-exporter: /);
      expect(r.stderr).toMatch(/Run `agent-log-exporter (\w+ )?--help` for usage\.\n$/);
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(2);
      // Never Node's parseArgs wording (with its unclosed quotes) or a stack trace.
      expect(r.stderr).not.toMatch(/ERR_PARSE_ARGS|Unknown option '|\n\s+at /);
    });
  }
  it('a slip inside a command points at that command\'s help', () => {
    expect(runCli(['tail', '--surce', 'x']).stderr).toContain('Run `agent-log-exporter tail --help` for usage.');
  });
});
