import { describe, expect, it } from 'vitest';
import { WindowCursor, alignWindow, type WindowEntry } from '../../src/sources/agentbox/cursor.ts';
import { entryHash } from '../../src/sources/shared/timestamp-cursor.ts';
import { createRandom } from '../../emulators/shared/chunking.ts';

interface Line {
  /** RFC 3339 text as the server sends it, or undefined (older servers). */
  time: string | undefined;
  text: string;
}

const entry = (l: Line): WindowEntry => ({ ts: l.time === undefined ? undefined : Date.parse(l.time), digest: entryHash(l.time ?? '', l.text) });

/** Poll the log's last `n` lines through a cursor, widened as the poller does; returns what was new. */
function poll(cursor: WindowCursor, log: readonly Line[], n: number, widen = true): { fresh: Line[]; gap: boolean } {
  let lines = cursor.requestLines(n);
  let window = log.slice(Math.max(0, log.length - lines));
  while (widen && cursor.needsWiderWindow(window.map(entry), lines)) {
    lines *= 2;
    window = log.slice(Math.max(0, log.length - lines));
  }
  const result = cursor.takeWindow(window.map(entry), lines);
  return { fresh: window.filter((_, i) => result.fresh[i]), gap: result.gap };
}

/** Kubelet-style nanosecond RFC 3339 text, `second` seconds after a fixed start. */
const at = (second: number): string => new Date(Date.parse('2026-09-04T10:00:00.123Z') + second * 1000).toISOString().replace('Z', '456789Z');

describe('window alignment', () => {
  it('finds the longest prefix of the window that ends like the tail, bounded', () => {
    expect(alignWindow(['b', 'c', 'd'], ['a', 'b', 'c'], 10)).toBe(2);
    expect(alignWindow(['x', 'x', 'x'], ['x', 'x'], 2)).toBe(2);
    expect(alignWindow(['x', 'x', 'x'], ['x', 'x'], 10)).toBe(3);
    expect(alignWindow(['q'], ['a'], 10)).toBe(0);
  });
});

