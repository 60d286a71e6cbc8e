/**
 * The sources of a config, followed with the daemon's own runners, processing stage and mapper, every mapped
 * record handed to `onRecord` instead of the batcher. Nothing here touches storage: no
 * database is opened, stored checkpoints are neither read nor written. Each stream starts
 * from what its platform replays on connect; within one run, a reconnect resumes after the
 * last record shown (the cursor is kept in memory only).
 */
import type { Config, SourceConfig } from '../../config/schema.ts';
import { sourceMapping } from '../../mapping/mapper.ts';
import { createStreamMapper, type LogRecord } from '../../mapping/mapper.ts';
import { createSource } from '../../sources/registry.ts';
import { SourceRunner } from '../../sources/source-runner.ts';
import { lineStagesFor } from '../../processing/create-line-stage.ts';
import { DEFAULT_TIMING } from '../../sources/supervisor.ts';
import type { Events } from '../../telemetry/events.ts';
import type { Logger } from '../../telemetry/logger.ts';

export interface TailRecord {
  source: string;
  /** The stream key, `source/…ids…`. */
  stream: string;
  record: LogRecord;
}

export interface FollowOptions {
  config: Config;
  sources: readonly SourceConfig[];
  logger: Logger;
  events: Events;
  /** Awaited before the next hand-off of the stream: a slow reader slows the platform reads, nothing is lost. */
  onRecords(records: TailRecord[]): Promise<void> | void;
}

export interface Following {
  /** Stops every source; resolves when all streams have returned. */
  stop(): Promise<void>;
}

export function followSources(o: FollowOptions): Following {
  // Built first, like the daemon: a source that cannot be created fails before any I/O.
  const built = o.sources.map((config) => ({ config, source: createSource(config, { logger: o.logger, events: o.events }) }));
  const positions = new Map<string, string>();
  const runners = built.map(({ config, source }) => {
    const mapping = sourceMapping(config, o.config.resource);
    const runner = new SourceRunner(config.name, source, {
      checkpointFor: (key) => positions.get(key),
      sinkFor(descriptor) {
        const mapper = createStreamMapper(mapping, descriptor);
        return {
          async emit(entries, checkpoint) {
            const now = Date.now();
            await o.onRecords(entries.map((entry) => ({ source: config.name, stream: descriptor.key, record: mapper.map(entry, now) })));
            positions.set(descriptor.key, checkpoint);
          },
        };
      },
      // The daemon's processing stage, so tail shows the records the daemon would export.
      stageFor: lineStagesFor(config, o.events),
      logger: o.logger,
      events: o.events,
      timing: DEFAULT_TIMING,
    });
    runner.start();
    return runner;
  });
  return {
    async stop() {
      await Promise.all(runners.map((r) => r.stop()));
    },
  };
}
