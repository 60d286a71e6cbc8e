/**
 * The "timestamp + hashes" resume cursor (DESIGN §3) for platforms that replay history
 * on reconnect but give entries no id.
 *
 * Entries are distinct even when identical: two lines with the same timestamp, stream and
 * text are two records. So the cursor keeps, for the newest timestamp handed off, how many
 * times each entry hash was handed off; on replay the k-th occurrence of a hash at that
 * timestamp is skipped only if k ≤ that count. While a connection replays, entries older than
 * the cursor are skipped; once it is past its start, an older timestamp is a late line (another
 * clock, a late flush) and is new. An entry without a timestamp takes the position of the entry
 * before it. When too many distinct hashes pile up at one position (a stream without
 * timestamps), they are folded into one number, `bulk`: the first `bulk` entries a replay
 * brings at that position are skipped by order.
 *
 * Hashes are needed only for entries at the newest position, and only once they are compared
 * (a replay reaching the stored position) or stored (`serialize`). A digest may therefore be
 * given as a function: while a connection is past everything handed before it, the entries
 * at its newest position are kept unhashed, and hashed only if that position is still the
 * newest when the cursor is serialized. Most entries of a busy stream are never hashed.
 */
import { hash } from 'node:crypto';
import { isRecord, parseJsonCheckpoint, type Cursor, type ParsedCursor } from './cursor.ts';

/** Distinct hashes kept at one position before they are folded into `bulk`. */
const MAX_HASHES = 4096;

interface Position {
  ts: number;
  /** Entries at `ts` handed off before the hashes below were started (folded by order). */
  bulk: number;
  counts: Map<string, number>;
}

interface Serialized {
  ts: number | null;
  bulk?: number;
  counts: Record<string, number>;
}

interface Seen {
  ts: number;
  /** Entries this connection brought at `ts`. */
  total: number;
  /** Occurrences of each hash among those past the bulk. */
  counts: Map<string, number>;
}

/**
 * A short, stable digest of an entry's identity (not a security boundary). SHA-256 because it is
 * the fastest digest here (CPU SHA extensions: ~0.5 µs per line against ~1 µs for sha1 or md5).
 */
export function entryHash(...parts: string[]): string {
  return hash('sha256', parts.join('\u0000'), 'base64').slice(0, 16);
}

/** An entry's digest, or how to compute it when it is needed. */
export type Digest = string | (() => string);

const digestOf = (digest: Digest): string => (typeof digest === 'string' ? digest : digest());

const emptySeen = (ts: number): Seen => ({ ts, total: 0, counts: new Map() });

function isSerialized(v: unknown): v is Serialized {
  if (!isRecord(v) || !isRecord(v.counts)) return false;
  if (v.ts !== null && typeof v.ts !== 'number') return false;
  if (v.bulk !== undefined && typeof v.bulk !== 'number') return false;
  return Object.values(v.counts).every((n) => Number.isSafeInteger(n));
}

export class TimestampCursor implements Cursor {
  /** What has been handed off: the newest timestamp and what was handed off at it. */
  #handed: Position;
  /** What the current connection brought at the newest timestamp it reached. */
  #seen: Seen = emptySeen(Number.NEGATIVE_INFINITY);
  #lastTs: number | undefined;
  /** Where the current connection started; entries older than it are replayed history… */
  #startTs = Number.NEGATIVE_INFINITY;
  /** …until the connection passes that position: after that, an older timestamp is a late line. */
  #replaying = false;
  /**
   * The newest position was reached by this connection beyond everything handed before: every
   * entry at it is new, and `#seen.counts` equals `#handed.counts`. Then digests wait in `#pending`.
   */
  #lazy = false;
  #pending: Digest[] = [];
  /**
   * The last `serialize()`, until an admitted entry moves the cursor. The hand-off snapshots the
   * cursor before each line a multiline stage may hold and again when it hands on: at a quiet
   * stream's line-per-event pace, half of those were the same text computed again (issue 14).
   */
  #serialized: string | undefined;

  private constructor(handed: Position) {
    this.#handed = handed;
  }

  /** Read a stored checkpoint; unreadable text starts from nothing, `damaged`. */
  static parse(serialized: string | undefined): ParsedCursor<TimestampCursor> {
    const value = serialized ? parseJsonCheckpoint(serialized, isSerialized) : undefined;
    const damaged = serialized !== undefined && serialized !== '' && value === undefined;
    if (!value) return { cursor: new TimestampCursor({ ts: Number.NEGATIVE_INFINITY, bulk: 0, counts: new Map() }), damaged };
    const ts = value.ts === null || value.ts < 0 ? Number.NEGATIVE_INFINITY : value.ts;
    return { cursor: new TimestampCursor({ ts, bulk: value.bulk ?? 0, counts: new Map(Object.entries(value.counts)) }), damaged };
  }

