// The request pipeline for plain requests and WebSocket upgrades:
// record → auth → route → scripted failure → answer.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { sendJson } from '../shared/http-io.ts';
import type { ScriptedFailure } from '../shared/fail-queue.ts';
import type { CommandRecord } from './command.ts';
import { demux, logFormat } from './log-format.ts';
import { isToolboxRoute, parseRoute, type ParsedRoute } from './routes.ts';
import { ENTRYPOINT_SESSION, type SandboxRecord } from './sandbox.ts';
import { listSandboxes } from './sandbox-list.ts';
import type { DaytonaRoute, RecordedRequest } from './types.ts';
import { acceptWebSocket, refuseUpgrade } from './ws-server.ts';

export interface HandlerState {
  apiKey: () => string | undefined;
  sandboxes: Map<string, SandboxRecord>;
  listShape: () => 'paged' | 'array';
  pageSize: number | undefined;
  toolboxProxyUrl: () => string;
  requests: RecordedRequest[];
  takeFailure: (route: DaytonaRoute) => ScriptedFailure | undefined;
}

/** An answer: JSON, or raw bytes (`type`), with headers. */
interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  raw?: { bytes: Buffer; type: string };
}

function errorAnswer(status: number, message: string, path: string, method: string, headers?: Record<string, string>): Answer {
  const codes: Record<number, string> = { 400: 'BAD_REQUEST', 401: 'UNAUTHORIZED', 403: 'FORBIDDEN', 404: 'NOT_FOUND', 429: 'TOO_MANY_REQUESTS' };
  return {
    status,
    headers,
    body: { statusCode: status, message, code: codes[status] ?? (status >= 500 ? 'INTERNAL_SERVER_ERROR' : 'ERROR'), timestamp: new Date().toISOString(), path, method },
  };
}

function failureAnswer(failure: ScriptedFailure, path: string, method: string): Answer {
  const headers: Record<string, string> = {};
  if (failure.retryAfter !== undefined) headers['retry-after'] = String(failure.retryAfter);
  if (typeof failure.body === 'string') return { status: failure.status, body: undefined, headers, raw: { bytes: Buffer.from(failure.body), type: 'text/plain; charset=utf-8' } };
  if (failure.body !== undefined) return { status: failure.status, body: failure.body, headers };
  return errorAnswer(failure.status, `Injected failure ${failure.status}`, path, method, headers);
}

function send(res: ServerResponse, a: Answer): void {
  if (a.raw) {
    res.writeHead(a.status, { ...a.headers, 'content-type': a.raw.type, 'content-length': a.raw.bytes.length });
    res.end(a.raw.bytes);
  } else sendJson(res, a.status, a.body, a.headers);
}

function hasBearer(header: string | undefined, token: string): boolean {
  const match = header === undefined ? null : /^Bearer\s+(.+)$/i.exec(header);
  return match?.[1] === token;
}

/** Everything before the answer that plain requests and upgrades share; undefined = go on. */
function gate(state: HandlerState, req: IncomingMessage, url: URL, parsed: ParsedRoute): Answer | undefined {
  const method = req.method ?? 'GET';
  const key = state.apiKey();
  // The proxy answers 401 when the bearer is refused (PLATFORMS §3.3).
  if (key !== undefined && !hasBearer(req.headers.authorization, key)) return errorAnswer(401, 'Unauthorized', url.pathname, method);
  if (parsed.route === 'unknown') return errorAnswer(404, `Cannot GET ${url.pathname}`, url.pathname, method);
  if (method !== 'GET') return errorAnswer(405, `Method ${method} not allowed`, url.pathname, method);
  const failure = state.takeFailure(parsed.route);
  if (failure) return failureAnswer(failure, url.pathname, method);
  if (isToolboxRoute(parsed.route)) {
    const sandbox = state.sandboxes.get(parsed.sandboxId ?? '');
    if (!sandbox) return errorAnswer(404, 'sandbox not found', url.pathname, method);
    if (sandbox.state !== 'started') return errorAnswer(400, `sandbox is ${sandbox.state}`, url.pathname, method);
  }
  return undefined;
}

/** The command a log/command route names (entrypoint included), or a 404 answer. */
function findCommand(state: HandlerState, parsed: ParsedRoute, path: string, method: string): CommandRecord | Answer {
  const sandbox = state.sandboxes.get(parsed.sandboxId ?? '')!;
  if (parsed.route === 'entrypoint-get' || parsed.route === 'entrypoint-logs') {
    return sandbox.entrypoint ?? errorAnswer(404, 'entrypoint session not found', path, method);
  }
  const session = sandbox.sessions.get(parsed.sessionId ?? '');
  if (!session) return errorAnswer(404, 'session not found', path, method);
  return session.commands.get(parsed.commandId ?? '') ?? errorAnswer(404, 'command not found', path, method);
}

const isAnswer = (x: CommandRecord | Answer): x is Answer => 'status' in x;

