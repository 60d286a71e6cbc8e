// Log lines → SSE frames → wire text, exactly as PLATFORMS.md §1.5 shows them.
import type { Frame, LineEnding, LogLine } from './types.ts';

/** Turns an appended line into a stored frame; `now` fills a missing timestamp. */
export function toFrame(line: LogLine, now: () => number = Date.now): Frame {
  if ('comment' in line) return { kind: 'comment', text: line.comment };
  if ('raw' in line) return { kind: 'event', event: 'log', data: line.raw };
  if ('event' in line && 'data' in line) return { kind: 'event', event: line.event, data: line.data };
  // Key order matters: the docs always show timestamp, stream, message.
  const payload = {
    timestamp: formatTimestamp(line.timestamp ?? now()),
    stream: line.stream ?? 'stdout',
    message: line.message ?? '',
    ...line.extra,
  };
  return { kind: 'event', event: 'log', data: JSON.stringify(payload) };
}

export function formatTimestamp(value: string | Date | number): string {
  if (typeof value === 'string') return value;
  return (typeof value === 'number' ? new Date(value) : value).toISOString();
}

/** One frame as wire text. Data with line breaks becomes several `data:` lines (SSE has no escaping). */
export function renderFrame(frame: Frame, eol: LineEnding = '\n'): string {
  if (frame.kind === 'comment') return `: ${frame.text}${eol}`;
  const dataLines = frame.data.split(/\r\n|\r|\n/).map((part) => `data: ${part}${eol}`);
  return `event: ${frame.event}${eol}${dataLines.join('')}${eol}`;
}

export function renderFrames(frames: readonly Frame[], eol: LineEnding = '\n'): string {
  return frames.map((frame) => renderFrame(frame, eol)).join('');
}

/** The transient platform line the service sends on an idle stream. */
export function heartbeatFrame(now: number): Frame {
  return toFrame({ timestamp: now, stream: 'status', message: 'No logs since last 60 seconds' });
}
