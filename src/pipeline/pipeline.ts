/**
 * The path from a stream's entries to the batcher: map, then add with the checkpoint.
 * It remembers the newest checkpoint each stream handed in, so a stream restarted
 * before its records were flushed resumes after them, not from the stored position.
 */
import type { LogEntry, StreamDescriptor, StreamSink } from '../sources/types.ts';
import type { Batcher } from './batcher.ts';
import { createStreamMapper, type SourceMapping } from './mapper.ts';

export class Pipeline {
  readonly #batcher: Batcher;
  readonly #handedIn = new Map<string, string>();

  constructor(batcher: Batcher) {
    this.#batcher = batcher;
  }

  sinkFor(source: SourceMapping, descriptor: StreamDescriptor): StreamSink {
    const mapper = createStreamMapper(source, descriptor);
    const key = descriptor.key;
    return {
      emit: async (entries: LogEntry[], checkpoint: string) => {
        const now = Date.now();
        const records = entries.map((entry) => mapper.map(entry, now));
        await this.#batcher.add(key, source.name, records, checkpoint);
        this.#handedIn.set(key, checkpoint);
      },
    };
  }

  /** The newest checkpoint handed in for a stream during this process's life. */
  handedIn(key: string): string | undefined {
    return this.#handedIn.get(key);
  }
}
