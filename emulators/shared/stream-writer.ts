// Writes one streaming response (SSE or NDJSON): frames queue up and a single pump sends them
// with the connection's faults (chunking, a delay between writes, a cut after N counted frames,
// optionally in the middle of the next one). The platforms differ only in their frames.
import type { ServerResponse } from 'node:http';
import { createRandom, splitIntoChunks, type Chunking } from './chunking.ts';
import { drainOrClose, nextTick, sleep } from './http-io.ts';

export interface QueuedFrame {
  bytes: Buffer;
  /** Counted frames (events, data lines) count for the cut and `extraAfter`; comments do not. */
  counts: boolean;
}

export interface StreamWriterOptions {
  chunking: Chunking;
  /** Seed for `chunking: 'random'` of this connection (the emulator's seed + its ordinal). */
  seed: number;
  /** Delay between writes; 0 = only yield to the event loop (and not even that for `'whole'`). */
  chunkDelayMs?: number;
  /** Destroy the socket once this many counted frames were written. */
  cutAfter?: number;
  /** With `cutAfter`: write half of the next counted frame before cutting (frames not counted still pass). */
  cutMidFrame?: boolean;
  /** A frame to queue right after the `n`-th counted frame queued (a flaky proxy's repeat, a keep-alive). */
  extraAfter?: (frame: QueuedFrame, n: number) => QueuedFrame | undefined;
  /** Called once when the response closes. */
  onClose(): void;
}

export interface StreamWriter {
  /** Queues frames; false (nothing queued) once ending or closed. */
  send(frames: readonly QueuedFrame[]): boolean;
  /** Ends the response once everything queued is written. */
  end(): void;
  /** Cuts the socket now. */
  destroy(): void;
  readonly closed: boolean;
}

/** The cut for the `ordinal`-th connection (0-based): an array gives successive connections' limits. */
export function cutFor(disconnectAfter: number | number[] | undefined, ordinal: number): number | undefined {
  return Array.isArray(disconnectAfter) ? disconnectAfter[ordinal] : disconnectAfter;
}

export function createStreamWriter(res: ServerResponse, opts: StreamWriterOptions): StreamWriter {
  const { chunking, cutAfter } = opts;
  const chunkDelayMs = opts.chunkDelayMs ?? 0;
  const random = createRandom(opts.seed);
  const pending: QueuedFrame[] = [];
  let queued = 0;
  let written = 0;
  let ending = false;
  let closed = false;
  let pumping = false;
  const whenClosed = new Promise<void>((resolve) => {
    res.on('close', () => {
      closed = true;
      resolve();
      opts.onClose();
    });
  });

  /** Takes what may be written now; `cut` says the socket dies after it. */
  function takeBatch(): { bytes: Buffer; cut: boolean } {
    const parts: Buffer[] = [];
    let cut = false;
    // Walk with an index and drop the taken prefix once: shift() per frame is quadratic on a long replay.
    let taken = 0;
    while (!cut) {
      if (cutAfter !== undefined && written >= cutAfter && opts.cutMidFrame !== true) {
        cut = true;
        break;
      }
      const item = pending[taken];
      if (item === undefined) break;
      if (cutAfter !== undefined && written >= cutAfter && item.counts) {
        // Mid-frame cut: the client sees half a frame, which it must discard.
        parts.push(item.bytes.subarray(0, Math.max(1, item.bytes.length >> 1)));
        cut = true;
        break;
      }
      taken += 1;
      parts.push(item.bytes);
      if (item.counts) written += 1;
    }
    pending.splice(0, taken);
    return { bytes: Buffer.concat(parts), cut };
  }

  async function writeChunks(bytes: Buffer): Promise<void> {
    const chunks = splitIntoChunks(bytes, chunking, random);
    for (const [index, chunk] of chunks.entries()) {
      if (closed) return;
      if (index === chunks.length - 1) {
        // The last chunk's callback fires once the bytes reached the socket: only then may a cut destroy it.
        await Promise.race([new Promise<void>((resolve) => res.write(chunk, () => resolve())), whenClosed]);
      } else if (!res.write(chunk)) {
        await drainOrClose(res);
      }
      if (chunking !== 'whole' || chunkDelayMs > 0) await (chunkDelayMs > 0 ? sleep(chunkDelayMs) : nextTick());
    }
  }

  async function pump(): Promise<void> {
    if (pumping) return;
    pumping = true;
    try {
      while (!closed) {
        const { bytes, cut } = takeBatch();
        if (bytes.length > 0) await writeChunks(bytes);
        if (cut) {
          res.socket?.destroy();
          return;
        }
        if (pending.length > 0) continue;
        if (ending && !closed) res.end();
        return;
      }
    } catch {
      res.socket?.destroy();
    } finally {
      pumping = false;
    }
  }

  return {
    send(frames) {
      if (closed || ending) return false;
      for (const frame of frames) {
        pending.push(frame);
        if (!frame.counts) continue;
        queued += 1;
        const extra = opts.extraAfter?.(frame, queued);
        if (extra !== undefined) pending.push(extra);
      }
      void pump();
      return true;
    },
    end() {
      if (closed || ending) return;
      ending = true;
      void pump();
    },
    destroy() {
      res.socket?.destroy();
    },
    get closed() {
      return closed;
    },
  };
}
