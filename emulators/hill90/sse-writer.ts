// One Hill90 SSE connection: the shared stream writer with this agent's faults (chunking, a cut
// after N data frames, every N-th data frame written twice).
import type { ServerResponse } from 'node:http';
import { createStreamWriter, cutFor, type StreamWriter } from '../shared/stream-writer.ts';
import type { Hill90Faults } from './types.ts';

export interface SseWriter extends Omit<StreamWriter, 'send'> {
  /** Queues frames (`isData`: counts for disconnectAfter/duplicateEvery); ignored once ending or closed. */
  send(frames: readonly { text: string; isData: boolean }[]): void;
}

export function createSseWriter(res: ServerResponse, faults: Hill90Faults, ordinal: number, onClose: () => void): SseWriter {
  const every = faults.duplicateEvery;
  const writer = createStreamWriter(res, {
    chunking: faults.chunking,
    seed: faults.seed + ordinal,
    chunkDelayMs: faults.chunkDelayMs,
    cutAfter: cutFor(faults.disconnectAfter, ordinal),
    extraAfter: (frame, n) => (every !== undefined && every > 0 && n % every === 0 ? frame : undefined),
    onClose,
  });
  return {
    send(frames) {
      writer.send(frames.map((f) => ({ bytes: Buffer.from(f.text, 'utf8'), counts: f.isData })));
    },
    end: () => writer.end(),
    destroy: () => writer.destroy(),
    get closed() {
      return writer.closed;
    },
  };
}
