/**
 * Wires the one data path — source → mapper → batcher → spool/queue → exporter → ack →
 * checkpoint — and its lifecycle. Starts downstream-first (storage, exporter, pipeline,
 * then sources) and stops upstream-first, so each part can drain into the next.
 */
import type { Config, SourceConfig } from '../config/schema.ts';
import { CheckpointStore } from '../checkpoint/checkpoint-store.ts';
import { openDatabase, type Database } from '../checkpoint/database.ts';
import { createOrphanReporter } from '../checkpoint/orphans.ts';
import { acquireStateLock, type StateLock } from '../checkpoint/state-lock.ts';
import { Spool } from '../delivery/spool.ts';
import { createCodec } from '../mapping/encoder.ts';
import { ExportLoop, type ExporterStatus } from '../export/export-loop.ts';
import { createHttpTransport } from '../export/http-transport.ts';
import { Batcher } from '../delivery/batcher.ts';
import { sourceMapping } from '../mapping/mapper.ts';
import { effectiveMemoryLimit, exposeGc, MemoryLimiter, type MemoryStatus } from '../delivery/memory-limiter.ts';
import { MemoryQueue } from '../delivery/memory-queue.ts';
import { Pipeline } from '../delivery/pipeline.ts';
import type { DeliveryQueue, QueuedBatch, QueuePressure } from '../delivery/queue.ts';
import { createSource } from '../sources/registry.ts';
import { lineStagesFor } from '../processing/create-line-stage.ts';
import { OPENING_PERMITS, ReadGate } from '../sources/read-gate.ts';
import { SourceRunner, type SourceStatus } from '../sources/source-runner.ts';
import { DEFAULT_TIMING, type SupervisorTiming } from '../sources/supervisor.ts';
import type { Source, StreamSink } from '../sources/types.ts';
import type { Events } from '../telemetry/events.ts';
import { createExportLag, type ExportLag } from '../delivery/export-lag.ts';
import type { Logger } from '../telemetry/logger.ts';
import { VERSION } from '../version.ts';
import { safeUrl } from '../util/safe-url.ts';
import { announceSpoolRecovery } from './spool-recovery.ts';

export interface DaemonDeps {
  logger: Logger;
  events: Events;
  /** Reconnect timing; tests shorten it. */
  timing?: SupervisorTiming;
  /** Called when a part of the pipeline cannot go on (e.g. the state database fails for good). */
  onFatal?(reason: string): void;
  /** The lock on storage.dir, when the caller took it already (`run` does, before binding its port). Released at shutdown. */
  lock?: StateLock;
}

export interface DaemonStatus {
  sources: Record<string, SourceStatus>;
  /** memory_limit's marks and where the resident set stands; undefined when there is no limit. */
  memory?: MemoryStatus;
  exporter: ExporterStatus & { queuedBatches: number; queuedRecords: number; queuedBytes: number };
  /** Per source: platform time (ms) of the newest record the endpoint accepted in this process's life. */
  newestExportedMs: Record<string, number>;
  /** Whether hand-offs wait for room (spool at max_bytes, volume full). */
  storage: QueuePressure;
}

/** A change of the running sources, decided by the reload module. */
export interface SourceChange {
  /** Names to stop (removed, or changed: then also in `start`). Their checkpoints stay. */
  stop: string[];
  /** Configs to start (added, or the new config of a changed source). */
  start: SourceConfig[];
  /** The top-level `resource` the started sources map with. */
  resource: Config['resource'];
}

export interface Daemon {
  status(): DaemonStatus;
  /** The config of each running source, by name (what a reload compares against). */
  sourceConfigs(): Map<string, SourceConfig>;
  /**
   * Stop and start sources while everything else keeps running. Every new source is built first:
   * if one cannot be, this throws and nothing was changed. A stopped source's streams have
   * returned before its replacement starts, so no stream is ever followed twice. Resolves false
   * when a shutdown began meanwhile (then nothing new was started).
   */
  applySources(change: SourceChange): Promise<boolean>;
  /** Stop reading, flush within the timeout, persist checkpoints; resolves true if everything was delivered. */
  shutdown(timeoutMs: number): Promise<boolean>;
}

interface Running {
  config: SourceConfig;
  runner: SourceRunner;
}

