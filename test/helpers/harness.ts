/**
 * An end-to-end rig: the Foundry emulator, the loopback OTLP receiver (official proto
 * schema), a temporary storage dir and a config file written as a user would.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfigText } from '../../src/config/load.ts';
import type { Config } from '../../src/config/schema.ts';
import { startFoundryEmulator, type FoundryEmulator, type FoundryFaults } from '../../src/emulators/foundry.ts';
import { startOtlpReceiver, type OtlpReceiver } from '../../src/emulators/otlp-receiver.ts';
import { startDaemon, type Daemon } from '../../src/lifecycle/daemon.ts';
import { Events } from '../../src/telemetry/events.ts';
import { createLogger } from '../../src/telemetry/logger.ts';

export const TOKEN = 'test-token-3f9a2c';

export interface Rig {
  emulator: FoundryEmulator;
  receiver: OtlpReceiver;
  dir: string;
  configPath: string;
  close(): Promise<void>;
}

export async function startRig(faults: Partial<FoundryFaults> = {}): Promise<Rig> {
  const emulator = await startFoundryEmulator({ token: TOKEN, faults });
  const receiver = await startOtlpReceiver();
  const dir = mkdtempSync(join(tmpdir(), 'ale-e2e-'));
  return {
    emulator,
    receiver,
    dir,
    configPath: join(dir, 'config.yaml'),
    async close() {
      await emulator.close();
      await receiver.close();
    },
  };
}

export interface FoundryConfigOptions {
  session?: { agent: string; version: string; id: string };
  agent?: string;
  spool?: boolean;
  spoolMaxBytes?: string;
  compression?: 'gzip' | 'none';
  protocol?: 'http/protobuf' | 'http/json';
  batchMaxRecords?: number;
  batchTimeout?: string;
  extra?: string;
  /** Extra YAML lines inside the source (indented by the caller). */
  sourceExtra?: string;
}

/** The YAML a user would write for this rig. */
export function foundryConfigYaml(rig: Rig, o: FoundryConfigOptions): string {
  const target = o.session
    ? `    agent: ${o.session.agent}\n    version: "${o.session.version}"\n    session: ${o.session.id}\n`
    : `    agent: ${o.agent}\n    discover_interval: 200ms\n`;
  return `sources:
  - name: foundry-test
    type: foundry
    endpoint: ${rig.emulator.url}
${target}    auth: {type: bearer, token: "\${env:FOUNDRY_TOKEN}"}
    attributes: {team: core}
${o.sourceExtra ?? ''}exporter:
  endpoint: ${rig.receiver.url}
  protocol: ${o.protocol ?? 'http/protobuf'}
  compression: ${o.compression ?? 'gzip'}
  batch: {max_records: ${o.batchMaxRecords ?? 2048}, timeout: ${o.batchTimeout ?? '50ms'}}
  retry: {initial_interval: 50ms, max_interval: 500ms}
storage:
  dir: ${rig.dir}/data
  spool: {enabled: ${o.spool ?? true}, max_bytes: ${o.spoolMaxBytes ?? '64MiB'}}
resource: {deployment.environment.name: test}
server: {listen: ""}
log: {level: warn}
shutdown_timeout: 5s
${o.extra ?? ''}`;
}

export function writeConfig(rig: Rig, o: FoundryConfigOptions): Config {
  const text = foundryConfigYaml(rig, o);
  writeFileSync(rig.configPath, text);
  const result = parseConfigText(text, rig.configPath, { FOUNDRY_TOKEN: TOKEN });
  if (!result.ok) throw new Error(`test config invalid: ${JSON.stringify(result.issues)}`);
  return result.config;
}

export interface InProcess {
  daemon: Daemon;
  events: Events;
}

/** Run the daemon in this process with short reconnect delays. */
export function runInProcess(config: Config): InProcess {
  const logger = createLogger({ level: process.env.TEST_LOG_LEVEL === 'debug' ? 'debug' : 'silent', secrets: [TOKEN] });
  const events = new Events(logger);
  const daemon = startDaemon(config, { logger, events, timing: { initialBackoffMs: 20, maxBackoffMs: 200, authRetryMs: 200 } });
  return { daemon, events };
}
