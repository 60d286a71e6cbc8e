/**
 * An end-to-end rig for AgentBox: the emulator, the loopback OTLP receiver, a storage dir that
 * outlives one daemon (restarts resume from it) and the config a user would write.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfigText } from '../../src/config/load.ts';
import type { Config } from '../../src/config/schema.ts';
import { startAgentboxEmulator, type AgentboxEmulator, type AgentboxEmulatorOptions } from '../../src/emulators/agentbox.ts';
import { startOtlpReceiver, type OtlpReceiver } from '../../src/emulators/otlp-receiver.ts';
import { runInProcess, type InProcess } from './harness.ts';

export const AGENTBOX_KEY = 'agbx_e2e_key_41d9';

export interface AgentboxRig {
  emulator: AgentboxEmulator;
  receiver: OtlpReceiver;
  dir: string;
  /** Writes and validates the config; `source` holds the source's own keys, indented 4. */
  config(source: string): Config;
  run(source: string): InProcess;
  close(): Promise<void>;
}

export async function startAgentboxRig(opts: AgentboxEmulatorOptions = {}): Promise<AgentboxRig> {
  const emulator = await startAgentboxEmulator({ apiKey: AGENTBOX_KEY, ...opts });
  const receiver = await startOtlpReceiver();
  const dir = mkdtempSync(join(tmpdir(), 'ale-agentbox-'));
  const running: InProcess[] = [];
  const rig: AgentboxRig = {
    emulator,
    receiver,
    dir,
    config(source) {
      const text = `sources:
  - name: boxes
    type: agentbox
    endpoint: ${emulator.url}
    api_key: "\${env:AGENTBOX_API_KEY}"
    attributes: {team: core}
${source}exporter:
  endpoint: ${receiver.url}
  batch: {max_records: 512, timeout: 30ms}
  retry: {initial_interval: 50ms, max_interval: 500ms}
storage:
  dir: ${dir}/data
resource: {deployment.environment.name: test}
server: {listen: ""}
log: {level: warn}
shutdown_timeout: 5s
`;
      const path = join(dir, 'config.yaml');
      writeFileSync(path, text);
      const parsed = parseConfigText(text, path, { AGENTBOX_API_KEY: AGENTBOX_KEY });
      if (!parsed.ok) throw new Error(`test config invalid: ${JSON.stringify(parsed.issues)}`);
      return parsed.config;
    },
    run(source) {
      const daemon = runInProcess(rig.config(source));
      running.push(daemon);
      return daemon;
    },
    async close() {
      await Promise.all(running.map((d) => d.daemon.shutdown(5000)));
      await emulator.close();
      await receiver.close();
    },
  };
  return rig;
}
