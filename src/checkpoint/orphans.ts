/**
 * Checkpoints whose source is no longer in the config (issue 11): after a rename the new name
 * starts from nothing and the old name's checkpoints stay behind. The daemon reports them once
 * (at start, and on a reload that leaves new ones behind); `checkpoints list` marks them.
 */
import type { CheckpointStore } from './checkpoint-store.ts';
import type { Events } from '../telemetry/events.ts';

/** Stored source names that are not configured, with how many streams each has. */
export function orphanedSources(store: CheckpointStore, configured: Iterable<string>): Map<string, number> {
  const names = new Set(configured);
  return new Map([...store.sources()].filter(([source]) => !names.has(source)));
}

/** Logs orphaned sources not reported before; forgets those configured again (so a later removal is reported). */
export function createOrphanReporter(store: CheckpointStore, events: Events): (configured: Iterable<string>) => void {
  const reported = new Set<string>();
  return (configured) => {
    const names = [...configured];
    for (const name of names) reported.delete(name);
    const orphans = [...orphanedSources(store, names)].filter(([source]) => !reported.has(source));
    if (orphans.length === 0) return;
    for (const [source] of orphans) reported.add(source);
    events.checkpointsOrphaned(new Map(orphans));
  };
}
