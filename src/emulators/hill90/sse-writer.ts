// Writes one SSE connection: frames queue up and a single pump sends them with the
// connection's faults (chunking, a cut after N data frames, duplicated frames).
import type { ServerResponse } from 'node:http';
import { createRandom, splitIntoChunks } from '../shared/chunking.ts';
import { nextTick, sleep } from '../shared/http-io.ts';
import type { Hill90Faults } from './types.ts';

export interface SseWriter {
  /** Queues frames (`isData`: counts for disconnectAfter/duplicateEvery); ignored once ending or closed. */
  send(frames: readonly { text: string; isData: boolean }[]): void;
  /** Ends the response once everything queued is written. */
  end(): void;
  /** Cuts the socket now. */
  destroy(): void;
  readonly closed: boolean;
}

export function createSseWriter(res: ServerResponse, faults: Hill90Faults, ordinal: number, onClose: () => void): SseWriter {
  const cutAfter = Array.isArray(faults.disconnectAfter) ? faults.disconnectAfter[ordinal] : faults.disconnectAfter;
  const random = createRandom(faults.seed + ordinal);
  const pending: { text: string; isData: boolean }[] = [];
  let dataQueued = 0;
  let dataWritten = 0;
  let ending = false;
  let closed = false;
  let pumping = false;
  const whenClosed = new Promise<void>((resolve) => {
    res.on('close', () => {
      closed = true;
      resolve();
      onClose();
    });
  });

  function takeBatch(): { bytes: Buffer; cut: boolean } {
    let text = '';
    let taken = 0;
    let cut = false;
    for (const item of pending) {
      if (cutAfter !== undefined && dataWritten >= cutAfter) {
        cut = true;
        break;
      }
      taken += 1;
      text += item.text;
      if (item.isData) dataWritten += 1;
    }
    if (cutAfter !== undefined && dataWritten >= cutAfter) cut = true;
    pending.splice(0, taken);
    return { bytes: Buffer.from(text, 'utf8'), cut };
  }

  async function writeChunks(bytes: Buffer): Promise<void> {
    const chunks = splitIntoChunks(bytes, faults.chunking, random);
    for (const [index, chunk] of chunks.entries()) {
      if (closed) return;
      if (index === chunks.length - 1) {
        // Only once the bytes reached the socket may a cut destroy it.
        await Promise.race([new Promise<void>((resolve) => res.write(chunk, () => resolve())), whenClosed]);
      } else if (!res.write(chunk)) {
        await Promise.race([new Promise((resolve) => res.once('drain', resolve)), whenClosed]);
      }
      if (faults.chunking !== 'whole' || faults.chunkDelayMs > 0) await (faults.chunkDelayMs > 0 ? sleep(faults.chunkDelayMs) : nextTick());
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
      if (closed || ending) return;
      for (const frame of frames) {
        pending.push(frame);
        if (!frame.isData) continue;
        dataQueued += 1;
        if (faults.duplicateEvery !== undefined && faults.duplicateEvery > 0 && dataQueued % faults.duplicateEvery === 0) pending.push(frame);
      }
      void pump();
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
