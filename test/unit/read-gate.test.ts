/**
 * The read gate (sources/read-gate.ts): parse permits first come first served, aborted waits leave
 * the line without taking a permit, connections open behind memory_limit's room and (with a
 * limit) a few at a time, a permit back after a grace time when no answer came.
 */
import { describe, expect, it, vi } from 'vitest';
import { OPENING_GRACE_MS, ReadGate, type Opening } from '../../src/sources/read-gate.ts';

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('read gate', () => {
  it('grants parse permits up to its count, then in the order asked, each released once', async () => {
    const gate = new ReadGate({ parsePermits: 2 });
    const first = await gate.parse();
    const second = await gate.parse();
    const order: number[] = [];
    void gate.parse().then((release) => (order.push(3), release));
    void gate.parse().then(() => order.push(4));
    await tick();
    expect(order).toEqual([]);
    expect(gate.taken.parsing).toBe(2);
    first();
    first();
    await tick();
    expect(order).toEqual([3]);
    second();
    await tick();
    expect(order).toEqual([3, 4]);
    expect(gate.taken.parsing).toBe(2);
  });

  it('an aborted wait resolves without a permit and does not take the next one', async () => {
    const gate = new ReadGate({ parsePermits: 1 });
    const held = await gate.parse();
    const controller = new AbortController();
    let aborted = false;
    let next = false;
    void gate.parse(controller.signal).then((release) => {
      aborted = true;
      release();
    });
    void gate.parse().then(() => (next = true));
    controller.abort();
    await tick();
    expect([aborted, next]).toEqual([true, false]);
    expect(gate.taken.parsing).toBe(1);
    held();
    await tick();
    expect(next).toBe(true);
  });

  it('without opening permits, a connection opens once memory has room, however many are opening', async () => {
    let allow: () => void = () => undefined;
    const room = new Promise<void>((resolve) => (allow = resolve));
    const gate = new ReadGate({ room: () => room });
    let opened = 0;
    for (let i = 0; i < 20; i++) void gate.open().then(() => opened++);
    await tick();
    expect(opened).toBe(0);
    allow();
    await tick();
    expect(opened).toBe(20);
  });

  it('with opening permits, the next connection opens once one was given back, or when an answer is late', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const gate = new ReadGate({ openingPermits: 1 });
      const first = await gate.open();
      let second: Opening | undefined;
      let third = false;
      void gate.open().then((opening) => (second = opening));
      void gate.open().then(() => (third = true));
      // Answered: kept past the grace time, until given back.
      first.answered();
      await vi.advanceTimersByTimeAsync(OPENING_GRACE_MS * 2);
      expect(second).toBeUndefined();
      first.release();
      await vi.advanceTimersByTimeAsync(0);
      expect(second).toBeDefined();
      expect(third).toBe(false);
      // The second never gets an answer (a server that sends no headers): the grace time frees it.
      await vi.advanceTimersByTimeAsync(OPENING_GRACE_MS);
      expect(third).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });
});
