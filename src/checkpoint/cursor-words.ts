/**
 * A stored cursor as a person reads it, for `checkpoints list` (issue 12): each platform's
 * cursor is an internal format (timestamp + hashes, byte offsets, id sets); this says what it
 * means — how far the stream was handed off — and the newest record time it knows. The format is
 * recognised by its shape, so orphaned checkpoints (their source no longer configured) read too.
 */

export interface CursorWords {
  /** e.g. "records up to 2026-03-10T10:00:01.234Z (3 at that instant)". */
  position: string;
  /** Platform time of the newest record handed off, when the cursor knows it. */
  lastRecordMs?: number;
  /** The format recognised: foundry | agentbox | daytona | hill90 | unknown. */
  kind: 'foundry' | 'agentbox' | 'daytona' | 'hill90' | 'unknown';
}

const iso = (ms: number): string => new Date(ms).toISOString();
const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

export function describeCursor(cursor: string): CursorWords {
  try {
    if (/^\d+;/.test(cursor) || cursor === '2') return hill90(cursor);
    const value = JSON.parse(cursor) as Record<string, unknown>;
    if (typeof value.r === 'number' && typeof value.e === 'number') return daytona(value);
    if (typeof value.ts === 'string' && typeof value.total === 'number') return agentbox(value);
    if ('counts' in value && (typeof value.ts === 'number' || value.ts === null)) return timestamped(value);
    if (Object.values(value).some((v) => typeof v === 'object' && v !== null && 'ids' in v)) return { kind: 'hill90', position: 'event ids seen (an older cursor format)' };
  } catch {
    // unreadable: below
  }
  return { kind: 'unknown', position: 'a cursor this version cannot read (the stream would start over)' };
}

/** Foundry: timestamp + hashes (shared/timestamp-cursor). */
function timestamped(value: Record<string, unknown>): CursorWords {
  const ts = typeof value.ts === 'number' ? value.ts : -1;
  if (ts < 0) return { kind: 'foundry', position: 'no timestamped record yet' };
  const counts = Object.values((value.counts ?? {}) as Record<string, number>).reduce((a, b) => a + Number(b), 0) + Number(value.bulk ?? 0);
  return { kind: 'foundry', position: `records up to ${iso(ts)} (${plural(counts, 'line')} at that instant)`, lastRecordMs: ts };
}

/** AgentBox: window cursor (lines handed in all, the newest timestamp). */
function agentbox(value: Record<string, unknown>): CursorWords {
  const total = Number(value.total);
  const newest = typeof value.newest === 'number' ? value.newest : undefined;
  const position = newest === undefined ? `${plural(total, 'line')} handed off (no timestamps)` : `${plural(total, 'line')} handed off, the newest stamped ${iso(newest)}`;
  return { kind: 'agentbox', position, ...(newest === undefined ? {} : { lastRecordMs: newest }) };
}

/** Daytona: byte offsets into the command's log, and the exit once handed off. */
function daytona(value: Record<string, unknown>): CursorWords {
  const emitted = Number(value.e);
  const channel = typeof value.c === 'string' && value.c !== 'unknown' ? ` (${value.c})` : '';
  const exit = typeof value.x === 'number' ? `; the command exited with code ${value.x}` : '';
  return { kind: 'daytona', position: `byte ${emitted.toLocaleString('en-US')} of the command log${channel}${exit}` };
}

/** Hill90: `2;c:<floor>:<last>:<tokens>:<keys>;i:…`, numbers in base36, tokens comma-terminated. */
function hill90(cursor: string): CursorWords {
  const [, ...parts] = cursor.split(';');
  const seen: Record<string, number> = { c: 0, i: 0 };
  let last = -1;
  for (const part of parts) {
    const [tag, , lastText, tokens] = part.split(':');
    if (tag === undefined) continue;
    seen[tag] = (tokens ?? '').split(',').length - 1;
    const ms = parseInt(lastText ?? '', 36);
    if (Number.isFinite(ms) && ms > last) last = ms;
  }
  const what = `${plural(seen.c ?? 0, 'container event')} and ${plural(seen.i ?? 0, 'inference event')} remembered`;
  return { kind: 'hill90', position: last >= 0 ? `${what}, the newest at ${iso(last)}` : what, ...(last >= 0 ? { lastRecordMs: last } : {}) };
}

/** "3 s", "4 min", "2 h 5 min", "3 d 4 h". */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${m % 60} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}
