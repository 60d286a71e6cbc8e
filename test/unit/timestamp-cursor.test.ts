import { describe, expect, it } from 'vitest';
import { TimestampCursor, entryHash } from '../../src/sources/shared/timestamp-cursor.ts';

/** Feed a replayed sequence through a cursor restored from `saved`; return what passes. */
function replay(saved: string | undefined, entries: [number | undefined, string][]): { passed: string[]; cursor: string } {
  const cursor = TimestampCursor.parse(saved).cursor;
  cursor.startConnection();
  const passed = entries.filter(([ts, text]) => cursor.admit(ts, entryHash(text))).map(([, t]) => t);
  return { passed, cursor: cursor.serialize() };
}

describe('timestamp + hashes cursor', () => {
  const history: [number | undefined, string][] = [
    [1000, 'a'],
    [1000, 'same'],
    [1000, 'same'],
    [1001, 'b'],
    [undefined, 'raw after b'],
    [1001, 'same'],
    [1001, 'same'],
  ];

  it('passes everything on first start, including identical lines at one timestamp', () => {
    expect(replay(undefined, history).passed).toEqual(history.map(([, t]) => t));
  });

  it('skips exactly what was handed off when the whole history is replayed, at every cut point', () => {
    for (let cut = 0; cut <= history.length; cut++) {
      const first = replay(undefined, history.slice(0, cut));
      const second = replay(first.cursor, history);
      expect([...first.passed, ...second.passed]).toEqual(history.map(([, t]) => t));
    }
  });

  it('treats a third identical line at the same timestamp as new after two were handed off', () => {
    const first = replay(undefined, [
      [5, 'x'],
      [5, 'x'],
    ]);
    const second = replay(first.cursor, [
      [5, 'x'],
      [5, 'x'],
      [5, 'x'],
    ]);
    expect(second.passed).toEqual(['x']);
  });

  it('skips entries older than the cursor', () => {
    const first = replay(undefined, [[10, 'new']]);
    expect(replay(first.cursor, [[9, 'old'], [10, 'new'], [11, 'newer']]).passed).toEqual(['newer']);
  });
});

describe('late lines on a live connection', () => {
  it('admits a line stamped earlier than the cursor once the connection is live, and skips it on replay', () => {
    const history: [number | undefined, string][] = [
      [100, 'status line from the platform clock'],
      [97, 'container line, 3 ms behind'],
      [101, 'next'],
    ];
    const first = replay(undefined, history);
    expect(first.passed).toEqual(history.map(([, t]) => t));
    // Restart after everything was handed off: the replay repeats nothing.
    expect(replay(first.cursor, history).passed).toEqual([]);
    // Restart after only the first line was handed off: the late line is history, the rest is new.
    const partial = replay(undefined, history.slice(0, 1));
    expect(replay(partial.cursor, history).passed).toEqual(['next']);
  });

  it('keeps counting identical lines at the newest timestamp across a late line', () => {
    const first = replay(undefined, [
      [10, 'x'],
      [9, 'late'],
      [10, 'x'],
    ]);
    expect(first.passed).toEqual(['x', 'late', 'x']);
    expect(replay(first.cursor, [[10, 'x'], [10, 'x'], [10, 'x']]).passed).toEqual(['x']);
  });
});