  /** A new connection replays from its own start: forget what this connection saw. */
  startConnection(): void {
    this.#materialize();
    this.#lazy = false;
    this.#seen = emptySeen(Number.NEGATIVE_INFINITY);
    this.#lastTs = undefined;
    this.#startTs = this.#handed.ts;
    this.#replaying = Number.isFinite(this.#startTs);
  }

  /**
   * A new connection whose replay starts inside the newest position (a "last N lines" window cut
   * through a group of entries sharing one timestamp): of the entries handed at that position, only
   * `overlap` (their digests, in order) come again; the others fell before the window's start.
   * Count those as already seen, so what follows the overlap at that position is new.
   */
  startConnectionInside(overlap: readonly string[]): void {
    this.startConnection();
    const counts = new Map(this.#handed.counts);
    for (const digest of overlap) {
      const n = counts.get(digest) ?? 0;
      if (n > 0) counts.set(digest, n - 1);
    }
    let total = this.#handed.bulk;
    for (const n of counts.values()) total += n;
    this.#seen = { ts: this.#handed.ts, total, counts };
  }

  /**
   * Decide whether an entry is new; if so, move the cursor past it.
   * `ts` is the entry's timestamp in ms, or undefined when it has none.
   */
  admit(ts: number | undefined, entryDigest: Digest): boolean {
    this.#serialized = undefined;
    const position = ts ?? this.#lastTs ?? this.#handed.ts;
    this.#lastTs = position;
    if (this.#replaying) {
      if (position < this.#startTs) return false;
      if (position > this.#startTs) this.#replaying = false;
    }
    // A late line on a live connection: new, and it does not move the cursor.
    if (position < this.#handed.ts) return true;
    if (this.#lazy && position === this.#handed.ts) {
      // Seen and handed counts are equal here: the k-th occurrence is always above the handed count.
      this.#seen.total += 1;
      this.#pending.push(entryDigest);
      if (this.#pending.length + this.#handed.counts.size > MAX_HASHES) this.#materialize();
      return true;
    }
    if (this.#seen.ts !== position) this.#seen = emptySeen(position);
    const seen = this.#seen;
    seen.total += 1;
    if (position === this.#handed.ts) {
      if (seen.total <= this.#handed.bulk) return false;
    } else {
      // A position past everything handed: new for every entry at it.
      this.#handed = { ts: position, bulk: 0, counts: new Map() };
      this.#lazy = true;
      this.#pending = [entryDigest];
      return true;
    }
    const digest = digestOf(entryDigest);
    const k = (seen.counts.get(digest) ?? 0) + 1;
    seen.counts.set(digest, k);
    if (k <= (this.#handed.counts.get(digest) ?? 0)) return false;
    this.#handed.counts.set(digest, k);
    if (this.#handed.counts.size > MAX_HASHES) this.#fold();
    return true;
  }

  /** Would `admit` take this entry? Changes nothing (but may hash waiting entries). */
  wouldAdmit(ts: number, entryDigest: Digest): boolean {
    if (this.#replaying && ts < this.#startTs) return false;
    this.#materialize();
    const digest = digestOf(entryDigest);
    if (ts !== this.#handed.ts) return true;
    const seen = this.#seen.ts === ts ? this.#seen : emptySeen(ts);
    if (seen.total + 1 <= this.#handed.bulk) return false;
    return (seen.counts.get(digest) ?? 0) + 1 > (this.#handed.counts.get(digest) ?? 0);
  }

  /** Hash the entries waiting at the newest position and count them, as `admit` would have. */
  #materialize(): void {
    if (this.#pending.length === 0) return;
    const pending = this.#pending;
    this.#pending = [];
    for (const entryDigest of pending) {
      const digest = digestOf(entryDigest);
      const k = (this.#handed.counts.get(digest) ?? 0) + 1;
      this.#handed.counts.set(digest, k);
      this.#seen.counts.set(digest, k);
      if (this.#handed.counts.size > MAX_HASHES) this.#fold();
    }
  }

  /** Fold the hashes of the newest position into its bulk count, keeping the cursor small. */
  #fold(): void {
    this.#serialized = undefined;
    let total = this.#handed.bulk;
    for (const n of this.#handed.counts.values()) total += n;
    this.#handed = { ts: this.#handed.ts, bulk: total, counts: new Map() };
    this.#seen = { ts: this.#handed.ts, total: this.#seen.total, counts: new Map() };
  }

  /**
   * True at the start of a connection that replays from a stored position, before any entry with
   * a timestamp: an entry without one cannot be placed yet (replayed banner, or a new line?).
   */
  get awaitingAnchor(): boolean {
    return this.#replaying && this.#lastTs === undefined;
  }

  serialize(): string {
    if (this.#serialized !== undefined) return this.#serialized;
    this.#materialize();
    const { ts, bulk, counts } = this.#handed;
    this.#serialized = JSON.stringify({ ts: Number.isFinite(ts) ? ts : -1, ...(bulk > 0 ? { bulk } : {}), counts: Object.fromEntries(counts) });
    return this.#serialized;
  }
}
