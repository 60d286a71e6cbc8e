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

export class UsageError extends CliError {
  constructor(message: string) {
    super(`${message}\nRun \`agent-log-exporter --help\` for usage.`, EXIT_USAGE);
    this.name = 'UsageError';
  }
}
