/**
 * Orphaned checkpoints (issue 11 item 3): names with checkpoints but not in the config are
 * reported once — at start, and again only when a reload leaves a name behind that was not
 * reported (or was configured again in between).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { CheckpointStore } from '../../src/checkpoint/checkpoint-store.ts';
import { openDatabase } from '../../src/checkpoint/database.ts';
import { createOrphanReporter, orphanedSources } from '../../src/checkpoint/orphans.ts';
import { Events } from '../../src/telemetry/events.ts';
import { createLogger } from '../../src/telemetry/logger.ts';

describe('orphaned checkpoints', () => {
  it('are reported once per name, again after the name came back and left again', () => {
    const db = openDatabase(mkdtempSync(join(tmpdir(), 'ale-orphans-')));
    const store = new CheckpointStore(db);
    store.saveMany(new Map([['old/a/1', 'x'], ['old/a/2', 'y'], ['kept/b', 'z'], ['gone', 'w']]));
    expect([...orphanedSources(store, ['kept'])]).toEqual([['gone', 1], ['old', 2]]);

    const lines: { event: string; sources: string[] }[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as { event: string; sources: string[] });
        done();
      },
    });
    const report = createOrphanReporter(store, new Events(createLogger({ level: 'info', destination })));
    const orphaned = (): string[][] => lines.filter((l) => l.event === 'checkpoints.orphaned').map((l) => l.sources);

    report(['kept']);
    expect(orphaned()).toEqual([['gone', 'old']]);
    report(['kept', 'new']); // a reload: nothing new left behind
    expect(orphaned()).toHaveLength(1);
    report(['old']); // old is configured again: kept is now the one left behind
    expect(orphaned()).toEqual([['gone', 'old'], ['kept']]);
    report(['new']); // old left again: reported again
    expect(orphaned()).toEqual([['gone', 'old'], ['kept'], ['old']]);
    db.close();
  });
});
