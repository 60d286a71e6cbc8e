/**
 * `demo`: the product doing its real job with no account. Starts the Foundry emulator (token
 * required) and a loopback OTLP receiver, writes a real config into a temporary directory,
 * runs the real daemon on it, and plays a hosted agent's console output on two sessions that
 * the daemon discovers. Prints progress every second and, at the end, what the receiver
 * decoded. With `--otlp-endpoint URL` the records go there instead (the only case where
 * anything leaves 127.0.0.1) and the end report says what was exported.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatIssue } from '../config/issues.ts';
import { parseConfigText } from '../config/load.ts';
import { collectSecretValues } from '../config/redact.ts';
import { startFoundryEmulator } from '../emulators/foundry.ts';
import { startOtlpReceiver, type OtlpReceiver } from '../emulators/otlp-receiver.ts';
import { startDaemon, type Daemon } from '../lifecycle/daemon.ts';
import { Events } from '../telemetry/events.ts';
import { createLogger } from '../telemetry/logger.ts';
import { DEMO_AGENT, DEMO_VERSION, startActivity } from './demo/activity.ts';
import { DEMO_SOURCE, TOKEN_VARIABLE, demoConfigYaml } from './demo/config.ts';
import { decodedSummary, progressLine, table } from './demo/report.ts';
import { CliError, EXIT_FATAL, EXIT_OK, EXIT_USAGE, UsageError } from './errors.ts';

export const DEFAULT_DEMO_DURATION_MS = 8000;
/** After the agents go quiet, how long to wait for the daemon to read their last lines. */
const CATCH_UP_MS = 2000;

const RECEIVED = 'agentlog_records_received_total';
const EXPORTED = 'agentlog_records_exported_total';

export interface DemoOptions {
  /** How long the agents run (default 8s). */
  durationMs?: number;
  /** Export here instead of to the loopback receiver. */
  otlpEndpoint?: string;
  out: (line: string) => void;
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
  const { out, signal } = options;
  const durationMs = options.durationMs ?? DEFAULT_DEMO_DURATION_MS;
  if (!(durationMs > 0)) throw new UsageError('--duration must be longer than 0, e.g. --duration 8s.');
  const external = options.otlpEndpoint;
  if (external !== undefined) checkEndpoint(external);

