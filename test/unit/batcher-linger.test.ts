/**
 * Nagle's rule for batches: a partial batch goes once its burst has ended and the exporter has
 * nothing to send, at most `lingerMs` after its newest record; partial batches leave at most once
 * per `lingerMs`, so low rates cost few requests. Fake timers: every time here is simulated.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Batcher } from '../../src/delivery/batcher.ts';
import type { BatchCodec } from '../../src/mapping/encoded-batch.ts';
import type { DeliveryQueue } from '../../src/delivery/queue.ts';
import { createRandom as random } from '../../emulators/shared/chunking.ts';

/** What left the batcher: when it was appended, and when each of its records was added. */
interface Sent {
  at: number;
  addedAt: number[];
}

/** A codec whose parts are the add times of the records, and a queue that records every append. */
function recordingPath() {
  const sent: Sent[] = [];
  let joined: number[] = [];
  const codec: BatchCodec<number[], number> = {
    prepare: (records) => ({ part: records, bytes: records.length }),
    join: (parts, records, bySource) => {
      joined = parts.flat();
      return Promise.resolve({ payload: new Uint8Array(1), contentType: 'x', contentEncoding: 'identity', records, bySource });
    },
  };
  const queue: DeliveryQueue = {
    append(batch) {
      sent.push({ at: performance.now(), addedAt: batch.records === 0 ? [] : joined });
      return Promise.resolve();
    },
    next: () => Promise.resolve(undefined),
    ack: () => undefined,
    size: () => ({ bytes: 0, records: 0, batches: 0 }),
    close: () => undefined,
  };
  return { codec, queue, sent };
}

function batcher(o: { lingerMs?: number; timeoutMs?: number; maxRecords?: number; idle?: () => boolean }) {
  const { codec, queue, sent } = recordingPath();
  const b = new Batcher<number[], number>({
    maxRecords: o.maxRecords ?? 2048,
    maxBytes: 1 << 20,
    timeoutMs: o.timeoutMs ?? 1000,
    lingerMs: o.lingerMs,
    deliveryIdle: o.idle,
    codec,
    queue,
    onError: (e) => {
      throw e;
    },
  });
  return { b, sent };
}

/** Add `counts[i]` records at `times[i]` (ms from now, ascending), then let `tailMs` pass. */
async function play(b: Batcher<number[], number>, times: number[], counts: number[] | number, tailMs: number): Promise<void> {
  const start = performance.now();
  for (let i = 0; i < times.length; i++) {
    await vi.advanceTimersByTimeAsync(start + times[i]! - performance.now());
    const n = typeof counts === 'number' ? counts : counts[i]!;
    const now = performance.now();
    await b.add('s/a', 's', Array.from({ length: n }, () => now), `cp-${i}`);
  }
  await vi.advanceTimersByTimeAsync(tailMs);
}


/** Arrival patterns of at most 100 records/s over `seconds`: [times, records per time]. */
function lowRatePatterns(seconds: number): Record<string, [number[], number[]]> {
  const span = seconds * 1000;
  const every = (ms: number, n: number): [number[], number[]] => {
    const times = Array.from({ length: Math.floor(span / ms) }, (_, i) => i * ms);
    return [times, times.map(() => n)];
  };
  const poisson = (seed: number, perSecond: number): [number[], number[]] => {
    const next = random(seed);
    const times: number[] = [];
    for (let t = -Math.log(1 - next()) * (1000 / perSecond); t < span; t += -Math.log(1 - next()) * (1000 / perSecond)) times.push(t);
    return [times, times.map(() => 1)];
  };
  const bursts = (seed: number): [number[], number[]] => {
    // Tracebacks: 5-40 lines written within a few ms, at random pauses; 100 records/s on average.
    const next = random(seed);
    const times: number[] = [];
    const counts: number[] = [];
    for (let t = 0; t < span; ) {
      const lines = 5 + Math.floor(next() * 36);
      for (let i = 0; i < lines; i++) {
        times.push(t + i * 0.2);
        counts.push(1);
      }
      t += lines * 10 * (0.5 + next());
    }
    return [times, counts];
  };
  return {
    '100 records/s evenly': every(10, 1),
    '20 records/s evenly': every(50, 1),
    'one record every 210 ms': every(210, 1),
    '10 records at once every 100 ms': every(100, 10),
    'poisson 100/s': poisson(1, 100),
    'poisson 20/s': poisson(2, 20),
    'tracebacks at random pauses': bursts(3),
  };
}

