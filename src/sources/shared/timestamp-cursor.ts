/**
 * The "timestamp + hashes" resume cursor (DESIGN §3) for platforms that replay history
 * on reconnect but give entries no id.
 *
 * Entries are distinct even when identical: two lines with the same timestamp, stream and
 * text are two records. So the cursor keeps, for the newest timestamp handed off, how many
 * times each entry hash was handed off; on replay the k-th occurrence of a hash at that
 * timestamp is skipped only if k ≤ that count. Entries older than the cursor are skipped.
 * An entry without a timestamp takes the position of the entry before it.
 */
import { hash } from 'node:crypto';

interface Position {
  ts: number;
  counts: Map<string, number>;
}

interface Serialized {
  ts: number | null;
  counts: Record<string, number>;
}

/** A short, stable digest of an entry's identity (not a security boundary). */
export function entryHash(...parts: string[]): string {
  return hash('sha1', parts.join('\u0000'), 'base64').slice(0, 16);
}

export class TimestampCursor {
  /** What has been handed off: the newest timestamp and the occurrences of each hash at it. */
  #handed: Position;
  /** Occurrences seen on the current connection at the newest timestamp it reached. */
  #seen: Position = { ts: Number.NEGATIVE_INFINITY, counts: new Map() };
  #lastTs: number | undefined;
  /** Where the current connection started; entries older than it are replayed history… */
  #startTs = Number.NEGATIVE_INFINITY;
  /** …until the connection passes that position: after that, an older timestamp is a late line. */
  #replaying = false;

  private constructor(handed: Position) {
    this.#handed = handed;
  }

  static parse(serialized: string | undefined): TimestampCursor {
    if (!serialized) return new TimestampCursor({ ts: Number.NEGATIVE_INFINITY, counts: new Map() });
    const value = JSON.parse(serialized) as Serialized;
    const ts = value.ts === null || value.ts < 0 ? Number.NEGATIVE_INFINITY : value.ts;
    return new TimestampCursor({ ts, counts: new Map(Object.entries(value.counts)) });
  }

  /** A new connection replays from its own start: forget what this connection saw. */
  startConnection(): void {
    this.#seen = { ts: Number.NEGATIVE_INFINITY, counts: new Map() };
    this.#lastTs = undefined;
    this.#startTs = this.#handed.ts;
    this.#replaying = Number.isFinite(this.#startTs);
  }

  /**
   * Decide whether an entry is new; if so, move the cursor past it.
   * `ts` is the entry's timestamp in ms, or undefined when it has none.
   */
  admit(ts: number | undefined, digest: string): boolean {
    const position = ts ?? this.#lastTs ?? this.#handed.ts;
    this.#lastTs = position;
    if (this.#replaying) {
      if (position < this.#startTs) return false;
      if (position > this.#startTs) this.#replaying = false;
    }
    // A line stamped earlier than one already handed off, on a live connection (another clock,
    // a late flush): new, and it does not move the cursor. A later replay skips it as history.
    if (position < this.#handed.ts) return true;
    if (this.#seen.ts !== position) this.#seen = { ts: position, counts: new Map() };
    const k = (this.#seen.counts.get(digest) ?? 0) + 1;
    this.#seen.counts.set(digest, k);
    if (position === this.#handed.ts) {
      if (k <= (this.#handed.counts.get(digest) ?? 0)) return false;
    } else {
      this.#handed = { ts: position, counts: new Map() };
    }
    this.#handed.counts.set(digest, k);
    return true;
  }

  /**
   * True at the start of a connection that replays from a stored position, before any entry with
   * a timestamp: an entry without one cannot be placed yet (replayed banner, or a new line?).
   */
  get awaitingAnchor(): boolean {
    return this.#replaying && this.#lastTs === undefined;
  }

  /** Whether a timestamp lies at or before where this connection started: replayed history. */
  isHistory(ts: number): boolean {
    return ts <= this.#startTs;
  }

  /**
   * How many hashes the newest position holds. A stream whose entries have no timestamps at all
   * piles every entry onto one position; the caller caps it (see `forgetCounts`).
   */
  get countsAtPosition(): number {
    return this.#handed.counts.size;
  }

  /** Drop the occurrence counts of the newest position (a bound on cursor size; replays may then repeat). */
  forgetCounts(): void {
    this.#handed = { ts: this.#handed.ts, counts: new Map() };
    this.#seen = { ts: this.#handed.ts, counts: new Map() };
  }

  /** The timestamp handed off last (ms), or undefined before the first entry. */
  get position(): number | undefined {
    return Number.isFinite(this.#handed.ts) ? this.#handed.ts : undefined;
  }

  serialize(): string {
    return JSON.stringify({ ts: Number.isFinite(this.#handed.ts) ? this.#handed.ts : -1, counts: Object.fromEntries(this.#handed.counts) });
  }
}