describe('AgentBox window cursor with timestamps', () => {
  it('delivers identical lines at one timestamp exactly once across many polls of a small window, and across restarts', () => {
    const random = createRandom(7);
    const log: Line[] = [];
    let cursor = WindowCursor.parse(undefined).cursor;
    const delivered: Line[] = [];
    let second = 0;
    for (let round = 0; round < 400; round++) {
      // 0–3 new lines; often the same timestamp, often the same text.
      const add = Math.floor(random() * 4);
      for (let i = 0; i < add; i++) {
        if (random() < 0.3) second++;
        log.push({ time: at(second), text: random() < 0.5 ? 'tick' : `line ${log.length}` });
      }
      const { fresh, gap } = poll(cursor, log, 5);
      expect(gap).toBe(false);
      delivered.push(...fresh);
      if (round % 7 === 0) cursor = WindowCursor.parse(cursor.serialize()).cursor;
    }
    expect(delivered).toEqual(log);
  });

  it('an idle poll of a window full of identical lines repeats nothing; one more identical line is new', () => {
    const log: Line[] = Array.from({ length: 4 }, () => ({ time: at(1), text: 'same' }));
    const cursor = WindowCursor.parse(undefined).cursor;
    expect(poll(cursor, log, 10).fresh).toHaveLength(4);
    expect(poll(cursor, log, 10).fresh).toHaveLength(0);
    log.push({ time: at(1), text: 'same' });
    expect(poll(cursor, log, 10).fresh).toHaveLength(1);
    expect(poll(cursor, log, 3).fresh).toHaveLength(0);
  });

  it('a window cut through the group at the cursor timestamp: the cut part is counted as seen', () => {
    const log: Line[] = [
      { time: at(1), text: 'a' },
      { time: at(1), text: 'x' },
      { time: at(1), text: 'x' },
    ];
    const cursor = WindowCursor.parse(undefined).cursor;
    expect(poll(cursor, log, 3).fresh).toHaveLength(3);
    log.push({ time: at(1), text: 'b' }, { time: at(1), text: 'x' });
    // Window [x, b, x] (not widened): one x repeats, b and the last x are new.
    expect(poll(cursor, log, 3, false).fresh).toEqual([
      { time: at(1), text: 'b' },
      { time: at(1), text: 'x' },
    ]);
  });

  it('counts a gap when more lines happened than the window holds, and delivers the whole window', () => {
    const log: Line[] = [{ time: at(1), text: 'first' }];
    const cursor = WindowCursor.parse(undefined).cursor;
    poll(cursor, log, 3);
    for (let i = 0; i < 10; i++) log.push({ time: at(2 + i), text: `burst ${i}` });
    const { fresh, gap } = poll(cursor, log, 3);
    expect(gap).toBe(true);
    // One line more than `lines` is asked once lines were seen: it tells "exactly lines" from "more".
    expect(fresh.map((l) => l.text)).toEqual(['burst 6', 'burst 7', 'burst 8', 'burst 9']);
    expect(poll(cursor, log, 3)).toEqual({ fresh: [], gap: false });
  });

  it('lines: 1 — one new line per poll is no gap', () => {
    const log: Line[] = [{ time: at(0), text: 'boot' }];
    const cursor = WindowCursor.parse(undefined).cursor;
    const delivered: Line[] = [];
    for (let i = 1; i <= 20; i++) {
      const { fresh, gap } = poll(cursor, log, 1);
      expect(gap).toBe(false);
      delivered.push(...fresh);
      log.push({ time: at(i), text: i % 3 ? 'tick' : `line ${i}` });
    }
    delivered.push(...poll(cursor, log, 1).fresh);
    expect(delivered).toEqual(log);
  });

  it('a burst of exactly `lines` lines between two polls is no gap; one more is one gap', () => {
    const log: Line[] = [{ time: at(0), text: 'first' }];
    const cursor = WindowCursor.parse(undefined).cursor;
    poll(cursor, log, 3);
    log.push(...[1, 2, 3].map((i) => ({ time: at(i), text: `exact ${i}` })));
    expect(poll(cursor, log, 3)).toEqual({ fresh: log.slice(1), gap: false });
    log.push(...[4, 5, 6, 7].map((i) => ({ time: at(i), text: `over ${i}` })));
    expect(poll(cursor, log, 3).gap).toBe(true);
  });

  it('a container restart whose log starts over, shorter than the window: its lines are new, no gap', () => {
    const log: Line[] = [1, 2, 3, 4, 5].map((i) => ({ time: at(i), text: `old ${i}` }));
    const cursor = WindowCursor.parse(undefined).cursor;
    poll(cursor, log, 10);
    const restarted: Line[] = [{ time: at(9), text: 'old 1' }, { time: at(9), text: 'boot' }];
    expect(poll(cursor, restarted, 10)).toEqual({ fresh: restarted, gap: false });
    restarted.push({ time: at(10), text: 'work' });
    expect(poll(cursor, restarted, 10)).toEqual({ fresh: [restarted[2]], gap: false });
  });
});

describe('AgentBox window cursor without timestamps (hash-sequence fallback)', () => {
  it('finds where each new window overlaps the old tail, across restarts', () => {
    const random = createRandom(11);
    const log: Line[] = [];
    let cursor = WindowCursor.parse(undefined).cursor;
    const delivered: Line[] = [];
    for (let round = 0; round < 300; round++) {
      const add = Math.floor(random() * 4);
      for (let i = 0; i < add; i++) log.push({ time: undefined, text: random() < 0.2 ? 'tick' : `line ${log.length}` });
      const { fresh, gap } = poll(cursor, log, 8);
      expect(gap).toBe(false);
      delivered.push(...fresh);
      if (round % 5 === 0) cursor = WindowCursor.parse(cursor.serialize()).cursor;
    }
    expect(delivered).toEqual(log);
  });

  it('identical lines while the log is shorter than the window: the count of handed lines decides', () => {
    const log: Line[] = [
      { time: undefined, text: 'x' },
      { time: undefined, text: 'x' },
    ];
    const cursor = WindowCursor.parse(undefined).cursor;
    expect(poll(cursor, log, 10).fresh).toHaveLength(2);
    expect(poll(cursor, log, 10).fresh).toHaveLength(0);
    log.push({ time: undefined, text: 'x' });
    expect(poll(cursor, log, 10).fresh).toHaveLength(1);
  });

  it('no overlap with what was seen: a counted gap, and the whole window is new', () => {
    const log: Line[] = [{ time: undefined, text: 'one' }];
    const cursor = WindowCursor.parse(undefined).cursor;
    poll(cursor, log, 2);
    log.push(...['two', 'three', 'four'].map((text) => ({ time: undefined, text })));
    const { fresh, gap } = poll(cursor, log, 2);
    expect(gap).toBe(true);
    expect(fresh.map((l) => l.text)).toEqual(['two', 'three', 'four']);
  });
});

