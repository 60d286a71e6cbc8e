/**
 * How many streams turn network bytes into records at once (issue 14). A stream takes a parse
 * permit before it parses a chunk it read and gives it back once that chunk's records are handed
 * off. Without it, 1000 sessions replaying at once were all parsed in one turn of the event loop —
 * every record of every stream in memory before the first export, and no timer (memory_limit's
 * check) ran meanwhile. A stream waiting for a permit holds only the raw bytes it read; the rest
 * stays with the platform (TCP backpressure once the socket's buffer is full).
 *
 * With a memory limit, a connection also waits to open while the daemon is above the soft mark
 * (`room`), and then for one of a few opening permits, kept until its first chunk was handed on
 * (or the answer brought none): streams open in waves as memory allows, instead of 1000 replays
 * landing at once before the limiter's next look. A connection whose answer has not come after
 * OPENING_GRACE_MS gives its permit back: a server that sends no headers before its first line
 * (bench (g): 10 000 idle sessions) or answers slowly must not hold the other streams back.
 */

/** Give the permit back; calling it twice is harmless. */
export type Release = () => void;

/** A permit for one step; resolves once one is free (at once, with nothing to give back, when the signal is aborted). */
export type Permit = (signal?: AbortSignal) => Promise<Release>;

/** An opening permit: `answered` once the answer's headers came (its grace time stops), then `release`. */
export interface Opening {
  answered(): void;
  release: Release;
}

/**
 * Streams parsing at once: enough to keep the exporter fed (a batch holds 2048 records, a chunk
 * up to 64 KiB: some hundreds of lines), few enough that the records in flight stay a few MB.
 */
export const PARSE_PERMITS = 16;
/** Connections opening at once under a memory limit (measured: 8 kept bench (b) under 128 MiB best). */
export const OPENING_PERMITS = 8;
/** The longest a connection holds its opening permit while no answer came. */
export const OPENING_GRACE_MS = 250;

export interface ReadGateOptions {
  parsePermits?: number;
  /** Connections opening at once; none: no count (without a memory limit, connecting fast wins). */
  openingPermits?: number;
  /** Resolves once memory allows another connection (memory_limit's soft mark); none: always. */
  room?: (signal?: AbortSignal) => Promise<void>;
}

export class ReadGate {
  readonly #parsing: Semaphore;
  readonly #opening: Semaphore | undefined;
  readonly #room: ((signal?: AbortSignal) => Promise<void>) | undefined;

  constructor(options: ReadGateOptions = {}) {
    this.#parsing = new Semaphore(options.parsePermits ?? PARSE_PERMITS);
    this.#opening = options.openingPermits === undefined ? undefined : new Semaphore(options.openingPermits);
    this.#room = options.room;
  }

  /** A permit to parse a chunk that was read and hand on its records. */
  readonly parse: Permit = (signal) => this.#parsing.take(signal);

  /**
   * A permit to open a connection: memory below the soft mark (or its turn) first, then an opening
   * permit; give it back once the first chunk was handed on or the answer brought none. Without an
   * answer it goes back by itself after OPENING_GRACE_MS.
   */
  readonly open = async (signal?: AbortSignal): Promise<Opening> => {
    await this.#room?.(signal);
    if (!this.#opening) return { answered: () => undefined, release: () => undefined };
    const release = await this.#opening.take(signal);
    const timer = setTimeout(release, OPENING_GRACE_MS);
    timer.unref();
    return {
      answered: () => clearTimeout(timer),
      release: () => {
        clearTimeout(timer);
        release();
      },
    };
  };

  /** Permits in use now. */
  get taken(): { parsing: number; opening: number } {
    return { parsing: this.#parsing.taken, opening: this.#opening?.taken ?? 0 };
  }
}

/** Counting semaphore, first come first served. */
class Semaphore {
  readonly #permits: number;
  #taken = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(permits: number) {
    this.#permits = Math.max(1, permits);
  }

  get taken(): number {
    return this.#taken;
  }

  take(signal?: AbortSignal): Promise<Release> {
    if (signal?.aborted) return Promise.resolve(() => undefined);
    if (this.#taken < this.#permits) return Promise.resolve(this.#grant());
    return new Promise<Release>((resolve) => {
      const wake = (): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve(this.#grant());
      };
      // An aborted stream stops waiting; it got no permit, so its release gives nothing back.
      const onAbort = (): void => {
        const i = this.#waiting.indexOf(wake);
        if (i >= 0) this.#waiting.splice(i, 1);
        resolve(() => undefined);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiting.push(wake);
    });
  }

  #grant(): Release {
    this.#taken++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#taken--;
      // The first waiter takes it now, synchronously: nobody overtakes the queue.
      this.#waiting.shift()?.();
    };
  }
}
