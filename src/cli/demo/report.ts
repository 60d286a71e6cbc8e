/**
 * What the demo prints: one progress line a second while it runs, and at the end what the
 * loopback receiver decoded (or, with an external endpoint, what the daemon exported).
 * Pure functions from numbers and records to lines of text.
 */
import type { ReceivedLogRecord } from '../../emulators/otlp-receiver.ts';

const BODY_WIDTH = 88;

/** Rows of cells as aligned columns; numeric cells are right-aligned. */
export function table(rows: readonly (readonly (string | number)[])[], indent = '  '): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, String(cell).length)));
  return rows.map(
    (row) =>
      indent +
      row
        .map((cell, i) => {
          const last = i === row.length - 1;
          if (typeof cell === 'number') return String(cell).padStart(widths[i] ?? 0);
          return last ? cell : cell.padEnd(widths[i] ?? 0);
        })
        .join('  ')
        .trimEnd(),
  );
}

export interface Progress {
  elapsedMs: number;
  read: number;
  exported: number;
  perSecond: number;
  connected: number;
  retrying: number;
}

export function progressLine(p: Progress): string {
  const seconds = `${Math.round(p.elapsedMs / 1000)}s`.padStart(4);
  const streams = `${p.connected} session${p.connected === 1 ? '' : 's'} followed${p.retrying > 0 ? `, ${p.retrying} retrying` : ''}`;
  return `${seconds}  read ${String(p.read).padStart(5)}   exported ${String(p.exported).padStart(5)}   ${String(p.perSecond).padStart(4)} records/s   ${streams}`;
}

const iostream = (r: ReceivedLogRecord): string => {
  const io = r.attributes['log.iostream'];
  if (typeof io === 'string') return io;
  return r.attributes['foundry.log.stream'] === 'status' ? 'status' : 'other';
};
const bodyText = (r: ReceivedLogRecord): string => (typeof r.body === 'string' ? r.body : JSON.stringify(r.body));
/** An attribute value as text (`?` when missing). */
function text(value: unknown): string {
  if (value === undefined) return '?';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value) ?? '?';
}
const sessionOf = (r: ReceivedLogRecord): string => text(r.resource['session.id']);
const severityLabel = (r: ReceivedLogRecord): string => r.severityText || 'UNSPECIFIED';

function clip(text: string, width = BODY_WIDTH): string {
  return text.length > width ? `${text.slice(0, width - 1)}…` : text;
}

/** Records in platform-timestamp order; ties keep arrival order. */
function byTime(records: readonly ReceivedLogRecord[]): ReceivedLogRecord[] {
  return [...records].sort((a, b) => (a.timeUnixNano < b.timeUnixNano ? -1 : a.timeUnixNano > b.timeUnixNano ? 1 : 0));
}

/** Words after a label, wrapped to ~100 columns, continuation lines indented. */
function wrap(label: string, words: readonly string[], width = 100): string[] {
  const lines: string[] = [];
  let line = `  ${label}`;
  for (const word of words) {
    if (line.length + 1 + word.length > width && line.trim() !== label) {
      lines.push(line);
      line = `    ${word}`;
    } else line += ` ${word}`;
  }
  lines.push(line);
  return lines;
}

/** `HH:MM:SS.mmm` in local time, from the record's own (platform) timestamp. */
function clock(nanos: bigint): string {
  const d = new Date(Number(nanos / 1_000_000n));
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

/** The end report of a loopback run: counts by severity and stream, by session, samples, the last records. */
export function decodedSummary(records: readonly ReceivedLogRecord[], lastCount = 8): string[] {
  const lines: string[] = [];
  if (records.length === 0) return lines;

  // Severity × iostream: shows that stderr is not "error" — the level in the text wins.
  const streams = ['stdout', 'stderr', 'status'];
  if (records.some((r) => !streams.includes(iostream(r)))) streams.push('other');
  const bySeverity = new Map<string, { number: number; counts: Map<string, number> }>();
  for (const r of records) {
    const label = severityLabel(r);
    const entry = bySeverity.get(label) ?? { number: r.severityNumber, counts: new Map<string, number>() };
    entry.counts.set(iostream(r), (entry.counts.get(iostream(r)) ?? 0) + 1);
    bySeverity.set(label, entry);
  }
  const severityRows = [...bySeverity.entries()]
    .sort(([, a], [, b]) => a.number - b.number)
    .map(([label, { number, counts }]) => [
      `${label} (${number})`,
      [...counts.values()].reduce((a, b) => a + b, 0),
      ...streams.map((s) => counts.get(s) ?? 0),
    ]);
  lines.push('', ...table([['severity', 'records', ...streams], ...severityRows]));

  // Per session, with the OTLP resource the mapper gave its records.
  const bySession = new Map<string, { count: number; first: ReceivedLogRecord }>();
  for (const r of records) {
    const entry = bySession.get(sessionOf(r));
    if (entry) entry.count += 1;
    else bySession.set(sessionOf(r), { count: 1, first: r });
  }
  const sessionRows = [...bySession.entries()].map(([id, { count, first }]) => [
    id,
    `${text(first.resource['gen_ai.agent.name'])} v${text(first.resource['gen_ai.agent.version'])}`,
    count,
  ]);
  lines.push('', ...table([['session', 'agent', 'records'], ...sessionRows]));
  const sample = [...bySession.values()][0]?.first;
  if (sample) lines.push(...wrap(`OTLP resource of ${sessionOf(sample)}:`, Object.entries(sample.resource).map(([k, v]) => `${k}=${text(v)}`)));

  // How the first session started: a status line, then uvicorn's INFO lines on stderr.
  const ordered = byTime(records);
  const rows = (list: readonly ReceivedLogRecord[]): (string | number)[][] => list.map((r) => [clock(r.timeUnixNano), sessionOf(r), severityLabel(r), clip(bodyText(r))]);
  const firstSession = sessionOf(ordered[0]!);
  const startup = ordered.filter((r) => sessionOf(r) === firstSession).slice(0, 6);
  lines.push('', `how ${firstSession} started (uvicorn logs to stderr, yet INFO: a level in the text wins):`, ...table(rows(startup)));

  // The first warnings (one per session) and the first error with the records that follow it.
  const warnings = [...new Map(ordered.filter((r) => r.severityNumber >= 13 && r.severityNumber < 17).map((r) => [sessionOf(r), r])).values()];
  const firstError = ordered.findIndex((r) => r.severityNumber >= 17);
  const error = firstError < 0 ? [] : ordered.slice(firstError, firstError + 8).filter((r) => sessionOf(r) === sessionOf(ordered[firstError]!)).slice(0, 7);
  if (warnings.length + error.length > 0) lines.push('', 'the first warnings and the first error (every line of a traceback is a record):', ...table(rows(byTime([...warnings, ...error]))));

  // The newest records, ordered by their platform timestamp.
  const last = ordered.slice(-lastCount);
  lines.push('', `last ${last.length} records:`, ...table([['time', 'session', 'severity', 'body'], ...rows(last)]));
  return lines;
}
