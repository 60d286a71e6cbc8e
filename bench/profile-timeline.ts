/**
 * A .cpuprofile over time: how busy the main thread was in each 100 ms, and what it spent a
 * window of the run on (self and inclusive time). profile-summary.ts sums the whole run; this
 * tells the stream apart from start-up, a wait, and shutdown (it found the batch timeout that
 * was a second of every one-stream run).
 *
 *   node bench/profile-timeline.ts /tmp/prof/CPU.*.cpuprofile              # busy % per 100 ms
 *   node bench/profile-timeline.ts /tmp/prof/CPU.*.cpuprofile 0.4 1.35    # what 0.4 s–1.35 s went to
 */
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

const [file, from, to] = process.argv.slice(2);
if (!file) {
  console.error('usage: node bench/profile-timeline.ts FILE.cpuprofile [FROM_S TO_S]');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const label = (n: Node): string => `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.split('/').slice(-2).join('/')}:${n.callFrame.lineNumber}`;
const isIdle = (n: Node): boolean => n.callFrame.functionName === '(idle)';

/** Each sample with its time in seconds since the profile started. */
const samples: { at: number; node: Node }[] = [];
let t = profile.startTime;
for (let i = 0; i < profile.samples.length; i++) {
  t += profile.timeDeltas[i]!;
  samples.push({ at: (t - profile.startTime) / 1e6, node: byId.get(profile.samples[i]!)! });
}

if (from === undefined) {
  const buckets = new Map<number, { busy: number; all: number }>();
  for (const { at, node } of samples) {
    const b = Math.floor(at * 10);
    const e = buckets.get(b) ?? { busy: 0, all: 0 };
    e.all++;
    if (!isIdle(node)) e.busy++;
    buckets.set(b, e);
  }
  console.log([...buckets].map(([b, e]) => `${(b / 10).toFixed(1)}s ${Math.round((100 * e.busy) / e.all)}%`).join('  '));
} else {
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let all = 0;
  let busy = 0;
  for (const { at, node } of samples) {
    if (at < Number(from) || at > Number(to)) continue;
    all++;
    if (isIdle(node)) continue;
    busy++;
    self.set(label(node), (self.get(label(node)) ?? 0) + 1);
    const seen = new Set<string>();
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const l = label(byId.get(id)!);
      if (seen.has(l)) continue;
      seen.add(l);
      inclusive.set(l, (inclusive.get(l) ?? 0) + 1);
    }
  }
  const top = (m: Map<string, number>, n: number): string[] =>
    [...m].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => `${((100 * v) / busy).toFixed(1).padStart(5)} %  ${k}`);
  console.log(`${from}–${to} s: ${all} samples, busy ${Math.round((100 * busy) / Math.max(1, all))} %; shares of the busy time`);
  console.log('self:', ...top(self, 25).map((l) => `\n  ${l}`));
  console.log('inclusive:', ...top(inclusive, 40).map((l) => `\n  ${l}`));
}
