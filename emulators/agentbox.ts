// Loopback emulator of AgentBox (scitix Agent-Sandbox, PLATFORMS.md §4): the sandbox list
// (statuses, pool filter, limit/offset paging), sandbox get, the "last N lines" logs snapshot per
// container (newer server with nanosecond timestamps, or older server without), the NDJSON
// `/logs/stream` route (or its absence), and scriptable faults.
import { createFailQueue } from './shared/fail-queue.ts';
import { startLoopbackServer } from './shared/loopback-server.ts';
import { createHandler, type EmulatorFailure, type HandlerState } from './agentbox/handler.ts';
import { createSandboxRecord, type SandboxRecord } from './agentbox/sandbox.ts';
import type { AgentboxEmulator, AgentboxEmulatorOptions, AgentboxFaults } from './agentbox/types.ts';

export type * from './agentbox/types.ts';
export { kubeletTime } from './agentbox/sandbox.ts';

export const DEFAULT_AGENTBOX_FAULTS: Readonly<AgentboxFaults> = Object.freeze({ chunking: 'whole', seed: 1, streamRoute: true, timestamps: true });

export async function startAgentboxEmulator(opts: AgentboxEmulatorOptions = {}): Promise<AgentboxEmulator> {
  const sandboxes = new Map<string, SandboxRecord>();
  const faults: AgentboxFaults = { ...DEFAULT_AGENTBOX_FAULTS, ...opts.faults };
  const now = opts.now ?? Date.now;
  const state: HandlerState = {
    apiKey: opts.apiKey,
    sandboxes,
    faults,
    requests: [],
    failures: createFailQueue<EmulatorFailure>(),
    pageSize: opts.pageSize,
    serverVersion: opts.serverVersion ?? 'v0.9.0-emulator',
  };
  const server = await startLoopbackServer(createHandler(state));
  let seq = 0;
  let closing: Promise<void> | undefined;
  return {
    url: server.origin,
    requests: state.requests,
    faults,
    addSandbox(sandboxOpts = {}) {
      const record = createSandboxRecord(sandboxOpts, seq++, now);
      if (sandboxes.has(record.id)) throw new Error(`sandbox ${record.id} already exists`);
      sandboxes.set(record.id, record);
      return record.handle;
    },
    getSandbox: (id) => sandboxes.get(id)?.handle,
    setFaults(next) {
      Object.assign(faults, next);
    },
    failNext(count, status, failOpts = {}) {
      state.failures.push(count, { status, retryAfter: failOpts.retryAfter, route: failOpts.route, text: failOpts.body });
    },
    close() {
      closing ??= (async () => {
        for (const s of sandboxes.values()) s.dispose();
        await server.close();
      })();
      return closing;
    },
  };
}
