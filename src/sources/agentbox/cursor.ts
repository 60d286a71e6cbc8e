/**
 * The resume cursor of one AgentBox container stream (DESIGN §3, PLATFORMS §4.9).
 *
 * AgentBox has no ids and no "since": every poll (and every follow connection) answers the last
 * N lines, a window that is a suffix of the container's log. What the window repeats of what was
 * handed off must be skipped, exactly, even when lines are identical:
 * - lines with timestamps go through the timestamp + hashes cursor (shared with Foundry); when
 *   the window starts inside the group of lines at the cursor's timestamp (cut by `lines`), the
 *   group is aligned against the ordered tail of handed lines to know how much of it was cut;
 * - lines without timestamps (older servers, runtime sources) are placed by content alone: the
 *   window's longest prefix that ends like the tail of handed lines is what was seen;
 * - the runtime stamps stdout and stderr apart, so stamps may go backwards in the log: a line
 *   written after the newest handed line but stamped before it is placed by content too.
 * Both alignments are bounded by how many lines were handed (at that timestamp, or in all), so an
 * idle poll repeats nothing and new identical lines after old ones are still new. When a window
 * shares nothing with what was seen although lines were seen before, lines may have been missed:
 * that is a gap, and the whole window is new.
 */
import { isRecord, parseJsonCheckpoint, type Cursor, type ParsedCursor } from '../shared/cursor.ts';
import { TimestampCursor } from '../shared/timestamp-cursor.ts';
import { MAX_LINES } from './target.ts';

/** Handed-off digests kept in order for alignment; more context than any realistic repeat run. */
export const TAIL_LENGTH = 500;

export interface WindowEntry {
  /** Timestamp in ms, when the line has one. */
  ts: number | undefined;
  /** entryHash of the line's identity (timestamp text and message). */
  digest: string;
}

/**
 * A window taken one entry at a time: `next()` decides the next entry (true: new) and moves the
 * cursor past it, so the cursor's checkpoint between two calls covers exactly the entries decided.
 */
export interface WindowTake {
  /** The window shares nothing with what was seen before: lines may have been missed. */
  gap: boolean;
  next(): boolean;
}

export interface WindowResult {
  /** Per entry: new (hand it off) or already handed off. */
  fresh: boolean[];
  /** The window shares nothing with what was seen before: lines may have been missed. */
  gap: boolean;
}

interface Serialized {
  ts: string;
  newest: number | null;
  at: number;
  total: number;
  tail: string[];
  cut?: boolean;
  /** Digests handed at `newest`, in order (absent in checkpoints written before it existed). */
  group?: string[];
}

/**
 * The longest p ≤ bound such that the window's first p entries end like `tail` (compared over
 * at most the tail's length): how many leading window entries were already handed off.
 */
export function alignWindow(window: readonly string[], tail: readonly string[], bound: number): number {
  for (let p = Math.min(bound, window.length); p > 0; p--) {
    const m = Math.min(p, tail.length);
    let same = true;
    for (let i = 0; i < m; i++) {
      if (window[p - m + i] !== tail[tail.length - m + i]) {
        same = false;
        break;
      }
    }
    if (same) return p;
  }
  return 0;
}

const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((d) => typeof d === 'string');
const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

function isSerialized(v: unknown): v is Serialized {
  if (!isRecord(v) || typeof v.ts !== 'string' || !isCount(v.at) || !isCount(v.total) || !isStrings(v.tail)) return false;
  if (v.newest !== null && typeof v.newest !== 'number') return false;
  return (v.group === undefined || isStrings(v.group)) && (v.cut === undefined || typeof v.cut === 'boolean');
}

export class WindowCursor implements Cursor {
  readonly #ts: TimestampCursor;
  /** Newest timestamp handed off, and how many lines were handed at it. */
  #newest: number | undefined;
  #atNewest: number;
  /** Lines handed off in all (bounds the content alignment). */
  #total: number;
  #tail: string[];
  /**
   * The digests handed at the newest timestamp, in order. Not the end of `#tail`: a late line
   * (stamped before the newest) may have been handed after them.
   */
  #group: string[];
  /**
   * A gap left the window's start inside the group at the newest timestamp: the group's start is
   * lost, so a wider window would bring back lines declared missing, out of order. Not widened.
   */
  #cutGroup: boolean;

