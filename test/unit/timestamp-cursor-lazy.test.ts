/**
 * Digests given as functions (hashed only when the cursor needs them) make exactly the decisions
 * and checkpoints of digests given as strings, across replays, late lines, lines without
 * timestamps, folding, and checkpoints taken at any point; and most entries are never hashed.
 */
import { describe, expect, it } from 'vitest';
import { entryHash, TimestampCursor } from '../../src/sources/shared/timestamp-cursor.ts';

/** A small deterministic PRNG (mulberry32). */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Line {
  ts: number | undefined;
  text: string;
}

/** A log with bursts at one millisecond, exact repeats, lines without timestamp and late lines. */
function makeLog(rnd: () => number, n: number): Line[] {
  const lines: Line[] = [];
  let ts = 1_000;
  for (let i = 0; i < n; i++) {
    const r = rnd();
    if (r < 0.5) ts += 1 + Math.floor(rnd() * 3);
    const text = rnd() < 0.2 && lines.length > 0 ? lines[lines.length - 1]!.text : `line ${Math.floor(rnd() * 50)}`;
    const late = rnd() < 0.03;
    lines.push({ ts: rnd() < 0.05 ? undefined : late ? ts - 5 : ts, text });
  }
  return lines;
}

describe('timestamp cursor with lazy digests', () => {
  it('decides and serializes exactly as with eager digests', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const rnd = random(seed);
      const log = makeLog(rnd, 300);
      if (seed % 5 === 0) for (let i = 0; i < 4200; i++) log.push({ ts: 99_999, text: `burst ${i}` }); // folds
      let eagerState: string | undefined;
      let lazyState: string | undefined;
      let hashed = 0;
      for (let connection = 0; connection < 6; connection++) {
        const eager = TimestampCursor.parse(eagerState).cursor;
        const lazy = TimestampCursor.parse(lazyState).cursor;
        eager.startConnection();
        lazy.startConnection();
        // Each connection replays from a random earlier point and reads a random way further.
        const a: unknown[] = [];
        const b: unknown[] = [];
        const from = Math.floor(rnd() * log.length * 0.5);
        const to = Math.min(log.length, from + Math.floor(rnd() * log.length));
        for (let i = from; i < to; i++) {
          const line = log[i]!;
          const digest = entryHash(String(line.ts), line.text);
          if (line.ts !== undefined && rnd() < 0.05) {
            a.push(lazy.wouldAdmit(line.ts, () => (hashed++, digest)));
            b.push(eager.wouldAdmit(line.ts, digest));
          }
          a.push(lazy.admit(line.ts, () => (hashed++, digest)));
          b.push(eager.admit(line.ts, digest));
          if (rnd() < 0.02) {
            a.push(lazy.serialize());
            b.push(eager.serialize());
          }
        }
        expect(a).toEqual(b);
        eagerState = eager.serialize();
        lazyState = lazy.serialize();
        expect(lazyState).toBe(eagerState);
      }
      if (seed % 5 !== 0) expect(hashed).toBeLessThan(log.length * 6);
    }
  });

  it('hashes only the entries at the newest position when a stream moves on', () => {
    const cursor = TimestampCursor.parse(undefined).cursor;
    cursor.startConnection();
    let hashed = 0;
    for (let i = 0; i < 10_000; i++) cursor.admit(1_000 + Math.floor(i / 2), () => (hashed++, `d${i}`));
    expect(cursor.serialize()).toBe(JSON.stringify({ ts: 5_999, counts: { d9998: 1, d9999: 1 } }));
    expect(hashed).toBe(2);
  });
});
