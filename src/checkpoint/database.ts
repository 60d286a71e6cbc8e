/**
 * The one SQLite database (`storage.dir/state.db`) that holds checkpoints and the spool.
 * WAL with synchronous=NORMAL: a committed transaction survives a process crash (kill -9);
 * a power loss may roll back the newest transactions, but checkpoint and spool roll back
 * together, so the records are re-read rather than lost or duplicated.
 *
 * The WAL is bounded (small auto-checkpoint, `journal_size_limit`) so that on a small volume
 * SQLite's own files never take the room the spool needs to drain (issue 11).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { StateError } from '../errors.ts';

export type Database = DatabaseSync;

/** The WAL is checkpointed after this many pages (128 KiB at 4 KiB pages; SQLite's default is 4 MiB). */
export const WAL_AUTOCHECKPOINT_PAGES = 32;
/** After a checkpoint the WAL file is cut back to this size (a larger batch grows it for a while). */
export const WAL_SIZE_LIMIT = 512 * 1024;
/**
 * The same two on a volume with plenty of room (the spool switches, spool.ts): SQLite's default
 * auto-checkpoint. Every checkpoint syncs the WAL and the main file, which at 128 KiB came every
 * other batch and took 12–15 % of the main thread at full speed.
 */
export const WAL_ROOMY_AUTOCHECKPOINT_PAGES = 1024;
export const WAL_ROOMY_SIZE_LIMIT = 4 * 1024 * 1024;

/** How often the WAL is checkpointed and how far its file is cut back afterwards. */
export function setWalBounds(db: Database, roomy: boolean): void {
  db.exec(`PRAGMA wal_autocheckpoint = ${roomy ? WAL_ROOMY_AUTOCHECKPOINT_PAGES : WAL_AUTOCHECKPOINT_PAGES}`);
  db.exec(`PRAGMA journal_size_limit = ${roomy ? WAL_ROOMY_SIZE_LIMIT : WAL_SIZE_LIMIT}`);
}

export const STATE_FILE = 'state.db';

export function statePath(dir: string): string {
  return join(dir, STATE_FILE);
}

/** A storage failure that names the file it is about and says what to do. */
export class StorageError extends StateError {
  readonly path: string;
  /** SQLite's primary result code (13 = SQLITE_FULL), when the cause was SQLite. */
  readonly sqliteCode: number | undefined;
  constructor(path: string, cause: unknown) {
    const code = sqliteCode(cause);
    const hint = code === undefined ? undefined : HINTS[code];
    super(`${path}: ${(cause as Error).message}${hint ? ` (${hint})` : ''}`);
    this.name = 'StorageError';
    this.path = path;
    this.sqliteCode = code;
  }
}

const HINTS: Record<number, string> = {
  8: 'the file or its directory is read-only for the daemon user',
  11: 'the state database is damaged; move it away to start over (checkpoints and spooled batches in it are lost)',
  13: 'the volume is full',
  14: "check that storage.dir exists and is writable by the daemon user",
  26: 'this is not an agent-log-exporter state database; move it away or point storage.dir elsewhere',
};

/** SQLite's primary result code of an error from node:sqlite, if it is one. */
export function sqliteCode(error: unknown): number | undefined {
  const code = (error as { errcode?: unknown }).errcode;
  return typeof code === 'number' ? code & 0xff : undefined;
}

/** SQLITE_FULL: a write was refused because the volume has no room. */
export function isDiskFull(error: unknown): boolean {
  if (error instanceof StorageError) return error.sqliteCode === 13;
  return sqliteCode(error) === 13 || (error as { code?: string }).code === 'ENOSPC';
}

export function openDatabase(dir: string): Database {
  const path = statePath(dir);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new StorageError(dir, error);
  }
  let db: Database | undefined;
  try {
    db = new DatabaseSync(path);
    db.exec('PRAGMA busy_timeout = 5000');
    db.exec('PRAGMA journal_mode = WAL');
    db.exec('PRAGMA synchronous = NORMAL');
    setWalBounds(db, false);
    db.exec(`
      CREATE TABLE IF NOT EXISTS checkpoints (
        stream     TEXT PRIMARY KEY,
        cursor     TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE TABLE IF NOT EXISTS spool (
        id               INTEGER PRIMARY KEY AUTOINCREMENT,
        payload          BLOB NOT NULL,
        content_type     TEXT NOT NULL,
        content_encoding TEXT NOT NULL,
        records          INTEGER NOT NULL,
        bytes            INTEGER NOT NULL,
        by_source        TEXT NOT NULL,
        created_at       INTEGER NOT NULL
      );
    `);
    return db;
  } catch (error) {
    try {
      db?.close();
    } catch {
      // already failing; the first error is the one worth reporting
    }
    throw new StorageError(path, error);
  }
}

/**
 * Run `fn` in one transaction (BEGIN IMMEDIATE … COMMIT, ROLLBACK on throw). The error that
 * made it fail is what is thrown: SQLite rolls back by itself on some errors (SQLITE_FULL), and
 * a ROLLBACK then would fail with "no transaction is active" and hide the real cause.
 */
export function transaction<T>(db: Database, fn: () => T): T {
  db.exec('BEGIN IMMEDIATE');
  try {
    const result = fn();
    db.exec('COMMIT');
    return result;
  } catch (error) {
    if (db.isTransaction) {
      try {
        db.exec('ROLLBACK');
      } catch {
        // the transaction is gone either way; report what failed first
      }
    }
    throw error;
  }
}