  private constructor(value: Serialized | undefined, ts: TimestampCursor) {
    this.#ts = ts;
    this.#newest = value?.newest ?? undefined;
    this.#atNewest = value?.at ?? 0;
    this.#total = value?.total ?? 0;
    this.#tail = value?.tail ?? [];
    this.#cutGroup = value?.cut ?? false;
    this.#group = value?.group ?? this.#tail.slice(this.#tail.length - Math.min(this.#atNewest, this.#tail.length));
  }

  /** Read a stored checkpoint; unreadable text starts from nothing, `damaged`. */
  static parse(serialized: string | undefined): ParsedCursor<WindowCursor> {
    const value = serialized ? parseJsonCheckpoint(serialized, isSerialized) : undefined;
    const ts = value ? TimestampCursor.parse(value.ts) : undefined;
    if (!value || !ts || ts.damaged) {
      return { cursor: new WindowCursor(undefined, TimestampCursor.parse(undefined).cursor), damaged: serialized !== undefined && serialized !== '' };
    }
    return { cursor: new WindowCursor(value, ts.cursor), damaged: false };
  }

  /** Something was handed off before: a connection's start can be a replay. */
  get hasHistory(): boolean {
    return this.#total > 0;
  }

  /** The newest timestamp handed off (ms), if any line had one. */
  get newest(): number | undefined {
    return this.#newest;
  }

  /**
   * A full window (`lines` came back) that starts right at the cursor's timestamp may have cut the
   * group of lines sharing it, and identical lines in that group cannot be told apart: ask again
   * with more lines, so the window reaches back before the group.
   */
  needsWiderWindow(entries: readonly WindowEntry[], lines: number): boolean {
    const first = entries[0]?.ts;
    return !this.#cutGroup && entries.length >= lines && first !== undefined && first === this.#newest;
  }

  /**
   * How many lines to ask for: once lines were handed off, one more than `lines`, so a burst of
   * exactly `lines` lines still overlaps by one and only a burst of more is a gap (with `lines: 1`
   * every new line would otherwise count as one).
   */
  requestLines(lines: number): number {
    return this.hasHistory ? Math.min(MAX_LINES, lines + 1) : lines;
  }

  /**
   * A window: a suffix of the log, as a poll or a follow connection's start brings it, for a request
   * of `requested` lines. Only a full window can hide missed lines: a shorter one is the whole log
   * (after a container restart it starts over, and sharing nothing with the old one is no gap).
   */
  takeWindow(entries: readonly WindowEntry[], requested: number): WindowResult {
    const take = this.window(entries, requested);
    return { fresh: entries.map(() => take.next()), gap: take.gap };
  }

