// The request pipeline: record → route → scripted failure → auth → answer.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { queryRecord, readBody, sendJson } from '../shared/http-io.ts';
import type { AgentRecord } from './agent.ts';
import type { TokenIssuer } from './tokens.ts';
import type { FailOptions, Hill90Faults, Hill90Route, RecordedRequest } from './types.ts';

export const TOKEN_PATH = '/realms/hill90/protocol/openid-connect/token';

/** `MAX_EVENT_TAIL` of the real route. */
const MAX_TAIL = 5000;

export interface ScriptedFailure extends FailOptions {
  status: number;
}

export interface HandlerState {
  agents: Map<string, AgentRecord>;
  defaults: Hill90Faults;
  requests: RecordedRequest[];
  tokens: TokenIssuer;
  staticToken: () => string | undefined;
  paused: () => boolean;
  takeFailure: (route: Hill90Route) => ScriptedFailure | undefined;
}

function routeOf(method: string, path: string): { route: Hill90Route; agentId?: string } {
  if (method === 'POST' && path === TOKEN_PATH) return { route: 'token' };
  if (method === 'GET' && path === '/agents') return { route: 'agents' };
  const match = /^\/agents\/([^/]+)\/events$/.exec(path);
  if (method === 'GET' && match?.[1]) return { route: 'events', agentId: decodeURIComponent(match[1]) };
  return { route: 'unknown' };
}

export function createHandler(state: HandlerState) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://emulator.invalid');
    const { route, agentId } = routeOf(req.method ?? 'GET', url.pathname);
    const recorded: RecordedRequest = { at: Date.now(), method: req.method ?? 'GET', path: url.pathname, query: queryRecord(url), headers: req.headers, route, ...(agentId ? { agentId } : {}) };
    state.requests.push(recorded);
    answer(state, req, res, url, route, agentId)
      .catch(() => {
        if (!res.headersSent) sendJson(res, 500, { error: 'Internal server error' });
        else res.destroy();
      })
      .finally(() => {
        recorded.status = res.statusCode;
      });
  };
}

async function answer(state: HandlerState, req: IncomingMessage, res: ServerResponse, url: URL, route: Hill90Route, agentId: string | undefined): Promise<void> {
  if (route === 'unknown') return sendJson(res, 404, { error: 'Not found' });
  const agent = agentId === undefined ? undefined : state.agents.get(agentId);
  agent?.attempt();
  const failure = state.takeFailure(route);
  if (failure !== undefined) return sendFailure(res, failure);
  if (route === 'token') {
    const form = new URLSearchParams((await readBody(req, 64 * 1024)).toString('utf8'));
    const issued = state.tokens.issue(form, req.headers.authorization);
    return sendJson(res, issued.status, issued.body, { 'cache-control': 'no-store' });
  }
  const auth = state.tokens.check(req, state.staticToken());
  if (!auth.ok) return sendJson(res, 401, { error: 'Unauthorized', detail: auth.reason }, { 'www-authenticate': 'Bearer' });
  if (route === 'agents') {
    const listed = [...state.agents.values()].filter((a) => !a.removed).reverse(); // newest first
    return sendJson(res, 200, listed.map((a) => a.resource()));
  }
  if (agent === undefined || agent.removed) return sendJson(res, 404, { error: 'Agent not found' });
  if (agent.handle.status !== 'running') return sendJson(res, 409, { error: 'Agent is not running. Start the agent to view its events.' });
  const tailParam = Number.parseInt(url.searchParams.get('tail') ?? '100', 10);
  const tail = Math.min(MAX_TAIL, Math.max(0, Number.isNaN(tailParam) ? 100 : tailParam));
  if (url.searchParams.get('follow') !== 'true') return sendJson(res, 200, agent.snapshot(tail));
  if (state.paused()) return sendJson(res, 503, { error: 'Service unavailable' });
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  res.flushHeaders();
  agent.connect(res, state.defaults, tail, auth.expiresAt);
}

function sendFailure(res: ServerResponse, failure: ScriptedFailure): void {
  const headers: Record<string, string> = {};
  if (failure.retryAfter !== undefined) headers['retry-after'] = String(failure.retryAfter);
  sendJson(res, failure.status, failure.body ?? { error: `Injected failure ${failure.status}` }, headers);
}
