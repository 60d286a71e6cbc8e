/**
 * The platform-neutral half of the contract suite's rig: a loopback OTLP receiver, a storage
 * dir that outlives one daemon (restarts resume from it), the config a user would write around
 * the adapter's source YAML, and the real daemon run in this process.
 */
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { ReceivedLogRecord } from '../../emulators/otlp/flatten.ts';
import type { OtlpReceiver } from '../../emulators/otlp-receiver.ts';
import type { StreamState } from '../../src/sources/types.ts';
import { spawnCli, type Spawned } from '../helpers/cli.ts';
import { daemonYaml, runDaemon, startRigBase, writeValidConfig, type InProcess } from '../helpers/rig-base.ts';
import type { ContractStream } from './platform-adapter.ts';

export const SOURCE = 'contract';

export interface ContractRig {
  stream: ContractStream;
  receiver: OtlpReceiver;
  /** Starts a daemon on the same storage dir (a restart when one ran before). */
  startDaemon(): InProcess;
  /** Starts the real CLI (`run`) on the same config and storage dir, in its own process; `extra`: top-level YAML added. */
  spawnDaemon(extra?: string): Spawned;
  /** Bodies the receiver decoded, in arrival order. */
  bodies(): string[];
  records(): ReceivedLogRecord[];
  /** Overwrite every stored checkpoint row in storage.dir/state.db with `text` (no daemon may run). */
  damageCheckpoints(text: string): number;
  /** States of the source's streams now ('released' once the runner dropped a finished stream). */
  streamStates(daemon: InProcess): (StreamState | 'released')[];
  close(): Promise<void>;
}

export async function startContractRig(stream: ContractStream): Promise<ContractRig> {
  const base = await startRigBase('ale-contract-');
  const { receiver, configPath } = base;
  const running: InProcess[] = [];
  const spawned: Spawned[] = [];

  const config = (extra = '') => writeValidConfig(base, `sources:\n${stream.sourceYaml(SOURCE)}${daemonYaml(base)}${extra}`, stream.env);
  const secrets = Object.values(stream.env);

  return {
    stream,
    receiver,
    startDaemon() {
      const daemon = runDaemon(config(), secrets);
      running.push(daemon);
      return daemon;
    },
    spawnDaemon(extra) {
      config(extra);
      const child = spawnCli(['run', '--config', configPath], stream.env);
      spawned.push(child);
      return child;
    },
    damageCheckpoints(text) {
      const db = new DatabaseSync(join(base.dir, 'data', 'state.db'));
      try {
        return Number(db.prepare('UPDATE checkpoints SET cursor = ?').run(text).changes);
      } finally {
        db.close();
      }
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
