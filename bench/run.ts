/**
 * `npm run bench`: builds the daemon (npm run build), then the scenarios of issues 6 and 14 for the daemon (built CLI) and the naive
 * SDK pipeline (default and tuned), each program its own process, interleaved run by
 * run; prints one table of medians and appends every run as a JSON line.
 *
 *   node bench/run.ts [--scenario a,b,c,d,e,f,g] [--runs 3] [--long-runs 1] [--quick] [--out bench/results.jsonl] [--committed] [--program daemon,naive-default,naive-tuned]
 *
 * --program daemon,daemon-processing-off compares the processing defaults with processing off (issue 13).
 * --committed measures HEAD (built apart in .bench/head) instead of the working tree's dist/.
 * --runs applies to (a)–(c); (d)–(g) last a minute each by definition (--long-runs).
 * BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the daemon.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { ALL_PROGRAMS, PROGRAMS, buildCommitted, buildWorkingTree, prepareNaive } from './programs.ts';
import { FULL, LONG_SCENARIOS, QUICK, SCENARIOS, runScenario } from './scenarios.ts';
import type { RunResult, ScenarioId } from './scenarios.ts';
import { selfCheck } from './self-check.ts';
import { benchSeenIds } from './seen-ids.ts';
import { renderTable, summarize } from './table.ts';

const { values } = parseArgs({
  options: {
    scenario: { type: 'string', default: SCENARIOS.join(',') },
    runs: { type: 'string', default: '3' },
    'long-runs': { type: 'string', default: '1' },
    quick: { type: 'boolean', default: false },
    committed: { type: 'boolean', default: false },
    program: { type: 'string', default: PROGRAMS.join(',') },
    out: { type: 'string', default: new URL('results.jsonl', import.meta.url).pathname },
  },
});
const scenarios = values.scenario.split(',').map((s) => s.trim()) as ScenarioId[];
for (const s of scenarios) if (!SCENARIOS.includes(s)) throw new Error(`unknown scenario '${s}' (${SCENARIOS.join(', ')})`);
const sizes = values.quick ? QUICK : FULL;
const programs = ALL_PROGRAMS.filter((p) => values.program.split(',').includes(p));

function git(...args: string[]): string {
  try {
    return execFileSync('git', args, { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

const context = {
  at: new Date().toISOString(),
  commit: git('rev-parse', '--short', 'HEAD'),
  dirty: !values.committed && git('status', '--porcelain', '--', 'src').length > 0,
  node: process.version,
  cpus: cpus().length,
  cpu_model: cpus()[0]?.model ?? 'unknown',
  quick: values.quick,
};
console.error(`bench: commit ${context.commit}${context.dirty ? ' (src/ has uncommitted changes)' : ''}, node ${context.node}, ${context.cpus} × ${context.cpu_model}${values.quick ? ', quick sizes' : ''}`);

if (values.committed) buildCommitted();
else buildWorkingTree();
await selfCheck();
const naiveJs = prepareNaive();
const results: RunResult[] = [];
for (const scenario of scenarios) {
  const runs = Number(LONG_SCENARIOS.includes(scenario) ? values['long-runs'] : values.runs);
  // Interleaved: daemon, naive-default, naive-tuned, daemon, …, so drift hits all alike.
  for (let run = 1; run <= runs; run++) {
    for (const program of programs) {
      const result = await runScenario(scenario, program, run, sizes, naiveJs);
      results.push(result);
      appendFileSync(values.out, `${JSON.stringify({ ...context, ...result })}\n`);
      const rate = result.records_per_s === null ? '–' : result.records_per_s.toLocaleString('en-US');
      const limit = result.extra.memory_limit_mb == null ? '' : ` of memory_limit ${result.extra.memory_limit_mb} MiB`;
      console.error(`  (${scenario}) ${program} run ${run}: ${result.error ?? `${rate} rec/s, lost ${result.lost}, dup ${result.duplicates}, CPU ${result.cpu_s} s, peak RSS ${result.peak_rss_mb} MB${limit}`}`);
    }
  }
}
const summaries = summarize(results);
for (const s of summaries) appendFileSync(values.out, `${JSON.stringify({ ...context, summary: true, ...s })}\n`);
console.log(renderTable(summaries));
// Micro-bench of a hot path (moved out of npm test, which never asserts speed).
const seenIds = benchSeenIds();
appendFileSync(values.out, `${JSON.stringify({ ...context, micro: 'hill90_seen_ids_serialize', ...seenIds })}\n`);
console.log(`Hill90 seen-ids checkpoint at tail 5000: ${seenIds.ms_per_serialize} ms per serialize (the JSON form took ~2 ms)`);
