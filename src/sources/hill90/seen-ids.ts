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
 */

export type Family = 'container' | 'inference';

const FAMILIES: readonly Family[] = ['container', 'inference'];

/** Ids kept beyond `tail` per family: a replay may straddle a few events written during the reconnect. */
const MARGIN = 64;

export function familyOf(id: string): Family {
  return id.startsWith('inference-') ? 'inference' : 'container';
}

/** How many ids a family keeps for a given `tail`. */
export function capacityFor(tail: number): number {
  return tail + MARGIN;
}

interface FamilyState {
  /** id → timestamp (ms, or -1 when the event had none), in hand-off order. */
  ids: Map<string, number>;
  floor: number;
  last: number;
}

interface SerializedFamily {
  ids: string[];
  ts: number[];
  floor: number;
  last: number;
}

type Serialized = Partial<Record<Family, SerializedFamily>>;

const emptyFamily = (): FamilyState => ({ ids: new Map(), floor: -1, last: -1 });

export class SeenIds {
  readonly #capacity: number;
  readonly #families: Record<Family, FamilyState>;

  private constructor(capacity: number, families: Record<Family, FamilyState>) {
    this.#capacity = capacity;
    this.#families = families;
    for (const family of FAMILIES) this.#trim(families[family]);
  }

  static parse(serialized: string | undefined, capacity: number): SeenIds {
    const families = { container: emptyFamily(), inference: emptyFamily() };
    if (serialized) {
      const value = JSON.parse(serialized) as Serialized;
      for (const family of FAMILIES) {
        const stored = value[family];
        if (!stored) continue;
        const state = families[family];
        stored.ids.forEach((id, i) => state.ids.set(id, stored.ts[i] ?? -1));
        state.floor = stored.floor;
        state.last = stored.last;
      }
    }
    return new SeenIds(capacity, families);
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
    const state = this.#families[family];
    if (state.ids.has(id)) return false;
    if (timeMs !== undefined && timeMs < state.floor) return false;
    state.ids.set(id, timeMs ?? -1);
    if (timeMs !== undefined && timeMs > state.last) state.last = timeMs;
    this.#trim(state);
    return true;
  }

  #trim(state: FamilyState): void {
    while (state.ids.size > this.#capacity) {
      const [oldest, ts] = state.ids.entries().next().value as [string, number];
      state.ids.delete(oldest);
      if (ts > state.floor) state.floor = ts;
    }
  }

  serialize(): string {
    const out: Serialized = {};
    for (const family of FAMILIES) {
      const state = this.#families[family];
      if (state.ids.size === 0 && state.floor < 0) continue;
      out[family] = { ids: [...state.ids.keys()], ts: [...state.ids.values()], floor: state.floor, last: state.last };
    }
    return JSON.stringify(out);
  }
}
