/**
 * How the CLI ends: exit codes (DESIGN: 0 clean stop, 1 fatal runtime error, 2 bad usage or
 * invalid config) by the error's stable code, and its one-paragraph message, never a stack trace.
 */
import { AppError, type ErrorCode } from '../errors.ts';

export { ConfigError, NotInThisBuildError, RuntimeError, UsageError } from '../errors.ts';

export const EXIT_OK = 0;
export const EXIT_FATAL = 1;
export const EXIT_USAGE = 2;

/** Every code has its exit code here: a new code without one does not compile. */
const EXIT_BY_CODE: Record<ErrorCode, number> = {
  CONFIG_INVALID: EXIT_USAGE,
  USAGE: EXIT_USAGE,
  NOT_IN_THIS_BUILD: EXIT_USAGE,
  START_FAILED: EXIT_FATAL,
  TELEMETRY_LISTEN: EXIT_FATAL,
  DAEMON_UNREACHABLE: EXIT_FATAL,
  STATE: EXIT_FATAL,
  // Another process holds storage.dir: nothing wrong with what was typed; works once it stopped.
  STATE_DIR_IN_USE: EXIT_FATAL,
  QUEUE_CLOSED: EXIT_FATAL,
  PLATFORM: EXIT_FATAL,
  TOKEN_REFUSED: EXIT_FATAL,
  TOKEN_UNAVAILABLE: EXIT_FATAL,
  PROBE_TIMEOUT: EXIT_FATAL,
};

export function exitCodeOf(error: unknown): number {
  return error instanceof AppError ? EXIT_BY_CODE[error.code] : EXIT_FATAL;
}

/**
 * What the CLI prints for an error that ended a command. A config's problems are printed as
 * they are (each line starts with its FILE:LINE:COL); anything else is one paragraph behind the
 * program's name. An error we did not expect says "fatal"; its stack only with
 * AGENT_LOG_EXPORTER_DEBUG=1.
 */
export function messageOf(error: unknown, env: NodeJS.ProcessEnv): string {
  if (error instanceof AppError) return error.code === 'CONFIG_INVALID' ? error.message : `agent-log-exporter: ${error.message}`;
  const err = error as Error;
  const stack = env.AGENT_LOG_EXPORTER_DEBUG ? `\n${err.stack ?? ''}` : '';
  return `agent-log-exporter: fatal: ${err.message}${stack}`;
}
