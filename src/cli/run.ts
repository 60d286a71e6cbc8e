/**
 * `run`: the daemon. Loads the config (exit 2 on any problem), binds the telemetry server
 * (a port in use is exit 1 before anything starts), starts the pipeline, reloads the config on
 * SIGHUP, and stops gracefully on SIGTERM/SIGINT within `shutdown_timeout`; a second signal
 * exits at once (what is in the spool stays there).
 */
import type { Config } from '../config/schema.ts';
import { collectSecretValues, redactText } from '../config/redact.ts';
import { acquireStateLock, type StateLock } from '../checkpoint/state-lock.ts';
import { startDaemon, type Daemon } from '../lifecycle/daemon.ts';
import { startProgress } from '../lifecycle/progress.ts';
import { createReloader } from '../lifecycle/reload.ts';
import { scrapeStatus } from '../lifecycle/scrape-status.ts';
import { Events } from '../telemetry/events.ts';
import { createHealth } from '../telemetry/health.ts';
import { createLogger, createSecretList } from '../telemetry/logger.ts';
import { createMetrics } from '../telemetry/metrics.ts';
import { startTelemetryServer, type TelemetryServer } from '../telemetry/server.ts';
import { RuntimeError } from '../errors.ts';
import { EXIT_FATAL, EXIT_OK } from './errors.ts';
import { preflight } from './preflight.ts';
import { loadOrExplain } from './load.ts';

export async function runCommand(configPath: string, env: NodeJS.ProcessEnv): Promise<number> {
  const config: Config = loadOrExplain(configPath, env, { check: preflight });
  const secrets = createSecretList(collectSecretValues(config));
  const logger = createLogger({ level: config.log.level, format: config.log.format, secrets });
  const metrics = createMetrics({ processDefaults: true });
  const events = new Events(logger, metrics);
  const health = createHealth();

  // Before the port: a second daemon on this storage.dir is told so (a StateError, exit 1), not that the port is taken.
  const lock: StateLock = acquireStateLock(config.storage.dir, 'run');

  // Bound first: probes answer 503 while the daemon starts, and a port in use stops the start.
  let server: TelemetryServer | undefined;
  if (config.server.listen !== '') {
    // A port in use is a RuntimeError (TELEMETRY_LISTEN): exit 1 with its message.
    const redact = (text: string): string => redactText(text, secrets.values());
    try {
      server = await startTelemetryServer({ listen: config.server.listen, health, metrics, events, redact });
    } catch (error) {
      lock.release();
      throw error;
    }
    events.serverListening(server.url);
  }

  let fail: (reason: string) => void = () => undefined;
  let daemon: Daemon;
  try {
    daemon = startDaemon(config, { logger, events, lock, onFatal: (reason) => fail(reason) });
  } catch (error) {
    lock.release();
    await server?.close();
    throw new RuntimeError('START_FAILED', `cannot start: ${(error as Error).message}`);
  }
  health.setStatusProvider(() => daemon.status());
  metrics.setStatusProvider(() => scrapeStatus(daemon.status()));
  health.setPhase('running');
  const reloader = createReloader({ configPath, env, config, daemon, logger, events, secrets, check: preflight });
  const progress = startProgress({ events, status: () => daemon.status(), intervalMs: () => reloader.current().log.progress_interval });

  // Every wait inside the daemon is unref'd (so tests and library use never hang); the
  // daemon itself must live until it is told to stop, even while no connection is open.
  const keepAlive = setInterval(() => undefined, 1 << 30);
  return new Promise<number>((resolve) => {
    // A fatal error wins over a clean stop that was already under way.
    let fatal = false;
    const stop = (onDone: (delivered: boolean) => void, onError: (error: unknown) => void): void => {
      health.setPhase('stopping');
      daemon
        .shutdown(reloader.current().shutdown_timeout)
        .then(onDone, onError)
        .finally(() => server?.close())
        .catch(() => undefined);
    };
    const finish = (code: number): void => {
      clearInterval(keepAlive);
      progress.stop();
      resolve(fatal ? EXIT_FATAL : code);
    };
    fail = (reason) => {
      fatal = true;
      events.daemonFatal(reason);
      stop(
        () => finish(EXIT_FATAL),
        () => finish(EXIT_FATAL),
      );
    };
    process.on('SIGHUP', () => {
      if (health.phase === 'running') void reloader.reload();
    });
    let signals = 0;
    const onSignal = (signal: NodeJS.Signals): void => {
      signals += 1;
      if (signals > 1) {
        events.daemonForcedExit(signal);
        process.exit(EXIT_FATAL);
      }
      events.daemonSignal(signal);
      stop(
        () => finish(EXIT_OK),
        (error: unknown) => {
          events.daemonShutdownFailed((error as Error).message);
          finish(EXIT_FATAL);
        },
      );
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}
