/**
 * One Foundry logstream SSE frame to an entry (PLATFORMS §1.5). `data` is JSON today
 * but "not contractual": parse leniently, keep anything else as the raw body.
 */
import type { SseEvent } from '../shared/sse-reader.ts';
import type { Attributes, LogEntry } from '../types.ts';
import { entryHash, type Digest } from '../shared/timestamp-cursor.ts';

export type FoundryFrame =
  | { kind: 'entry'; entry: LogEntry; timeMs: number | undefined; digest: Digest; heartbeat: boolean }
  | { kind: 'unknown_event'; type: string };

const HEARTBEAT = /^No logs since last \d+ seconds?\.?$/;

const digitAt = (text: string, i: number): number => {
  const d = text.charCodeAt(i) - 48;
  return d >= 0 && d <= 9 ? d : NaN;
};

/**
 * Date.parse, with a fast path for the form Foundry writes (`2026-03-10T10:00:00.123Z`): the same
 * value for every such text (anything unusual, such as day 29 and up, goes to Date.parse).
 */
export function parseTimestamp(text: string): number {
  // Consecutive lines mostly share their second: reuse it and read only the milliseconds.
  if (text.length === 24 && lastSecond.prefix !== '' && text.startsWith(lastSecond.prefix) && text.charCodeAt(23) === 90 /* Z */) {
    const ms = digitAt(text, 20) * 100 + digitAt(text, 21) * 10 + digitAt(text, 22);
    if (ms >= 0) return lastSecond.ms + ms;
  }
  if (text.length !== 24 || text.charCodeAt(23) !== 90 /* Z */ || text.charCodeAt(10) !== 84 /* T */) return Date.parse(text);
  const c = (i: number): number => text.charCodeAt(i);
  if (c(4) !== 45 || c(7) !== 45 || c(13) !== 58 || c(16) !== 58 || c(19) !== 46 /* - - : : . */) return Date.parse(text);
  const year = digitAt(text, 0) * 1000 + digitAt(text, 1) * 100 + digitAt(text, 2) * 10 + digitAt(text, 3);
  const month = digitAt(text, 5) * 10 + digitAt(text, 6);
  const day = digitAt(text, 8) * 10 + digitAt(text, 9);
  const hour = digitAt(text, 11) * 10 + digitAt(text, 12);
  const minute = digitAt(text, 14) * 10 + digitAt(text, 15);
  const second = digitAt(text, 17) * 10 + digitAt(text, 18);
  const ms = digitAt(text, 20) * 100 + digitAt(text, 21) * 10 + digitAt(text, 22);
  // NaN fails every comparison below, and so goes to Date.parse too (as do years below 100, which Date.UTC reads as 19xx).
  if (!(month >= 1 && month <= 12 && day >= 1 && day <= 28 && hour <= 23 && minute <= 59 && second <= 59 && ms >= 0 && year >= 100)) {
    return Date.parse(text);
  }
  const secondMs = Date.UTC(year, month - 1, day, hour, minute, second);
  lastSecond.prefix = text.slice(0, 20);
  lastSecond.ms = secondMs;
  return secondMs + ms;
}

/** The second (`2026-03-10T10:00:00.`) the previous fast-path timestamp fell in. */
const lastSecond = { prefix: '', ms: 0 };

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
    return { kind: 'entry', entry: { body: data, parseError: true }, timeMs: undefined, digest: () => entryHash('raw', data), heartbeat: false };
  }
  const message = obj.message;
  const stream = typeof obj.stream === 'string' ? obj.stream : undefined;
  const timestampText = typeof obj.timestamp === 'string' ? obj.timestamp : '';
  const parsedTime = timestampText !== '' ? parseTimestamp(timestampText) : NaN;
  const timeMs = Number.isNaN(parsedTime) ? undefined : parsedTime;
  // Most frames carry only the three known keys: no attributes object for them. (Object.keys and
  // plain comparisons: a for-in with a Set lookup per key was a tenth of the parse.)
  let attributes: Attributes | undefined;
  const keys = Object.keys(obj);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    if (key === 'message' || key === 'timestamp' || key === 'stream') continue;
    const value = obj[key];
    if (value === null || value === undefined) continue;
    attributes ??= {};
    attributes[`foundry.${key}`] = typeof value === 'object' ? JSON.stringify(value) : (value as string | number | boolean);
  }
  const entry: LogEntry = { body: message, timeMs, attributes };
  if (stream === 'stdout' || stream === 'stderr') entry.iostream = stream;
  else if (stream === 'status') {
    (entry.attributes ??= {})['foundry.log.stream'] = 'status';
    entry.level = 'INFO';
  } else if (stream !== undefined) (entry.attributes ??= {})['foundry.log.stream'] = stream;
  return {
    kind: 'entry',
    entry,
    timeMs,
    // Hashed only if the cursor needs it (most entries never are).
    digest: () => entryHash(stream ?? '', message, timestampText),
    heartbeat: stream === 'status' && HEARTBEAT.test(message),
  };
}