describe('AgentBox window cursor in follow mode', () => {
  it('a replayed window then live lines, again after a reconnect, each line once', () => {
    const log: Line[] = [
      { time: at(1), text: 'x' },
      { time: at(1), text: 'x' },
    ];
    const cursor = WindowCursor.parse(undefined).cursor;
    expect(cursor.takeWindow(log.map(entry), 10).fresh).toEqual([true, true]);
    const live: Line[] = [
      { time: at(1), text: 'x' },
      { time: at(2), text: 'y' },
    ];
    log.push(...live);
    expect(cursor.takeLive(live.map(entry))).toEqual([true, true]);
    // Reconnect with lines=3: [x, x, y] replayed, one more line after it.
    const restored = WindowCursor.parse(cursor.serialize()).cursor;
    log.push({ time: at(2), text: 'y' });
    expect(restored.takeWindow(log.slice(-4).map(entry), 4).fresh).toEqual([false, false, false, true]);
  });
});

describe('AgentBox window cursor with late lines (stdout and stderr are stamped apart)', () => {
  it('a line stamped before the newest handed line but written after it is new, once', () => {
    const log: Line[] = [
      { time: at(1), text: 'a' },
      { time: at(3), text: 'b' },
    ];
    const cursor = WindowCursor.parse(undefined).cursor;
    expect(poll(cursor, log, 10).fresh).toEqual(log);
    log.push({ time: at(2), text: 'late on stderr' }, { time: at(4), text: 'c' });
    expect(poll(cursor, log, 10)).toEqual({ fresh: log.slice(2), gap: false });
    expect(poll(cursor, log, 10).fresh).toEqual([]);
    expect(poll(WindowCursor.parse(cursor.serialize()).cursor, log, 10).fresh).toEqual([]);
    // A late line that is the last one of its poll's window.
    log.push({ time: at(3.5), text: 'late again' });
    expect(poll(cursor, log, 10)).toEqual({ fresh: [log.at(-1)], gap: false });
    expect(poll(cursor, log, 10).fresh).toEqual([]);
  });

  it('after a late line, idle polls repeat nothing; late lines after the newest one left the window are new', () => {
    const play = (n: number, rounds: Line[][]): Line[] => {
      const log: Line[] = [];
      const cursor = WindowCursor.parse(undefined).cursor;
      const delivered: Line[] = [];
      for (const add of rounds) {
        log.push(...add);
        delivered.push(...poll(cursor, log, n).fresh);
      }
      expect(delivered).toEqual(log);
      return delivered;
    };
    const l = (text: string, ms: number): Line => ({ time: at(ms / 1000), text });
    // The newest group and a late line: the next windows start in that group.
    play(3, [[l('a', 10)], [l('b', 8)], [], []]);
    play(100, [[l('x', 1), l('a', 10)], [l('b', 8)], [], [l('c', 12)], []]);
    play(3, [[l('a', 10), l('b', 8)], []]);
    // `a` (the newest) has left the 4-line window when c and d, stamped before it, come.
    play(3, [[l('x', 1), l('y', 2), l('a', 10)], [l('b', 7)], [l('c', 8), l('d', 9), l('e', 11)]]);
  });
});

