import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CheckpointStore } from '../../src/checkpoint/checkpoint-store.ts';
import { openDatabase, WAL_AUTOCHECKPOINT_PAGES, WAL_ROOMY_AUTOCHECKPOINT_PAGES, type Database } from '../../src/checkpoint/database.ts';
import { ROOMY_ENTER_BYTES, volumeFreeBytes } from '../../src/checkpoint/volume-room.ts';
import { mountTmpfs, tmpfsAvailable } from '../helpers/tmpfs.ts';
import { Spool } from '../../src/delivery/spool.ts';
import { MemoryQueue } from '../../src/delivery/memory-queue.ts';
import type { EncodedBatch } from '../../src/delivery/queue.ts';

function batch(bytes: number, records = 1): EncodedBatch {
  return { payload: new Uint8Array(bytes).fill(7), contentType: 'application/x-protobuf', contentEncoding: 'identity', records, bySource: { s: records } };
}

const tmp = (): string => mkdtempSync(join(tmpdir(), 'ale-spool-'));

describe('spool', () => {
  it('commits the checkpoint with the batch and survives reopening', async () => {
    const dir = tmp();
    const db = openDatabase(dir);
    const store = new CheckpointStore(db);
    const spool = new Spool(db, store, 1 << 20);
    await spool.append(batch(10, 3), new Map([['s/a', 'cursor-1']]));
    await spool.append(batch(20, 4), new Map([['s/a', 'cursor-2'], ['s/b', 'x']]));
    db.close();

    const db2 = openDatabase(dir);
    const store2 = new CheckpointStore(db2);
    const spool2 = new Spool(db2, store2, 1 << 20);
    expect(store2.get('s/a')).toBe('cursor-2');
    expect(spool2.size()).toEqual({ bytes: 30, records: 7, batches: 2 });
    const first = await spool2.next(new AbortController().signal);
    expect(first?.records).toBe(3);
    spool2.ack(first!);
    const second = await spool2.next(new AbortController().signal);
    expect(second?.records).toBe(4);
    expect(store2.list().map((r) => r.stream)).toEqual(['s/a', 's/b']);
    expect(store2.reset('s')).toBe(2);
    db2.close();
  });

  it('makes append wait while full instead of dropping, and resumes after an ack', async () => {
    const db = openDatabase(tmp());
    const spool = new Spool(db, new CheckpointStore(db), 100);
    await spool.append(batch(80), new Map([['s/a', '1']]));
    let appended = false;
    const pending = spool.append(batch(80), new Map([['s/a', '2']])).then(() => (appended = true));
    await new Promise((r) => setTimeout(r, 50));
    expect(appended).toBe(false);
    const head = await spool.next(new AbortController().signal);
    spool.ack(head!);
    await pending;
    expect(appended).toBe(true);
    expect(spool.size().batches).toBe(1);
    db.close();
  });
});

const autocheckpoint = (db: Database): number => Number((db.prepare('PRAGMA wal_autocheckpoint').get() as { wal_autocheckpoint: number }).wal_autocheckpoint);
const probe = tmp();
const tmpfs = tmpfsAvailable(probe);
rmSync(probe, { recursive: true, force: true });

describe('spool: WAL checkpoints by room on the volume', () => {
  const roomy = (volumeFreeBytes(tmpdir())?.free ?? 0) >= ROOMY_ENTER_BYTES;

  it.skipIf(!roomy)('lets the WAL grow to 4 MiB between checkpoints on a volume with plenty of room', async () => {
    const dir = tmp();
    const db = openDatabase(dir);
    const spool = new Spool(db, new CheckpointStore(db), 1 << 20, { dir });
    expect(autocheckpoint(db)).toBe(WAL_AUTOCHECKPOINT_PAGES);
    await spool.append(batch(10), new Map([['s/a', '1']]));
    expect(autocheckpoint(db)).toBe(WAL_ROOMY_AUTOCHECKPOINT_PAGES);
    db.close();
  });

  it.skipIf(!tmpfs.ok)('keeps it to 128 KiB on a small volume', async () => {
    const dir = tmp();
    const mount = mountTmpfs(dir, '2m');
    expect(mount.ok).toBe(true);
    try {
      const db = openDatabase(dir);
      const spool = new Spool(db, new CheckpointStore(db), 1 << 20, { dir });
      await spool.append(batch(10), new Map([['s/a', '1']]));
      expect(autocheckpoint(db)).toBe(WAL_AUTOCHECKPOINT_PAGES);
      db.close();
    } finally {
      if (mount.ok) mount.unmount();
    }
  });
});

describe('memory queue (spool off)', () => {
  it('advances checkpoints only when a batch is acknowledged, in order', async () => {
    const db = openDatabase(tmp());
    const store = new CheckpointStore(db);
    const queue = new MemoryQueue(store, 1 << 20);
    await queue.append(batch(10), new Map([['s/a', '1']]));
    await queue.append(batch(10), new Map([['s/a', '2']]));
    expect(store.get('s/a')).toBeUndefined();
    const head = await queue.next(new AbortController().signal);
    queue.ack(head!);
    expect(store.get('s/a')).toBe('1');
    const next = await queue.next(new AbortController().signal);
    queue.ack(next!);
    expect(store.get('s/a')).toBe('2');
    db.close();
  });
});