function answerRequest(state: HandlerState, req: IncomingMessage, url: URL, parsed: ParsedRoute): Answer {
  const path = url.pathname;
  const method = req.method ?? 'GET';
  const refused = gate(state, req, url, parsed);
  if (refused) return refused;
  switch (parsed.route) {
    case 'sandbox-list': {
      const result = listSandboxes([...state.sandboxes.values()], url.searchParams, state.listShape(), state.toolboxProxyUrl(), state.pageSize);
      return result.ok ? { status: 200, body: result.body } : errorAnswer(400, result.message, path, method);
    }
    case 'sandbox-get':
    case 'toolbox-proxy-url': {
      const sandbox = [...state.sandboxes.values()].find((s) => s.handle.id === parsed.sandboxId || s.handle.name === parsed.sandboxId);
      if (!sandbox) return errorAnswer(404, `Sandbox with ID or name ${parsed.sandboxId} not found`, path, method);
      return { status: 200, body: parsed.route === 'sandbox-get' ? sandbox.dto(state.toolboxProxyUrl()) : { url: state.toolboxProxyUrl() } };
    }
    case 'session-list': {
      const sandbox = state.sandboxes.get(parsed.sandboxId!)!;
      return { status: 200, body: [...sandbox.sessions.values()].map((s) => s.dto()) };
    }
    case 'session-get': {
      const session = state.sandboxes.get(parsed.sandboxId!)!.sessions.get(parsed.sessionId!);
      return session ? { status: 200, body: session.dto() } : errorAnswer(404, 'session not found', path, method);
    }
    case 'entrypoint-get':
    case 'command-get': {
      const command = findCommand(state, parsed, path, method);
      if (isAnswer(command)) return command;
      return { status: 200, body: parsed.route === 'entrypoint-get' ? { sessionId: ENTRYPOINT_SESSION, commands: [command.dto()] } : command.dto() };
    }
    case 'logs':
    case 'entrypoint-logs': {
      const command = findCommand(state, parsed, path, method);
      if (isAnswer(command)) return command;
      // A plain GET is the snapshot: the whole file at once, `follow` ignored (PLATFORMS §3.6).
      // A view, not a copy: appends never write below the current length (a copy per snapshot doubles a big log).
      const log = command.bytes();
      const format = logFormat(req.headers, false, parsed.route === 'entrypoint-logs');
      if (format === 'raw') return { status: 200, body: undefined, raw: { bytes: log, type: 'text/plain; charset=utf-8' } };
      const parts = demux(log);
      if (format === 'combined') return { status: 200, body: undefined, raw: { bytes: parts.merged, type: 'text/plain; charset=utf-8' } };
      return { status: 200, body: { output: log.toString('utf8'), stdout: parts.stdout.toString('utf8'), stderr: parts.stderr.toString('utf8') } };
    }
    default:
      return errorAnswer(404, `Cannot GET ${path}`, path, method);
  }
}

function record(state: HandlerState, req: IncomingMessage, url: URL, parsed: ParsedRoute, websocket: boolean): RecordedRequest {
  const recorded: RecordedRequest = { at: Date.now(), method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, route: parsed.route, websocket };
  state.requests.push(recorded);
  return recorded;
}

function countAttempt(state: HandlerState, parsed: ParsedRoute): void {
  if (parsed.route !== 'logs' && parsed.route !== 'entrypoint-logs') return;
  const sandbox = state.sandboxes.get(parsed.sandboxId ?? '');
  if (!sandbox) return;
  const command = findCommand(state, parsed, '', '');
  if (!isAnswer(command)) command.countAttempt();
}

export function createRequestHandler(state: HandlerState) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://emulator.invalid');
    const parsed = parseRoute(url.pathname);
    const recorded = record(state, req, url, parsed, false);
    countAttempt(state, parsed);
    const answer = answerRequest(state, req, url, parsed);
    recorded.status = answer.status;
    send(res, answer);
  };
}

export function createUpgradeHandler(state: HandlerState) {
  return (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', () => socket.destroy());
    const url = new URL(req.url ?? '/', 'http://emulator.invalid');
    const parsed = parseRoute(url.pathname);
    const recorded = record(state, req, url, parsed, true);
    countAttempt(state, parsed);
    const refuse = (a: Answer): void => {
      recorded.status = a.status;
      refuseUpgrade(socket, a.status, JSON.stringify(a.body ?? {}), a.headers);
    };
    const refused = gate(state, req, url, parsed);
    if (refused) return refuse(refused);
    if (parsed.route !== 'logs' && parsed.route !== 'entrypoint-logs') return refuse(errorAnswer(400, 'this route does not speak WebSocket', url.pathname, 'GET'));
    const command = findCommand(state, parsed, url.pathname, 'GET');
    if (isAnswer(command)) return refuse(command);
    const ws = acceptWebSocket(req, socket, head);
    if (!ws) return;
    recorded.status = 101;
    const format = logFormat(req.headers, true, parsed.route === 'entrypoint-logs');
    const transform = format === 'combined' ? (log: Buffer) => demux(log).merged : undefined;
    command.follow(ws, transform).catch(() => ws.destroy());
  };
}
