/**
 * `demo`: the product doing its real job with no account. Starts emulators of every platform
 * platforms (each demanding its own fresh credential) with scripted agent activity, and a
 * loopback OTLP receiver; writes a real config into a temporary directory and runs the real
 * daemon on it (real state dir there). A live summary per source redraws in place on a
 * terminal (one plain line a second elsewhere); at the end, what the receiver decoded. With
 * `--otlp-endpoint URL` the records go there instead (the only case where anything leaves
 * 127.0.0.1). `--keep` leaves the config and state directory for `checkpoints list`;
 * `--emulators-only` starts the platforms and the receiver without a daemon (emulators-only.ts).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatIssue } from '../../src/config/issues.ts';
import { parseConfigText } from '../../src/config/load.ts';
import { collectSecretValues } from '../../src/config/redact.ts';
import { startOtlpReceiver, type OtlpReceiver } from '../otlp-receiver.ts';
import { startDaemon, type Daemon } from '../../src/lifecycle/daemon.ts';
import { Events } from '../../src/telemetry/events.ts';
import { createLogger } from '../../src/telemetry/logger.ts';
import { DEMO_SOURCES, demoConfigYaml } from './config.ts';
import { emulatorsOnly } from './emulators-only.ts';
import { guardOutput, type DemoOutput } from './output.ts';
import { startPlatforms } from './platforms.ts';
import { decodedReport, resourceReport } from './report.ts';
import { processingReport } from './processing-report.ts';
import { createScreen } from './screen.ts';
import { createSummary } from './summary.ts';
import { ConfigError, RuntimeError, UsageError } from '../../src/errors.ts';
import { EXIT_OK } from '../../src/cli/errors.ts';
import { colorEnabled, createPalette } from '../../src/cli/tail/colors.ts';

export const DEFAULT_DEMO_DURATION_MS = 8000;
/** After the agents go quiet, how long to wait at most for the daemon to read their last lines. */
const CATCH_UP_MS = 2000;
const REDRAW_MS = 250;

const RECEIVED = 'agentlog_records_received_total';
const EXPORTED = 'agentlog_records_exported_total';

export interface DemoOptions {
  /** How long the agents run (default 8s). */
  durationMs?: number | undefined;
  /** Export here instead of to the loopback receiver. */
  otlpEndpoint?: string | undefined;
  /** Leave the temporary directory (config, state.db) behind, for `checkpoints list`. */
  keep?: boolean | undefined;
  /** Only the emulators and the receiver, until Ctrl-C: a config to try `run` and `tail` on. */
  emulatorsOnly?: boolean | undefined;
  /** Where the demo prints (stdout): a TTY gets the redrawn summary and colours; closing it stops the demo. */
  output: DemoOutput;
  /** NO_COLOR / FORCE_COLOR, and the OTEL_* exporter settings for an external endpoint. */
  env: NodeJS.ProcessEnv;
  /** Aborting stops the demo early, as cleanly as at the end (Ctrl-C). */
  signal?: AbortSignal;
}

/** Things to close, closed in reverse order of opening, each once, whatever fails. */
class Resources {
  readonly #stack: (() => unknown)[] = [];
  add(close: () => unknown): void {
    this.#stack.push(close);
  }
  async closeAll(): Promise<void> {
    for (let close = this.#stack.pop(); close; close = this.#stack.pop()) {
      try {
        await close();
      } catch {
        // keep closing the rest
      }
    }
  }
}

function checkEndpoint(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`--otlp-endpoint "${url}" is not a URL; give the full OTLP logs URL, e.g. http://localhost:4318/v1/logs.`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new UsageError(`--otlp-endpoint must be an http or https URL (OTLP/HTTP), got "${parsed.protocol}".`);
  }
}