  /** `takeWindow`, one entry at a time (see WindowTake): call `next()` once per entry, in order. */
  window(entries: readonly WindowEntry[], requested: number): WindowTake {
    if (entries.length === 0) return { gap: false, next: () => false };
    const full = entries.length >= requested;
    const first = entries.find((e) => e.ts !== undefined)?.ts;
    if (first === undefined || (this.#newest === undefined && this.#total > 0)) return this.#byContent(entries, full);
    let gap = false;
    const newest = this.#newest;
    if (newest !== undefined && first === newest && entries[0]?.ts !== undefined) {
      // The window starts at the cursor's timestamp: `lines` may have cut that group.
      // The group's lines up to the first newer one; a late line (stamped earlier) among them is
      // not part of it.
      const group: string[] = [];
      for (const e of entries) {
        const ts: number = e.ts ?? newest;
        if (ts > newest) break;
        if (ts === newest) group.push(e.digest);
      }
      const p = alignWindow(group, this.#group, this.#atNewest);
      if (p === 0 && this.#atNewest > 0 && full) gap = true;
      this.#ts.startConnectionInside(group.slice(0, p));
    } else {
      if (newest !== undefined && first > newest && full) gap = true;
      this.#ts.startConnection();
    }
    const step = this.#timedSteps(entries, newest, this.#lateFrom(entries, newest));
    const firstTs = entries[0]?.ts;
    return {
      gap,
      next: () => {
        const fresh = step();
        // Kept true after every entry, so a checkpoint taken inside the window is right too.
        if (gap) this.#cutGroup = firstTs === this.#newest;
        else if (this.#newest !== newest) this.#cutGroup = false;
        return fresh;
      },
    };
  }

  /** Lines that follow a window on the same connection (follow mode). */
  takeLive(entries: readonly WindowEntry[]): boolean[] {
    const take = this.live(entries);
    return entries.map(() => take.next());
  }

  /** `takeLive`, one entry at a time. */
  live(entries: readonly WindowEntry[]): WindowTake {
    if (!entries.some((e) => e.ts !== undefined)) return this.#allNew(entries);
    return { gap: false, next: this.#timedSteps(entries, this.#newest) };
  }

  /**
   * Where lines stop being a replay by content, when timestamps alone cannot tell: the runtime
   * stamps stdout and stderr apart, so a line may be written after the newest handed line with an
   * older stamp, and the timestamp cursor takes it for replayed history. When the window holds
   * lines stamped before the newest handed one, its longest prefix that ends like the handed tail
   * is what was handed; an older-stamped line after that prefix is late, and new.
   */
  #lateFrom(entries: readonly WindowEntry[], newest: number | undefined): number | undefined {
    if (this.#total === 0 || newest === undefined) return undefined;
    if (!entries.some((e) => e.ts !== undefined && e.ts < newest)) return undefined;
    const p = this.#handedPrefix(entries);
    return p > 0 ? p : undefined;
  }

  #timedSteps(entries: readonly WindowEntry[], start: number | undefined, lateFrom?: number): () => boolean {
    let position = start;
    let i = 0;
    return () => {
      const index = i++;
      const e = entries[index]!;
      position = e.ts ?? position;
      if (!this.#ts.admit(e.ts, e.digest)) {
        const late = lateFrom !== undefined && index >= lateFrom && e.ts !== undefined && start !== undefined && e.ts < start;
        if (!late) return false;
      }
      this.#record(e.digest, position);
      return true;
    };
  }

  /** Every entry new, placed by content only. */
  #allNew(entries: readonly WindowEntry[]): WindowTake {
    let i = 0;
    return {
      gap: false,
      next: () => {
        this.#record(entries[i++]!.digest, undefined);
        return true;
      },
    };
  }

  #byContent(entries: readonly WindowEntry[], full: boolean): WindowTake {
    if (this.#total === 0) return this.#allNew(entries);
    const p = this.#handedPrefix(entries);
    let i = 0;
    return {
      gap: p === 0 && full,
      next: () => {
        const index = i++;
        if (index < p) return false;
        this.#record(entries[index]!.digest, undefined);
        return true;
      },
    };
  }

  /** How many leading window entries were handed off, by content: the window aligned against the handed tail. */
  #handedPrefix(entries: readonly WindowEntry[]): number {
    return alignWindow(
      entries.map((e) => e.digest),
      this.#recentTail(),
      this.#total,
    );
  }

  /** The same tail in memory as after a restart, so both align alike. */
  #recentTail(): string[] {
    return this.#tail.length > TAIL_LENGTH ? this.#tail.slice(-TAIL_LENGTH) : this.#tail;
  }

  #record(digest: string, position: number | undefined): void {
    this.#tail.push(digest);
    if (this.#tail.length > TAIL_LENGTH * 2) this.#tail = this.#tail.slice(-TAIL_LENGTH);
    this.#total += 1;
    if (position === undefined) return;
    if (this.#newest === undefined || position > this.#newest) {
      this.#newest = position;
      this.#atNewest = 1;
      this.#group = [digest];
    } else if (position === this.#newest) {
      this.#atNewest += 1;
      this.#group.push(digest);
      if (this.#group.length > TAIL_LENGTH * 2) this.#group = this.#group.slice(-TAIL_LENGTH);
    }
  }

  serialize(): string {
    const value: Serialized = {
      ts: this.#ts.serialize(),
      newest: this.#newest ?? null,
      at: this.#atNewest,
      total: this.#total,
      tail: this.#tail.slice(-TAIL_LENGTH),
      group: this.#group.slice(-TAIL_LENGTH),
      ...(this.#cutGroup ? { cut: true } : {}),
    };
    return JSON.stringify(value);
  }
}
