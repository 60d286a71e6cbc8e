// Project-relative paths → routes. Segments are percent-decoded one by one, so
// `s_1%3Alogstream` (how some clients encode the `:`) and `s_1:logstream` match alike.
export type ParsedRoute =
  | { route: 'logstream'; agent: string; version: string; sessionId: string }
  | { route: 'list-sessions'; agent: string }
  | { route: 'get-session'; agent: string; sessionId: string }
  | { route: 'unknown' };

const LOGSTREAM_SUFFIX = ':logstream';

/** `pathname` is the raw request path; `base` the project path (`/api/projects/demo`). */
export function parseRoute(pathname: string, base: string): ParsedRoute {
  if (!pathname.startsWith(`${base}/`)) return { route: 'unknown' };
  let segments: string[];
  try {
    segments = pathname.slice(base.length + 1).split('/').map((segment) => decodeURIComponent(segment));
  } catch {
    return { route: 'unknown' };
  }
  const [agents, agent, kind, a, b, c, ...rest] = segments;
  if (agents !== 'agents' || agent === undefined || agent === '' || rest.length > 0) return { route: 'unknown' };
  if (kind === 'versions' && a && b === 'sessions' && c?.endsWith(LOGSTREAM_SUFFIX) && c.length > LOGSTREAM_SUFFIX.length) {
    return { route: 'logstream', agent, version: a, sessionId: c.slice(0, -LOGSTREAM_SUFFIX.length) };
  }
  if (kind === 'endpoint' && a === 'sessions' && c === undefined) {
    if (b === undefined) return { route: 'list-sessions', agent };
    if (b !== '') return { route: 'get-session', agent, sessionId: b };
  }
  return { route: 'unknown' };
}
