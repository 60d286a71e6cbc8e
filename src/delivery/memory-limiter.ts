/**
 * The daemon's memory bound (issue 14), after the OpenTelemetry Collector's memory_limiter: a
 * hard mark (`memory_limit`) and a soft mark below it (80 %). While the process's resident set is
 * at or above the soft mark, hand-offs to the delivery queue wait — the same wait a full spool
 * makes — so the batcher stops taking records and the sources stop reading (the platforms keep
 * what was not read; nothing is dropped), while the exporter goes on draining. While held back, a
 * garbage collection is asked for once a second (V8 would otherwise keep the garbage of the burst
 * that got it there). Reading resumes once the resident set is below the soft mark again. Once
 * the exporter has nothing left to drain, waiting cannot lower memory any further (pages V8 or
 * malloc keep): below the hard mark everything goes on; at or above it one hand-off (or, when none
 * waits, one new connection) goes on per acknowledged batch or check interval, not all at once —
 * a fast receiver would otherwise let every stream read again at full speed past the limit.
 */
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** The soft mark, as a share of the limit: the Collector's default spike allowance is 20 %. */
export const SOFT_SHARE = 0.8;
/** The default limit, as a share of the cgroup's (container's) memory limit. */
export const CGROUP_SHARE = 0.8;
const INTERVAL_MS = 250;
/**
 * Forced collections while held back: one a second let the heap's garbage carry the resident set
 * past the hard mark during a fast replay (test/ops/memory-limit.test.ts: peaks of 257–307 MiB
 * under a 256 MiB limit); every check interval keeps it under (stop-the-world pauses of a few ms).
 */
const GC_INTERVAL_MS = 250;

export interface MemoryLimiterOptions {
  /** The hard mark in bytes. */
  limitBytes: number;
  /** Resident set size now; default process.memoryUsage.rss. */
  rss?: () => number;
  /** A full garbage collection, asked for while held back. */
  gc?: () => void;
  /** True when the exporter has nothing queued: waiting longer would not free memory. */
  drained?: () => boolean;
  /** Called once each time the limiter starts holding hand-offs back. */
  onLimited?(rssBytes: number, mark: 'soft' | 'hard'): void;
  onReleased?(rssBytes: number): void;
  /**
   * Called once per episode when the resident set is at or above the hard mark with nothing left to
   * drain: what the daemon holds open (its streams' connections and state) needs more than the
   * limit, and waiting cannot help. New connections then open one at a time.
   */
  onBelowFloor?(rssBytes: number): void;
  intervalMs?: number;
  /** The least time between two forced collections. */
  gcIntervalMs?: number;
}

export interface MemoryStatus {
  limited: boolean;
  rssBytes: number;
  softBytes: number;
  limitBytes: number;
}

export class MemoryLimiter {
  readonly #options: MemoryLimiterOptions;
  readonly #soft: number;
  readonly #rss: () => number;
  #limited = false;
  /** Above the soft mark with nothing left to drain, one hand-off was let go since the last look. */
  #lent = false;
  /** onBelowFloor was called in this episode. */
  #floorReported = false;
  #lastRss = 0;
  #gcAt = -Infinity;
  #timer: NodeJS.Timeout | undefined;
  /** Hand-offs waiting (they move what is already in memory along: served first). */
  #waiters: (() => void)[] = [];
  /** Connections waiting to open (each adds memory: served only when no hand-off waits). */
  #openers: (() => void)[] = [];

  constructor(options: MemoryLimiterOptions) {
    this.#options = options;
    this.#soft = Math.floor(options.limitBytes * SOFT_SHARE);
    this.#rss = options.rss ?? (() => process.memoryUsage.rss());
  }

  /** Start watching; the timer never keeps the process alive. */
  start(): void {
    this.#timer ??= setInterval(() => this.check(), this.#options.intervalMs ?? INTERVAL_MS);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#release();
  }

