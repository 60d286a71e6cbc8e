/**
 * What every end-to-end rig shares, whatever the platform: the loopback OTLP receiver (official
 * proto schema), a temporary storage dir that outlives one daemon (restarts resume from it), the
 * daemon part of the config a user would write, and the daemon run in this process.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfigText } from '../../src/config/load.ts';
import type { Config } from '../../src/config/schema.ts';
import { startOtlpReceiver, type OtlpReceiver } from '../../emulators/otlp-receiver.ts';
import { startDaemon, type Daemon } from '../../src/lifecycle/daemon.ts';
import { Events } from '../../src/telemetry/events.ts';
import { createLogger } from '../../src/telemetry/logger.ts';

export interface RigBase {
  receiver: OtlpReceiver;
  dir: string;
  configPath: string;
}

/** `prefix` names the temporary dir (`ale-hill90-…`). */
export async function startRigBase(prefix: string): Promise<RigBase> {
  const receiver = await startOtlpReceiver();
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { receiver, dir, configPath: join(dir, 'config.yaml') };
}

export interface PlatformRig<E> extends RigBase {
  emulator: E;
  /** Closes the emulator, then the receiver. */
  close(): Promise<void>;
}

/** The base around a platform's emulator (already started). */
export async function startPlatformRig<E extends { close(): Promise<void> }>(emulator: E, prefix: string): Promise<PlatformRig<E>> {
  const base = await startRigBase(prefix);
  return {
    emulator,
    ...base,
    async close() {
      await emulator.close();
      await base.receiver.close();
    },
  };
}

export interface DaemonYamlOptions {
  /** Exporter lines before `batch` (indented 2). */
  exporter?: string;
  /** The exporter's batch mapping; default 512 records or 30ms. */
  batch?: string;
  /** Storage lines after `dir` (indented 2). */
  storage?: string;
}

/** Everything after `sources:`: exporter to the rig's receiver, storage in its dir, quiet and quick. */
export function daemonYaml(rig: RigBase, o: DaemonYamlOptions = {}): string {
  return `exporter:
  endpoint: ${rig.receiver.url}
${o.exporter ?? ''}  batch: ${o.batch ?? '{max_records: 512, timeout: 30ms}'}
  retry: {initial_interval: 50ms, max_interval: 500ms}
storage:
  dir: ${rig.dir}/data
${o.storage ?? ''}resource: {deployment.environment.name: test}
server: {listen: ""}
log: {level: warn}
shutdown_timeout: 5s
`;
}

/** Writes the config where a user would keep it and parses it as the CLI does; throws if invalid. */
export function writeValidConfig(rig: RigBase, text: string, env: Record<string, string>): Config {
  writeFileSync(rig.configPath, text);
  const result = parseConfigText(text, rig.configPath, env);
  if (!result.ok) throw new Error(`test config invalid:\n${text}\n${JSON.stringify(result.issues, null, 2)}`);
  return result.config;
}

export interface InProcess {
  daemon: Daemon;
  events: Events;
}

/** Run the daemon in this process with short reconnect delays; `secrets` are scrubbed from its logs. */
export function runDaemon(config: Config, secrets: string[]): InProcess {
  const logger = createLogger({ level: process.env.TEST_LOG_LEVEL === 'debug' ? 'debug' : 'silent', secrets });
  const events = new Events(logger);
  const daemon = startDaemon(config, { logger, events, timing: { initialBackoffMs: 20, maxBackoffMs: 200, authRetryMs: 200 } });
  return { daemon, events };
}
