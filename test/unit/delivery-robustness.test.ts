/**
 * Failure paths of the delivery core found in review: a failed hand-off is retried in order
 * (never skipped by a later checkpoint), huge Retry-After values cannot become a busy loop,
 * and only 4xx answers drop a batch.
 */
import { describe, expect, it } from 'vitest';
import { classifyResponse } from '../../src/export/classify.ts';
import { MAX_RETRY_AFTER_MS, parseRetryAfter } from '../../src/util/retry-after.ts';
import { Batcher } from '../../src/delivery/batcher.ts';
import type { BatchCodec } from '../../src/mapping/encoded-batch.ts';
import type { LogRecord } from '../../src/mapping/mapper.ts';
import { QueueClosedError, type DeliveryQueue, type EncodedBatch, type QueuedBatch } from '../../src/delivery/queue.ts';
import { sleep } from '../../src/util/backoff.ts';

/** A queue whose first `failures` appends throw like a full disk. */
function flakyQueue(failures: number) {
  const appended: { records: number; checkpoints: Record<string, string> }[] = [];
  let left = failures;
  let closed = false;
  const queue: DeliveryQueue = {
    append(batch: EncodedBatch, checkpoints: ReadonlyMap<string, string>) {
      if (closed) return Promise.reject(new QueueClosedError('test queue'));
      if (left > 0) {
        left -= 1;
        return Promise.reject(new Error('SQLITE_FULL: database or disk is full'));
      }
      appended.push({ records: batch.records, checkpoints: Object.fromEntries(checkpoints) });
      return Promise.resolve();
    },
    next: () => Promise.resolve(undefined),
    ack: (_b: QueuedBatch) => undefined,
    size: () => ({ bytes: 0, records: 0, batches: 0 }),
    close: () => {
      closed = true;
    },
  };
  return { queue, appended };
}

const record = (body: string) => ({ body, attributes: {} }) as unknown as LogRecord;

/** A codec that keeps record counts only: these tests are about hand-off order and batch bounds. */
const countingCodec: BatchCodec<number> = {
  prepare: (records) => ({ part: records.length, bytes: records.length }),
  join: (_parts, records, bySource) =>
    Promise.resolve({ payload: new Uint8Array(1), contentType: 'x', contentEncoding: 'identity', records, bySource }),
};

describe('batcher hand-off failures', () => {
  it('retries a failed append and never lets a later batch commit past it', async () => {
    const { queue, appended } = flakyQueue(2);
    const errors: unknown[] = [];
    const batcher = new Batcher({
      maxRecords: 2,
      maxBytes: 1 << 20,
      timeoutMs: 10_000,
      codec: countingCodec,
      queue,
      onError: (e) => errors.push(e),
    });
    await batcher.add('s/a', 's', [record('1'), record('2')], 'cp-2');
    await batcher.add('s/a', 's', [record('3'), record('4')], 'cp-4');
    await batcher.add('s/a', 's', [record('5')], 'cp-5');
    await batcher.close();
    expect(errors.length).toBe(2);
    expect(appended).toEqual([
      { records: 2, checkpoints: { 's/a': 'cp-2' } },
      { records: 2, checkpoints: { 's/a': 'cp-4' } },
      { records: 1, checkpoints: { 's/a': 'cp-5' } },
    ]);
  });
});

describe('export outcome classification', () => {
  it('drops only on 4xx other than 408/429; 3xx and 5xx are retried', () => {
    const empty = new Uint8Array(0);
    expect(classifyResponse(400, {}, empty).status).toBe('failure');
    expect(classifyResponse(413, {}, empty).status).toBe('failure');
    expect(classifyResponse(408, {}, empty).status).toBe('retryable');
    expect(classifyResponse(429, { 'retry-after': '3' }, empty)).toMatchObject({ status: 'retryable', retryAfterMs: 3000 });
    expect(classifyResponse(301, { location: 'https://x' }, empty).status).toBe('retryable');
    expect(classifyResponse(503, {}, empty).status).toBe('retryable');
    expect(classifyResponse(204, {}, empty)).toEqual({ status: 'success', rejected: 0 });
  });

  it('caps Retry-After and reads HTTP dates', () => {
    expect(parseRetryAfter('3000000')).toBe(MAX_RETRY_AFTER_MS);
    expect(parseRetryAfter(new Date(Date.now() + 5000).toUTCString())).toBeGreaterThan(3000);
    expect(parseRetryAfter('soon')).toBeUndefined();
  });

  it('a sleep longer than the timer range still waits instead of firing at once', async () => {
    const controller = new AbortController();
    let done = false;
    const sleeping = sleep(3_000_000_000, controller.signal).then(() => (done = true));
    await new Promise((r) => setTimeout(r, 50));
    expect(done).toBe(false);
    controller.abort();
    await sleeping;
  });
});

describe('batch bounds', () => {
  it('never lets a batch grow past max_records while earlier flushes are slow, with many streams adding', async () => {
    const sizes: number[] = [];
    const queue: DeliveryQueue = {
      async append(batch) {
        sizes.push(batch.records);
        await new Promise((r) => setTimeout(r, 30));
      },
      next: () => Promise.resolve(undefined),
      ack: () => undefined,
      size: () => ({ bytes: 0, records: 0, batches: 0 }),
      close: () => undefined,
    };
    const batcher = new Batcher({
      maxRecords: 100,
      maxBytes: 1 << 20,
      timeoutMs: 10_000,
      codec: countingCodec,
      queue,
      onError: (e) => {
        throw e;
      },
    });
    const streams = Array.from({ length: 8 }, (_, s) =>
      (async () => {
        for (let i = 0; i < 5; i++) await batcher.add(`s/${s}`, 's', Array.from({ length: 90 }, (_, j) => record(`${s}-${i}-${j}`)), `cp-${i}`);
      })(),
    );
    await Promise.all(streams);
    await batcher.close();
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(8 * 5 * 90);
    // One add is atomic (90 records), so a batch holds at most one add beyond a non-empty batch under the limit.
    expect(Math.max(...sizes)).toBeLessThanOrEqual(100);
  });
});