describe('AgentBox window cursor, differential', () => {
  /** A log written in rounds (some stderr lines stamped up to `skewMs` early), polled after each. */
  function replay(seed: number, o: { n: number; skewMs: number; stepMs: number; texts: number; restartEvery: number }): { log: Line[]; delivered: Line[] } {
    const random = createRandom(seed);
    const log: Line[] = [];
    const delivered: Line[] = [];
    let cursor = WindowCursor.parse(undefined).cursor;
    let clock = 0;
    for (let round = 0; round < 150; round++) {
      for (let i = Math.floor(random() * (o.n + 1)); i > 0; i--) {
        if (random() < 0.5) clock += o.stepMs;
        const skew = random() < 0.3 ? Math.floor(random() * (o.skewMs + 1)) : 0;
        const text = o.texts > 0 ? `t${Math.floor(random() * o.texts)}` : `line ${log.length}`;
        log.push({ time: at(Math.max(0, clock - skew) / 1000), text });
      }
      const { fresh, gap } = poll(cursor, log, o.n);
      expect(gap).toBe(false);
      delivered.push(...fresh);
      if (o.restartEvery > 0 && round % o.restartEvery === 0) cursor = WindowCursor.parse(cursor.serialize()).cursor;
    }
    return { log, delivered };
  }

  it.each([
    { n: 5, skewMs: 15, stepMs: 10, texts: 0, restartEvery: 3 },
    { n: 1, skewMs: 15, stepMs: 10, texts: 0, restartEvery: 0 },
    { n: 20, skewMs: 50, stepMs: 10, texts: 0, restartEvery: 5 },
    // stderr's stamp up to 2 s behind stdout's, lines up to 200 ms apart.
    { n: 8, skewMs: 2000, stepMs: 200, texts: 0, restartEvery: 9 },
    { n: 5, skewMs: 0, stepMs: 10, texts: 2, restartEvery: 3 },
  ])('every line exactly once, in order: window $n, skew $skewMs ms, $texts distinct texts, restart every $restartEvery', (o) => {
    for (let seed = 1; seed <= 40; seed++) {
      const { log, delivered } = replay(seed, o);
      expect(delivered.map((l) => `${l.time} ${l.text}`), `seed ${seed}`).toEqual(log.map((l) => `${l.time} ${l.text}`));
    }
  });
});

describe('AgentBox window cursor, checkpoints inside a window', () => {
  /**
   * The hand-off gives the cursor's checkpoint after any line of a window (a slice of MAX_EMIT
   * lines, or the line before an open multiline group): a restart from it must go on with exactly
   * the lines after that one.
   */
  function crashInside(seed: number, o: { n: number; skewMs: number; texts: number }): { log: Line[]; delivered: Line[] } {
    const random = createRandom(seed);
    const log: Line[] = [];
    const delivered: Line[] = [];
    let cursor = WindowCursor.parse(undefined).cursor;
    let clock = 0;
    let crashed = false;
    for (let round = 0; round < 150; round++) {
      // Right after a crash the daemon restarts before new lines push the rest of the window out
      // (more than `lines` lines while it is down is a gap, inside a window or not).
      for (let i = crashed ? 0 : Math.floor(random() * (o.n + 1)); i > 0; i--) {
        if (random() < 0.5) clock += 10;
        const skew = random() < 0.3 ? Math.floor(random() * (o.skewMs + 1)) : 0;
        const text = o.texts > 0 ? `t${Math.floor(random() * o.texts)}` : `line ${log.length}`;
        log.push({ time: at(Math.max(0, clock - skew) / 1000), text });
      }
      let lines = cursor.requestLines(o.n);
      let window = log.slice(Math.max(0, log.length - lines));
      while (cursor.needsWiderWindow(window.map(entry), lines)) {
        lines *= 2;
        window = log.slice(Math.max(0, log.length - lines));
      }
      const take = cursor.window(window.map(entry), lines);
      expect(take.gap).toBe(false);
      // A crash after a random number of lines of this window (sometimes none of them, sometimes all).
      const crashAfter = random() < 0.4 ? Math.floor(random() * (window.length + 1)) : window.length;
      for (let i = 0; i < crashAfter; i++) if (take.next()) delivered.push(window[i]!);
      crashed = crashAfter < window.length;
      if (crashed) cursor = WindowCursor.parse(cursor.serialize()).cursor;
    }
    // The log stops growing: polls until nothing is new.
    for (let i = 0; i < 3; i++) delivered.push(...poll(cursor, log, o.n).fresh);
    return { log, delivered };
  }

  it.each([
    { n: 5, skewMs: 0, texts: 0 },
    { n: 20, skewMs: 50, texts: 0 },
    { n: 5, skewMs: 0, texts: 2 },
  ])('every line exactly once: window $n, skew $skewMs ms, $texts distinct texts', (o) => {
    for (let seed = 1; seed <= 40; seed++) {
      const { log, delivered } = crashInside(seed, o);
      expect(delivered.map((l) => `${l.time} ${l.text}`), `seed ${seed}`).toEqual(log.map((l) => `${l.time} ${l.text}`));
    }
  });
});
