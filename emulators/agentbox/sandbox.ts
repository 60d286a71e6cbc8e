// One emulated sandbox: its containers' logs and the stream connections that follow them.
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { createNdjsonWriter, type NdjsonWriter } from './ndjson-writer.ts';
import type { AddSandboxOptions, AgentboxFaults, SandboxHandle, SandboxStatus, StoredLine } from './types.ts';

export interface StreamRequest {
  container: string | undefined;
  lines: number;
  runtime: string | undefined;
}

export interface SandboxRecord {
  readonly handle: SandboxHandle;
  readonly id: string;
  listed: boolean;
  readonly pool: string;
  readonly claimedAt: number;
  readonly seq: number;
  readonly runtimes: readonly string[];
  resource(): Record<string, unknown>;
  /** The last `lines` lines (0 = all) of one container. */
  tail(container: string, lines: number): readonly StoredLine[];
  openStream(res: ServerResponse, req: StreamRequest, faults: AgentboxFaults): void;
  dispose(): void;
}

/** RFC 3339 with nanoseconds, as the kubelet writes it; `seq` fills the sub-millisecond digits. */
export function kubeletTime(ms: number, seq = 0): string {
  return new Date(ms).toISOString().replace('Z', `${String(seq % 1_000_000).padStart(6, '0')}Z`);
}

/** One stored line as an NDJSON line of the stream route. */
export function ndjsonLine(line: StoredLine, container: string, podName: string, runtime: boolean, now: () => number): string {
  if (line.kind === 'malformed') return line.text;
  // Runtime sources are stamped with the server's receive time (PLATFORMS §4.7).
  const time = runtime ? kubeletTime(now()) : line.time;
  return JSON.stringify({ _timestamp: time, container_name: container, log: line.log, pod_name: podName });
}

export function createSandboxRecord(opts: AddSandboxOptions, seq: number, now: () => number): SandboxRecord {
  const id = opts.id ?? randomUUID();
  const containers = [...(opts.containers ?? ['sandbox'])];
  const logs = new Map<string, StoredLine[]>(containers.map((c) => [c, []]));
  const streams = new Set<{ writer: NdjsonWriter; req: StreamRequest }>();
  const namespace = opts.namespace ?? 't-team-user';
  const podName = opts.podName ?? `pool-${id.slice(0, 5)}`;
  const pool = opts.pool ?? 'default';
  let status: SandboxStatus = opts.status ?? 'Running';
  let connections = 0;
  let stamp = 0;

  const logOf = (container: string): StoredLine[] => {
    const log = logs.get(container);
    if (!log) throw new Error(`sandbox ${id} has no container ${container}`);
    return log;
  };

  function push(container: string, added: StoredLine[]): void {
    logOf(container).push(...added);
    for (const s of streams) {
      if (s.req.container !== undefined && s.req.container !== container) continue;
      s.writer.send(added.map((l) => ndjsonLine(l, container, podName, s.req.runtime !== undefined, now)));
    }
  }

  function endStreams(): void {
    for (const s of streams) {
      s.writer.send([JSON.stringify({ _meta: true, source: s.req.runtime ? 'runtime' : 'live', truncated: false, pod_name: podName })]);
      s.writer.end();
    }
  }

  const record: SandboxRecord = {
    id,
    listed: true,
    pool,
    claimedAt: opts.claimedAt ?? now(),
    seq,
    runtimes: opts.runtimes ?? [],
    resource: () => ({
      sandboxId: id,
      namespace,
      poolName: pool,
      podName,
      status,
      claimedAt: new Date(record.claimedAt).toISOString(),
      containerImages: Object.fromEntries(containers.map((c) => [c, `registry.example/${c}:1`])),
      metadata: {},
      endpoints: Object.fromEntries((opts.runtimes ?? []).map((r) => [r, { url: `http://${podName}:8080`, logDir: `/var/log/${r}` }])),
    }),
    tail(container, lines) {
      const log = logOf(container);
      return lines > 0 ? log.slice(Math.max(0, log.length - lines)) : log;
    },
    openStream(res, req, faults) {
      const entry = {
        req,
        writer: createNdjsonWriter(res, faults, connections, () => streams.delete(entry)),
      };
      connections += 1;
      streams.add(entry);
      const replay: string[] = [];
      for (const c of req.container !== undefined ? [req.container] : containers) {
        for (const l of record.tail(c, req.lines)) replay.push(ndjsonLine(l, c, podName, req.runtime !== undefined, now));
      }
      entry.writer.send(replay);
    },
    dispose() {
      endStreams();
    },
    handle: {
      id,
      get status() {
        return status;
      },
      containers,
      append(container, lines, time) {
        const t = time ?? kubeletTime(now(), stamp++);
        push(container, lines.map((log) => ({ kind: 'line', time: t, log })));
      },
      appendMalformed(container, entry, text) {
        push(container, [{ kind: 'malformed', entry, text }]);
      },
      restartContainer(container) {
        logOf(container).length = 0;
      },
      lines: (container) => logOf(container),
      setStatus(next) {
        status = next;
        if (next !== 'Running') endStreams();
      },
      remove() {
        record.listed = false;
        endStreams();
      },
      get streamConnections() {
        return connections;
      },
      get liveStreams() {
        return streams.size;
      },
    },
  };
  return record;
}
