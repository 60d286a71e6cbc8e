// The request pipeline shared by the http and https listeners:
// record → auth → api-version → route → scripted failure → answer.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { queryRecord, sendJson } from '../shared/http-io.ts';
import { sendError, sendScriptedFailure } from './errors.ts';
import type { ScriptedFailure } from '../shared/fail-queue.ts';
import { serveLogStream } from './logstream-route.ts';
import { parseRoute } from './routes.ts';
import type { ParsedRoute } from './routes.ts';
import type { SessionRecord } from './session.ts';
import { listSessionsPage } from './sessions-route.ts';
import type { EmulatorFailOptions, FoundryFaults, RecordedRequest } from './types.ts';

export type EmulatorFailure = ScriptedFailure & Pick<EmulatorFailOptions, 'route'>;

export interface HandlerState {
  basePath: string;
  token: () => string | undefined;
  pageSize: number | undefined;
  sessions: Map<string, SessionRecord>;
  defaults: FoundryFaults;
  requests: RecordedRequest[];
  takeFailure: (route: 'logstream' | 'sessions') => EmulatorFailure | undefined;
}

export function createHandler(state: HandlerState, tls: boolean) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://emulator.invalid');
    const parsed = parseRoute(url.pathname, state.basePath);
    const recorded: RecordedRequest = {
      at: Date.now(),
      method: req.method ?? 'GET',
      path: url.pathname,
      query: queryRecord(url),
      headers: req.headers,
      tls,
      route: parsed.route,
    };
    state.requests.push(recorded);
    answer(state, req, res, url, parsed);
    // Every answer writes its status line synchronously, so it is known here.
    if (res.headersSent) recorded.status = res.statusCode;
  };
}

function answer(state: HandlerState, req: IncomingMessage, res: ServerResponse, url: URL, parsed: ParsedRoute): void {
  const token = state.token();
  if (token !== undefined && !hasBearer(req.headers.authorization, token)) {
    sendError(res, 401, 'Access token is missing, invalid, audience is incorrect, or has expired.', undefined, {
      'www-authenticate': 'Bearer',
    });
    return;
  }
  if (!url.searchParams.get('api-version')) {
    sendError(res, 400, "Missing required query parameter 'api-version'.", 'missing_required_parameter');
    return;
  }
  if (parsed.route === 'unknown') {
    sendError(res, 404, `Resource not found: ${url.pathname}`);
    return;
  }
  if (req.method !== 'GET') {
    sendError(res, 405, `Method ${req.method} not allowed here.`, 'method_not_allowed', { allow: 'GET' });
    return;
  }
  if (parsed.route === 'logstream') {
    serveLogStream(res, parsed, state.sessions.get(parsed.sessionId), () => state.takeFailure('logstream'), state.defaults);
    return;
  }

  const failure = state.takeFailure('sessions');
  if (failure !== undefined) {
    sendScriptedFailure(res, failure.status, failure);
    return;
  }
  const listed = [...state.sessions.values()].filter((s) => s.listed && s.agent === parsed.agent);
  if (parsed.route === 'get-session') {
    const session = listed.find((s) => s.id === parsed.sessionId);
    if (session === undefined) sendError(res, 404, `Session '${parsed.sessionId}' not found for agent '${parsed.agent}'.`);
    else sendJson(res, 200, session.resource());
    return;
  }
  const result = listSessionsPage(listed, Object.fromEntries(url.searchParams), state.pageSize);
  if (result.ok) sendJson(res, 200, result.page);
  else sendJson(res, 400, { error: { code: 'invalid_parameter', message: result.message, type: 'invalid_request_error', param: result.param } });
}

function hasBearer(header: string | undefined, token: string): boolean {
  if (header === undefined) return false;
  const match = /^Bearer\s+(.+)$/i.exec(header);
  return match?.[1] === token;
}
