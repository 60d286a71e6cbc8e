/**
 * The demo's end report of a loopback run: what the receiver decoded, per source and severity,
 * and a few records of each platform as decoded — the lines that show the mapping at work
 * (uvicorn's INFO on stderr, a traceback, a rate limit with its tokens and cost, an exit code,
 * two containers). Pure functions from records to lines of text.
 */
import type { ReceivedLogRecord } from '../otlp-receiver.ts';
import type { Palette } from '../../src/cli/tail/colors.ts';
import { formatLine } from '../../src/cli/tail/format-text.ts';
import type { Platform } from './config.ts';

const BODY_WIDTH = 72;
const PER_SOURCE = 4;
/** Record attributes worth showing after a sample's body. */
const SHOWN = ['log.iostream', 'k8s.container.name', 'gen_ai.response.model', 'gen_ai.usage.input_tokens', 'gen_ai.usage.output_tokens', 'hill90.cost_usd', 'process.exit.code'];

/** An attribute value as text (`?` when missing). */
function text(value: unknown): string {
  if (value === undefined) return '?';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value) ?? '?';
}
const sourceOf = (r: ReceivedLogRecord): string => text(r.resource['service.name']);
const ms = (nanos: bigint): number => Number(nanos / 1_000_000n);
/** The body on one line: a record merged from several lines (a traceback) shows its first and how many more. */
function bodyText(r: ReceivedLogRecord): string {
  const body = typeof r.body === 'string' ? r.body : JSON.stringify(r.body);
  const lines = body.split('\n');
  return lines.length === 1 ? body : `${lines[0]} (+${lines.length - 1} lines)`;
}

/** The stream part of a record's label: the id that tells its streams apart on each platform. */
export function streamOf(r: ReceivedLogRecord): string {
  const res = r.resource;
  if (res['session.id'] !== undefined) return text(res['session.id']);
  if (res['gen_ai.agent.id'] !== undefined) return text(res['gen_ai.agent.name'] ?? res['gen_ai.agent.id']);
  if (res['daytona.command.id'] !== undefined) return `cmd-${text(res['daytona.command.id']).slice(0, 8)}`;
  if (r.attributes['k8s.container.name'] !== undefined) return text(r.attributes['k8s.container.name']);
  return '-';
}

function clip(value: string, width: number): string {
  return value.length > width ? `${value.slice(0, width - 1)}…` : value;
}

function bucket(n: number): 'INFO' | 'WARN' | 'ERROR' | 'other' {
  if (n >= 17) return 'ERROR';
  if (n >= 13) return 'WARN';
  if (n >= 9) return 'INFO';
  return 'other';
}

/** Records a person wants to see of one source: where the mapping decides something. */
function samples(records: readonly ReceivedLogRecord[]): ReceivedLogRecord[] {
  const chosen = new Set<ReceivedLogRecord>();
  const pick = (predicate: (r: ReceivedLogRecord) => boolean): void => {
    const found = records.find((r) => !chosen.has(r) && predicate(r));
    if (found && chosen.size < PER_SOURCE) chosen.add(found);
  };
  pick((r) => r.attributes['log.iostream'] === 'stderr' && r.severityNumber > 0 && r.severityNumber < 17); // stderr, yet not an error
  pick((r) => r.attributes['process.exit.code'] !== undefined && r.attributes['process.exit.code'] !== 0);
  pick((r) => r.severityNumber >= 13 && r.severityNumber < 17);
  pick((r) => r.severityNumber >= 17);
  pick((r) => r.attributes['gen_ai.usage.input_tokens'] !== undefined && r.severityNumber < 13);
  for (const container of new Set(records.map((r) => r.attributes['k8s.container.name']).filter((c) => c !== undefined))) {
    pick((r) => r.attributes['k8s.container.name'] === container);
  }
  pick(() => true);
  return records.filter((r) => chosen.has(r));
}

export interface ReportSource {
  name: string;
  platform: Platform;
}

/** The end report of a loopback run: per source and severity, then samples as decoded. */
export function decodedReport(sources: readonly ReportSource[], records: readonly ReceivedLogRecord[], palette: Palette): string[] {
  const lines: string[] = [];
  const bySource = new Map<string, ReceivedLogRecord[]>(sources.map((s) => [s.name, []]));
  for (const r of records) bySource.get(sourceOf(r))?.push(r);

  const names = Math.max(6, ...sources.map((s) => s.name.length));
  const cols = ['records', 'INFO', 'WARN', 'ERROR', 'other'] as const;
  lines.push(palette.dim(`  ${'source'.padEnd(names)}  platform  streams  ${cols.map((c) => c.padStart(c === 'records' ? 7 : 5)).join('  ')}`));
  for (const { name, platform } of sources) {
    const list = bySource.get(name) ?? [];
    const count = (b: string): number => list.filter((r) => bucket(r.severityNumber) === b).length;
    const streams = new Set(list.map((r) => `${streamOf(r)}|${JSON.stringify(r.resource)}`)).size;
    const figures = [String(list.length).padStart(7), ...['INFO', 'WARN', 'ERROR', 'other'].map((b) => String(count(b)).padStart(5))];
    lines.push(`  ${name.padEnd(names)}  ${platform.padEnd(8)}  ${String(streams).padStart(7)}  ${figures.join('  ')}`);
  }

  lines.push('', 'a few of them as decoded (time, source/stream, severity, body, attributes):');
  const rows = sources.flatMap(({ name }) => samples(bySource.get(name) ?? []).map((r) => ({ r, label: `${name}/${streamOf(r)}` })));
  const width = Math.max(0, ...rows.map((x) => x.label.length));
  for (const { r, label } of rows) {
    const attributes = SHOWN.filter((k) => r.attributes[k] !== undefined).map((k) => `${k}=${text(r.attributes[k])}`);
    const line = formatLine(
      { timeMs: ms(r.timeUnixNano), observedMs: ms(r.observedTimeUnixNano), label, severityNumber: r.severityNumber, severityText: r.severityText, body: clip(bodyText(r), BODY_WIDTH) },
      palette,
      width,
    );
    lines.push(`  ${line}${attributes.length > 0 ? `  ${palette.dim(attributes.join(' '))}` : ''}`);
  }
  return lines;
}

const RESOURCE_WIDTH = 100;

/** Words joined by spaces into lines of at most `width` characters (a longer word stands alone). */
function wrap(words: readonly string[], width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/** The resource of one decoded record per platform: what a backend groups and filters by. */
export function resourceReport(sources: readonly ReportSource[], records: readonly ReceivedLogRecord[], palette: Palette): string[] {
  const lines = ['resource attributes of one record per platform (one OTLP resource per stream):'];
  for (const { name, platform } of sources) {
    const record = records.find((r) => sourceOf(r) === name);
    if (!record) continue;
    lines.push(`  ${platform.padEnd(9)} ${name}/${streamOf(record)}`);
    const pairs = Object.entries(record.resource).map(([key, value]) => `${key}=${text(value)}`);
    for (const line of wrap(pairs, RESOURCE_WIDTH - 12)) lines.push(`            ${palette.dim(line)}`);
  }
  return lines;
}
