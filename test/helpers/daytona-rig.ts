/**
 * An end-to-end rig for Daytona: the Daytona emulator, the loopback OTLP receiver (official proto
 * schema), a temporary storage dir that outlives one daemon, and the config a user would write.
 */
import type { Config } from '../../src/config/schema.ts';
import { startDaytonaEmulator, type DaytonaEmulator, type DaytonaEmulatorOptions } from '../../emulators/daytona.ts';
import type { ReceivedLogRecord } from '../../emulators/otlp-receiver.ts';
import { daemonYaml, runDaemon, startPlatformRig, writeValidConfig, type InProcess, type PlatformRig } from './rig-base.ts';

export const DAYTONA_KEY = 'daytona-e2e-key-7b3e';
export const SOURCE = 'daytona-test';

export interface DaytonaRig extends PlatformRig<DaytonaEmulator> {
  /** Writes the config (the source's target lines given) and starts a daemon on the rig's storage dir. */
  startDaemon(target: string): InProcess;
  /** Records of one stream key's command, by `daytona.command.id`. */
  recordsOf(commandId: string): ReceivedLogRecord[];
  /** Stream states of the source now. */
  streams(daemon: InProcess): { key: string; state: string }[];
  close(): Promise<void>;
}

export async function startDaytonaRig(opts: DaytonaEmulatorOptions = {}): Promise<DaytonaRig> {
  const base = await startPlatformRig(await startDaytonaEmulator({ apiKey: DAYTONA_KEY, ...opts }), 'ale-daytona-');
  const { emulator, receiver } = base;
  const running: InProcess[] = [];

  function config(target: string): Config {
    const text = `sources:
  - name: ${SOURCE}
    type: daytona
    api_url: ${emulator.apiUrl}
    api_key: "\${env:DAYTONA_API_KEY}"
${target}    attributes: {team: core}
${daemonYaml(base)}`;
    return writeValidConfig(base, text, { DAYTONA_API_KEY: DAYTONA_KEY });
  }

  return {
    ...base,
    startDaemon(target) {
      const daemon = runDaemon(config(target), [DAYTONA_KEY]);
      running.push(daemon);
      return daemon;
    },
    recordsOf: (commandId) => receiver.records.filter((r) => r.resource['daytona.command.id'] === commandId),
    streams(daemon) {
      return daemon.daemon.status().sources[SOURCE]?.streams.map((s) => ({ key: s.key, state: s.state })) ?? [];
    },
    async close() {
      await Promise.all(running.map((d) => d.daemon.shutdown(2000)));
      await base.close();
    },
  };
}

/** Source lines naming one command. */
export const namedCommand = (sandbox: string, session: string, command: string): string =>
  `    sandbox: ${sandbox}\n    session: ${session}\n    command: ${command}\n`;
