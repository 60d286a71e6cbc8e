// Medians per scenario and program, and the one table the bench prints.
import type { ProgramName } from './programs.ts';
import type { RunResult, ScenarioId } from './scenarios.ts';

export interface Summary {
  scenario: ScenarioId;
  program: ProgramName;
  runs: number;
  failed: number;
  records_per_s: number | null;
  lost: number | null;
  duplicates: number | null;
  cpu_s: number | null;
  peak_rss_mb: number | null;
  extra: Record<string, number | null>;
}

const TITLES: Record<ScenarioId, string> = {
  a: '(a) 1 stream, spool on',
  b: '(b) 1000 streams',
  c: '(c) 1 stream, spool off',
  d: '(d) idle streams',
  e: '(e) outage + drain',
  f: '(f) 1 quiet stream, 20 lines/s',
  g: '(g) 10 000 idle sessions (quick: 1000)',
};

export function median(values: readonly (number | null)[]): number | null {
  const xs = values.filter((v): v is number => v !== null && Number.isFinite(v)).sort((a, b) => a - b);
  if (xs.length === 0) return null;
  const mid = xs.length >> 1;
  return xs.length % 2 === 1 ? xs[mid]! : (xs[mid - 1]! + xs[mid]!) / 2;
}

export function summarize(results: readonly RunResult[]): Summary[] {
  const groups = new Map<string, RunResult[]>();
  for (const r of results) {
    const key = `${r.scenario}/${r.program}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return [...groups.values()].map((runs) => {
    const ok = runs.filter((r) => r.error === undefined);
    const m = (pick: (r: RunResult) => number | null): number | null => median(ok.map(pick));
    const extraKeys = [...new Set(ok.flatMap((r) => Object.keys(r.extra)))];
    return {
      scenario: runs[0]!.scenario,
      program: runs[0]!.program,
      runs: runs.length,
      failed: runs.length - ok.length,
      records_per_s: m((r) => r.records_per_s),
      lost: m((r) => r.lost),
      duplicates: m((r) => r.duplicates),
      cpu_s: m((r) => r.cpu_s),
      peak_rss_mb: m((r) => r.peak_rss_mb),
      extra: Object.fromEntries(extraKeys.map((k) => [k, m((r) => r.extra[k] ?? null)])),
    };
  });
}

function fmt(value: number | null, digits = 0): string {
  if (value === null) return '–';
  return value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

function ratio(a: number | null, b: number | null): string {
  return a === null || b === null || b === 0 ? '–' : `${(a / b).toFixed(2)}×`;
}

function notes(s: Summary): string {
  const e = s.extra;
  const rss = `RSS at the end ${fmt(e.rss_anon_mb ?? null)} anon + ${fmt(e.rss_file_mb ?? null)} file MB`;
  if (s.scenario === 'f') {
    return `${fmt(e.cpu_pct_of_core ?? null, 2)} % of a core; steady RSS ${fmt(e.rss_mb ?? null)} MB; ${fmt(e.requests_per_record ?? null, 3)} requests per record; first record ${fmt(e.first_record_s ?? null, 2)} s after the start; ${rss}`;
  }
  if (s.scenario === 'g') return `${fmt(e.cpu_pct_of_core ?? null, 2)} % of a core; all connected ${fmt(e.connect_s ?? null, 1)} s after the start; ${rss}`;
  if (s.scenario === 'd') return `${fmt(e.cpu_pct_of_core ?? null, 2)} % of a core; ${rss}`;
  if (s.scenario === 'e') {
    return `first accepted export ${fmt(e.resume_after_s ?? null, 1)} s after the outage; ${fmt(e.backlog_delivered ?? null)} backlog records in ${fmt(e.drain_s ?? null, 2)} s; all delivered ${fmt(e.drained_after_outage_s ?? null, 1)} s after the outage`;
  }
  // proc-stats' MB are MiB (kB / 1024), as memory_limit's.
  const over = s.peak_rss_mb !== null && e.memory_limit_mb != null && s.peak_rss_mb > e.memory_limit_mb;
  const limit = e.memory_limit_mb == null ? '' : `; memory_limit ${fmt(e.memory_limit_mb)} MiB: peak RSS ${over ? 'over' : 'under'} it`;
  return `${rss}; bench's own CPU ${fmt(e.bench_cpu_s ?? null, 2)} s${limit}`;
}

/** A Markdown table (it reads as plain text too). */
export function renderTable(summaries: readonly Summary[]): string {
  const head = '| scenario | program | delivered rec/s | lost | dup | CPU s | peak RSS MB | daemon/naive rec/s · CPU · RSS | notes |';
  const rows = [head, '|---|---|--:|--:|--:|--:|--:|---|---|'];
  for (const s of summaries) {
    const daemon = summaries.find((d) => d.scenario === s.scenario && d.program === 'daemon');
    const pair = s.program === 'daemon' || daemon === undefined ? '' : [ratio(daemon.records_per_s, s.records_per_s), ratio(daemon.cpu_s, s.cpu_s), ratio(daemon.peak_rss_mb, s.peak_rss_mb)].join(' · ');
    const failed = s.failed > 0 ? ` (${s.failed}/${s.runs} runs failed)` : '';
    rows.push(`| ${TITLES[s.scenario]} | ${s.program} | ${fmt(s.records_per_s)} | ${fmt(s.lost)} | ${fmt(s.duplicates)} | ${fmt(s.cpu_s, 2)} | ${fmt(s.peak_rss_mb, 0)} | ${pair} | ${notes(s)}${failed} |`);
  }
  return rows.join('\n');
}
