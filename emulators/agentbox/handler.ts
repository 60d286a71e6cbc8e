// The request pipeline: record → auth → route → scripted failure → answer (PLATFORMS.md §4).
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { queryRecord, sendJson } from '../shared/http-io.ts';
import type { FailQueue, ScriptedFailure } from '../shared/fail-queue.ts';
import type { SandboxRecord } from './sandbox.ts';
import type { AgentboxFaults, AgentboxRoute, FailOptions, RecordedRequest } from './types.ts';

export type EmulatorFailure = ScriptedFailure & Pick<FailOptions, 'route'> & { text?: string };

export interface HandlerState {
  apiKey: string | undefined;
  sandboxes: Map<string, SandboxRecord>;
  faults: AgentboxFaults;
  requests: RecordedRequest[];
  failures: FailQueue<EmulatorFailure>;
  pageSize: number | undefined;
  serverVersion: string;
}

/** `{"error": …}`, the platform's error shape (PLATFORMS §4.6). */
function sendError(res: ServerResponse, status: number, error: string, headers: OutgoingHttpHeaders = {}): void {
  sendJson(res, status, { error }, headers);
}

function parsePath(pathname: string): { route: AgentboxRoute; id?: string } {
  const m = /^\/v1\/sandboxes(?:\/([^/]+)(\/logs(\/stream)?)?)?\/?$/.exec(pathname);
  if (!m) return { route: 'unknown' };
  let id: string | undefined;
  try {
    id = m[1] === undefined ? undefined : decodeURIComponent(m[1]);
  } catch {
    return { route: 'unknown' };
  }
  if (id === undefined) return { route: 'list' };
  return { route: m[3] ? 'stream' : m[2] ? 'logs' : 'get', id };
}

export function createHandler(state: HandlerState) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://emulator.invalid');
    const { route, id } = parsePath(url.pathname);
    const recorded: RecordedRequest = { at: Date.now(), method: req.method ?? 'GET', path: url.pathname, query: queryRecord(url), headers: req.headers, route, sandboxId: id };
    state.requests.push(recorded);
    res.setHeader('x-agentbox-server-version', state.serverVersion);
    answer(state, req, res, url, route, id);
    if (res.headersSent) recorded.status = res.statusCode;
  };
}

function answer(state: HandlerState, req: IncomingMessage, res: ServerResponse, url: URL, route: AgentboxRoute, id: string | undefined): void {
  const key = req.headers['agentbox-api-key'];
  if (state.apiKey !== undefined && key === undefined) return sendError(res, 401, 'missing api key');
  if (state.apiKey !== undefined && key !== state.apiKey) return sendError(res, 401, 'invalid api key');
  if (route === 'unknown' || (route === 'stream' && !state.faults.streamRoute)) {
    // gin's answer to an unregistered route
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('404 page not found');
    return;
  }
  if (req.method !== 'GET') return sendError(res, 405, `method ${req.method} not allowed`, { allow: 'GET' });
  const failureRoute = route === 'stream' ? 'logs' : route;
  const failure = state.failures.take((f) => (f.route ?? 'logs') === failureRoute || f.route === 'any');
  if (failure !== undefined) {
    const headers: OutgoingHttpHeaders = failure.retryAfter !== undefined ? { 'retry-after': String(failure.retryAfter) } : {};
    if (failure.text !== undefined) {
      res.writeHead(failure.status, { ...headers, 'content-type': 'text/html' });
      res.end(failure.text);
      return;
    }
    return sendError(res, failure.status, `injected failure ${failure.status}`, headers);
  }
  const query = url.searchParams;
  if (route === 'list') return list(state, res, query);
  const sandbox = id === undefined ? undefined : state.sandboxes.get(id);
  if (sandbox === undefined || !sandbox.listed) return sendError(res, 404, `sandbox ${id ?? ''} not found or already terminated`);
  if (route === 'get') return sendJson(res, 200, sandbox.resource());
  // The older server: logs of a sandbox that is not Running are gone (404).
  if (sandbox.handle.status !== 'Running') return sendError(res, 404, `sandbox ${sandbox.id} not found or already terminated`);
  const lines = query.get('lines') === null ? 0 : Number(query.get('lines'));
  if (!Number.isInteger(lines) || lines < 0 || lines > 10_000) return sendError(res, 400, 'lines must be between 0 and 10000');
  const container = query.get('container') ?? undefined;
  if (container !== undefined && !sandbox.handle.containers.includes(container)) return sendError(res, 400, `container ${container} not found in sandbox`);
  const source = query.get('source') ?? undefined;
  const runtime = source === undefined || source === 'stdout' ? undefined : source;
  if (runtime !== undefined && !sandbox.runtimes.includes(runtime)) return sendError(res, 400, `runtime ${runtime} not found or has no logDir`);
  if (route === 'stream') {
    res.writeHead(200, { 'content-type': 'application/x-ndjson', 'cache-control': 'no-cache' });
    res.flushHeaders();
    sandbox.openStream(res, { container, lines, runtime }, state.faults);
    return;
  }
  const entries: unknown[] = [];
  let totalBytes = 0;
  for (const c of container !== undefined ? [container] : sandbox.handle.containers) {
    for (const line of sandbox.tail(c, lines)) {
      if (line.kind === 'malformed') {
        entries.push(line.entry);
        continue;
      }
      const withTime = state.faults.timestamps && runtime === undefined;
      entries.push(withTime ? { timestamp: line.time, container: c, log: line.log } : { container: c, log: line.log });
      totalBytes += Buffer.byteLength(`${line.time} ${line.log}\n`);
    }
  }
  const body: Record<string, unknown> = {
    sandboxId: sandbox.id,
    namespace: sandbox.resource().namespace,
    podName: sandbox.resource().podName,
    entries,
    truncated: false,
    totalBytes,
    source: runtime !== undefined ? 'runtime' : 'live',
  };
  if (runtime !== undefined) body.runtimeName = runtime;
  if (state.faults.timestamps) body.containers = [...sandbox.handle.containers];
  sendJson(res, 200, body);
}

function list(state: HandlerState, res: ServerResponse, query: URLSearchParams): void {
  const limitText = query.get('limit');
  const offsetText = query.get('offset');
  const limit = limitText === null ? 20 : Number(limitText);
  const offset = offsetText === null ? 0 : Number(offsetText);
  if (!Number.isInteger(limit) || limit < 1 || !Number.isInteger(offset) || offset < 0) return sendError(res, 400, 'invalid limit or offset');
  const size = Math.min(limit, 100, state.pageSize ?? 100);
  const statuses = query.get('status')?.split(',').filter((s) => s !== '');
  const pool = query.get('poolName');
  const matching = [...state.sandboxes.values()]
    .filter((s) => s.listed && (pool === null || s.pool === pool) && (statuses === undefined || statuses.includes(s.handle.status)))
    .sort((a, b) => b.claimedAt - a.claimedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  sendJson(res, 200, { items: matching.slice(offset, offset + size).map((s) => s.resource()), total: matching.length, limit: size, offset });
}
