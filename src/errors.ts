/**
 * The daemon's errors: one small hierarchy. Every error we throw on purpose is an AppError
 * with a stable `code`; callers decide by the code or the family (instanceof), never by the
 * message, and the CLI maps codes to exit codes (cli/errors.ts). Messages are one paragraph
 * that says what happened and what to do; they never hold a secret.
 */

/** Stable codes (log fields, exit codes and tests read them); add one here when a new kind of failure appears. */
export type ErrorCode =
  // Bad input: exit 2.
  | 'CONFIG_INVALID'
  | 'USAGE'
  | 'NOT_IN_THIS_BUILD'
  // Runtime: exit 1.
  | 'START_FAILED'
  | 'TELEMETRY_LISTEN'
  | 'DAEMON_UNREACHABLE'
  | 'STATE'
  | 'STATE_DIR_IN_USE'
  | 'QUEUE_CLOSED'
  | 'PLATFORM'
  | 'TOKEN_REFUSED'
  | 'TOKEN_UNAVAILABLE'
  | 'PROBE_TIMEOUT';

export abstract class AppError extends Error {
  abstract readonly code: ErrorCode;
}

/** A config with problems: each is one `FILE:LINE:COL path message (hint)` line, printed as is. */
export class ConfigError extends AppError {
  readonly code = 'CONFIG_INVALID';
  constructor(lines: string[], summary: string) {
    super([...lines, summary].join('\n'));
    this.name = 'ConfigError';
  }
}

/** The command line asks for something it cannot (an unknown option, a wrong argument). */
export class UsageError extends AppError {
  readonly code = 'USAGE';
  /** `helpCommand`: what to run for help (a command's own `--help` when the slip was in one). */
  constructor(message: string, helpCommand = 'agent-log-exporter --help') {
    super(`${message}\nRun \`${helpCommand}\` for usage.`);
    this.name = 'UsageError';
  }
}

/** A command this installation does not carry (the demo outside a checkout). */
export class NotInThisBuildError extends AppError {
  readonly code = 'NOT_IN_THIS_BUILD';
  constructor(message: string) {
    super(message);
    this.name = 'NotInThisBuildError';
  }
}

/** A command could not do its work at run time: the daemon could not start, the telemetry port is taken, no daemon answers. */
export class RuntimeError extends AppError {
  readonly code: 'START_FAILED' | 'TELEMETRY_LISTEN' | 'DAEMON_UNREACHABLE';
  constructor(code: RuntimeError['code'], message: string) {
    super(message);
    this.name = 'RuntimeError';
    this.code = code;
  }
}

/** The daemon's own state (storage.dir, state.db, the delivery queue) cannot be used as asked. */
export class StateError extends AppError {
  readonly code: 'STATE' | 'STATE_DIR_IN_USE' | 'QUEUE_CLOSED';
  constructor(message: string, code: StateError['code'] = 'STATE') {
    super(message);
    this.name = 'StateError';
    this.code = code;
  }
}

/** A platform (or its identity provider) failed or refused; followers and discovery turn it into an outcome. */
export class SourceError extends AppError {
  readonly code: 'PLATFORM' | 'TOKEN_REFUSED' | 'TOKEN_UNAVAILABLE' | 'PROBE_TIMEOUT';
  constructor(code: SourceError['code'], message: string) {
    super(message);
    this.name = 'SourceError';
    this.code = code;
  }
}
