/**
 * What every resume cursor is to the rest of the daemon (DESIGN §3): it reads a stored checkpoint
 * and writes the one that covers what it admitted. Each platform's cursor decides on its own what
 * is new; this is only the part the supervisor and the follower kit rely on.
 */

/** A stream's resume position; `serialize` gives the checkpoint text that restores it. */
export interface Cursor {
  serialize(): string;
}

/**
 * A stored checkpoint read back. `damaged`: the text was there but could not be read (a damaged
 * row, a foreign format); the cursor then starts as if there had been none.
 */
export interface ParsedCursor<C extends Cursor> {
  cursor: C;
  damaged: boolean;
}

/** How a platform reads its checkpoints: never throws for bad text, it says `damaged`. */
export interface CursorFormat<C extends Cursor> {
  parse(stored: string | undefined): ParsedCursor<C>;
}

/** The cursor a stream starts from. A parser that throws all the same counts as damaged. */
export function readCursor<C extends Cursor>(format: CursorFormat<C>, stored: string | undefined): ParsedCursor<C> {
  try {
    return format.parse(stored);
  } catch {
    return { cursor: format.parse(undefined).cursor, damaged: true };
  }
}

/** Parse JSON text of an expected shape; undefined when it is not JSON or `valid` rejects it. */
export function parseJsonCheckpoint<T>(text: string, valid: (value: unknown) => value is T): T | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return valid(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

export const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
