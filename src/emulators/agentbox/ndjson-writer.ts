// One `/logs/stream` connection: NDJSON lines queue up and a single pump writes them with the
// connection's faults (random chunking across line and UTF-8 boundaries, a cut after N lines).
import type { ServerResponse } from 'node:http';
import { createRandom, splitIntoChunks } from '../shared/chunking.ts';
import { nextTick } from '../shared/http-io.ts';
import type { AgentboxFaults } from './types.ts';

export interface NdjsonWriter {
  /** Queues lines (each one JSON text or raw text, without newline). */
  send(lines: readonly string[]): void;
  /** Ends the response after what is queued. */
  end(): void;
  readonly closed: boolean;
}

export function createNdjsonWriter(res: ServerResponse, faults: AgentboxFaults, ordinal: number, onClose: () => void): NdjsonWriter {
  const cutAfter = Array.isArray(faults.disconnectAfter) ? faults.disconnectAfter[ordinal] : faults.disconnectAfter;
  const chunking = faults.chunking;
  const random = createRandom(faults.seed + ordinal);
  const pending: string[] = [];
  let written = 0;
  let ending = false;
  let closed = false;
  let pumping = false;
  res.on('close', () => {
    closed = true;
    onClose();
  });

  async function pump(): Promise<void> {
    if (pumping) return;
    pumping = true;
    try {
      while (!closed && pending.length > 0) {
        let take = pending.length;
        if (cutAfter !== undefined) take = Math.min(take, Math.max(0, cutAfter - written));
        const lines = pending.splice(0, take);
        written += lines.length;
        const bytes = Buffer.from(lines.map((l) => `${l}\n`).join(''), 'utf8');
        for (const chunk of splitIntoChunks(bytes, chunking, random)) {
          if (closed) return;
          await new Promise<void>((resolve) => res.write(chunk, () => resolve()));
          if (chunking !== 'whole') await nextTick();
        }
        if (cutAfter !== undefined && written >= cutAfter) {
          res.socket?.destroy();
          return;
        }
      }
      if (ending && !closed) res.end();
    } catch {
      res.socket?.destroy();
    } finally {
      pumping = false;
    }
  }

  return {
    send(lines) {
      if (closed || ending) return;
      pending.push(...lines);
      void pump();
    },
    end() {
      if (closed || ending) return;
      ending = true;
      void pump().then(() => {
        if (!closed && pending.length === 0 && !pumping) res.end();
      });
    },
    get closed() {
      return closed;
    },
  };
}
