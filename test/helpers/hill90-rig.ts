/**
 * An end-to-end rig for Hill90: the Hill90 emulator, the loopback OTLP receiver (official proto
 * schema), a temporary storage dir that outlives one daemon (restarts resume from it), and a
 * config file written as a user would.
 */
import type { Config } from '../../src/config/schema.ts';
import { startHill90Emulator, type Hill90Emulator, type Hill90EmulatorOptions } from '../../emulators/hill90.ts';
import { daemonYaml, runDaemon, startPlatformRig, writeValidConfig, type InProcess, type PlatformRig } from './rig-base.ts';

export type { InProcess } from './rig-base.ts';

export const HILL90_TOKEN = 'hill90-test-token-7b1e';
export const CLIENT_ID = 'log-exporter';
export const CLIENT_SECRET = 'hill90-client-secret-9d2f';
export const SOURCE = 'hill90-test';
export const ENV = { HILL90_TOKEN, HILL90_CLIENT_SECRET: CLIENT_SECRET };

export type Hill90Rig = PlatformRig<Hill90Emulator>;

/** Default emulator: the static token and OIDC clients both accepted. */
export async function startHill90Rig(opts: Hill90EmulatorOptions = {}): Promise<Hill90Rig> {
  const emulator = await startHill90Emulator({ token: HILL90_TOKEN, oidc: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, ...opts });
  return startPlatformRig(emulator, 'ale-hill90-');
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
${o.sourceExtra ?? ''}${daemonYaml(rig, { storage: `  spool: {enabled: ${o.spool ?? true}}\n` })}`;
}

export function writeHill90Config(rig: Hill90Rig, o: Hill90ConfigOptions = {}): Config {
  return writeValidConfig(rig, hill90ConfigYaml(rig, o), ENV);
}

/** Run the daemon in this process with short reconnect delays. */
export function runHill90(config: Config): InProcess {
  return runDaemon(config, [HILL90_TOKEN, CLIENT_SECRET]);
}

export const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