describe('batcher linger', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('a burst written at once leaves a few ms after it ends, long before linger', async () => {
    const { b, sent } = batcher({ lingerMs: 200, idle: () => true });
    await play(b, [0, 0.1, 0.2, 0.3], [10, 10, 10, 3], 1000);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.addedAt).toHaveLength(33);
    expect(sent[0]!.at - sent[0]!.addedAt.at(-1)!).toBeGreaterThanOrEqual(5);
    expect(sent[0]!.at - sent[0]!.addedAt.at(-1)!).toBeLessThan(10);
  });

  for (const [name, [times, counts]] of Object.entries(lowRatePatterns(20))) {
    it(`${name}: at most one partial request per linger, each within linger of its newest record`, async () => {
      const { b, sent } = batcher({ lingerMs: 200, timeoutMs: 1000, idle: () => true });
      await play(b, times, counts, 2000);
      const records = counts.reduce((a, c) => a + c, 0);
      expect(sent.reduce((a, s) => a + s.addedAt.length, 0)).toBe(records);
      for (let i = 1; i < sent.length; i++) expect(sent[i]!.at - sent[i - 1]!.at).toBeGreaterThanOrEqual(200);
      // + 1: timers fire on whole milliseconds, these records were added between them.
      for (const s of sent) expect(s.at - s.addedAt.at(-1)!).toBeLessThanOrEqual(200 + 1);
      for (const s of sent) expect(s.at - s.addedAt[0]!).toBeLessThanOrEqual(1000 + 1);
      expect(sent.length).toBeLessThanOrEqual(20 * 5 + 1);
    });
  }

  it('a steady 20 lines/s costs at most one request per 10 records, and the first line still leaves at once', async () => {
    const { b, sent } = batcher({ lingerMs: 200, timeoutMs: 1000, idle: () => true });
    const times = Array.from({ length: 20 * 60 }, (_, i) => i * 50);
    await play(b, times, 1, 2000);
    expect(sent.length / times.length).toBeLessThanOrEqual(0.1);
    expect(sent[0]!.at - sent[0]!.addedAt[0]!).toBeLessThanOrEqual(5);
  });

  it('keeps filling while records keep coming faster than the burst quiet', async () => {
    const { b, sent } = batcher({ lingerMs: 40, timeoutMs: 10_000, idle: () => true });
    // The first record alone leaves at once (nothing left recently); the next 19 come every 5 ms.
    await play(b, Array.from({ length: 20 }, (_, i) => i * 5), 1, 0);
    expect(sent).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(sent.map((s) => s.addedAt.length)).toEqual([1, 19]);
    expect(sent[1]!.at - sent[1]!.addedAt.at(-1)!).toBe(20);
  });

  it('waits while the exporter is busy, and goes once it is idle', async () => {
    let idle = false;
    const { b, sent } = batcher({ lingerMs: 5, timeoutMs: 10_000, idle: () => idle });
    await play(b, [0], 1, 150);
    expect(sent).toHaveLength(0);
    await play(b, [0], 1, 0);
    idle = true;
    await vi.advanceTimersByTimeAsync(20);
    expect(sent.map((s) => s.addedAt.length)).toEqual([2]);
  });

  it('a full batch goes at once and does not hold back the next partial one', async () => {
    const { b, sent } = batcher({ lingerMs: 200, maxRecords: 100, idle: () => true });
    await play(b, [0, 0.1], [100, 7], 20);
    expect(sent.map((s) => s.addedAt.length)).toEqual([100, 7]);
    expect(sent[1]!.at).toBeLessThan(10);
  });

  it('cursor movement alone (no records, e.g. skipped heartbeats) waits for the timeout', async () => {
    const { b, sent } = batcher({ lingerMs: 5, timeoutMs: 300, idle: () => true });
    await play(b, [0], 0, 299);
    expect(sent).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.addedAt).toHaveLength(0);
  });

  it('without linger, a partial batch waits for the timeout', async () => {
    const { b, sent } = batcher({ timeoutMs: 300, idle: () => true });
    await play(b, [0], 1, 299);
    expect(sent).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(sent).toHaveLength(1);
  });
});
