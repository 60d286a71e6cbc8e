// URL paths of the Daytona API (`/api/...`) and of the toolbox proxy (`/toolbox/{sandboxId}/...`).
import type { DaytonaRoute } from './types.ts';

export interface ParsedRoute {
  route: DaytonaRoute;
  sandboxId?: string;
  sessionId?: string;
  commandId?: string;
}

export function parseRoute(pathname: string): ParsedRoute {
  const parts = pathname.split('/').filter((p) => p !== '').map(safeDecode);
  if (parts[0] === 'api' && parts[1] === 'sandbox') {
    if (parts.length === 2) return { route: 'sandbox-list' };
    if (parts.length === 3) return { route: 'sandbox-get', sandboxId: parts[2] };
    if (parts.length === 4 && parts[3] === 'toolbox-proxy-url') return { route: 'toolbox-proxy-url', sandboxId: parts[2] };
    return { route: 'unknown' };
  }
  if (parts[0] !== 'toolbox' || parts.length < 4 || parts[2] !== 'process' || parts[3] !== 'session') return { route: 'unknown' };
  const sandboxId = parts[1];
  const rest = parts.slice(4);
  if (rest.length === 0) return { route: 'session-list', sandboxId };
  if (rest[0] === 'entrypoint') {
    if (rest.length === 1) return { route: 'entrypoint-get', sandboxId };
    if (rest.length === 2 && rest[1] === 'logs') return { route: 'entrypoint-logs', sandboxId };
    return { route: 'unknown' };
  }
  const sessionId = rest[0];
  if (rest.length === 1) return { route: 'session-get', sandboxId, sessionId };
  if (rest[1] !== 'command' || rest.length < 3) return { route: 'unknown' };
  if (rest.length === 3) return { route: 'command-get', sandboxId, sessionId, commandId: rest[2] };
  if (rest.length === 4 && rest[3] === 'logs') return { route: 'logs', sandboxId, sessionId, commandId: rest[2] };
  return { route: 'unknown' };
}

export function isToolboxRoute(route: DaytonaRoute): boolean {
  return route !== 'sandbox-list' && route !== 'sandbox-get' && route !== 'toolbox-proxy-url' && route !== 'unknown';
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
