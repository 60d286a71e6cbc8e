/**
 * The byte-offset cursor of a Daytona command log (PLATFORMS §3.9). The server keeps no offsets,
 * and every connection replays the log from byte 0, so the client counts bytes.
 *
 * Three numbers make a restart exact:
 * - `emitted` (E): offset just past the last line handed off. Lines are handed off in the order of
 *   their end offsets, so a line was handed off exactly when its end is ≤ E.
 * - `resume` (R ≤ E) and `channel`: where parsing may restart with nothing pending: the first byte
 *   of the earliest line not yet complete (a line split over the checkpoint boundary is read again
 *   from its start), else E. R is never inside a marker or a UTF-8 character: it is the first byte
 *   of a line's payload, or the byte after an LF. Bytes before R are skipped unparsed.
 * - `exit`: the exit record was handed off; the stream is done.
 */
import type { Cursor, ParsedCursor } from '../shared/cursor.ts';
import type { Channel } from './framing.ts';
import type { Line } from './lines.ts';

export interface DaytonaPosition {
  resume: number;
  channel: Channel;
  emitted: number;
  exit?: number;
}

const START: DaytonaPosition = { resume: 0, channel: 'unknown', emitted: 0 };
const CHANNELS = new Set<Channel>(['stdout', 'stderr', 'unknown']);

/** `{"r":R,"c":"stdout","e":E,"x":N}`; anything unreadable starts from the beginning. */
export function parseCursor(text: string | undefined): DaytonaPosition {
  return readPosition(text).position;
}

/** The stored position, and whether the text was there but unreadable. */
function readPosition(text: string | undefined): { position: DaytonaPosition; damaged: boolean } {
  const start = { position: { ...START }, damaged: text !== undefined && text !== '' };
  if (!text) return start;
  try {
    const o = JSON.parse(text) as { r?: unknown; c?: unknown; e?: unknown; x?: unknown } | null;
    const resume = o?.r;
    const emitted = o?.e;
    if (!isOffset(resume) || !isOffset(emitted) || resume > emitted || !CHANNELS.has(o?.c as Channel)) return start;
    const position: DaytonaPosition = { resume, channel: o!.c as Channel, emitted };
    if (typeof o!.x === 'number' && Number.isInteger(o!.x)) position.exit = o!.x;
    return { position, damaged: false };
  } catch {
    return start;
  }
}

export function serializeCursor(p: DaytonaPosition): string {
  return JSON.stringify({ r: p.resume, c: p.channel, e: p.emitted, ...(p.exit !== undefined ? { x: p.exit } : {}) });
}

function isOffset(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/** Where a line that is not complete yet starts (the line assembler's earliest pending line). */
export type PendingStart = () => { offset: number; channel: Channel } | undefined;

/**
 * The byte cursor as the follower kit drives it: a connection's new lines are admitted one at a
 * time (`begin`, then `admit` per line, in order), and `serialize` at any moment gives the position
 * that covers exactly the admitted lines: E past the last of them, R at the earliest line not
 * admitted yet (later lines of the batch, or a line still pending in the assembler).
 */
export class DaytonaCursor implements Cursor {
  #emitted: number;
  #resume: { offset: number; channel: Channel };
  #exit: number | undefined;
  #batch: readonly Line[] = [];
  #next = 0;
  /** `#laterStart[i]`: the line starting earliest among `#batch[i..]`. */
  #laterStart: (Line | undefined)[] = [];
  #pending: PendingStart = () => undefined;

  private constructor(p: DaytonaPosition) {
    this.#emitted = p.emitted;
    this.#resume = { offset: p.resume, channel: p.channel };
    this.#exit = p.exit;
  }

  static parse(text: string | undefined): ParsedCursor<DaytonaCursor> {
    const { position, damaged } = readPosition(text);
    return { cursor: new DaytonaCursor(position), damaged };
  }

  /** The exit record was handed off (or is being): the stream is done. */
  get exit(): number | undefined {
    return this.#exit;
  }

  markExit(code: number): void {
    this.#exit = code;
  }

  /**
   * A connection ends and another will replay the log: fix the position (the old connection's
   * pending lines included) and return it, where the next connection's parser starts.
   */
  restart(): DaytonaPosition {
    const position = this.position();
    this.#resume = { offset: position.resume, channel: position.channel };
    this.#batch = [];
    this.#laterStart = [];
    this.#next = 0;
    this.#pending = () => undefined;
    return position;
  }

  /** The connection's parser: where its pending lines start. */
  attach(pending: PendingStart): void {
    this.#pending = pending;
  }

  /** The new lines of one read, in order of their end; `admit` takes them one by one. */
  begin(lines: readonly Line[]): void {
    this.#batch = lines;
    this.#next = 0;
    this.#laterStart = new Array<Line | undefined>(lines.length + 1);
    let earliest: Line | undefined;
    for (let i = lines.length - 1; i >= 0; i--) {
      if (earliest === undefined || lines[i]!.start < earliest.start) earliest = lines[i];
      this.#laterStart[i] = earliest;
    }
  }

  /** The next line of the batch is handed to the stage. Always new: repeats never reach the batch. */
  admit(): boolean {
    const line = this.#batch[this.#next++]!;
    this.#emitted = line.end;
    this.#resume = { offset: line.end, channel: line.channel };
    return true;
  }

  position(): DaytonaPosition {
    let earliest = this.#resume;
    const later = this.#laterStart[this.#next];
    if (later !== undefined && later.start < earliest.offset) earliest = { offset: later.start, channel: later.channel };
    const pending = this.#pending();
    if (pending && pending.offset < earliest.offset) earliest = pending;
    // Unknown-channel lines resume as unknown; a line's channel is the channel at its start.
    return { resume: earliest.offset, channel: earliest.channel, emitted: this.#emitted, ...(this.#exit !== undefined ? { exit: this.#exit } : {}) };
  }

  serialize(): string {
    return serializeCursor(this.position());
  }
}