export async function demoCommand(options: DemoOptions): Promise<number> {
  const durationMs = options.durationMs ?? DEFAULT_DEMO_DURATION_MS;
  if (!(durationMs > 0)) throw new UsageError('--duration must be longer than 0, e.g. --duration 8s.');
  const external = options.otlpEndpoint;
  if (external !== undefined) checkEndpoint(external);
  if (options.emulatorsOnly && options.durationMs !== undefined) throw new UsageError('--emulators-only runs until Ctrl-C; leave out --duration.');
  // A reader that goes away (`npm run demo | head -3`) stops the demo like Ctrl-C, quietly.
  const output = guardOutput(options.output);
  const signal = AbortSignal.any([output.signal, ...(options.signal ? [options.signal] : [])]);
  const keep = options.keep === true;
  if (options.emulatorsOnly) return emulatorsOnly({ output, otlpEndpoint: external, keep, signal });
  const out = (line = ''): void => output.write(line + '\n');
  const tty = options.output.isTTY === true;
  const palette = createPalette(colorEnabled(tty, options.env));

  const resources = new Resources();
  try {
    const platforms = await startPlatforms();
    resources.add(() => platforms.close());
    let receiver: OtlpReceiver | undefined;
    if (external === undefined) {
      receiver = await startOtlpReceiver();
      resources.add(() => receiver?.close());
    }
    const dir = mkdtempSync(join(tmpdir(), 'agent-log-exporter-demo-'));
    if (!keep) resources.add(() => rmSync(dir, { recursive: true, force: true }));

    const configPath = join(dir, 'agent-log-exporter.yaml');
    const otlpEndpoint = external ?? receiver?.url ?? '';
    const yaml = demoConfigYaml({ ...platforms.endpoints, otlpEndpoint, storageDir: join(dir, 'data') });
    writeFileSync(configPath, yaml);
    // On loopback nothing of the caller's environment is used (no OTEL_* headers sent anywhere);
    // an external endpoint gets the usual OTEL_EXPORTER_OTLP_* headers/protocol, as `run` would.
    const env = external === undefined ? { ...platforms.secrets } : { ...options.env, ...platforms.secrets };
    const loaded = parseConfigText(yaml, configPath, env);
    if (!loaded.ok) {
      throw new ConfigError(loaded.issues.map(formatIssue), 'agent-log-exporter: the demo config is not valid here; nothing was started.');
    }
    const config = loaded.config;
    const logger = createLogger({ level: config.log.level, format: config.log.format, secrets: [...Object.values(platforms.secrets), ...collectSecretValues(config)] });
    const events = new Events(logger);

    out(`agent-log-exporter demo: ${DEMO_SOURCES.length} emulated agent platforms → the real daemon → OTLP/HTTP`);
    for (const s of DEMO_SOURCES) out(`  ${s.platform.padEnd(9)} ${platforms.urls[s.platform]}  (emulator; source "${s.name}")`);
    out(`  ${'OTLP'.padEnd(9)} ${otlpEndpoint}  (${receiver ? 'loopback receiver, decodes with the official OTLP proto schema' : 'yours, from --otlp-endpoint'})`);
    out(`  config    ${configPath}  (state in data/ beside it; ${keep ? 'both kept (--keep)' : 'both removed at the end'})`);
    out();
    out(`running for ${seconds(durationMs)} (Ctrl-C stops sooner):`);

    let daemon: Daemon;
    try {
      daemon = startDaemon(config, { logger, events });
    } catch (error) {
      throw new RuntimeError('START_FAILED', `cannot start the daemon: ${(error as Error).message}`);
    }
    resources.add(() => daemon.shutdown(1000));
    const activity = platforms.startActivity();
    resources.add(() => activity.stop());

    const summary = createSummary(DEMO_SOURCES, daemon, events, receiver?.records);
    const screen = createScreen({ write: (t) => output.write(t), tty, palette, columns: options.output.columns ?? 100 });
    const started = Date.now();
    const requests = (): number => events.total('agentlog_export_requests_total');
    const tick = (): void =>
      screen.update(summary.sample(), Date.now() - started, `of ${seconds(durationMs)} · ${events.total(EXPORTED)} records exported in ${requests()} requests · Ctrl-C stops`);
    tick();
    const ticker = setInterval(tick, REDRAW_MS);
    resources.add(() => clearInterval(ticker));

    const interrupted = await stopAfter(durationMs, signal);
    await activity.stop();
    const stopping = Date.now();
    // The agents are quiet; let the daemon read their last lines before it stops reading
    // (unless nobody reads the output any more).
    if (!output.closed) await settled(() => events.total(RECEIVED), activity.appended, CATCH_UP_MS);
    clearInterval(ticker);
    const delivered = await daemon.shutdown(config.shutdown_timeout);
    const exported = events.total(EXPORTED);
    screen.finish(summary.sample(), `${interrupted ? 'interrupted' : 'time is up'} after ${seconds(stopping - started)}: ${exported} records exported in ${requests()} requests`);

    const read = events.total(RECEIVED);
    const skipped = events.total('agentlog_records_skipped_total');
    const dropped = events.total('agentlog_records_dropped_total');
    const records = receiver ? [...receiver.records] : [];
    const decodedRequests = receiver ? receiver.requests.filter((r) => r.status >= 200 && r.status < 300).length : 0;
    await resources.closeAll();

    out(
      `stopped in ${seconds(Date.now() - stopping)}: ${delivered ? 'everything delivered' : 'not everything was delivered'}, ` +
        `checkpoints saved; emulators${receiver ? ' and receiver' : ''} closed, ${keep ? 'temporary directory kept' : 'temporary directory removed'}`,
    );
    out();
    if (dropped > 0) out(`dropped   ${String(dropped).padStart(5)} records rejected by the endpoint`);
    // Lines merged into one record (multiline) make lines outnumber records: count only when not all was delivered.
    const pending = delivered ? 0 : read - skipped - exported - dropped;
    if (pending > 0) out(`pending   ${String(pending).padStart(5)} records not delivered by shutdown (is the endpoint reachable?); the demo's spool went with its temporary directory`);
    if (receiver) {
      out(`the receiver decoded ${records.length} records in ${decodedRequests} request${decodedRequests === 1 ? '' : 's'}; the daemon counted ${exported} exported${records.length === exported ? '' : ' (they differ: that is a bug)'}:`);
      for (const line of decodedReport(DEMO_SOURCES, records, palette)) out(line);
      out();
      const processed = processingReport(records, palette);
      for (const line of processed) out(line);
      if (processed.length > 0) out();
      for (const line of resourceReport(DEMO_SOURCES, records, palette)) out(line);
    } else if (exported > 0) {
      out(`Look for deployment.environment.name=demo at your backend: service.name is the source name, one OTLP resource per stream.`);
    }
    if (keep) {
      out();
      out(`kept ${dir}: the run's config and its state (checkpoints; the spool, empty once all was delivered). In this checkout:`);
      out(`  npx agent-log-exporter checkpoints list --config ${configPath}`);
    }
    return EXIT_OK;
  } finally {
    await resources.closeAll();
  }
}

function seconds(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  return ms >= 10_000 || ms % 1000 === 0 ? `${Math.round(ms / 1000)}s` : `${(ms / 1000).toFixed(1)}s`;
}

/** Resolves after `ms`, or sooner when the signal aborts (then with true). */
function stopAfter(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(true);
  return new Promise((resolve) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(true);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(false);
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Waits until `count()` reached `target` and then stayed put for 300 ms, or `ms` passed. */
async function settled(count: () => number, target: number, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  let last = count();
  let since = Date.now();
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    const now = count();
    if (now !== last) {
      last = now;
      since = Date.now();
    } else if (now >= target && Date.now() - since >= 300) return;
  }
}
