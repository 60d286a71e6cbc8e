// One `/logs/stream` connection: the shared stream writer with NDJSON lines and the connection's
// faults (random chunking across line and UTF-8 boundaries, a cut after N lines).
import type { ServerResponse } from 'node:http';
import { createStreamWriter, cutFor } from '../shared/stream-writer.ts';
import type { AgentboxFaults } from './types.ts';

export interface NdjsonWriter {
  /** Queues lines (each one JSON text or raw text, without newline). */
  send(lines: readonly string[]): void;
  /** Ends the response after what is queued. */
  end(): void;
  readonly closed: boolean;
}

export function createNdjsonWriter(res: ServerResponse, faults: AgentboxFaults, ordinal: number, onClose: () => void): NdjsonWriter {
  const writer = createStreamWriter(res, { chunking: faults.chunking, seed: faults.seed + ordinal, cutAfter: cutFor(faults.disconnectAfter, ordinal), onClose });
  return {
    send(lines) {
      writer.send(lines.map((line) => ({ bytes: Buffer.from(`${line}\n`, 'utf8'), counts: true })));
    },
    end: () => writer.end(),
    get closed() {
      return writer.closed;
    },
  };
}
