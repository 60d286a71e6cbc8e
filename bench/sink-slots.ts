// What the receiver thread and the bench share: live counters in a
// SharedArrayBuffer (one writer each), and the shape of the final tally.

/** Float64 slots of the shared counters. */
export const SLOT = {
  /** Records in accepted requests (cheap count, repeats included). */
  records: 0,
  requests: 1,
  /** nowMs() of the last accepted request. */
  lastAt: 2,
  /** Set by the bench: 1 = answer every request 503 (a backend outage). */
  outage: 3,
  /** Requests answered 503. */
  rejected: 4,
  /** nowMs() of the first accepted request holding records, 0 before it. */
  firstAt: 5,
} as const;

export const SLOT_COUNT = 6;

export interface FinishRequest {
  /** Seqs 0 … expected-1 were written by the emulator. */
  expected: number;
}

export interface SinkResult {
  /** Records decoded from accepted requests. */
  records: number;
  /** Records whose seq had already been delivered. */
  duplicates: number;
  /** Records without a seq the emulator wrote. */
  foreign: number;
  /** Accepted request bodies the official schema could not decode. */
  decodeErrors: number;
  /** Per seq: nowMs() of its first delivery, 0 if never delivered. */
  firstAt: Float64Array;
}
