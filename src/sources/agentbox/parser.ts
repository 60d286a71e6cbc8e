/**
 * AgentBox answers to platform-neutral values (PLATFORMS §4.5, §4.7, §4.8). Parsed leniently:
 * a line or a body that is not what the docs say is kept as raw text with parseError,
 * never thrown.
 */
import { entryHash } from '../shared/timestamp-cursor.ts';
import type { LogEntry } from '../types.ts';

export interface Sandbox {
  id: string;
  status: string;
  namespace: string | undefined;
  podName: string | undefined;
  pool: string | undefined;
  /** Container names, from `containerImages` (name → image). */
  containers: string[];
}

/** One log line of one container, with what the cursor needs. */
export interface ParsedLine {
  entry: LogEntry;
  container: string | undefined;
  ts: number | undefined;
  digest: string;
}

export type ParsedLogs =
  | { ok: true; lines: ParsedLine[]; source: string | undefined; containers: string[] | undefined }
  | { ok: false; raw: string };

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

export function parseSandbox(value: unknown): Sandbox | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const s = value as Record<string, unknown>;
  const id = str(s.sandboxId);
  if (id === undefined) return undefined;
  const images = s.containerImages;
  return {
    id,
    status: str(s.status) ?? 'Unknown',
    namespace: str(s.namespace),
    podName: str(s.podName),
    pool: str(s.poolName),
    containers: typeof images === 'object' && images !== null && !Array.isArray(images) ? Object.keys(images) : [],
  };
}

const FRACTION = /\.(\d+)/;

/**
 * RFC 3339 with up to nanoseconds → whole milliseconds (Date.parse reads milliseconds reliably, no
 * finer) and the nanoseconds past them (digits beyond the ninth are cut: OTLP time is nanoseconds).
 */
export function parseTime(text: string): { ms: number; nanosInMs: number } | undefined {
  const fraction = FRACTION.exec(text)?.[1];
  const ms = Date.parse(fraction === undefined ? text : text.replace(FRACTION, `.${fraction.slice(0, 3).padEnd(3, '0')}`));
  if (Number.isNaN(ms)) return undefined;
  const nanosInMs = fraction === undefined || fraction.length <= 3 ? 0 : Number(fraction.slice(3, 9).padEnd(6, '0'));
  return { ms, nanosInMs };
}

/**
 * One log line. `time` is the platform's own text (nanoseconds kept) and part of the digest, so
 * lines in one millisecond stay apart; without it only the text identifies the line.
 */
export function logLine(log: string, container: string | undefined, time: string | undefined, source: string | undefined): ParsedLine {
  const parsed = time === undefined ? undefined : parseTime(time);
  const ts = parsed?.ms;
  const entry: LogEntry = { body: log, timeMs: ts, attributes: {} };
  if (parsed?.nanosInMs) entry.timeNanosInMs = parsed.nanosInMs;
  if (container !== undefined) entry.attributes!['k8s.container.name'] = container;
  if (source !== undefined) entry.attributes!['agentbox.log.source'] = source;
  return { entry, container, ts, digest: entryHash(ts === undefined ? '' : (time ?? ''), log) };
}

/** A line that is not the documented shape: its raw text is the body. */
export function rawLine(raw: string, container: string | undefined, source: string | undefined): ParsedLine {
  const line = logLine(raw, container, undefined, source);
  line.entry.parseError = true;
  line.digest = entryHash('raw', raw);
  return line;
}

/** The snapshot answer `{sandboxId, namespace, podName, entries[], source, containers?}`. */
export function parseLogsResponse(text: string, container: string | undefined): ParsedLogs {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, raw: text };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, raw: text };
  const body = value as Record<string, unknown>;
  if (body.entries !== undefined && body.entries !== null && !Array.isArray(body.entries)) return { ok: false, raw: text };
  const source = str(body.source);
  const lines: ParsedLine[] = [];
  for (const item of (body.entries as unknown[] | undefined) ?? []) {
    const e = item as Record<string, unknown> | null;
    if (typeof e !== 'object' || e === null || typeof e.log !== 'string') {
      lines.push(rawLine(typeof item === 'string' ? item : JSON.stringify(item), container, source));
      continue;
    }
    lines.push(logLine(e.log, str(e.container) ?? container, str(e.timestamp), source));
  }
  const containers = Array.isArray(body.containers) ? body.containers.filter((c): c is string => typeof c === 'string') : undefined;
  return { ok: true, lines, source, containers };
}

export type NdjsonItem =
  | { kind: 'line'; line: ParsedLine }
  | { kind: 'meta'; source: string | undefined }
  | { kind: 'system'; message: string };

/**
 * One NDJSON line of `/logs/stream`: `{_timestamp, container_name, log}`, the closing
 * `{_meta: true, source}`, or an in-band error from container `system`.
 * `useTime`: runtime sources stamp lines with the server's receive time, which changes on every
 * replay and cannot place a line; those are placed by content.
 */
export function parseNdjsonLine(text: string, container: string, source: string, useTime: boolean): NdjsonItem {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { kind: 'line', line: rawLine(text, container, source) };
  }
  const o = value as Record<string, unknown> | null;
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return { kind: 'line', line: rawLine(text, container, source) };
  if (o._meta === true) return { kind: 'meta', source: str(o.source) };
  if (typeof o.log !== 'string') return { kind: 'line', line: rawLine(text, container, source) };
  if (o.container_name === 'system') return { kind: 'system', message: o.log };
  return { kind: 'line', line: logLine(o.log, str(o.container_name) ?? container, useTime ? str(o._timestamp) : undefined, source) };
}
