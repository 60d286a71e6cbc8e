/**
 * `tail`: follow the configured sources and print their mapped records as they arrive —
 * `time  source/stream  SEVERITY  body`, or one OTLP/JSON request per line with `--json` —
 * the way `kubectl logs -f` feels. It never exports and never touches `storage.dir` (no
 * state.db is opened, created or changed; checkpoints stay where `run` left them), so it
 * needs no reachable exporter and can run next to the daemon.
 *
 * Where it starts: what each platform replays on connect (its descriptor's `replay`, listed per
 * platform in docs/CONFIG.md; e.g. Foundry: the session's log so far, AgentBox: the last `lines`
 * lines of each container), then live lines. Stops on Ctrl-C/SIGTERM (exit 0).
 */
import type { Config } from '../config/schema.ts';
import { collectSecretValues } from '../config/redact.ts';
import { Events } from '../telemetry/events.ts';
import { createLogger, type LogLevel } from '../telemetry/logger.ts';
import { EXIT_OK, UsageError } from './errors.ts';
import { loadOrExplain } from './load.ts';
import { preflight } from './preflight.ts';
import { colorEnabled, createPalette } from './tail/colors.ts';
import { followSources } from './tail/follow.ts';
import { renderTailRecord } from './tail/render.ts';

export interface TailOptions {
  configPath: string;
  env: NodeJS.ProcessEnv;
  source?: string;
  json: boolean;
  /** Where records go (stdout); `isTTY` turns colours on. */
  output: NodeJS.WritableStream & { isTTY?: boolean };
  /** Aborting stops following (Ctrl-C). */
  signal: AbortSignal;
}

/** The daemon's own logs go to stderr: warnings and worse, unless the config asks for debug. */
function tailLogLevel(config: Config): LogLevel {
  return config.log.level === 'debug' || config.log.level === 'trace' ? config.log.level : 'warn';
}

export async function tailCommand(o: TailOptions): Promise<number> {
  const config = loadOrExplain(o.configPath, o.env, { check: preflight });
  const sources = o.source === undefined ? config.sources : config.sources.filter((s) => s.name === o.source);
  if (sources.length === 0) {
    throw new UsageError(`--source "${o.source}" is not in ${o.configPath}; its sources are: ${config.sources.map((s) => s.name).join(', ')}.`);
  }
  const logger = createLogger({ level: tailLogLevel(config), format: config.log.format, secrets: collectSecretValues(config) });
  const events = new Events(logger);
  const palette = createPalette(!o.json && colorEnabled(o.output.isTTY, o.env));

  const stop = new AbortController();
  const onAbort = (): void => stop.abort();
  o.signal.addEventListener('abort', onAbort, { once: true });
  if (o.signal.aborted) stop.abort();
  // A closed pipe (`tail | head`) ends the run quietly instead of crashing on EPIPE.
  const onError = (): void => stop.abort();
  o.output.on('error', onError);

  const write = (text: string): Promise<void> | void => {
    if (stop.signal.aborted || o.output.write(text)) return;
    // The reader is slower than the platform: wait, so the stream's reads wait too.
    return new Promise((resolve) => {
      const done = (): void => {
        o.output.off('drain', done);
        stop.signal.removeEventListener('abort', done);
        resolve();
      };
      o.output.on('drain', done);
      stop.signal.addEventListener('abort', done, { once: true });
    });
  };

  const following = followSources({
    config,
    sources,
    logger,
    events,
    onRecords: (records) => {
      if (stop.signal.aborted) return;
      let text = '';
      for (const r of records) text += renderTailRecord(r, o.json, palette) + '\n';
      return write(text);
    },
  });
  // The runners' waits are unref'd (as in the daemon); tail lives until it is told to stop.
  const keepAlive = setInterval(() => undefined, 1 << 30);
  try {
    await new Promise<void>((resolve) => {
      if (stop.signal.aborted) resolve();
      else stop.signal.addEventListener('abort', () => resolve(), { once: true });
    });
  } finally {
    clearInterval(keepAlive);
    o.signal.removeEventListener('abort', onAbort);
    await following.stop();
    o.output.off('error', onError);
  }
  return EXIT_OK;
}
