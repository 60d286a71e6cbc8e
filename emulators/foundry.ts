// Loopback emulator of Azure AI Foundry hosted-agent sessions (PLATFORMS.md §1):
// the session log stream (SSE, replaying history on every connect) and the
// sessions list/get, with scriptable faults. http on `url`; with `tls`, the
// same routes over https on a second port (`tlsUrl`) — the Azure SDK refuses
// bearer tokens over plain http.
import { startLoopbackServer } from './shared/loopback-server.ts';
import type { LoopbackServer } from './shared/loopback-server.ts';
import { createFailQueue } from './shared/fail-queue.ts';
import { createHandler } from './foundry/handler.ts';
import type { EmulatorFailure, HandlerState } from './foundry/handler.ts';
import { createSessionRecord } from './foundry/session.ts';
import type { SessionRecord } from './foundry/session.ts';
import type { FoundryEmulator, FoundryEmulatorOptions, FoundryFaults } from './foundry/types.ts';

export type * from './foundry/types.ts';
export { SEED_FRAMES, SEED_LINES } from './foundry/seed.ts';
export { generateLines } from './foundry/generate-lines.ts';
export type { GeneratedLine, GenerateLinesOptions } from './foundry/generate-lines.ts';
export { renderFrame, renderFrames, toFrame } from './foundry/frames.ts';

/** The `Foundry-Features` value clients should send (PLATFORMS.md §1.4). */
export const FOUNDRY_FEATURES = 'HostedAgents=V1Preview,AgentEndpoints=V1Preview';

export const DEFAULT_FAULTS: Readonly<FoundryFaults> = Object.freeze({
  chunking: 'whole',
  seed: 1,
  chunkDelayMs: 0,
  lineEnding: '\n',
  disconnectMidFrame: false,
  replay: 'all',
});

export async function startFoundryEmulator(opts: FoundryEmulatorOptions = {}): Promise<FoundryEmulator> {
  const basePath = `/api/projects/${opts.project ?? 'demo'}`;
  const sessions = new Map<string, SessionRecord>();
  const failures = createFailQueue<EmulatorFailure>();
  const defaults: FoundryFaults = { ...DEFAULT_FAULTS, ...opts.faults };
  let token = opts.token;
  let seq = 0;

  const state: HandlerState = {
    basePath,
    token: () => token,
    pageSize: opts.pageSize,
    sessions,
    defaults,
    requests: [],
    takeFailure: (route) => failures.take((f) => (f.route ?? 'logstream') === route || f.route === 'any'),
  };

  const servers: LoopbackServer[] = [];
  try {
    servers.push(await startLoopbackServer(createHandler(state, false), { port: opts.port }));
    if (opts.tls) servers.push(await startLoopbackServer(createHandler(state, true), { port: opts.tlsPort, tls: opts.tls }));
  } catch (error) {
    await Promise.all(servers.map((s) => s.close()));
    throw error;
  }
  const [plain, secure] = servers as [LoopbackServer, LoopbackServer | undefined];

  let closing: Promise<void> | undefined;
  return {
    url: `${plain.origin}${basePath}`,
    tlsUrl: secure && `${secure.origin}${basePath}`,
    requests: state.requests,
    faults: defaults,
    addSession(sessionOpts) {
      if (sessions.has(sessionOpts.id)) throw new Error(`session ${sessionOpts.id} already exists`);
      const record = createSessionRecord(sessionOpts, seq++);
      sessions.set(sessionOpts.id, record);
      return record.handle;
    },
    getSession(id) {
      return sessions.get(id)?.handle;
    },
    setFaults(faults) {
      Object.assign(defaults, faults);
    },
    setToken(next) {
      token = next;
    },
    failNext(count, status, failOpts = {}) {
      failures.push(count, { ...failOpts, status });
    },
    close() {
      closing ??= (async () => {
        for (const session of sessions.values()) session.dispose();
        await Promise.all(servers.map((s) => s.close()));
      })();
      return closing;
    },
  };
}
