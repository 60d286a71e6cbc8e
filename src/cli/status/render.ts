/** `status`'s screen: one table row per source, its troubled streams, then exporter and spool. */
import { formatBytes } from '../../util/format-bytes.ts';
import { sumBy, type Sample } from './prometheus-text.ts';

/** The /readyz body (DESIGN §6). */
export interface Readiness {
  status: string;
  sources: Record<string, { state: string; streams: { key: string; state: string; detail?: string }[] }>;
  exporter: {
    last_success: string | null;
    last_failure: string | null;
    last_failure_reason: string | null;
    queued_batches: number;
    queued_records: number;
    queued_bytes: number;
  } | null;
}

export interface StatusView {
  url: string;
  readiness: Readiness;
  samples: Sample[];
  receivedPerSecond: Map<string, number>;
  exportedPerSecond: Map<string, number>;
  now: number;
}

/** Streams shown by name per source when they are not following normally. */
const TROUBLED_SHOWN = 10;

export function formatSeconds(s: number): string {
  if (s < 10) return `${s.toFixed(1)}s`;
  if (s < 120) return `${Math.round(s)}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

function ago(iso: string | null, now: number): string {
  if (!iso) return 'never';
  return `${iso} (${formatSeconds(Math.max(0, (now - Date.parse(iso)) / 1000))} ago)`;
}

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ').trimEnd());
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function renderStatus(v: StatusView): string[] {
  const { readiness, samples } = v;
  const lines = [`agent-log-exporter at ${v.url}: ${readiness.status}`, ''];
  const lag = sumBy(samples, 'agentlog_stream_lag_seconds', 'source');
  const dropped = sumBy(samples, 'agentlog_records_dropped_total', 'source');
  const authFailures = sumBy(samples, 'agentlog_auth_failures_total', 'source');
  const reconnects = sumBy(samples, 'agentlog_reconnects_total', 'source');
  const gaps = sumBy(samples, 'agentlog_gaps_total', 'source');
  const rows = [['SOURCE', 'STATE', 'STREAMS', 'IN/S', 'OUT/S', 'LAG', 'ERRORS']];
  const troubled: string[] = [];
  for (const [name, source] of Object.entries(readiness.sources)) {
    const byState = new Map<string, number>();
    for (const s of source.streams) byState.set(s.state, (byState.get(s.state) ?? 0) + 1);
    const streams = byState.size === 0 ? 'none yet' : [...byState].map(([state, n]) => `${n} ${state}`).join(', ');
    const errors = [
      [dropped.get(name) ?? 0, 'dropped'],
      [authFailures.get(name) ?? 0, 'auth failures'],
      [reconnects.get(name) ?? 0, 'reconnects'],
      [gaps.get(name) ?? 0, 'gaps'],
    ]
      .filter(([n]) => (n as number) > 0)
      .map(([n, what]) => `${n} ${what as string}`)
      .join(', ');
    const lagSeconds = lag.get(name);
    rows.push([
      name,
      source.state,
      streams,
      (v.receivedPerSecond.get(name) ?? 0).toFixed(1),
      (v.exportedPerSecond.get(name) ?? 0).toFixed(1),
      lagSeconds === undefined ? '-' : formatSeconds(lagSeconds),
      errors === '' ? 'none' : errors,
    ]);
    const bad = source.streams.filter((s) => s.state === 'retrying' || s.state === 'auth_failed');
    for (const s of bad.slice(0, TROUBLED_SHOWN)) troubled.push(`  ${s.key}  ${s.state}${s.detail ? `  ${s.detail}` : ''}`);
    if (bad.length > TROUBLED_SHOWN) troubled.push(`  … and ${bad.length - TROUBLED_SHOWN} more of ${name}`);
  }
  if (rows.length === 1) lines.push('no sources running');
  else lines.push(...table(rows));
  if (troubled.length > 0) lines.push('', 'streams not following:', ...troubled);
  lines.push('');
  const e = readiness.exporter;
  if (e) {
    lines.push(`exporter  last success ${ago(e.last_success, v.now)}`);
    lines.push(`          last failure ${ago(e.last_failure, v.now)}${e.last_failure_reason ? `: ${e.last_failure_reason}` : ''}`);
    lines.push(`spool     ${formatBytes(e.queued_bytes)} in ${plural(e.queued_batches, 'batch', 'batches')}, ${plural(e.queued_records, 'record')} waiting for the endpoint`);
  }
  const requests = sumBy(samples, 'agentlog_export_requests_total', 'code');
  if (requests.size > 0) lines.push(`requests  ${[...requests].sort(([a], [b]) => a.localeCompare(b)).map(([code, n]) => `${code}: ${n}`).join(', ')}`);
  return lines;
}