export function startDaemon(config: Config, deps: DaemonDeps): Daemon {
  const { logger, events } = deps;
  // Build every source first: a source that cannot be created fails the start, before any I/O.
  const built = config.sources.map((s) => ({ config: s, source: createSource(s, { logger, events }) }));

  // One daemon per storage.dir: a second one is refused here, before it touches the database.
  const lock = deps.lock ?? acquireStateLock(config.storage.dir, 'run');
  let db: Database;
  try {
    db = openDatabase(config.storage.dir);
  } catch (error) {
    lock.release();
    throw error;
  }
  const checkpoints = new CheckpointStore(db);
  const inner: DeliveryQueue = config.storage.spool.enabled
    ? new Spool(db, checkpoints, config.storage.spool.max_bytes, { dir: config.storage.dir, events })
    : new MemoryQueue(checkpoints, config.storage.spool.max_bytes);
  const reportOrphans = createOrphanReporter(checkpoints, events);
  reportOrphans(config.sources.map((s) => s.name));
  // Batches spooled by an earlier run are acknowledged first; the lag ledger skips them.
  const lag = createExportLag(inner.size().batches);
  const recovery = announceSpoolRecovery(inner.size(), events);
  // memory_limit: hand-offs to the queue wait above the soft mark, so the sources stop reading.
  const memoryLimit = effectiveMemoryLimit(config.memory_limit);
  const limiter =
    memoryLimit === undefined
      ? undefined
      : new MemoryLimiter({
          limitBytes: memoryLimit,
          gc: exposeGc(),
          drained: () => inner.size().batches === 0,
          onLimited: (rss, mark) => events.memoryLimited(rss, mark, memoryLimit),
          onReleased: (rss) => events.memoryReleased(rss),
          onBelowFloor: (rss) => events.memoryBelowFloor(rss, memoryLimit),
        });
  limiter?.start();
  const queue = observeAcks(inner, (batch) => {
    lag.acknowledged(batch.bySource);
    recovery.acknowledged(batch.records);
    // A drained queue lets a held-back hand-off go now, not at the limiter's next look.
    limiter?.check();
  });
  const exporter = new ExportLoop({
    queue,
    transport: createHttpTransport({
      endpoint: config.exporter.endpoint,
      headers: config.exporter.headers,
      headerFiles: config.exporter.headers_files,
      timeoutMs: config.exporter.timeout,
      tls: config.exporter.tls,
      userAgent: `agent-log-exporter/${VERSION}`,
    }),
    events,
    retry: { initialMs: config.exporter.retry.initial_interval, maxMs: config.exporter.retry.max_interval },
    onFatal: (reason) => deps.onFatal?.(reason),
  });
  exporter.start();

  const batcher = new Batcher({
    maxRecords: config.exporter.batch.max_records,
    maxBytes: config.exporter.batch.max_bytes,
    timeoutMs: config.exporter.batch.timeout,
    // Linger only matters below timeout; at or above it, batches wait for max_records or timeout.
    lingerMs: config.exporter.batch.linger < config.exporter.batch.timeout ? config.exporter.batch.linger : undefined,
    deliveryIdle: () => queue.size().batches === 0,
    codec: createCodec(config.exporter.protocol, config.exporter.compression),
    queue: limiter ? heldByMemory(queue, limiter) : queue,
    onError: (error) => events.flushFailed((error as Error).message),
  });
  const pipeline = new Pipeline(batcher);
  // Streams parse under permits and open only once memory allows (issue 14).
  const gate = new ReadGate(limiter ? { room: (signal) => limiter.roomToOpen(signal), openingPermits: OPENING_PERMITS } : {});

  const running = new Map<string, Running>();
  function launch(sourceConfig: SourceConfig, source: Source, resource: Config['resource']): void {
    const mapping = sourceMapping(sourceConfig, resource);
    const runner = new SourceRunner(sourceConfig.name, source, {
      checkpointFor: (key) => pipeline.handedIn(key) ?? checkpoints.get(key),
      sinkFor: (descriptor) => timed(pipeline.sinkFor(mapping, descriptor), sourceConfig.name, lag),
      // One processing stage per stream (DESIGN §4.5); Hill90's typed events pass through.
      stageFor: lineStagesFor(sourceConfig, events),
      logger,
      events,
      timing: deps.timing ?? DEFAULT_TIMING,
      gate,
    });
    running.set(sourceConfig.name, { config: sourceConfig, runner });
    events.sourceStarted(sourceConfig.name);
    runner.start();
  }
  for (const { config: sourceConfig, source } of built) launch(sourceConfig, source, config.resource);
  events.daemonStarted(running.size, safeUrl(config.exporter.endpoint), config.storage.spool.enabled);

  let stopping: Promise<boolean> | undefined;
  /** Sources a reload is stopping right now (already out of `running`). */
  const leavingStops = new Set<Promise<void>>();
  return {
    status() {
      const size = queue.size();
      return {
        sources: Object.fromEntries([...running.values()].map(({ runner }) => [runner.name, runner.status()])),
        exporter: { ...exporter.status(), queuedBatches: size.batches, queuedRecords: size.records + batcher.pending(), queuedBytes: size.bytes },
        memory: limiter?.status(),
        // Only running sources: a removed source's lag would otherwise grow forever.
        newestExportedMs: Object.fromEntries(Object.entries(lag.newest()).filter(([name]) => running.has(name))),
        storage: queue.pressure?.() ?? { state: 'ok' },
      };
    },
    sourceConfigs() {
      return new Map([...running].map(([name, r]) => [name, r.config]));
    },
    async applySources(change) {
      if (stopping) return false;
      const next = change.start.map((s) => ({ config: s, source: createSource(s, { logger, events }) }));
      const leaving = change.stop.flatMap((name) => {
        const r = running.get(name);
        running.delete(name);
        return r ? [r.runner] : [];
      });
      // A shutdown that begins now must wait for these too: they may still be handing off.
      const stopped = Promise.all(leaving.map((runner) => runner.stop())).then(() => undefined);
      leavingStops.add(stopped);
      await stopped.finally(() => leavingStops.delete(stopped));
      for (const runner of leaving) events.sourceStopped(runner.name);
      if (stopping) return false;
      for (const { config: sourceConfig, source } of next) launch(sourceConfig, source, change.resource);
      reportOrphans(running.keys());
      return true;
    },
    shutdown(timeoutMs) {
      stopping ??= (async () => {
        const deadline = Date.now() + timeoutMs;
        const remaining = (): number => Math.max(0, deadline - Date.now());
        events.daemonStopping(timeoutMs);
        await withDeadline(Promise.all([...[...running.values()].map((r) => r.runner.stop()), ...leavingStops]), remaining());
        // Nothing is read any more: what is left goes to the queue whatever the memory.
        limiter?.stop();
        await withDeadline(batcher.close(), remaining()).catch(() => undefined);
        // Records still in the batcher (its flush ran out of time) are not delivered either.
        const delivered = (await exporter.drain(deadline)) && batcher.pending() === 0;
        await exporter.stop();
        db.close();
        lock.release();
        const left = queue.size();
        events.daemonStopped(delivered, left);
        return delivered;
      })();
      return stopping;
    },
  };
}

