/**
 * An end-to-end rig for AgentBox: the emulator, the loopback OTLP receiver, a storage dir that
 * outlives one daemon (restarts resume from it) and the config a user would write.
 */
import type { Config } from '../../src/config/schema.ts';
import { startAgentboxEmulator, type AgentboxEmulator, type AgentboxEmulatorOptions } from '../../emulators/agentbox.ts';
import { daemonYaml, runDaemon, startPlatformRig, writeValidConfig, type InProcess, type PlatformRig } from './rig-base.ts';

export const AGENTBOX_KEY = 'agbx_e2e_key_41d9';

export interface AgentboxRig extends PlatformRig<AgentboxEmulator> {
  /** Writes and validates the config; `source` holds the source's own keys, indented 4. */
  config(source: string): Config;
  run(source: string): InProcess;
  close(): Promise<void>;
}

export async function startAgentboxRig(opts: AgentboxEmulatorOptions = {}): Promise<AgentboxRig> {
  const base = await startPlatformRig(await startAgentboxEmulator({ apiKey: AGENTBOX_KEY, ...opts }), 'ale-agentbox-');
  const { emulator } = base;
  const running: InProcess[] = [];
  const rig: AgentboxRig = {
    ...base,
    config(source) {
      const text = `sources:
  - name: boxes
    type: agentbox
    endpoint: ${emulator.url}
    api_key: "\${env:AGENTBOX_API_KEY}"
    attributes: {team: core}
${source}${daemonYaml(base)}`;
      return writeValidConfig(base, text, { AGENTBOX_API_KEY: AGENTBOX_KEY });
    },
    run(source) {
      const daemon = runDaemon(rig.config(source), [AGENTBOX_KEY]);
      running.push(daemon);
      return daemon;
    },
    async close() {
      await Promise.all(running.map((d) => d.daemon.shutdown(5000)));
      await base.close();
    },
  };
  return rig;
}
