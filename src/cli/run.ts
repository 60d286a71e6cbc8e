/**
 * `run`: the daemon. Loads the config (exit 2 on any problem), starts the pipeline and
 * stops it gracefully on SIGTERM/SIGINT within `shutdown_timeout`; a second signal exits
 * at once (what is in the spool stays there).
 */
import type { Config } from '../config/schema.ts';
import { collectSecretValues } from '../config/redact.ts';
import { startDaemon } from '../lifecycle/daemon.ts';
import { SourceUnavailableError } from '../sources/registry.ts';
import { Events } from '../telemetry/events.ts';
import { createLogger } from '../telemetry/logger.ts';
import { CliError, EXIT_FATAL, EXIT_OK, EXIT_USAGE } from './errors.ts';
import { preflight } from './preflight.ts';
import { loadOrExplain } from './load.ts';

export async function runCommand(configPath: string, env: NodeJS.ProcessEnv): Promise<number> {
  const config: Config = loadOrExplain(configPath, env, { check: preflight });
  const logger = createLogger({ level: config.log.level, format: config.log.format, secrets: collectSecretValues(config) });
  const events = new Events(logger);
  let fail: (reason: string) => void = () => undefined;
  let daemon;
  try {
    daemon = startDaemon(config, { logger, events, onFatal: (reason) => fail(reason) });
  } catch (error) {
    if (error instanceof SourceUnavailableError) throw new CliError(error.message, EXIT_USAGE);
    throw new CliError(`cannot start: ${(error as Error).message}`, EXIT_FATAL);
  }
  // Every wait inside the daemon is unref'd (so tests and library use never hang); the
  // daemon itself must live until it is told to stop, even while no connection is open.
  const keepAlive = setInterval(() => undefined, 1 << 30);
  return new Promise<number>((resolve) => {
    // A fatal error wins over a clean stop that was already under way.
    let fatal = false;
    const finish = (code: number): void => {
      clearInterval(keepAlive);
      resolve(fatal ? EXIT_FATAL : code);
    };
    fail = (reason) => {
      fatal = true;
      logger.fatal({ event: 'daemon.fatal', reason }, 'fatal error; stopping');
      daemon.shutdown(config.shutdown_timeout).then(
        () => finish(EXIT_FATAL),
        () => finish(EXIT_FATAL),
      );
    };
    // Reload comes with the operations work; until then SIGHUP must not kill the daemon
    // (Node's default for SIGHUP is to exit without flushing).
    process.on('SIGHUP', () => {
      logger.warn({ event: 'daemon.reload_unsupported' }, 'SIGHUP received: config reload is not available in this version; still running with the loaded config');
    });
    let signals = 0;
    const onSignal = (signal: NodeJS.Signals): void => {
      signals += 1;
      if (signals > 1) {
        logger.warn({ event: 'daemon.forced_exit', signal }, 'second signal: exiting at once; undelivered batches stay in the spool');
        process.exit(EXIT_FATAL);
      }
      logger.info({ event: 'daemon.signal', signal }, 'signal received');
      daemon.shutdown(config.shutdown_timeout).then(
        () => finish(EXIT_OK),
        (error: unknown) => {
          logger.error({ event: 'daemon.shutdown_failed', reason: (error as Error).message }, 'shutdown failed');
          finish(EXIT_FATAL);
        },
      );
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}
