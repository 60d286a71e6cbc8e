// GET /api/sandbox (PLATFORMS.md §3.8): labels containment, repeatable states, cursor paging
// with `{items, nextCursor}` (v0.180+), or the older bare array (labels only, every state).
import type { SandboxRecord } from './sandbox.ts';

export type ListResult = { ok: true; body: unknown } | { ok: false; message: string };

export function listSandboxes(
  all: SandboxRecord[],
  query: URLSearchParams,
  shape: 'paged' | 'array',
  toolboxProxyUrl: string,
  pageSize: number | undefined,
): ListResult {
  let labels: Record<string, unknown> = {};
  const labelText = query.get('labels');
  if (labelText) {
    try {
      const parsed = JSON.parse(labelText) as unknown;
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return { ok: false, message: 'labels must be a JSON object' };
      labels = parsed as Record<string, unknown>;
    } catch {
      return { ok: false, message: 'labels must be valid JSON' };
    }
  }
  const matching = all
    .filter((s) => s.state !== 'destroyed')
    .filter((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.handle.id.localeCompare(b.handle.id));
  if (shape === 'array') return { ok: true, body: matching.map((s) => s.dto(toolboxProxyUrl)) };

  const states = query.getAll('states').flatMap((s) => s.split(','));
  const filtered = states.length === 0 ? matching : matching.filter((s) => states.includes(s.state));
  const limitText = query.get('limit');
  const limit = limitText === null ? 100 : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > 200) return { ok: false, message: 'limit must be an integer between 1 and 200' };
  const size = Math.min(limit, pageSize ?? limit);
  const cursor = query.get('cursor');
  let start = 0;
  if (cursor) {
    // Opaque to clients: the id of the last item of the previous page.
    const after = Buffer.from(cursor, 'base64url').toString('utf8');
    const index = filtered.findIndex((s) => s.handle.id === after);
    if (index === -1) return { ok: false, message: 'invalid cursor' };
    start = index + 1;
  }
  const page = filtered.slice(start, start + size);
  const last = page[page.length - 1];
  const more = start + size < filtered.length;
  return {
    ok: true,
    body: {
      items: page.map((s) => s.dto(toolboxProxyUrl)),
      nextCursor: more && last ? Buffer.from(last.handle.id, 'utf8').toString('base64url') : null,
    },
  };
}
