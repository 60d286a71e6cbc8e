/**
 * One frame of Hill90's event stream (PLATFORMS §2.5): bare `data:` frames carry an event JSON;
 * `event: end` ends the stream; `event: error` carries text or `{"error","detail"}`. Anything
 * else is an unknown event type, ignored.
 */
import type { SseEvent } from '../shared/sse-reader.ts';
import type { LogEntry } from '../types.ts';
import { hill90Entry, timestampOf, type Hill90Event } from './mapping.ts';
import { clip } from '../../util/clip.ts';

export type Hill90Frame =
  /** `id` is absent when the data is not an event with an id: see the follower's rule for those. */
  | { kind: 'entry'; entry: LogEntry; id: string | undefined; timeMs: number | undefined; data: string }
  | { kind: 'end' }
  | { kind: 'error'; message: string; credentialExpired: boolean }
  | { kind: 'unknown_event'; type: string };

/** The error text the server sends when the JWT that opened the stream expires (hill90-app stream-deadline.ts). */
const CREDENTIAL_EXPIRED = 'Credential expired';

export function parseHill90Frame(frame: SseEvent): Hill90Frame {
  const type = frame.event;
  if (type === 'end') return { kind: 'end' };
  if (type === 'error') return parseError(frame.data);
  if (type !== undefined && type !== 'message') return { kind: 'unknown_event', type };
  const data = frame.data;
  const obj = parseObject(data);
  const id = obj && typeof obj.id === 'string' && obj.id !== '' ? obj.id : undefined;
  if (obj && id !== undefined && typeof obj.type === 'string' && obj.type !== '') {
    const entry = hill90Entry(obj as Hill90Event);
    return { kind: 'entry', entry, id, timeMs: entry.timeMs, data };
  }
  // Not the documented event: the raw data is the body. An id, when there is one, still dedupes it.
  const timeMs = obj ? timestampOf(obj.timestamp) : undefined;
  return { kind: 'entry', entry: { body: data, parseError: true, ...(timeMs !== undefined ? { timeMs } : {}) }, id, timeMs, data };
}

function parseObject(data: string): Record<string, unknown> | undefined {
  if (data.charCodeAt(0) !== 123 /* { */) return undefined;
  try {
    const value: unknown = JSON.parse(data);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function parseError(data: string): Hill90Frame {
  const obj = parseObject(data);
  const error = typeof obj?.error === 'string' ? obj.error : undefined;
  const detail = typeof obj?.detail === 'string' ? obj.detail : undefined;
  const message = error !== undefined ? (detail ? `${error}: ${detail}` : error) : data;
  return { kind: 'error', message: clip(message, 500), credentialExpired: error === CREDENTIAL_EXPIRED };
}
