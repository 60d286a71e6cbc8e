/**
 * Where a .cpuprofile (node --cpu-prof) spent its time: self time by category and
 * the top functions. For docs/BENCHMARKS.md's "what limits each figure". Frames of the bundled
 * daemon (dist/) are traced back to their source files through the bundle's source maps, so the
 * categories hold for the minified build too.
 *
 *   BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" node bench/run.ts --scenario a --program daemon --runs 1
 *   node bench/profile-summary.ts /tmp/prof/CPU.*.cpuprofile
 *   node bench/profile-summary.ts --from 0.3 --to 1.1 /tmp/prof/CPU.*.cpuprofile   # one window (s), e.g. the stream
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { originOf } from './profile-source-map.ts';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber?: number };
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

/** First match wins: the category a function's self time is counted in (tested on its source path or script URL). */
const CATEGORIES: [string, RegExp][] = [
  ['protobuf (otlp-transformer, protobufjs)', /otlp-transformer|protobufjs/],
  ['SSE reading (eventsource-parser, sse-reader)', /eventsource-parser|sse-reader/],
  ['SQLite (spool, checkpoints)', /sqlite|spool|checkpoint/i],
  ['gzip (node:zlib)', /^node:zlib/],
  ['hashing (node:crypto)', /^node:internal\/crypto/],
  ['HTTP client (undici)', /undici/],
  ['module loading (startup)', /^node:internal\/modules/],
  ['processing (multiline, parse, redact)', /\/processing\//],
  ['Foundry source (parser, follower, cursor, hand-off)', /\/sources\//],
  ['OTLP mapping and encoder', /\/mapping\//],
  ['delivery (pipeline, batcher, queues)', /\/delivery\//],
  ['export (export loop, transport)', /\/export\/|http-request/],
  ['telemetry (events, metrics)', /\/telemetry\/|prom-client|pino/],
  ['node internals (streams, net, timers)', /^node:/],
];

const NAMED: Record<string, string> = { '(idle)': 'idle', '(garbage collector)': 'GC', '(program)': 'native, unattributed', '(root)': 'idle' };

function categoryOf(node: Node): string {
  const { functionName: name, url } = node.callFrame;
  const named = NAMED[name];
  if (named !== undefined) return named;
  if (url === '') return name === 'parse' || name === 'stringify' ? `JSON.${name}` : name.startsWith('RegExp:') ? 'regular expressions' : `native: ${name || '(anonymous)'}`;
  const path = originOf(node.callFrame)?.source ?? url;
  for (const [label, pattern] of CATEGORIES) if (pattern.test(path)) return label;
  return 'other JS';
}

/** `pkg/file:line` or `src/…/file:line`, short enough for a table. */
function where(node: Node): string {
  const origin = originOf(node.callFrame);
  const url = origin?.source ?? node.callFrame.url;
  const line = origin?.line ?? node.callFrame.lineNumber + 1;
  const short = url.includes('node_modules/') ? url.slice(url.lastIndexOf('node_modules/') + 13) : url.replace(/^(?:\.\.\/)+|^.*\/(?=src\/)/, '').replace(/^.*\/dist\//, 'dist/');
  return `${short}:${line}`;
}

const { values, positionals } = parseArgs({ allowPositionals: true, options: { from: { type: 'string' }, to: { type: 'string' } } });
const from = values.from === undefined ? -Infinity : Number(values.from);
const to = values.to === undefined ? Infinity : Number(values.to);

for (const file of positionals) {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  let at = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    at += dt;
    if (at / 1e6 >= from && at / 1e6 <= to) self.set(id, (self.get(id) ?? 0) + dt);
  });
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const idle = [...self].filter(([id]) => categoryOf(byId.get(id)!) === 'idle').reduce((a, [, t]) => a + t, 0);
  const busy = total - idle;
  const categories = new Map<string, number>();
  const functions = new Map<string, number>();
  for (const [id, t] of self) {
    const node = byId.get(id)!;
    const cat = categoryOf(node);
    if (cat === 'idle') continue;
    categories.set(cat, (categories.get(cat) ?? 0) + t);
    const fn = `${originOf(node.callFrame)?.name ?? (node.callFrame.functionName || '(anonymous)')} ${where(node)}`;
    functions.set(fn, (functions.get(fn) ?? 0) + t);
  }
  const pct = (t: number): string => `${((100 * t) / busy).toFixed(1)} %`;
  const window = Number.isFinite(from) || Number.isFinite(to) ? ` (${values.from ?? '0'}–${values.to ?? 'end'} s)` : '';
  console.log(`${file}${window}: ${(total / 1e6).toFixed(2)} s profiled, ${(busy / 1e6).toFixed(2)} s busy (${((100 * busy) / total).toFixed(0)} %)`);
  console.log('  by category (share of busy time):');
  for (const [cat, t] of [...categories].sort((a, b) => b[1] - a[1]).slice(0, 16)) console.log(`    ${pct(t).padStart(7)}  ${cat}`);
  console.log('  top functions (self time):');
  for (const [fn, t] of [...functions].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`    ${pct(t).padStart(7)}  ${fn}`);
}
