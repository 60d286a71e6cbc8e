/**
 * One writer per `storage.dir` (issue 11): the daemon and `checkpoints reset|move` hold an
 * exclusive lock on `storage.dir/state.lock` while they run; a second one is refused, naming
 * the directory and the process that holds it.
 *
 * The lock is SQLite's own (`BEGIN EXCLUSIVE` held open on a dedicated, empty database): an OS
 * file lock that the kernel drops when the process ends however it ends, so a `kill -9` never
 * leaves a stale lock behind, and it works across containers that mount one volume (a pid file
 * checked for liveness would not: every container's daemon may be pid 1). Who holds it is written
 * beside it in `state.lock.json`, only to name the holder in the error.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { StateError } from '../errors.ts';
import { sqliteCode, StorageError } from './database.ts';

export const LOCK_FILE = 'state.lock';
const OWNER_FILE = 'state.lock.json';

export interface LockHolder {
  pid: number;
  host: string;
  /** What it is doing: `run`, `checkpoints reset`… */
  purpose: string;
  since: string;
}

export interface StateLock {
  /** Release the lock (idempotent); the process ending releases it too. */
  release(): void;
}

export class StateDirInUseError extends StateError {
  readonly dir: string;
  readonly holder: LockHolder | undefined;
  constructor(dir: string, holder: LockHolder | undefined, purpose: string) {
    const who = holder
      ? `another agent-log-exporter (pid ${holder.pid} on ${holder.host}, \`${holder.purpose}\` since ${holder.since})`
      : 'another agent-log-exporter process';
    super(
      `storage.dir ${dir} is in use by ${who}. Two processes writing one state database would send records twice and lose spooled batches, so \`${purpose}\` did not start. ` +
        'Stop the other process first, or give this one its own storage.dir.',
      'STATE_DIR_IN_USE',
    );
    this.name = 'StateDirInUseError';
    this.dir = dir;
    this.holder = holder;
  }
}

/** Take the lock on `dir` for `purpose`, or throw StateDirInUseError at once (never waits). */
export function acquireStateLock(dir: string, purpose: string): StateLock {
  const path = join(dir, LOCK_FILE);
  let db: DatabaseSync;
  try {
    mkdirSync(dir, { recursive: true });
    // A short wait: a read-only command probing the lock at this instant must not refuse a start.
    db = new DatabaseSync(path, { timeout: 250 });
  } catch (error) {
    throw new StorageError(path, error);
  }
  try {
    db.exec('BEGIN EXCLUSIVE');
  } catch (error) {
    db.close();
    if (sqliteCode(error) === 5) throw new StateDirInUseError(dir, readHolder(dir), purpose);
    throw new StorageError(path, error);
  }
  writeHolder(dir, { pid: process.pid, host: hostname(), purpose, since: new Date().toISOString() });
  let held = true;
  return {
    release() {
      if (!held) return;
      held = false;
      try {
        db.exec('ROLLBACK');
      } finally {
        db.close();
      }
    },
  };
}

/**
 * Whether a process holds the lock on `dir` right now, and who (the lock is probed, not kept).
 * For read-only commands that only want to say so.
 */
export function probeStateLock(dir: string): { held: false } | { held: true; holder: LockHolder | undefined } {
  const path = join(dir, LOCK_FILE);
  // No lock file: no daemon ever ran here (and probing must not create one).
  if (!existsSync(path)) return { held: false };
  let db: DatabaseSync;
  try {
    db = new DatabaseSync(path, { timeout: 0 });
  } catch {
    return { held: false };
  }
  try {
    db.exec('BEGIN EXCLUSIVE');
    db.exec('ROLLBACK');
    return { held: false };
  } catch (error) {
    return sqliteCode(error) === 5 ? { held: true, holder: readHolder(dir) } : { held: false };
  } finally {
    db.close();
  }
}

function readHolder(dir: string): LockHolder | undefined {
  try {
    const value = JSON.parse(readFileSync(join(dir, OWNER_FILE), 'utf8')) as Partial<LockHolder>;
    if (typeof value.pid !== 'number') return undefined;
    return { pid: value.pid, host: String(value.host ?? '?'), purpose: String(value.purpose ?? '?'), since: String(value.since ?? '?') };
  } catch {
    return undefined;
  }
}

/** Best effort: on a full volume the lock still holds, only the error names the holder less well. */
function writeHolder(dir: string, holder: LockHolder): void {
  const path = join(dir, OWNER_FILE);
  try {
    writeFileSync(`${path}.tmp`, JSON.stringify(holder) + '\n');
    renameSync(`${path}.tmp`, path);
  } catch {
    // see above
  }
}
