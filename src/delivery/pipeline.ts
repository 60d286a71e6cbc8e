/**
 * The path from a stream's entries to the batcher: add them with the checkpoint and the
 * stream's encoding (resource, severity and attribute rules), which the codec turns into bytes.
 * It remembers the newest checkpoint each stream handed in, so a stream restarted
 * before its records were flushed resumes after them, not from the stored position.
 */
import type { LogEntry, StreamDescriptor, StreamSink } from '../sources/types.ts';
import type { Batcher } from './batcher.ts';
import type { SourceMapping } from '../mapping/mapper.ts';
import { createStreamEncoding, type EncodedPart, type StreamEncoding } from '../mapping/encoder.ts';

export class Pipeline {
  readonly #batcher: Batcher<EncodedPart, LogEntry, StreamEncoding>;
  readonly #handedIn = new Map<string, string>();

  constructor(batcher: Batcher<EncodedPart, LogEntry, StreamEncoding>) {
    this.#batcher = batcher;
  }

  sinkFor(source: SourceMapping, descriptor: StreamDescriptor): StreamSink {
    const encoding = createStreamEncoding(source, descriptor);
    const key = descriptor.key;
    return {
      // Not an async function: it would keep `entries` alive while the hand-off waits for room.
      emit: (entries: LogEntry[], checkpoint: string) =>
        this.#batcher.add(key, source.name, entries, checkpoint, encoding).then(() => {
          this.#handedIn.set(key, checkpoint);
        }),
    };
  }

  /** The newest checkpoint handed in for a stream during this process's life. */
  handedIn(key: string): string | undefined {
    return this.#handedIn.get(key);
  }
}
