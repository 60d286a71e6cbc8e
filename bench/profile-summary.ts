/**
 * Where a .cpuprofile (node --cpu-prof) spent its time: self time by category and
 * the top functions. For docs/BENCHMARKS.md's "what limits each figure".
 *
 *   BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" node bench/run.ts --scenario a --program daemon --runs 1
 *   node bench/profile-summary.ts /tmp/prof/CPU.*.cpuprofile
 */
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

/** First match wins: the category a function's self time is counted in (tested on its script URL). */
const CATEGORIES: [string, RegExp][] = [
  ['protobuf encode (otlp-transformer)', /otlp-transformer|protobufjs/],
  ['SSE parsing (eventsource-parser, sse-reader)', /eventsource-parser|sse-reader/],
  ['SQLite (spool, checkpoints)', /sqlite|spool|checkpoint/i],
  ['gzip (node:zlib)', /^node:zlib/],
  ['hashing (node:crypto)', /^node:internal\/crypto/],
  ['HTTP client (undici)', /undici/],
  ['module loading (startup)', /^node:internal\/modules/],
  ['Foundry source (parser, follower, cursor)', /\/sources\//],
  ['pipeline (mapper, batcher, queue)', /\/pipeline\//],
  ['export (exporter, retries)', /\/export\//],
  ['node internals (streams, net, timers)', /^node:/],
];

const NAMED: Record<string, string> = { '(idle)': 'idle', '(garbage collector)': 'GC', '(program)': 'native, unattributed', '(root)': 'idle' };

function categoryOf(node: Node): string {
  const { functionName: name, url } = node.callFrame;
  const named = NAMED[name];
  if (named !== undefined) return named;
  if (url === '') return name === 'parse' || name === 'stringify' ? `JSON.${name}` : `native: ${name || '(anonymous)'}`;
  for (const [label, pattern] of CATEGORIES) if (pattern.test(url)) return label;
  return 'other JS';
}

/** `pkg/file:line` or `src-relative/file:line`, short enough for a table. */
function where(node: Node): string {
  const { url, lineNumber } = node.callFrame;
  const short = url.includes('node_modules/') ? url.slice(url.lastIndexOf('node_modules/') + 13) : url.replace(/^.*\/dist\//, 'dist/');
  return `${short}:${lineNumber + 1}`;
}

for (const file of process.argv.slice(2)) {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
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
    const fn = `${node.callFrame.functionName || '(anonymous)'} ${where(node)}`;
    functions.set(fn, (functions.get(fn) ?? 0) + t);
  }
  const pct = (t: number): string => `${((100 * t) / busy).toFixed(1)} %`;
  console.log(`${file}: ${(total / 1e6).toFixed(2)} s profiled, ${(busy / 1e6).toFixed(2)} s busy (${((100 * busy) / total).toFixed(0)} %)`);
  console.log('  by category (share of busy time):');
  for (const [cat, t] of [...categories].sort((a, b) => b[1] - a[1]).slice(0, 14)) console.log(`    ${pct(t).padStart(7)}  ${cat}`);
  console.log('  top functions (self time):');
  for (const [fn, t] of [...functions].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`    ${pct(t).padStart(7)}  ${fn}`);
}
