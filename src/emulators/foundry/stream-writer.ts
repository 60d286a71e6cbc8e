// Writes one log-stream connection: frames queue up and a single pump sends
// them with the connection's faults (chunking, line endings, keep-alive
// comments, heartbeats, a cut after N frames).
import type { ServerResponse } from 'node:http';
import { createRandom, splitIntoChunks } from '../shared/chunking.ts';
import { nextTick, sleep } from '../shared/http-io.ts';
import { heartbeatFrame, renderFrame } from './frames.ts';
import type { Frame, FoundryFaults } from './types.ts';

export interface StreamWriter {
  /** Queues frames (replay or live); ignored once ending or closed. */
  send(frames: readonly Frame[]): void;
  /** Ends the response once everything queued is written. */
  end(): void;
  readonly closed: boolean;
}

interface Pending {
  bytes: Buffer;
  /** Event frames count for disconnectAfter/commentsEvery; comments do not. */
  isEvent: boolean;
}

/** The cut for the `ordinal`-th connection (0-based), if any. */
export function cutFor(disconnectAfter: FoundryFaults['disconnectAfter'], ordinal: number): number | undefined {
  return Array.isArray(disconnectAfter) ? disconnectAfter[ordinal] : disconnectAfter;
}

export function createStreamWriter(res: ServerResponse, faults: FoundryFaults, ordinal: number, onClose: () => void): StreamWriter {
  const eol = faults.lineEnding;
  const cutAfter = cutFor(faults.disconnectAfter, ordinal);
  const random = createRandom(faults.seed + ordinal);
  const pending: Pending[] = [];
  let eventsQueued = 0;
  let eventsWritten = 0;
  let ending = false;
  let closed = false;
  let pumping = false;
  let heartbeat: NodeJS.Timeout | undefined;
  const whenClosed = new Promise<void>((resolve) => {
    res.on('close', () => {
      closed = true;
      clearTimeout(heartbeat);
      resolve();
      onClose();
    });
  });

  function enqueue(frame: Frame): void {
    const isEvent = frame.kind === 'event';
    pending.push({ bytes: Buffer.from(renderFrame(frame, eol), 'utf8'), isEvent });
    if (!isEvent) return;
    eventsQueued += 1;
    if (faults.commentsEvery !== undefined && faults.commentsEvery > 0 && eventsQueued % faults.commentsEvery === 0) {
      pending.push({ bytes: Buffer.from(renderFrame({ kind: 'comment', text: 'keep-alive' }, eol), 'utf8'), isEvent: false });
    }
  }

  // Idle-based, like the platform's "No logs since last 60 seconds": re-armed by every frame.
  function armHeartbeat(): void {
    clearTimeout(heartbeat);
    if (faults.heartbeatEvery === undefined || faults.heartbeatEvery <= 0 || closed || ending) return;
    heartbeat = setTimeout(() => writer.send([heartbeatFrame(Date.now())]), faults.heartbeatEvery);
    heartbeat.unref();
  }

  /** Takes what may be written now; `cut` says the socket dies after it. */
  function takeBatch(): { bytes: Buffer; cut: boolean } {
    const parts: Buffer[] = [];
    let cut = false;
    // Walk with an index and drop the taken prefix once: shift() per frame is quadratic on a long replay.
    let taken = 0;
    while (!cut) {
      if (cutAfter !== undefined && eventsWritten >= cutAfter && !faults.disconnectMidFrame) {
        cut = true;
        break;
      }
      const item = pending[taken];
      if (item === undefined) break;
      if (cutAfter !== undefined && eventsWritten >= cutAfter && item.isEvent) {
        // Mid-frame cut: the client sees half a frame, which it must discard.
        parts.push(item.bytes.subarray(0, Math.max(1, item.bytes.length >> 1)));
        cut = true;
        break;
      }
      taken += 1;
      parts.push(item.bytes);
      if (item.isEvent) eventsWritten += 1;
    }
    pending.splice(0, taken);
    return { bytes: Buffer.concat(parts), cut };
  }

  async function writeChunks(bytes: Buffer): Promise<void> {
    const chunks = splitIntoChunks(bytes, faults.chunking, random);
    for (const [index, chunk] of chunks.entries()) {
      if (closed) return;
      const last = index === chunks.length - 1;
      // The last chunk's callback fires once the bytes reached the socket: only then may a cut destroy it.
      const flushed = last ? new Promise<void>((resolve) => res.write(chunk, () => resolve())) : undefined;
      const ok = flushed === undefined ? res.write(chunk) : true;
      if (flushed !== undefined) await Promise.race([flushed, whenClosed]);
      else if (!ok) await drainOrClose();
      if (faults.chunking !== 'whole' || faults.chunkDelayMs > 0) {
        await (faults.chunkDelayMs > 0 ? sleep(faults.chunkDelayMs) : nextTick());
      }
    }
  }

  function drainOrClose(): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        res.off('drain', done);
        res.off('close', done);
        resolve();
      };
      res.once('drain', done);
      res.once('close', done);
    });
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

  const writer: StreamWriter = {
    send(frames) {
      if (closed || ending) return;
      for (const frame of frames) enqueue(frame);
      armHeartbeat();
      void pump();
    },
    end() {
      if (closed || ending) return;
      ending = true;
      clearTimeout(heartbeat);
      void pump();
    },
    get closed() {
      return closed;
    },
  };
  return writer;
}
