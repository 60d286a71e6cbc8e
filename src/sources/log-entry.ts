/**
 * What every source yields and every later stage reads: one platform-neutral log line or event.
 * Its own file so that processing and mapping can name it without the source contract's types.
 */

export type AttributeValue = string | number | boolean;
export type Attributes = Record<string, AttributeValue>;

/** One log line or event, as the platform gave it. */
export interface LogEntry {
  /** Platform timestamp in milliseconds since the epoch, when the platform has one. */
  timeMs?: number;
  /**
   * Nanoseconds past `timeMs` (0–999 999) where the platform stamps finer than a millisecond
   * (AgentBox): `time_unix_nano` is `timeMs × 10⁶ + timeNanosInMs`. `timeMs` is then a whole number.
   */
  timeNanosInMs?: number;
  /** The message, unchanged except for the line terminator. */
  body: string;
  /** `stdout` / `stderr` when the platform says so. */
  iostream?: 'stdout' | 'stderr';
  /** A level the platform states itself (wins over stream defaults; text detection may still refine). */
  level?: string;
  /** Platform record attributes (semantic conventions first). */
  attributes?: Attributes;
  /** The frame's data was not what the platform documents: body holds the raw data. */
  parseError?: boolean;
  /** OTLP event name, for platforms whose entries are typed events. */
  eventName?: string;
  /** Trace context lifted from a structured line (processing, DESIGN §4.5): 32 and 16 lowercase hex digits, W3C trace flags. */
  traceId?: string;
  spanId?: string;
  traceFlags?: number;
}
