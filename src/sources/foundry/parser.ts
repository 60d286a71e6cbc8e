/**
 * One Foundry logstream SSE frame to an entry (PLATFORMS §1.5). `data` is JSON today
 * but "not contractual": parse leniently, keep anything else as the raw body.
 */
import type { SseEvent } from '../shared/sse-reader.ts';
import type { Attributes, LogEntry } from '../types.ts';
import { entryHash } from '../shared/timestamp-cursor.ts';

export type FoundryFrame =
  | { kind: 'entry'; entry: LogEntry; timeMs: number | undefined; digest: string; heartbeat: boolean }
  | { kind: 'unknown_event'; type: string };

const HEARTBEAT = /^No logs since last \d+ seconds?\.?$/;
const KNOWN_KEYS = new Set(['timestamp', 'stream', 'message']);

export function parseFoundryFrame(event: SseEvent): FoundryFrame {
  if (event.event !== undefined && event.event !== 'log') return { kind: 'unknown_event', type: event.event };
  const data = event.data;
  let parsed: unknown;
  try {
    parsed = data.charCodeAt(0) === 123 /* { */ ? JSON.parse(data) : undefined;
  } catch {
    parsed = undefined;
  }
  const obj = parsed as Record<string, unknown> | undefined;
  if (!obj || typeof obj !== 'object' || Array.isArray(obj) || typeof obj.message !== 'string') {
    return { kind: 'entry', entry: { body: data, parseError: true }, timeMs: undefined, digest: entryHash('raw', data), heartbeat: false };
  }
  const message = obj.message;
  const stream = typeof obj.stream === 'string' ? obj.stream : undefined;
  const parsedTime = typeof obj.timestamp === 'string' ? Date.parse(obj.timestamp) : NaN;
  const timeMs = Number.isNaN(parsedTime) ? undefined : parsedTime;
  const attributes: Attributes = {};
  for (const [key, value] of Object.entries(obj)) {
    if (KNOWN_KEYS.has(key) || value === null || value === undefined) continue;
    attributes[`foundry.${key}`] = typeof value === 'object' ? JSON.stringify(value) : (value as string | number | boolean);
  }
  const entry: LogEntry = { body: message, timeMs, attributes };
  if (stream === 'stdout' || stream === 'stderr') entry.iostream = stream;
  else if (stream === 'status') {
    attributes['foundry.log.stream'] = 'status';
    entry.level = 'INFO';
  } else if (stream !== undefined) attributes['foundry.log.stream'] = stream;
  return {
    kind: 'entry',
    entry,
    timeMs,
    digest: entryHash(stream ?? '', message, typeof obj.timestamp === 'string' ? obj.timestamp : ''),
    heartbeat: stream === 'status' && HEARTBEAT.test(message),
  };
}
