// One log-stream connection: the shared stream writer with this session's faults (chunking,
// line endings, keep-alive comments, a cut after N frames, possibly mid-frame) plus the idle
// heartbeat.
import type { ServerResponse } from 'node:http';
import { createStreamWriter as createSharedWriter, cutFor, type QueuedFrame } from '../shared/stream-writer.ts';
import { heartbeatFrame, renderFrame } from './frames.ts';
import type { Frame, FoundryFaults } from './types.ts';

export interface StreamWriter {
  /** Queues frames (replay or live); ignored once ending or closed. */
  send(frames: readonly Frame[]): void;
  /** Ends the response once everything queued is written. */
  end(): void;
  readonly closed: boolean;
}

export function createStreamWriter(res: ServerResponse, faults: FoundryFaults, ordinal: number, onClose: () => void): StreamWriter {
  const eol = faults.lineEnding;
  const render = (frame: Frame): QueuedFrame => ({ bytes: Buffer.from(renderFrame(frame, eol), 'utf8'), counts: frame.kind === 'event' });
  const every = faults.commentsEvery;
  let heartbeat: NodeJS.Timeout | undefined;
  const shared = createSharedWriter(res, {
    chunking: faults.chunking,
    seed: faults.seed + ordinal,
    chunkDelayMs: faults.chunkDelayMs,
    cutAfter: cutFor(faults.disconnectAfter, ordinal),
    cutMidFrame: faults.disconnectMidFrame,
    extraAfter: (_, n) => (every !== undefined && every > 0 && n % every === 0 ? render({ kind: 'comment', text: 'keep-alive' }) : undefined),
    onClose() {
      clearTimeout(heartbeat);
      onClose();
    },
  });

  // Idle-based, like the platform's "No logs since last 60 seconds": re-armed by every frame.
  function armHeartbeat(): void {
    clearTimeout(heartbeat);
    if (faults.heartbeatEvery === undefined || faults.heartbeatEvery <= 0) return;
    heartbeat = setTimeout(() => writer.send([heartbeatFrame(Date.now())]), faults.heartbeatEvery);
    heartbeat.unref();
  }

  const writer: StreamWriter = {
    send(frames) {
      if (shared.send(frames.map(render))) armHeartbeat();
    },
    end() {
      clearTimeout(heartbeat);
      shared.end();
    },
    get closed() {
      return shared.closed;
    },
  };
  return writer;
}
