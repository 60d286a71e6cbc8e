/**
 * Nagle's rule for batches: a partial batch goes as soon as the sources paused for `lingerMs`
 * and the exporter has nothing to send; while the exporter is busy, or records keep coming,
 * it waits (up to `timeoutMs`) and fills up.
 */
import { describe, expect, it } from 'vitest';
import { Batcher } from '../../src/delivery/batcher.ts';
import type { BatchCodec } from '../../src/mapping/encoded-batch.ts';
import type { DeliveryQueue, EncodedBatch } from '../../src/delivery/queue.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import { until } from '../helpers/until.ts';

/** A queue that records what was appended, with an exporter that is idle or busy on demand. */
function recordingQueue() {
  const appended: { records: number; at: number }[] = [];
  const queue: DeliveryQueue = {
    append(batch: EncodedBatch) {
      appended.push({ records: batch.records, at: performance.now() });
      return Promise.resolve();
    },
    next: () => Promise.resolve(undefined),
    ack: () => undefined,
    size: () => ({ bytes: 0, records: 0, batches: 0 }),
    close: () => undefined,
  };
  return { queue, appended };
}

const countingCodec: BatchCodec<number, string> = {
  prepare: (records) => ({ part: records.length, bytes: records.length }),
  join: (_parts, records, bySource) => Promise.resolve({ payload: new Uint8Array(1), contentType: 'x', contentEncoding: 'identity', records, bySource }),
};

function batcher(queue: DeliveryQueue, o: { lingerMs?: number; timeoutMs?: number; idle?: () => boolean }) {
  return new Batcher<number, string>({
    maxRecords: 1000,
    maxBytes: 1 << 20,
    timeoutMs: o.timeoutMs ?? 10_000,
    lingerMs: o.lingerMs,
    deliveryIdle: o.idle,
    codec: countingCodec,
    queue,
    onError: (e) => {
      throw e;
    },
  });
}

describe('batcher linger', () => {
  it('sends a partial batch once the sources paused and the exporter is idle, long before the timeout', async () => {
    const { queue, appended } = recordingQueue();
    const b = batcher(queue, { lingerMs: 5, timeoutMs: 10_000, idle: () => true });
    const added = performance.now();
    await b.add('s/a', 's', ['1', '2', '3'], 'cp-3');
    await until(() => appended.length === 1, 'the lingering batch', 2000);
    expect(appended[0]!.records).toBe(3);
    expect(appended[0]!.at - added).toBeGreaterThanOrEqual(4);
    expect(appended[0]!.at - added).toBeLessThan(1000);
  });

  it('keeps filling while records keep coming, and sends them as one batch when they stop', async () => {
    const { queue, appended } = recordingQueue();
    const b = batcher(queue, { lingerMs: 40, idle: () => true });
    for (let i = 0; i < 20; i++) {
      await b.add('s/a', 's', [`r${i}`], `cp-${i}`);
      await sleep(5);
    }
    expect(appended).toHaveLength(0);
    await until(() => appended.length === 1, 'the batch after the pause', 2000);
    expect(appended[0]!.records).toBe(20);
  });

  it('waits while the exporter is busy, and goes once it is idle', async () => {
    const { queue, appended } = recordingQueue();
    let idle = false;
    const b = batcher(queue, { lingerMs: 5, idle: () => idle });
    await b.add('s/a', 's', ['1'], 'cp-1');
    await sleep(150);
    expect(appended).toHaveLength(0);
    await b.add('s/a', 's', ['2'], 'cp-2');
    idle = true;
    await until(() => appended.length === 1, 'the batch after the exporter went idle', 2000);
    expect(appended[0]!.records).toBe(2);
  });

  it('cursor movement alone (no records, e.g. skipped heartbeats) waits for the timeout', async () => {
    const { queue, appended } = recordingQueue();
    const b = batcher(queue, { lingerMs: 5, timeoutMs: 300, idle: () => true });
    await b.add('s/a', 's', [], 'cp-heartbeat');
    await sleep(100);
    expect(appended).toHaveLength(0);
    await until(() => appended.length === 1, 'the timed-out checkpoint', 2000);
    expect(appended[0]!.records).toBe(0);
  });

  it('without linger, a partial batch waits for the timeout', async () => {
    const { queue, appended } = recordingQueue();
    const b = batcher(queue, { timeoutMs: 300, idle: () => true });
    const added = performance.now();
    await b.add('s/a', 's', ['1'], 'cp-1');
    await sleep(100);
    expect(appended).toHaveLength(0);
    await until(() => appended.length === 1, 'the timed-out batch', 2000);
    expect(appended[0]!.at - added).toBeGreaterThanOrEqual(290);
  });
});