  const resources = new Resources();
  try {
    // A fresh random token: the emulator refuses requests without it, as Foundry would.
    const token = `demo-${randomBytes(16).toString('hex')}`;
    const emulator = await startFoundryEmulator({ token });
    resources.add(() => emulator.close());
    let receiver: OtlpReceiver | undefined;
    if (external === undefined) {
      receiver = await startOtlpReceiver();
      resources.add(() => receiver?.close());
    }
    const dir = mkdtempSync(join(tmpdir(), 'agent-log-exporter-demo-'));
    resources.add(() => rmSync(dir, { recursive: true, force: true }));

    const configPath = join(dir, 'agent-log-exporter.yaml');
    const otlpEndpoint = external ?? receiver?.url ?? '';
    const yaml = demoConfigYaml({ foundryEndpoint: emulator.url, otlpEndpoint, storageDir: join(dir, 'data') });
    writeFileSync(configPath, yaml);
    // On loopback nothing of the caller's environment is used (no OTEL_* headers sent anywhere);
    // an external endpoint gets the usual OTEL_EXPORTER_OTLP_* headers/protocol, as `run` would.
    const env = external === undefined ? { [TOKEN_VARIABLE]: token } : { ...process.env, [TOKEN_VARIABLE]: token };
    const loaded = parseConfigText(yaml, configPath, env);
    if (!loaded.ok) {
      throw new CliError(`the demo config is not valid here:\n${loaded.issues.map(formatIssue).join('\n')}`, EXIT_USAGE);
    }
    const config = loaded.config;
    const logger = createLogger({ level: config.log.level, format: config.log.format, secrets: [token, ...collectSecretValues(config)] });
    const events = new Events(logger);

    out(`agent-log-exporter demo: an emulated Azure AI Foundry hosted agent → the real daemon → OTLP/HTTP`);
    const header = table([
      ['Foundry emulator', emulator.url, '(loopback; bearer token required)'],
      receiver
        ? ['OTLP receiver', otlpEndpoint, '(loopback; decodes with the official OTLP proto schema)']
        : ['OTLP endpoint', otlpEndpoint, '(yours, from --otlp-endpoint)'],
    ]);
    for (const line of header) out(line);
    out(`  config file       ${configPath}`);
    for (const line of yaml.split('\n').filter((l) => l !== '' && !l.startsWith('#'))) out(`    ${line}`);
    out('');
    out(`running for ${seconds(durationMs)} (Ctrl-C stops sooner); the agent's sessions appear as it works:`);

    let daemon: Daemon;
    try {
      daemon = startDaemon(config, { logger, events });
    } catch (error) {
      throw new CliError(`cannot start the daemon: ${(error as Error).message}`, EXIT_FATAL);
    }
    resources.add(() => daemon.shutdown(1000));
    const activity = startActivity(emulator);
    resources.add(() => activity.stop());

    const started = Date.now();
    let lastExported = 0;
    const tick = (): void => {
      const exported = events.total(EXPORTED);
      const streams = daemon.status().sources[DEMO_SOURCE]?.streams ?? [];
      out(
        progressLine({
          elapsedMs: Date.now() - started,
          read: events.total(RECEIVED),
          exported,
          perSecond: exported - lastExported,
          connected: streams.filter((s) => s.state === 'connected').length,
          retrying: streams.filter((s) => s.state === 'retrying' || s.state === 'auth_failed').length,
        }),
      );
      lastExported = exported;
    };
    const ticker = setInterval(tick, 1000);
    resources.add(() => clearInterval(ticker));

    const interrupted = await stopAfter(durationMs, signal);
    clearInterval(ticker);
    await activity.stop();
    const stopping = Date.now();
    out(interrupted ? 'interrupted: stopping the agents and the daemon…' : 'time is up: stopping the agents and the daemon…');
    // The agents are quiet; let the daemon read their last lines before it stops reading.
    await until(() => events.total(RECEIVED) >= activity.appended, CATCH_UP_MS);
    const delivered = await daemon.shutdown(config.shutdown_timeout);
    const read = events.total(RECEIVED);
    const exported = events.total(EXPORTED);
    const skipped = events.total('agentlog_records_skipped_total');
    const dropped = events.total('agentlog_records_dropped_total');
    const requests = events.total('agentlog_export_requests_total');
    const accepted = events.total('agentlog_export_requests_total', { code: '2xx' });
    const records = receiver ? [...receiver.records] : [];
    const decodedRequests = receiver ? receiver.requests.filter((r) => r.status >= 200 && r.status < 300).length : 0;
    await resources.closeAll();

    out(
      `stopped in ${seconds(Date.now() - stopping)}: ${delivered ? 'everything delivered' : 'not everything was delivered'}, ` +
        `checkpoints saved; emulator${receiver ? ' and receiver' : ''} closed, temporary directory removed`,
    );
    out('');
    out(`read      ${String(read).padStart(5)} records from ${DEMO_AGENT}'s sessions${skipped > 0 ? ` (${skipped} skipped: duplicates on replay or heartbeats)` : ''}`);
    out(`exported  ${String(exported).padStart(5)} records in ${requests} OTLP/HTTP request${requests === 1 ? '' : 's'} (${accepted} answered 2xx) to ${otlpEndpoint}`);
    if (dropped > 0) out(`dropped   ${String(dropped).padStart(5)} records rejected by the endpoint`);
    const pending = read - skipped - exported - dropped;
    if (pending > 0) out(`pending   ${String(pending).padStart(5)} records not delivered by shutdown (is the endpoint reachable?); the demo's spool went with its temporary directory`);
    if (receiver) {
      out(`decoded   ${String(records.length).padStart(5)} records in ${decodedRequests} request${decodedRequests === 1 ? '' : 's'} by the loopback receiver`);
      if (records.length !== exported) out(`  (the receiver decoded ${records.length} but the daemon counted ${exported} exported: that is a bug)`);
      for (const line of decodedSummary(records)) out(line);
    } else {
      out('');
      const sessions = [...activity.bySession.entries()].map(([id, lines]) => [id, `${DEMO_AGENT} v${DEMO_VERSION}`, lines]);
      for (const line of table([['session', 'agent', 'lines written'], ...sessions])) out(line);
      if (exported > 0) {
        out('');
        out(`Look for service.name=${DEMO_SOURCE}, deployment.environment.name=demo at your backend: one OTLP resource per session.`);
      }
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

/** Polls `done` every 25 ms until it holds or `ms` passed. */
async function until(done: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
}
