// Loopback emulator of Hill90's agent events (PLATFORMS.md §2): `GET /agents`,
// `GET /agents/{id}/events` (JSON array, or SSE with follow=true replaying the last `tail`
// events of each kind, then live ones), and a client-credentials token endpoint whose short-lived
// tokens end the streams they opened when they expire — with scriptable faults.
import { createFailQueue } from './shared/fail-queue.ts';
import { startLoopbackServer } from './shared/loopback-server.ts';
import { createAgentRecord, type AgentRecord } from './hill90/agent.ts';
import { createHandler, TOKEN_PATH, type HandlerState, type ScriptedFailure } from './hill90/handler.ts';
import { createTokenIssuer } from './hill90/tokens.ts';
import type { Hill90Emulator, Hill90EmulatorOptions, Hill90Faults, Hill90Route } from './hill90/types.ts';

export type * from './hill90/types.ts';
export { generateEvents, seededUuid } from './hill90/generate-events.ts';
export type { GenerateEventsOptions } from './hill90/generate-events.ts';
export { dataFrame, END_FRAME } from './hill90/frames.ts';

export const DEFAULT_FAULTS: Readonly<Hill90Faults> = Object.freeze({ chunking: 'whole', seed: 1, chunkDelayMs: 0 });

export async function startHill90Emulator(opts: Hill90EmulatorOptions = {}): Promise<Hill90Emulator> {
  const agents = new Map<string, AgentRecord>();
  const defaults: Hill90Faults = { ...DEFAULT_FAULTS, ...opts.faults };
  const failures = createFailQueue<ScriptedFailure>();
  const tokens = createTokenIssuer(opts.oidc);
  let staticToken = opts.token;
  let paused = false;

  const state: HandlerState = {
    agents,
    defaults,
    requests: [],
    tokens,
    staticToken: () => staticToken,
    paused: () => paused,
    takeFailure: (route: Hill90Route) => failures.take((f) => (f.route ?? 'events') === route || f.route === 'any'),
  };
  const server = await startLoopbackServer(createHandler(state), { port: opts.port });

  let closing: Promise<void> | undefined;
  return {
    url: server.origin,
    tokenUrl: `${server.origin}${TOKEN_PATH}`,
    requests: state.requests,
    faults: defaults,
    get tokensIssued() {
      return tokens.issued;
    },
    addAgent(agentOpts) {
      if (agents.has(agentOpts.id)) throw new Error(`agent ${agentOpts.id} already exists`);
      const record = createAgentRecord(agentOpts);
      agents.set(agentOpts.id, record);
      return record.handle;
    },
    getAgent(id) {
      return agents.get(id)?.handle;
    },
    setFaults(faults) {
      Object.assign(defaults, faults);
    },
    setToken(token) {
      staticToken = token;
    },
    failNext(count, status, failOpts = {}) {
      failures.push(count, { ...failOpts, status });
    },
    pause() {
      paused = true;
    },
    resume() {
      paused = false;
    },
    close() {
      closing ??= (async () => {
        for (const agent of agents.values()) agent.dispose();
        await server.close();
      })();
      return closing;
    },
  };
}
