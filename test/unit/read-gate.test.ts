/**
 * The read gate (sources/read-gate.ts): parse permits first come first served, opening permits
 * behind memory_limit's room, aborted waits leave the line without taking a permit.
 */
import { describe, expect, it } from 'vitest';
import { ReadGate } from '../../src/sources/read-gate.ts';

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

  it('a connection opens once memory has room, then under an opening permit', async () => {
    let allow: () => void = () => undefined;
    const room = new Promise<void>((resolve) => (allow = resolve));
    const gate = new ReadGate({ openingPermits: 1, room: () => room });
    let opened = 0;
    void gate.open().then(() => opened++);
    void gate.open().then(() => opened++);
    await tick();
    expect(opened).toBe(0);
    allow();
    await tick();
    expect(opened).toBe(1);
    expect(gate.taken.opening).toBe(1);
  });
});
