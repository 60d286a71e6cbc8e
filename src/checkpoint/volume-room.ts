/**
 * How much of the volume under `storage.dir` the spool may still use (issue 11). SQLite needs
 * room twice for a batch (its WAL frames, then the main file when the WAL is checkpointed, less
 * the free pages it can reuse there), and deleting acknowledged batches needs a little room too:
 * if an insert took the last bytes, nothing could ever be deleted and the spool would wedge.
 */
import { statfsSync } from 'node:fs';

import { WAL_AUTOCHECKPOINT_PAGES, WAL_ROOMY_AUTOCHECKPOINT_PAGES } from './database.ts';

/** Kept free beyond what a batch needs: deletes' WAL frames, the WAL index, the lock files. */
export const VOLUME_RESERVE_BYTES = 64 * 1024;
/** The WAL grows up to the auto-checkpoint size past a transaction before it is reset (4 KiB pages, frame headers). */
const walSlackBytes = (pages: number): number => pages * 4120 + 32 * 1024;
/**
 * A volume with at least this much free lets the WAL grow to SQLite's default 4 MiB between
 * checkpoints (database.ts setWalBounds); below ROOMY_EXIT_BYTES it is kept to 128 KiB again. Far
 * above what a batch and a 4 MiB WAL need, so the tight-volume bookkeeping below never sees it.
 */
export const ROOMY_ENTER_BYTES = 256 * 1024 * 1024;
export const ROOMY_EXIT_BYTES = 128 * 1024 * 1024;

/** Bytes the volume under `dir` has for this user, or undefined when it cannot be asked. */
export function volumeFreeBytes(dir: string): { free: number; total: number } | undefined {
  try {
    const s = statfsSync(dir);
    return { free: Number(s.bavail) * Number(s.bsize), total: Number(s.blocks) * Number(s.bsize) };
  } catch {
    return undefined;
  }
}

/**
 * Free bytes the volume must have before a batch of `batchBytes` is written: the WAL's growth
 * beyond its current file (`walBytes`: a checkpointed WAL is rewritten from its start, so its file
 * is room already taken), the main file's growth beyond the `reusable` free pages it already has,
 * B-tree overhead, and the reserve.
 */
export function bytesNeededFor(
  batchBytes: number,
  room: { walBytes: number; reusable: number; spoolEmpty: boolean; walJustCheckpointed?: boolean; walRoomy?: boolean },
): number {
  const stored = Math.ceil(batchBytes * 1.01) + 8192;
  // With nothing spooled there is nothing to delete yet: the reserve is not needed, and insisting on
  // it could wedge a volume whose space the database file already holds as free pages.
  const reserve = room.spoolEmpty ? 0 : VOLUME_RESERVE_BYTES;
  // A WAL just checkpointed whole is rewritten from its start by this batch; otherwise small
  // transactions may have filled it up to the auto-checkpoint size first.
  const slack = room.walJustCheckpointed ? 0 : walSlackBytes(room.walRoomy ? WAL_ROOMY_AUTOCHECKPOINT_PAGES : WAL_AUTOCHECKPOINT_PAGES);
  return Math.max(0, stored + slack - room.walBytes) + Math.max(0, stored - room.reusable) + reserve;
}
