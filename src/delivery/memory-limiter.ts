/**
 * The daemon's memory bound (issue 14), after the OpenTelemetry Collector's memory_limiter: a
 * hard mark (`memory_limit`) and a soft mark below it (80 %). While the process's resident set is
 * at or above the soft mark, hand-offs to the delivery queue wait — the same wait a full spool
 * makes — so the batcher stops taking records and the sources stop reading (the platforms keep
 * what was not read; nothing is dropped), while the exporter goes on draining. While held back, a
 * garbage collection is asked for once a second (V8 would otherwise keep the garbage of the burst
 * that got it there). Reading resumes once the resident set is below the soft mark again, or once
 * the exporter has nothing left to drain: then waiting cannot lower memory any further (pages V8
 * or malloc keep), and one hand-off at a time goes on.
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
  #lastRss = 0;
  #gcAt = -Infinity;
  #timer: NodeJS.Timeout | undefined;
  #waiters: (() => void)[] = [];

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

  /** Look at the resident set now (also done every interval); true while hand-offs are held back. */
  check(): boolean {
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
      if (this.#options.drained?.()) this.#release();
    } else if (this.#limited) {
      this.#limited = false;
      this.#options.onReleased?.(rss);
      this.#release();
    }
    return this.#limited;
  }

  /** Resolves at once below the soft mark, else once the resident set is back below it (or drained, aborted, stopped). */
  room(signal?: AbortSignal): Promise<void> {
    if (!this.check() || !this.#timer || signal?.aborted || this.#options.drained?.()) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = (): void => {
        signal?.removeEventListener('abort', done);
        resolve();
      };
      signal?.addEventListener('abort', done, { once: true });
      this.#waiters.push(done);
    });
  }

  status(): MemoryStatus {
    return { limited: this.#limited, rssBytes: this.#lastRss, softBytes: this.#soft, limitBytes: this.#options.limitBytes };
  }

  #release(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
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
