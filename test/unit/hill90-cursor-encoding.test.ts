// The Hill90 seen-id checkpoint is serialized on every hand-off: at tail 5000 it must stay
// compact (its speed is in bench/seen-ids.ts), round-trip every kind of id exactly, read the older JSON form, and
// never throw on a damaged checkpoint.
import { describe, expect, it } from 'vitest';
import { capacityFor, SeenIds } from '../../src/sources/hill90/seen-ids.ts';
import { generateEvents } from '../../emulators/hill90.ts';

const familyOf = (id: string) => (id.startsWith('inference-') ? ('inference' as const) : ('container' as const));

describe('Hill90 seen-id checkpoint encoding', () => {
  // Its speed is measured by bench/seen-ids.ts (npm run bench), never asserted here.
  it('at tail 5000, full: small, and still exact after serializing every few events', () => {
    const seen = SeenIds.parse(undefined, capacityFor(5000));
    const events = generateEvents(21_000, { inferenceEvery: 2 });
    for (const e of events.slice(0, 20_000)) seen.admit(e.id, familyOf(e.id), Date.parse(e.timestamp));
    const full = seen.serialize();
    // Two full families of 5064 ids: ~32 characters each; the JSON form was ~590 KB.
    expect(full.length).toBeLessThan(2 * 5064 * 33);
    let i = 20_000;
    for (let round = 0; round < 100; round++) {
      for (let k = 0; k < 10; k++, i++) seen.admit(events[i]!.id, familyOf(events[i]!.id), Date.parse(events[i]!.timestamp));
      seen.serialize();
    }
    const restored = SeenIds.parse(seen.serialize(), capacityFor(5000));
    // The newest 5064 of each family are known, older ones are behind the floor.
    for (const e of events.slice(-100)) expect(restored.admit(e.id, familyOf(e.id), Date.parse(e.timestamp))).toBe(false);
    expect(restored.admit('0b5c4c2e-8d0a-4d7e-9f3e-2a1b3c4d5e6f', 'container', Date.parse(events.at(-1)!.timestamp) + 1)).toBe(true);
  });

  it('round-trips every kind of id exactly, with and without timestamps', () => {
    const ids: [string, number | undefined][] = [
      ['3c90c3cc-0d44-4b50-8888-8dd25736052a', 1_785_578_400_123],
      ['3C90C3CC-0D44-4B50-8888-8DD25736052A', 1_785_578_400_123], // not the same id as the lowercase one
      ['inference-7f1c2a9e-5b2e-4c1d-9a3b-0d4e5f6a7b8c', 1_785_578_400_124],
      ['inference-42', undefined],
      ['raw:abc#1', undefined],
      ['with ; , . : and spaces — ünïcödé ✓', 7],
      ['', 0],
    ];
    const seen = SeenIds.parse(undefined, 100);
    for (const [id, ts] of ids) expect(seen.admit(id, familyOf(id), ts), id).toBe(true);
    const restored = SeenIds.parse(seen.serialize(), 100);
    for (const [id, ts] of ids) expect(restored.admit(id, familyOf(id), ts), id).toBe(false);
    expect(restored.admit('3c90c3cc-0d44-4b50-8888-8dd25736052b', 'container', 1_785_578_400_123)).toBe(true);
    expect(restored.admit('inference-43', 'inference', undefined)).toBe(true);
    // A restored checkpoint, stored again with nothing new, is the same checkpoint.
    const stored = seen.serialize();
    expect(SeenIds.parse(stored, 100).serialize()).toBe(stored);
  });

  it('keeps evicting correctly across serializations (the floor and the newest ids)', () => {
    const seen = SeenIds.parse(undefined, 3);
    for (let i = 0; i < 10; i++) {
      seen.admit(`c${i}`, 'container', 1000 + i);
      if (i % 3 === 0) seen.serialize();
    }
    const restored = SeenIds.parse(seen.serialize(), 3);
    expect(['c7', 'c8', 'c9'].map((id) => restored.admit(id, 'container', 1000))).toEqual([false, false, false]);
    // c6 (1006) is the newest evicted: older unknown ids are old, c6 itself is known, another id of its millisecond is new.
    expect(restored.admit('x', 'container', 1005)).toBe(false);
    expect(restored.admit('c6', 'container', 1006)).toBe(false);
    expect(restored.admit('y', 'container', 1006)).toBe(true);
  });

  it('reads the JSON checkpoints written before, and a damaged checkpoint starts empty instead of throwing', () => {
    const legacy = JSON.stringify({ container: { ids: ['a', 'b'], ts: [5, 6], floor: 4, last: 6 }, inference: { ids: ['inference-x'], ts: [-1], floor: -1, last: -1 } });
    const restored = SeenIds.parse(legacy, 10);
    expect(restored.admit('a', 'container', 5)).toBe(false);
    expect(restored.admit('inference-x', 'inference', undefined)).toBe(false);
    expect(restored.admit('old', 'container', 3)).toBe(false);
    for (const damaged of ['{"container":', 'garbage', '2;c:zz:1:u!!,', '{"container":{"ids":5}}']) {
      const seen = SeenIds.parse(damaged, 10);
      expect(seen.admit('a', 'container', 5), damaged).toBe(true);
    }
  });
});
