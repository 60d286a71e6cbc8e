/**
 * memory_limit's marks (delivery/memory-limiter.ts) with a resident set the test sets: hand-offs
 * wait from the soft mark (80 %) until it falls below again, each episode is reported once, a
 * collection is asked for at the hard mark; and the default limit from the cgroup.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cgroupMemoryLimit, effectiveMemoryLimit, MemoryLimiter } from '../../src/delivery/memory-limiter.ts';

const MiB = 1024 * 1024;

describe('memory limiter', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'performance'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  function limiter(limitMiB: number) {
    let rss = 10 * MiB;
    let queued = 1;
    const events: string[] = [];
    let collections = 0;
    const l = new MemoryLimiter({
      limitBytes: limitMiB * MiB,
      rss: () => rss,
      gc: () => void collections++,
      drained: () => queued === 0,
      onLimited: (bytes, mark) => events.push(`limited ${mark} ${bytes / MiB}`),
      onReleased: (bytes) => events.push(`released ${bytes / MiB}`),
      onBelowFloor: (bytes) => events.push(`below floor ${bytes / MiB}`),
      intervalMs: 100,
      gcIntervalMs: 1000,
    });
    l.start();
    return { l, events, setRss: (mib: number) => (rss = mib * MiB), setQueued: (n: number) => (queued = n), collections: () => collections };
  }

  it('below the soft mark a hand-off goes at once', async () => {
    const { l, events } = limiter(100);
    let passed = false;
    void l.room().then(() => (passed = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(passed).toBe(true);
    expect(events).toEqual([]);
    l.stop();
  });

  it('from the soft mark on, hand-offs wait until the resident set is below it again; one episode is reported once', async () => {
    const { l, events, setRss, collections } = limiter(100);
    setRss(85);
    let passed = 0;
    void l.room().then(() => passed++);
    void l.room().then(() => passed++);
    await vi.advanceTimersByTimeAsync(500);
    expect(passed).toBe(0);
    expect(l.status()).toEqual({ limited: true, rssBytes: 85 * MiB, softBytes: 80 * MiB, limitBytes: 100 * MiB });
    setRss(79);
    await vi.advanceTimersByTimeAsync(100);
    expect(passed).toBe(2);
    expect(events).toEqual(['limited soft 85', 'released 79']);
    expect(collections()).toBe(1);
    l.stop();
  });

  it('once the exporter has drained, waiting frees nothing: between the marks hand-offs go on', async () => {
    const { l, setRss, setQueued } = limiter(100);
    setRss(90);
    let passed = 0;
    void l.room().then(() => passed++);
    await vi.advanceTimersByTimeAsync(300);
    expect(passed).toBe(0);
    setQueued(0);
    await vi.advanceTimersByTimeAsync(100);
    expect(passed).toBe(1);
    expect(l.status().limited).toBe(true);
    l.stop();
  });

  it('at the hard mark with nothing left to drain, waiting hand-offs go one per look (an acknowledged batch or an interval), oldest first', async () => {
    const { l, setRss, setQueued } = limiter(100);
    setRss(100);
    const passed: number[] = [];
    for (const n of [1, 2, 3]) void l.room().then(() => passed.push(n));
    await vi.advanceTimersByTimeAsync(0);
    expect(passed).toEqual([]);
    setQueued(0);
    l.check();
    await vi.advanceTimersByTimeAsync(0);
    expect(passed).toEqual([1]);
    // A new hand-off queues behind the waiting ones.
    void l.room().then(() => passed.push(4));
    l.check();
    await vi.advanceTimersByTimeAsync(0);
    expect(passed).toEqual([1, 2]);
    await vi.advanceTimersByTimeAsync(100);
    expect(passed).toEqual([1, 2, 3]);
    await vi.advanceTimersByTimeAsync(100);
    expect(passed).toEqual([1, 2, 3, 4]);
    // Nobody waiting at a look: the next one goes at once, the one after waits for the next look.
    await vi.advanceTimersByTimeAsync(100);
    void l.room().then(() => passed.push(5));
    void l.room().then(() => passed.push(6));
    await vi.advanceTimersByTimeAsync(0);
    expect(passed).toEqual([1, 2, 3, 4, 5]);
    await vi.advanceTimersByTimeAsync(100);
    expect(passed).toEqual([1, 2, 3, 4, 5, 6]);
    l.stop();
  });

  it('says once per episode when the hard mark holds with nothing left to drain (the limit is below what the daemon keeps open)', async () => {
    const { l, events, setRss, setQueued } = limiter(100);
    setRss(100);
    await vi.advanceTimersByTimeAsync(300);
    expect(events).toEqual(['limited hard 100']); // the exporter still has work: waiting may help
    setQueued(0);
    await vi.advanceTimersByTimeAsync(500);
    expect(events).toEqual(['limited hard 100', 'below floor 100']);
    setRss(70);
    await vi.advanceTimersByTimeAsync(100);
    setRss(105);
    await vi.advanceTimersByTimeAsync(200);
    expect(events).toEqual(['limited hard 100', 'below floor 100', 'released 70', 'limited hard 105', 'below floor 105']);
    l.stop();
  });

  it('at the hard mark with nothing left to drain, a waiting hand-off goes before a connection waiting to open', async () => {
    const { l, setRss, setQueued } = limiter(100);
    setRss(101);
    const passed: string[] = [];
    void l.roomToOpen().then(() => passed.push('open'));
    void l.room().then(() => passed.push('hand-off'));
    await vi.advanceTimersByTimeAsync(0);
    setQueued(0);
    await vi.advanceTimersByTimeAsync(100);
    expect(passed).toEqual(['hand-off']);
    await vi.advanceTimersByTimeAsync(100);
    expect(passed).toEqual(['hand-off', 'open']);
    l.stop();
  });

  it('while held back a collection is asked for, at most once per gcIntervalMs (1 s here)', async () => {
    const { l, events, setRss, collections } = limiter(100);
    setRss(120);
    void l.room();
    await vi.advanceTimersByTimeAsync(1050);
    expect(events).toEqual(['limited hard 120']);
    expect(collections()).toBe(2);
    l.stop();
  });

  it('an aborted wait and a stopped limiter let the hand-off go', async () => {
    const { l, setRss } = limiter(100);
    setRss(90);
    const controller = new AbortController();
    let aborted = false;
    let stopped = false;
    void l.room(controller.signal).then(() => (aborted = true));
    void l.room().then(() => (stopped = true));
    controller.abort();
    await vi.advanceTimersByTimeAsync(0);
    expect([aborted, stopped]).toEqual([true, false]);
    l.stop();
    await vi.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(true);
  });
});

describe('the default memory limit', () => {
  const files = (entries: Record<string, string>) => (path: string) => {
    const text = entries[path];
    if (text === undefined) throw new Error('ENOENT');
    return text;
  };

  it('is 80 % of the cgroup v2 or v1 limit, none without a limit, and memory_limit when set', () => {
    expect(cgroupMemoryLimit(files({ '/sys/fs/cgroup/memory.max': '268435456\n' }))).toBe(256 * MiB);
    expect(cgroupMemoryLimit(files({ '/sys/fs/cgroup/memory.max': 'max\n' }))).toBeUndefined();
    expect(cgroupMemoryLimit(files({ '/sys/fs/cgroup/memory/memory.limit_in_bytes': '134217728' }))).toBe(128 * MiB);
    expect(cgroupMemoryLimit(files({ '/sys/fs/cgroup/memory/memory.limit_in_bytes': '9223372036854771712' }))).toBeUndefined();
    expect(cgroupMemoryLimit(files({}))).toBeUndefined();
    expect(effectiveMemoryLimit(undefined, 256 * MiB)).toBe(Math.floor(256 * MiB * 0.8));
    expect(effectiveMemoryLimit(undefined, undefined)).toBeUndefined();
    expect(effectiveMemoryLimit(100 * MiB, 256 * MiB)).toBe(100 * MiB);
  });
});
