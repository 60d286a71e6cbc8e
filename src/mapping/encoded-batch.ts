/**
 * What the mapping stage hands to delivery: one OTLP request body and what it holds. The codec
 * contract lives here, with the encoders, so delivery depends on mapping and never the reverse.
 */
import type { LogRecord } from './mapper.ts';

export interface EncodedBatch {
  payload: Uint8Array;
  contentType: string;
  contentEncoding: 'gzip' | 'identity';
  records: number;
  /** Record counts per source, for metrics. */
  bySource: Record<string, number>;
}

/**
 * How records become a request body: `prepare` runs on every add (so the encoder can turn
 * records into bytes at once), `join` makes one batch of the prepared parts. `context` is what
 * the adding stream passed along (its resource, how its records are mapped).
 */
export interface BatchCodec<P, R = LogRecord, C = unknown> {
  prepare(records: R[], context: C): { part: P; bytes: number };
  join(parts: P[], records: number, bySource: Record<string, number>): Promise<EncodedBatch>;
}
