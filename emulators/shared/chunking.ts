// How a response's bytes are cut into socket writes. Parsers break at chunk
// boundaries (a split UTF-8 sequence, a CR at the end of one chunk and the LF
// at the start of the next), so emulators can force every kind of split.

/**
 * - `'whole'`: everything pending at that moment goes out in one write
 *   (a replay arrives as one big chunk holding many frames);
 * - `'bytewise'`: every byte is its own write;
 * - `'random'`: seeded random sizes of 1–64 bytes (reproducible);
 * - a number: fixed-size writes of that many bytes, crossing frame boundaries.
 */
export type Chunking = 'whole' | 'bytewise' | 'random' | number;

/** mulberry32: tiny, seedable, good enough to pick chunk sizes. */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function splitIntoChunks(bytes: Buffer, chunking: Chunking, random: () => number): Buffer[] {
  if (bytes.length === 0) return [];
  if (chunking === 'whole') return [bytes];
  const chunks: Buffer[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const size = chunkSize(chunking, random);
    chunks.push(bytes.subarray(offset, offset + size));
    offset += size;
  }
  return chunks;
}

function chunkSize(chunking: Exclude<Chunking, 'whole'>, random: () => number): number {
  if (chunking === 'bytewise') return 1;
  if (chunking === 'random') return 1 + Math.floor(random() * 64);
  if (!Number.isInteger(chunking) || chunking < 1) throw new RangeError(`chunking must be a positive integer, got ${chunking}`);
  return chunking;
}
