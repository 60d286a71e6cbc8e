// GET …/agents/{agent}/endpoint/sessions[/{id}]: OpenAI-style cursor paging
// (`limit`, `order`, `after`, `before` → `data`, `first_id`, `last_id`, `has_more`), PLATFORMS.md §1.7.
import type { AgentSessionResource } from './types.ts';
import type { SessionRecord } from './session.ts';

export interface SessionPage {
  data: AgentSessionResource[];
  first_id: string | null;
  last_id: string | null;
  has_more: boolean;
}

export type ListResult = { ok: true; page: SessionPage } | { ok: false; message: string; param: string };

const MAX_LIMIT = 100;
const DEFAULT_LIMIT = 20;

/**
 * One page of `sessions` (already filtered to one agent and listed ones).
 * `pageSizeCap` shrinks every page so tests see paging with few sessions.
 * An unknown cursor is a 400, like a malformed one.
 */
export function listSessionsPage(sessions: readonly SessionRecord[], query: Record<string, string>, pageSizeCap?: number): ListResult {
  const limit = query.limit === undefined ? DEFAULT_LIMIT : Number(query.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    return { ok: false, message: `limit must be an integer between 1 and ${MAX_LIMIT}`, param: 'limit' };
  }
  const order = query.order ?? 'desc';
  if (order !== 'asc' && order !== 'desc') return { ok: false, message: "order must be 'asc' or 'desc'", param: 'order' };
  const size = Math.min(limit, pageSizeCap ?? MAX_LIMIT);

  const ordered = [...sessions].sort((a, b) => a.createdAt - b.createdAt || a.seq - b.seq);
  if (order === 'desc') ordered.reverse();

  let start = 0;
  let end = ordered.length;
  if (query.after !== undefined) {
    const index = ordered.findIndex((s) => s.id === query.after);
    if (index < 0) return { ok: false, message: `No session found with id '${query.after}'`, param: 'after' };
    start = index + 1;
  }
  if (query.before !== undefined) {
    const index = ordered.findIndex((s) => s.id === query.before);
    if (index < 0) return { ok: false, message: `No session found with id '${query.before}'`, param: 'before' };
    end = index;
  }
  // `before` pages backwards: the `size` items just before the cursor.
  const window = ordered.slice(start, end);
  const items = query.before !== undefined && query.after === undefined ? window.slice(-size) : window.slice(0, size);
  const data = items.map((s) => s.resource());
  return {
    ok: true,
    page: {
      data,
      first_id: data[0]?.agent_session_id ?? null,
      last_id: data.at(-1)?.agent_session_id ?? null,
      has_more: window.length > items.length,
    },
  };
}
