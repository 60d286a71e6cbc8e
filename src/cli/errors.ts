/** Typed errors with stable exit codes; the CLI prints one paragraph, never a stack trace. */

export const EXIT_OK = 0;
export const EXIT_FATAL = 1;
export const EXIT_USAGE = 2;

export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode: number) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

/** A config with problems: each problem is printed on its own line, as is. */
export class ConfigInvalidError extends CliError {
  constructor(lines: string[], summary: string) {
    super([...lines, summary].join('\n'), EXIT_USAGE);
    this.name = 'ConfigInvalidError';
  }
}

export class UsageError extends CliError {
  /** `helpCommand`: what to run for help (a command's own `--help` when the slip was in one). */
  constructor(message: string, helpCommand = 'agent-log-exporter --help') {
    super(`${message}\nRun \`${helpCommand}\` for usage.`, EXIT_USAGE);
    this.name = 'UsageError';
  }
}