/** The queue, with every append first waiting for memory below the limiter's soft mark. */
function heldByMemory(queue: DeliveryQueue, limiter: MemoryLimiter): DeliveryQueue {
  return {
    append: async (batch, checkpoints, signal) => {
      await limiter.room(signal);
      return queue.append(batch, checkpoints, signal);
    },
    next: (signal) => queue.next(signal),
    ack: (batch) => queue.ack(batch),
    size: () => queue.size(),
    close: () => queue.close(),
  };
}

/** The queue, telling `onAck` about every batch that left it (for the lag ledger). */
function observeAcks(queue: DeliveryQueue, onAck: (batch: QueuedBatch) => void): DeliveryQueue {
  return {
    append: (batch, checkpoints, signal) => queue.append(batch, checkpoints, signal),
    next: (signal) => queue.next(signal),
    ack(batch) {
      queue.ack(batch);
      onAck(batch);
    },
    size: () => queue.size(),
    pressure: () => queue.pressure?.() ?? { state: 'ok' },
    close: () => queue.close(),
  };
}

/** A stream's sink that notes, once entries are handed in, the newest platform time among them. */
function timed(sink: StreamSink, source: string, lag: ExportLag): StreamSink {
  return {
    // Not an async function, and the entries are read before the hand-off: they are not kept
    // alive while it waits for room.
    emit(entries, checkpoint) {
      let newest: number | undefined;
      for (const e of entries) if (e.timeMs !== undefined && (newest === undefined || e.timeMs > newest)) newest = e.timeMs;
      const count = entries.length;
      return sink.emit(entries, checkpoint).then(() => lag.handedIn(source, count, newest));
    },
  };
}

/** Wait for a promise, but no longer than `ms`. */
async function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