  /**
   * Look at the resident set now (every interval, and after every acknowledged batch); true while
   * hand-offs are held back. With nothing left to drain, the oldest waiting hand-off goes on.
   */
  check(): boolean {
    const limited = this.#measure();
    if (limited && this.#options.drained?.()) {
      this.#lent = false;
      if (this.#lastRss < this.#options.limitBytes) this.#release();
      else {
        if (!this.#floorReported) {
          this.#floorReported = true;
          this.#options.onBelowFloor?.(this.#lastRss);
        }
        const wake = this.#waiters.shift() ?? this.#openers.shift();
        if (wake) {
          this.#lent = true;
          wake();
        }
      }
    }
    return limited;
  }

  #measure(): boolean {
    const rss = this.#rss();
    this.#lastRss = rss;
    if (rss >= this.#soft) {
      const mark = rss >= this.#options.limitBytes ? 'hard' : 'soft';
      if (performance.now() - this.#gcAt >= (this.#options.gcIntervalMs ?? GC_INTERVAL_MS)) {
        this.#gcAt = performance.now();
        this.#options.gc?.();
      }
      if (!this.#limited) {
        this.#limited = true;
        this.#options.onLimited?.(rss, mark);
      }
    } else if (this.#limited) {
      this.#limited = false;
      this.#floorReported = false;
      this.#options.onReleased?.(rss);
      this.#release();
    }
    return this.#limited;
  }

  /**
   * Resolves at once below the soft mark, else once the resident set is back below it, or when
   * nothing is left to drain (below the hard mark: at once; at or above it: one at a time), or
   * when aborted or stopped.
   */
  room(signal?: AbortSignal): Promise<void> {
    return this.#wait(this.#waiters, this.#waiters.length === 0, signal);
  }

  /** Like `room`, for a new connection: its turn comes only when no hand-off waits. */
  roomToOpen(signal?: AbortSignal): Promise<void> {
    return this.#wait(this.#openers, this.#waiters.length === 0 && this.#openers.length === 0, signal);
  }

  #wait(line: (() => void)[], first: boolean, signal?: AbortSignal): Promise<void> {
    if (!this.#measure() || !this.#timer || signal?.aborted) return Promise.resolve();
    if (first && this.#options.drained?.()) {
      if (this.#lastRss < this.#options.limitBytes) return Promise.resolve();
      if (!this.#lent) {
        this.#lent = true;
        return Promise.resolve();
      }
    }
    return new Promise<void>((resolve) => {
      const done = (): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      // An aborted wait leaves the line: it must not take the next turn.
      const onAbort = (): void => {
        const i = line.indexOf(done);
        if (i >= 0) line.splice(i, 1);
        resolve();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      line.push(done);
    });
  }

  status(): MemoryStatus {
    return { limited: this.#limited, rssBytes: this.#lastRss, softBytes: this.#soft, limitBytes: this.#options.limitBytes };
  }

  #release(): void {
    for (const line of [this.#waiters, this.#openers]) for (const wake of line.splice(0)) wake();
  }
}

/**
 * The container's memory limit in bytes (cgroup v2 `memory.max`, else v1 `memory.limit_in_bytes`),
 * or undefined when there is none.
 */
export function cgroupMemoryLimit(read: (path: string) => string = (p) => readFileSync(p, 'utf8')): number | undefined {
  for (const path of ['/sys/fs/cgroup/memory.max', '/sys/fs/cgroup/memory/memory.limit_in_bytes']) {
    let text: string;
    try {
      text = read(path).trim();
    } catch {
      continue;
    }
    if (text === 'max') return undefined;
    const bytes = Number(text);
    // cgroup v1 writes a number near 2^63 for "no limit".
    if (Number.isSafeInteger(bytes) && bytes > 0) return bytes;
    return undefined;
  }
  return undefined;
}

/** `memory_limit` when set, else CGROUP_SHARE of the container's limit, else none (unbounded). */
export function effectiveMemoryLimit(configured: number | undefined, cgroupLimit: number | undefined = cgroupMemoryLimit()): number | undefined {
  if (configured !== undefined) return configured;
  return cgroupLimit === undefined ? undefined : Math.floor(cgroupLimit * CGROUP_SHARE);
}

/** A full collection, made available without starting node with --expose-gc. */
export function exposeGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}
