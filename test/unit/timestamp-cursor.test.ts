import { describe, expect, it } from 'vitest';
import { TimestampCursor, entryHash } from '../../src/sources/shared/timestamp-cursor.ts';

/** Feed a replayed sequence through a cursor restored from `saved`; return what passes. */
function replay(saved: string | undefined, entries: [number | undefined, string][]): { passed: string[]; cursor: string } {
  const cursor = TimestampCursor.parse(saved);
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
