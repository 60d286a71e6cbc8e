// Loopback emulator of Daytona (PLATFORMS.md §3): the control-plane API under /api (sandbox
// list in both shapes, sandbox get, toolbox proxy URL) and the toolbox proxy under
// /toolbox/{sandboxId} (sessions, commands with exit codes, command and entrypoint logs: an HTTP
// snapshot, or a WebSocket follow that replays from byte 0 in 1024-byte frames and closes 1000
// when the command exits), with scriptable faults. WebSockets are served by a hand-written
// RFC 6455 writer on node:http (no runtime dependency).
import { createFailQueue } from './shared/fail-queue.ts';
import { startLoopbackServer } from './shared/loopback-server.ts';
import { createRequestHandler, createUpgradeHandler, type HandlerState } from './daytona/handler.ts';
import { isToolboxRoute } from './daytona/routes.ts';
import { createSandboxRecord, type SandboxRecord } from './daytona/sandbox.ts';
import type { DaytonaEmulator, DaytonaEmulatorOptions, DaytonaFaults, DaytonaRoute, EmulatorFailOptions, FailRoute } from './daytona/types.ts';

export type * from './daytona/types.ts';
export { STDERR_MARKER, STDOUT_MARKER, markLines } from './daytona/command.ts';

export const DEFAULT_FAULTS: Readonly<DaytonaFaults> = Object.freeze({
  frameBytes: 1024,
  seed: 1,
  frameDelayMs: 0,
  exitCloseDelayMs: 20,
  stayOpenAfterExit: false,
});

type Failure = { status: number; retryAfter?: number | string; body?: unknown; route: FailRoute };

function applies(failure: Failure, route: DaytonaRoute): boolean {
  if (failure.route === 'any') return true;
  if (failure.route === 'toolbox') return isToolboxRoute(route);
  if (failure.route === 'api') return route === 'sandbox-list' || route === 'sandbox-get' || route === 'toolbox-proxy-url';
  if (failure.route === 'logs') return route === 'logs' || route === 'entrypoint-logs';
  if (failure.route === 'stream') return route === 'logs' || route === 'entrypoint-logs' || route === 'command-get' || route === 'entrypoint-get';
  return failure.route === route;
}

export async function startDaytonaEmulator(opts: DaytonaEmulatorOptions = {}): Promise<DaytonaEmulator> {
  const sandboxes = new Map<string, SandboxRecord>();
  const failures = createFailQueue<Failure>();
  const defaults: DaytonaFaults = { ...DEFAULT_FAULTS, ...opts.faults };
  let listShape = opts.listShape ?? 'paged';
  let origin = '';
  let ordinal = 0;

  const state: HandlerState = {
    apiKey: () => opts.apiKey,
    sandboxes,
    listShape: () => listShape,
    pageSize: opts.pageSize,
    toolboxProxyUrl: () => `${origin}/toolbox`,
    requests: [],
    takeFailure: (route) => failures.take((f) => applies(f, route)),
  };

  const server = await startLoopbackServer(createRequestHandler(state), { port: opts.port, onUpgrade: createUpgradeHandler(state) });
  origin = server.origin;

  let closing: Promise<void> | undefined;
  return {
    apiUrl: `${origin}/api`,
    toolboxProxyUrl: `${origin}/toolbox`,
    requests: state.requests,
    faults: defaults,
    get listShape() {
      return listShape;
    },
    set listShape(shape) {
      listShape = shape;
    },
    addSandbox(sandboxOpts = {}) {
      if (sandboxOpts.id !== undefined && sandboxes.has(sandboxOpts.id)) throw new Error(`sandbox ${sandboxOpts.id} already exists`);
      const record = createSandboxRecord(sandboxOpts, defaults, ordinal++);
      sandboxes.set(record.handle.id, record);
      return record.handle;
    },
    getSandbox: (id) => sandboxes.get(id)?.handle,
    removeSandbox(id) {
      sandboxes.get(id)?.dispose();
      sandboxes.delete(id);
    },
    setFaults(faults) {
      Object.assign(defaults, faults);
    },
    failNext(count, status, failOpts: EmulatorFailOptions = {}) {
      failures.push(count, { status, retryAfter: failOpts.retryAfter, body: failOpts.body, route: failOpts.route ?? 'logs' });
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
