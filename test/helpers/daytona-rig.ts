/**
 * An end-to-end rig for Daytona: the Daytona emulator, the loopback OTLP receiver (official proto
 * schema), a temporary storage dir that outlives one daemon, and the config a user would write.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfigText } from '../../src/config/load.ts';
import type { Config } from '../../src/config/schema.ts';
import { startDaytonaEmulator, type DaytonaEmulator, type DaytonaEmulatorOptions } from '../../src/emulators/daytona.ts';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedLogRecord } from '../../src/emulators/otlp-receiver.ts';
import { runInProcess, type InProcess } from './harness.ts';

export const DAYTONA_KEY = 'daytona-e2e-key-7b3e';
export const SOURCE = 'daytona-test';

export interface DaytonaRig {
  emulator: DaytonaEmulator;
  receiver: OtlpReceiver;
  dir: string;
  /** Writes the config (the source's target lines given) and starts a daemon on the rig's storage dir. */
  startDaemon(target: string): InProcess;
  /** Records of one stream key's command, by `daytona.command.id`. */
  recordsOf(commandId: string): ReceivedLogRecord[];
  /** Stream states of the source now. */
  streams(daemon: InProcess): { key: string; state: string }[];
  close(): Promise<void>;
}

export async function startDaytonaRig(opts: DaytonaEmulatorOptions = {}): Promise<DaytonaRig> {
  const emulator = await startDaytonaEmulator({ apiKey: DAYTONA_KEY, ...opts });
  const receiver = await startOtlpReceiver();
  const dir = mkdtempSync(join(tmpdir(), 'ale-daytona-'));
  const running: InProcess[] = [];

  function config(target: string): Config {
    const text = `sources:
  - name: ${SOURCE}
    type: daytona
    api_url: ${emulator.apiUrl}
    api_key: "\${env:DAYTONA_API_KEY}"
${target}    attributes: {team: core}
exporter:
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
    const parsed = parseConfigText(text, path, { DAYTONA_API_KEY: DAYTONA_KEY });
    if (!parsed.ok) throw new Error(`test config invalid:\n${text}\n${JSON.stringify(parsed.issues, null, 2)}`);
    return parsed.config;
  }

  return {
    emulator,
    receiver,
    dir,
    startDaemon(target) {
      const daemon = runInProcess(config(target));
      running.push(daemon);
      return daemon;
    },
    recordsOf: (commandId) => receiver.records.filter((r) => r.resource['daytona.command.id'] === commandId),
    streams(daemon) {
      return daemon.daemon.status().sources[SOURCE]?.streams.map((s) => ({ key: s.key, state: s.state })) ?? [];
    },
    async close() {
      await Promise.all(running.map((d) => d.daemon.shutdown(2000)));
      await emulator.close();
      await receiver.close();
    },
  };
}

/** Source lines naming one command. */
export const namedCommand = (sandbox: string, session: string, command: string): string =>
  `    sandbox: ${sandbox}\n    session: ${session}\n    command: ${command}\n`;
