/**
 * The one SQLite database (`storage.dir/state.db`) that holds checkpoints and the spool.
 * WAL with synchronous=NORMAL: a committed transaction survives a process crash (kill -9);
 * a power loss may roll back the newest transactions, but checkpoint and spool roll back
 * together, so the records are re-read rather than lost or duplicated.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

export type Database = DatabaseSync;

export function openDatabase(dir: string): Database {
  mkdirSync(dir, { recursive: true });
  const db = new DatabaseSync(join(dir, 'state.db'));
  db.exec('PRAGMA journal_mode = WAL');
  db.exec('PRAGMA synchronous = NORMAL');
  db.exec('PRAGMA busy_timeout = 5000');
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
}

/** Run `fn` in one transaction (BEGIN IMMEDIATE … COMMIT, ROLLBACK on throw). */
export function transaction<T>(db: Database, fn: () => T): T {
  db.exec('BEGIN IMMEDIATE');
  try {
    const result = fn();
    db.exec('COMMIT');
    return result;
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
}
