// One Hill90 agent: its event log (container events and inference rows), live SSE
// connections, status and faults. The test-facing AgentHandle is a view on this record.
import type { ServerResponse } from 'node:http';
import { createConnectionCount } from '../shared/connection-count.ts';
import { createSseWriter, type SseWriter } from './sse-writer.ts';
import { credentialExpiredFrame, dataFrame, END_FRAME, errorFrame, familyOf, isRaw, isTyped, typedFrame } from './frames.ts';
import type { AddAgentOptions, AgentHandle, AgentStatus, Family, Hill90Faults } from './types.ts';

export interface AgentRecord {
  readonly handle: AgentHandle;
  readonly removed: boolean;
  readonly createdAt: string;
  /** The `GET /agents` item. */
  resource(): Record<string, unknown>;
  attempt(): void;
  /** Opens an SSE stream on `res` (headers sent): replay of the last `tail` of each family, then live events. */
  connect(res: ServerResponse, defaults: Hill90Faults, tail: number, tokenExpiresAt: number | undefined): void;
  /** The one-shot JSON array: last `tail` of each family, sorted by (timestamp, id). */
  snapshot(tail: number): unknown[];
  dispose(): void;
}

interface HistoryItem {
  family: Family;
  data: string;
}

export function createAgentRecord(opts: AddAgentOptions): AgentRecord {
  const history: HistoryItem[] = [];
  const writers = new Set<SseWriter>();
  const tails: number[] = [];
  let overrides: Partial<Hill90Faults> = { ...opts.faults };
  let status: AgentStatus = opts.status ?? 'running';
  let attempts = 0;
  const connections = createConnectionCount(`agent ${opts.id}`);
  let removed = false;
  const name = opts.name ?? `agent-${opts.id.slice(0, 8)}`;
  const createdAt = new Date().toISOString();

  const broadcast = (text: string, isData: boolean): void => {
    for (const writer of writers) writer.send([{ text, isData }]);
  };
  const endAll = (): void => {
    for (const writer of writers) writer.end();
  };

  const handle: AgentHandle = {
    id: opts.id,
    name,
    get status() {
      return status;
    },
    get attempts() {
      return attempts;
    },
    get connections() {
      return connections.value;
    },
    get liveConnections() {
      return writers.size;
    },
    get tails() {
      return tails;
    },
    get history() {
      return history;
    },
    append(...items) {
      for (const item of items) {
        if (isTyped(item)) {
          broadcast(typedFrame(item.event, item.data), false);
          continue;
        }
        const entry: HistoryItem = isRaw(item) ? { family: 'container', data: item.raw } : { family: familyOf(item.id), data: JSON.stringify(item) };
        history.push(entry);
        broadcast(dataFrame(entry.data), true);
      }
    },
    error(payload, errorOpts = {}) {
      broadcast(errorFrame(payload), false);
      if (errorOpts.close) endAll();
    },
    end() {
      broadcast(END_FRAME, false);
      endAll();
      status = 'stopped';
    },
    setStatus(next) {
      status = next;
    },
    setFaults(faults) {
      overrides = { ...overrides, ...faults };
    },
    cut() {
      for (const writer of writers) writer.destroy();
    },
    remove() {
      handle.end();
      removed = true;
    },
    waitForConnection: (count = 1, timeoutMs = 5000) => connections.waitFor(count, timeoutMs),
  };

  function lastOf(family: Family, tail: number): HistoryItem[] {
    if (tail <= 0) return [];
    const items = history.filter((h) => h.family === family);
    return items.slice(Math.max(0, items.length - tail));
  }

  return {
    handle,
    get removed() {
      return removed;
    },
    createdAt,
    resource() {
      return {
        id: opts.id,
        agent_id: opts.agentId ?? name.toLowerCase().replace(/[^a-z0-9-]+/g, '-'),
        name,
        description: null,
        status,
        status_verified: status === 'running',
        container_state: status === 'running' ? 'running' : 'exited',
        created_at: createdAt,
        updated_at: createdAt,
        created_by: 'emulator',
        tags: [],
        models: [],
        skills: [],
        container_profile: null,
      };
    },
    attempt() {
      attempts += 1;
    },
    connect(res, defaults, tail, tokenExpiresAt) {
      const faults: Hill90Faults = { ...defaults, ...overrides };
      let expiry: NodeJS.Timeout | undefined;
      const writer = createSseWriter(res, faults, connections.value, () => {
        clearTimeout(expiry);
        writers.delete(writer);
      });
      tails.push(tail);
      writers.add(writer);
      // Backfill order of the real route: inference rows first, then the container's `tail -f -n N`.
      const replay = [...lastOf('inference', tail), ...lastOf('container', tail)];
      writer.send(replay.map((h) => ({ text: dataFrame(h.data), isData: true })));
      if (tokenExpiresAt !== undefined) {
        // The server ends the stream when the JWT that opened it expires (PLATFORMS §2.9).
        expiry = setTimeout(() => {
          writer.send([{ text: credentialExpiredFrame(), isData: false }]);
          writer.end();
        }, Math.max(0, tokenExpiresAt - Date.now()));
        expiry.unref();
      }
      connections.add();
    },
    snapshot(tail) {
      const events: Record<string, unknown>[] = [];
      for (const h of [...lastOf('container', tail), ...lastOf('inference', tail)]) {
        try {
          const value: unknown = JSON.parse(h.data);
          if (typeof value === 'object' && value !== null) events.push(value as Record<string, unknown>);
        } catch {
          // The real route drops lines that are not JSON.
        }
      }
      const sortKey = (e: Record<string, unknown>): string => `${String(e.timestamp)}\u0000${String(e.id)}`;
      return events.sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0));
    },
    dispose() {
      removed = true;
      writers.clear();
    },
  };
}
