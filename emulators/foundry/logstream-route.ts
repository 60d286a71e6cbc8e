// GET …/versions/{v}/sessions/{id}:logstream → text/event-stream (PLATFORMS.md §1.5, §1.6).
import type { ServerResponse } from 'node:http';
import { sendError, sendScriptedFailure } from './errors.ts';
import type { ScriptedFailure } from '../shared/fail-queue.ts';
import type { SessionRecord } from './session.ts';
import type { FoundryFaults } from './types.ts';

export interface LogStreamRequest {
  agent: string;
  version: string;
  sessionId: string;
}

/**
 * Order of checks: a scripted emulator-wide failure, then the session lookup
 * (missing, ended, other agent or version → 404), then the session's own scripted failure.
 */
export function serveLogStream(
  res: ServerResponse,
  request: LogStreamRequest,
  session: SessionRecord | undefined,
  emulatorFailure: () => ScriptedFailure | undefined,
  defaults: FoundryFaults,
): void {
  const found = session !== undefined && session.agent === request.agent && session.listed ? session : undefined;
  found?.attempt();
  const failure = emulatorFailure();
  if (failure !== undefined) {
    sendScriptedFailure(res, failure.status, failure);
    return;
  }
  if (found === undefined || found.ended || found.version !== request.version) {
    sendError(res, 404, `Session '${request.sessionId}' not found for agent '${request.agent}' version '${request.version}'.`);
    return;
  }
  const sessionFailure = found.takeFailure();
  if (sessionFailure !== undefined) {
    sendScriptedFailure(res, sessionFailure.status, sessionFailure);
    return;
  }
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
  res.flushHeaders();
  found.connect(res, defaults);
}
