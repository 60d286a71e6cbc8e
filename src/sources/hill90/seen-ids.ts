/**
 * Hill90's resume cursor (DESIGN §3): a bounded set of the event ids already handed off, plus
 * timestamps. The platform has no "since": every connection replays the last `tail` container
 * events and the last `tail` inference events (PLATFORMS §2.8), and those already handed off are
 * skipped by id.
 *
 * The set is kept per family (container events; `inference-…` ids): the two are replayed
 * separately and are not time-ordered against each other, so one FIFO for both would let a burst
 * of one family push the other's replayable ids out. Each family keeps its newest `capacity` ids in
 * hand-off order, and `floor`, the newest timestamp evicted from it: an unknown id older than the
 * floor is old history that fell out of the set, not a new event. `last` is the newest timestamp
 * handed off (for logs and lag).
 *
 * The checkpoint is serialized on every hand-off and holds ~10 000 ids at tail 5000, so each
 * family keeps its serialized text ready: one token per id (a UUID as 16 bytes of base64url, any
 * other id exactly, as base64url of its UTF-16 code units), appended as ids arrive and cut at the
 * front as they are evicted. Rebuilding it as JSON cost ~2 ms and ~550 KB per hand-off.
 */

import type { Cursor, CursorFormat } from '../shared/cursor.ts';

export type Family = 'container' | 'inference';

const FAMILIES: readonly Family[] = ['container', 'inference'];
const TAG: Record<Family, string> = { container: 'c', inference: 'i' };
const VERSION = '2';

/** Ids kept beyond `tail` per family: a replay may straddle a few events written during the reconnect. */
const MARGIN = 64;

export function familyOf(id: string): Family {
  return id.startsWith('inference-') ? 'inference' : 'container';
}

