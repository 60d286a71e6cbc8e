/**
 * The platform-neutral half of the contract suite's rig: a loopback OTLP receiver, a storage
 * dir that outlives one daemon (restarts resume from it), the config a user would write around
 * the adapter's source YAML, and the real daemon run in this process.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfigText } from '../../src/config/load.ts';
import { startOtlpReceiver, type OtlpReceiver } from '../../src/emulators/otlp-receiver.ts';
import type { ReceivedLogRecord } from '../../src/emulators/otlp/flatten.ts';
import type { StreamState } from '../../src/sources/types.ts';
import { spawnCli, type Spawned } from '../helpers/cli.ts';
import { runInProcess, type InProcess } from '../helpers/harness.ts';
import type { ContractStream } from './platform-adapter.ts';

export const SOURCE = 'contract';

export interface ContractRig {
  stream: ContractStream;
  receiver: OtlpReceiver;
  /** Starts a daemon on the same storage dir (a restart when one ran before). */
  startDaemon(): InProcess;
  /** Starts the real CLI (`run`) on the same config and storage dir, in its own process. */
  spawnDaemon(): Spawned;
  /** Bodies the receiver decoded, in arrival order. */
  bodies(): string[];
  records(): ReceivedLogRecord[];
  /** States of the source's streams now ('released' once the runner dropped a finished stream). */
  streamStates(daemon: InProcess): (StreamState | 'released')[];
  close(): Promise<void>;
}

export async function startContractRig(stream: ContractStream): Promise<ContractRig> {
  const receiver = await startOtlpReceiver();
  const dir = mkdtempSync(join(tmpdir(), 'ale-contract-'));
  const configPath = join(dir, 'config.yaml');
  const running: InProcess[] = [];
  const spawned: Spawned[] = [];

  function config() {
    const text = `sources:
${stream.sourceYaml(SOURCE)}exporter:
  endpoint: ${receiver.url}
  batch: {max_records: 512, timeout: 30ms}
  retry: {initial_interval: 50ms, max_interval: 500ms}
storage:
  dir: ${dir}/data
server: {listen: ""}
log: {level: warn}
shutdown_timeout: 5s
`;
    writeFileSync(configPath, text);
    const parsed = parseConfigText(text, configPath, stream.env);
    if (!parsed.ok) throw new Error(`contract config invalid:\n${text}\n${JSON.stringify(parsed.issues, null, 2)}`);
    return parsed.config;
  }

  return {
    stream,
    receiver,
    startDaemon() {
      const daemon = runInProcess(config());
      running.push(daemon);
      return daemon;
    },
    spawnDaemon() {
      config();
      const child = spawnCli(['run', '--config', configPath], stream.env);
      spawned.push(child);
      return child;
    },
    bodies: () => receiver.records.map((r) => String(r.body)),
    records: () => receiver.records,
    streamStates(daemon) {
      const status = daemon.daemon.status().sources[SOURCE];
      if (!status || status.state === 'discovering') return ['discovering'];
      if (status.streams.length === 0) return ['released'];
      return status.streams.map((s) => s.state);
    },
    async close() {
      for (const child of spawned) if (child.child.exitCode === null && child.child.signalCode === null) child.child.kill('SIGKILL');
      await Promise.all(spawned.map((c) => c.exited));
      await Promise.all(running.map((d) => d.daemon.shutdown(2000)));
      await stream.close();
      await receiver.close();
    },
  };
}
