/**
 * An end-to-end rig for Hill90: the Hill90 emulator, the loopback OTLP receiver (official proto
 * schema), a temporary storage dir that outlives one daemon (restarts resume from it), and a
 * config file written as a user would.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfigText } from '../../src/config/load.ts';
import type { Config } from '../../src/config/schema.ts';
import { startHill90Emulator, type Hill90Emulator, type Hill90EmulatorOptions } from '../../src/emulators/hill90.ts';
import { startOtlpReceiver, type OtlpReceiver } from '../../src/emulators/otlp-receiver.ts';
import { startDaemon, type Daemon } from '../../src/lifecycle/daemon.ts';
import { Events } from '../../src/telemetry/events.ts';
import { createLogger } from '../../src/telemetry/logger.ts';

export const HILL90_TOKEN = 'hill90-test-token-7b1e';
export const CLIENT_ID = 'log-exporter';
export const CLIENT_SECRET = 'hill90-client-secret-9d2f';
export const SOURCE = 'hill90-test';
export const ENV = { HILL90_TOKEN, HILL90_CLIENT_SECRET: CLIENT_SECRET };

export interface Hill90Rig {
  emulator: Hill90Emulator;
  receiver: OtlpReceiver;
  dir: string;
  configPath: string;
  close(): Promise<void>;
}

/** Default emulator: the static token and OIDC clients both accepted. */
export async function startHill90Rig(opts: Hill90EmulatorOptions = {}): Promise<Hill90Rig> {
  const emulator = await startHill90Emulator({ token: HILL90_TOKEN, oidc: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, ...opts });
  const receiver = await startOtlpReceiver();
  const dir = mkdtempSync(join(tmpdir(), 'ale-hill90-'));
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

export interface Hill90ConfigOptions {
  /** Follow one agent; omitted: discovery of every running agent. */
  agentId?: string;
  tail?: number;
  auth?: 'bearer' | 'oidc';
  discoverInterval?: string;
  spool?: boolean;
  /** Extra YAML lines inside the source (indented by the caller). */
  sourceExtra?: string;
}

export function hill90ConfigYaml(rig: Hill90Rig, o: Hill90ConfigOptions = {}): string {
  const auth = o.auth === 'oidc'
    ? `    auth: {type: oidc, token_url: "${rig.emulator.tokenUrl}", client_id: ${CLIENT_ID}, client_secret: "\${env:HILL90_CLIENT_SECRET}"}\n`
    : '    auth: {type: bearer, token: "${env:HILL90_TOKEN}"}\n';
  const target = o.agentId ? `    agent_id: ${o.agentId}\n` : `    discover_interval: ${o.discoverInterval ?? '200ms'}\n`;
  return `sources:
  - name: ${SOURCE}
    type: hill90
    endpoint: ${rig.emulator.url}
${auth}${target}    tail: ${o.tail ?? 100}
    attributes: {team: core}
${o.sourceExtra ?? ''}exporter:
  endpoint: ${rig.receiver.url}
  batch: {max_records: 512, timeout: 30ms}
  retry: {initial_interval: 50ms, max_interval: 500ms}
storage:
  dir: ${rig.dir}/data
  spool: {enabled: ${o.spool ?? true}}
resource: {deployment.environment.name: test}
server: {listen: ""}
log: {level: warn}
shutdown_timeout: 5s
`;
}

export function writeHill90Config(rig: Hill90Rig, o: Hill90ConfigOptions = {}): Config {
  const text = hill90ConfigYaml(rig, o);
  writeFileSync(rig.configPath, text);
  const result = parseConfigText(text, rig.configPath, ENV);
  if (!result.ok) throw new Error(`test config invalid: ${JSON.stringify(result.issues)}`);
  return result.config;
}

export interface InProcess {
  daemon: Daemon;
  events: Events;
}

/** Run the daemon in this process with short reconnect delays. */
export function runHill90(config: Config): InProcess {
  const logger = createLogger({ level: process.env.TEST_LOG_LEVEL === 'debug' ? 'debug' : 'silent', secrets: [HILL90_TOKEN, CLIENT_SECRET] });
  const events = new Events(logger);
  const daemon = startDaemon(config, { logger, events, timing: { initialBackoffMs: 20, maxBackoffMs: 200, authRetryMs: 200 } });
  return { daemon, events };
}

export const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