/** How many ids a family keeps for a given `tail`. */
export function capacityFor(tail: number): number {
  return tail + MARGIN;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const INFERENCE = 'inference-';
const uuidKey = (uuid: string): string => Buffer.from(uuid.replaceAll('-', ''), 'hex').toString('base64url');

/**
 * The exact, compact key of an id: `u` / `i` + 22 characters for a lowercase (inference-)UUID,
 * else `s` + base64url of the UTF-16 code units + `.` (lossless, lone surrogates included).
 */
function keyOf(id: string): string {
  if (UUID.test(id)) return `u${uuidKey(id)}`;
  if (id.startsWith(INFERENCE) && UUID.test(id.slice(INFERENCE.length))) return `i${uuidKey(id.slice(INFERENCE.length))}`;
  return `s${Buffer.from(id, 'utf16le').toString('base64url')}.`;
}

interface Seen {
  /** Timestamp (ms), or -1 when the event had none. */
  ts: number;
  /** Length of its token in the serialized text. */
  chars: number;
}

interface FamilyState {
  /** key → seen, in hand-off order. */
  ids: Map<string, Seen>;
  floor: number;
  /** Keys evicted with the floor's own timestamp: events may share a millisecond, so the floor alone cannot tell them from new ones. */
  atFloor: Set<string>;
  last: number;
  /** Serialized tokens of the oldest `inText` ids, of which the first `cut` characters are evicted. */
  text: string;
  inText: number;
  cut: number;
  /** Tokens of the ids after those, not joined yet; the first `addedFrom` are evicted. */
  added: string[];
  addedFrom: number;
}

const emptyFamily = (): FamilyState => ({ ids: new Map(), floor: -1, atFloor: new Set(), last: -1, text: '', inText: 0, cut: 0, added: [], addedFrom: 0 });

function append(state: FamilyState, key: string, ts: number): void {
  const token = `${key}${ts.toString(36)},`;
  state.ids.set(key, { ts, chars: token.length });
  state.added.push(token);
  if (ts > state.last) state.last = ts;
}

function trim(state: FamilyState, capacity: number): void {
  while (state.ids.size > capacity) {
    const [oldest, seen] = state.ids.entries().next().value as [string, Seen];
    state.ids.delete(oldest);
    if (seen.ts > state.floor) {
      state.floor = seen.ts;
      state.atFloor = new Set([oldest]);
    } else if (seen.ts === state.floor && seen.ts !== -1) state.atFloor.add(oldest);
    if (state.inText > 0) {
      state.inText -= 1;
      state.cut += seen.chars;
    } else state.addedFrom += 1;
  }
}

/** Fold the pending cuts and additions into `text`: one copy per serialization, not per id. */
function compact(state: FamilyState): string {
  if (state.cut > 0 || state.addedFrom < state.added.length) {
    state.text = state.text.slice(state.cut) + state.added.slice(state.addedFrom).join('');
  }
  state.inText = state.ids.size;
  state.cut = 0;
  state.added = [];
  state.addedFrom = 0;
  return state.text;
}

/** Version 2: `2;c:<floor>:<last>:<tokens>:<keys at the floor>;i:…`, numbers in base36, each token `<key><ts>,`, each key `<key>,`. */
function readCompact(serialized: string, families: Record<Family, FamilyState>): void {
  const [version, ...parts] = serialized.split(';');
  if (version !== VERSION) throw new Error('unknown checkpoint version');
  for (const part of parts) {
    const [tag, floor, last, text, atFloor, extra] = part.split(':');
    const family = FAMILIES.find((f) => TAG[f] === tag);
    if (!family || text === undefined || atFloor === undefined || extra !== undefined) throw new Error('bad family');
    const state = families[family];
    state.floor = integer36(floor);
    state.last = integer36(last);
    if (atFloor !== '') {
      if (!atFloor.endsWith(',')) throw new Error('bad keys');
      state.atFloor = new Set(atFloor.slice(0, -1).split(','));
    }
    if (text === '') continue;
    if (!text.endsWith(',')) throw new Error('bad tokens');
    for (const token of text.slice(0, -1).split(',')) {
      const end = token[0] === 's' ? token.indexOf('.') + 1 : 23;
      const key = token.slice(0, end);
      const ts = integer36(token.slice(end));
      if (end <= 0 || `${key}${ts.toString(36)}` !== token || (key[0] !== 's' && key[0] !== 'u' && key[0] !== 'i')) throw new Error('bad token');
      state.ids.set(key, { ts, chars: token.length + 1 });
    }
    state.text = text;
    state.inText = state.ids.size;
  }
}

function integer36(text: string | undefined): number {
  const value = Number.parseInt(text ?? '', 36);
  if (!Number.isSafeInteger(value)) throw new Error('bad number');
  return value;
}

/** The JSON form written before version 2: `{"container": {"ids": [], "ts": [], "floor", "last"}, …}`. */
function readLegacy(serialized: string, families: Record<Family, FamilyState>): void {
  const value = JSON.parse(serialized) as Record<string, { ids?: unknown; ts?: unknown; floor?: unknown; last?: unknown } | undefined>;
  for (const family of FAMILIES) {
    const stored = value[family];
    if (!stored) continue;
    const { ids, ts, floor, last } = stored;
    if (!Array.isArray(ids) || !Array.isArray(ts) || typeof floor !== 'number' || typeof last !== 'number') throw new Error('bad family');
    const state = families[family];
    ids.forEach((id: unknown, i) => {
      if (typeof id !== 'string') throw new Error('bad id');
      const t: unknown = ts[i];
      append(state, keyOf(id), typeof t === 'number' ? Math.floor(t) : -1);
    });
    state.floor = floor;
    state.last = last;
  }
}

export class SeenIds implements Cursor {
  readonly #capacity: number;
  readonly #families: Record<Family, FamilyState>;
  /** The stored checkpoint could not be read: the set started empty (a replay may repeat up to `tail` events). */
  readonly damaged: boolean;

  private constructor(capacity: number, families: Record<Family, FamilyState>, damaged: boolean) {
    this.#capacity = capacity;
    this.#families = families;
    this.damaged = damaged;
    for (const family of FAMILIES) trim(families[family], capacity);
  }

  static parse(serialized: string | undefined, capacity: number): SeenIds {
    let families = { container: emptyFamily(), inference: emptyFamily() };
    if (!serialized) return new SeenIds(capacity, families, false);
    try {
      (serialized.startsWith('{') ? readLegacy : readCompact)(serialized, families);
      return new SeenIds(capacity, families, false);
    } catch {
      // A damaged checkpoint must not stop the stream for good.
      families = { container: emptyFamily(), inference: emptyFamily() };
      return new SeenIds(capacity, families, true);
    }
  }

  /** The cursor format of a stream keeping `capacity` ids a family (the supervisor reads the stored checkpoint). */
  static format(capacity: number): CursorFormat<SeenIds> {
    return {
      parse(stored) {
        const cursor = SeenIds.parse(stored, capacity);
        return { cursor, damaged: cursor.damaged };
      },
    };
  }

  /** Has anything of this family been handed off (so a replay of it is expected)? */
  hasHistory(family: Family): boolean {
    return this.#families[family].ids.size > 0;
  }

  /**
   * Decide whether an event is new; if so, remember it. `timeMs` is the event's timestamp, when
   * it has one. Strictly older than the floor counts as old: events may share a millisecond.
   */
  admit(id: string, family: Family, timeMs: number | undefined): boolean {
    return this.classify(id, family, timeMs, true) === 'new';
  }

  /**
   * `admit`, saying why an event is not new: `known` (its id was handed off) or `old` (behind the
   * floor). `useFloor: false` trusts the id alone: the caller knows the event comes after history.
   */
  classify(id: string, family: Family, timeMs: number | undefined, useFloor: boolean): 'new' | 'known' | 'old' {
    const state = this.#families[family];
    const key = keyOf(id);
    if (state.ids.has(key) || state.atFloor.has(key)) return 'known';
    if (useFloor && timeMs !== undefined && timeMs < state.floor) return 'old';
    append(state, key, timeMs === undefined ? -1 : Math.floor(timeMs));
    trim(state, this.#capacity);
    return 'new';
  }

  serialize(): string {
    let out = VERSION;
    for (const family of FAMILIES) {
      const state = this.#families[family];
      const text = compact(state);
      if (state.ids.size === 0 && state.floor < 0) continue;
      let atFloor = '';
      for (const key of state.atFloor) atFloor += `${key},`;
      out += `;${TAG[family]}:${state.floor.toString(36)}:${state.last.toString(36)}:${text}:${atFloor}`;
    }
    return out;
  }
}
