/**
 * An end-to-end rig: the Foundry emulator, the loopback OTLP receiver (official proto
 * schema), a temporary storage dir and a config file written as a user would.
 */
import type { Config } from '../../src/config/schema.ts';
import { startFoundryEmulator, type FoundryEmulator, type FoundryFaults } from '../../emulators/foundry.ts';
import { daemonYaml, runDaemon, startPlatformRig, writeValidConfig, type InProcess, type PlatformRig } from './rig-base.ts';

export type { InProcess } from './rig-base.ts';

export const TOKEN = 'test-token-3f9a2c';

export type Rig = PlatformRig<FoundryEmulator>;

export async function startRig(faults: Partial<FoundryFaults> = {}): Promise<Rig> {
  return startPlatformRig(await startFoundryEmulator({ token: TOKEN, faults }), 'ale-e2e-');
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
${o.sourceExtra ?? ''}${daemonYaml(rig, {
    exporter: `  protocol: ${o.protocol ?? 'http/protobuf'}\n  compression: ${o.compression ?? 'gzip'}\n`,
    batch: `{max_records: ${o.batchMaxRecords ?? 2048}, timeout: ${o.batchTimeout ?? '50ms'}}`,
    storage: `  spool: {enabled: ${o.spool ?? true}, max_bytes: ${o.spoolMaxBytes ?? '64MiB'}}\n`,
  })}${o.extra ?? ''}`;
}

export function writeConfig(rig: Rig, o: FoundryConfigOptions): Config {
  return writeValidConfig(rig, foundryConfigYaml(rig, o), { FOUNDRY_TOKEN: TOKEN });
}

/** Run the daemon in this process with short reconnect delays. */
export function runInProcess(config: Config): InProcess {
  return runDaemon(config, [TOKEN]);
}
