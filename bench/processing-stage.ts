/**
 * Micro-bench: the processing stage's cost per line, defaults against processing off
 * (`multiline: none, parse: none, redact: {builtin: false}`), on the bench's own Foundry lines,
 * interleaved rounds in one process so machine noise hits both alike. Also: redaction with 50
 * configured patterns, to show a line's cost does not grow with the number of patterns.
 *
 *   node bench/processing-stage.ts [--lines 200000] [--rounds 5]
 */
import { parseArgs } from 'node:util';
import { generateLines } from '../emulators/foundry.ts';
import { createLineStage } from '../src/processing/create-line-stage.ts';
import { processingSchema } from '../src/processing/config-schema.ts';
import type { LogEntry } from '../src/sources/types.ts';

export interface StageBench {
  lines: number;
  /** Median ns per line. */
  off_ns: number;
  defaults_ns: number;
  patterns50_ns: number;
  /** defaults / off. */
  ratio: number;
}

const VARIANTS = {
  off: { multiline: 'none', parse: 'none', redact: { builtin: false } },
  defaults: {},
  patterns50: { redact: { patterns: Array.from({ length: 50 }, (_, i) => `internal-token-${i}-[0-9a-f]{8}`) } },
} as const;

function once(over: object, entries: LogEntry[]): number {
  const stage = createLineStage({ settings: processingSchema.parse(over), severity: { stdout: 'INFO', stderr: 'ERROR', detect: true } });
  let kept = 0;
  const started = process.hrtime.bigint();
  for (let i = 0; i < entries.length; i++) kept += stage.push(i, entries[i]!, 0).length;
  kept += stage.flush().length;
  const ns = Number(process.hrtime.bigint() - started);
  if (kept !== entries.length) throw new Error(`stage returned ${kept} of ${entries.length} lines`);
  return ns / entries.length;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export function benchStage(lines = 200_000, rounds = 5): StageBench {
  const entries: LogEntry[] = generateLines(lines).map((l, i) => ({ body: `${l.message} #${i}`, iostream: l.stream, timeMs: Date.parse(l.timestamp) }));
  const times: Record<keyof typeof VARIANTS, number[]> = { off: [], defaults: [], patterns50: [] };
  once(VARIANTS.defaults, entries.slice(0, 20_000)); // warm-up
  for (let r = 0; r < rounds; r++) for (const name of Object.keys(VARIANTS) as (keyof typeof VARIANTS)[]) times[name].push(once(VARIANTS[name], entries));
  const off = median(times.off);
  const defaults = median(times.defaults);
  return { lines, off_ns: Math.round(off), defaults_ns: Math.round(defaults), patterns50_ns: Math.round(median(times.patterns50)), ratio: Number((defaults / off).toFixed(2)) };
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { lines: { type: 'string', default: '200000' }, rounds: { type: 'string', default: '5' } } });
  const r = benchStage(Number(values.lines), Number(values.rounds));
  console.log(`processing stage per line (median of rounds, ${r.lines} lines): off ${r.off_ns} ns, defaults ${r.defaults_ns} ns, defaults + 50 patterns ${r.patterns50_ns} ns`);
}
