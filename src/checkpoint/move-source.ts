/**
 * `checkpoints move OLD NEW` (issue 11): a renamed source keeps its place. Every stream key
 * `OLD/…` becomes `NEW/…`, and spooled batches count their records under NEW (metrics, lag), in
 * one transaction. Records already encoded in the spool keep the resource they were mapped with.
 */
import type { Database } from './database.ts';
import { transaction } from './database.ts';

export interface MoveResult {
  checkpoints: number;
  batches: number;
}

const escapeLike = (text: string): string => text.replace(/[\\%_]/g, (c) => '\\' + c);

export function moveSource(db: Database, from: string, to: string): MoveResult {
  return transaction(db, () => {
    const checkpoints = Number(
      db
        .prepare("UPDATE checkpoints SET stream = ? || substr(stream, ?) WHERE stream = ? OR stream LIKE ? ESCAPE '\\'")
        .run(to, from.length + 1, from, escapeLike(from) + '/%').changes,
    );
    let batches = 0;
    const update = db.prepare('UPDATE spool SET by_source = ? WHERE id = ?');
    for (const row of db.prepare('SELECT id, by_source FROM spool').all() as { id: number; by_source: string }[]) {
      const bySource = JSON.parse(row.by_source) as Record<string, number>;
      if (!(from in bySource)) continue;
      bySource[to] = (bySource[to] ?? 0) + (bySource[from] ?? 0);
      delete bySource[from];
      update.run(JSON.stringify(bySource), row.id);
      batches += 1;
    }
    return { checkpoints, batches };
  });
}

/** Source names that have spooled batches waiting, with their record counts. */
export function spooledSources(db: Database): Map<string, number> {
  const out = new Map<string, number>();
  for (const row of db.prepare('SELECT by_source FROM spool').all() as { by_source: string }[]) {
    for (const [source, n] of Object.entries(JSON.parse(row.by_source) as Record<string, number>)) out.set(source, (out.get(source) ?? 0) + n);
  }
  return out;
}
