/** Where each stream stands: one row per stream key, the source's serialized cursor. */
import type { Database } from './database.ts';
import { transaction } from './database.ts';

export interface CheckpointRow {
  stream: string;
  cursor: string;
  updatedAt: number;
}

export class CheckpointStore {
  readonly #db: Database;
  readonly #upsert;
  readonly #get;

  constructor(db: Database) {
    this.#db = db;
    this.#upsert = db.prepare(
      'INSERT INTO checkpoints (stream, cursor, updated_at) VALUES (?, ?, ?) ON CONFLICT(stream) DO UPDATE SET cursor = excluded.cursor, updated_at = excluded.updated_at',
    );
    this.#get = db.prepare('SELECT cursor FROM checkpoints WHERE stream = ?');
  }

  get(stream: string): string | undefined {
    const row = this.#get.get(stream) as { cursor: string } | undefined;
    return row?.cursor;
  }

  /** Write several checkpoints; call inside a transaction to make them atomic with other writes. */
  putMany(checkpoints: ReadonlyMap<string, string>, now = Date.now()): void {
    for (const [stream, cursor] of checkpoints) this.#upsert.run(stream, cursor, now);
  }

  /** Write several checkpoints atomically. */
  saveMany(checkpoints: ReadonlyMap<string, string>): void {
    if (checkpoints.size === 0) return;
    transaction(this.#db, () => this.putMany(checkpoints));
  }

  /** Source names that have checkpoints (a stream key starts with its source's name), with their stream counts. */
  sources(): Map<string, number> {
    const rows = this.#db
      .prepare("SELECT CASE WHEN instr(stream, '/') > 0 THEN substr(stream, 1, instr(stream, '/') - 1) ELSE stream END AS source, COUNT(*) AS n FROM checkpoints GROUP BY source ORDER BY source")
      .all() as { source: string; n: number }[];
    return new Map(rows.map((r) => [r.source, Number(r.n)]));
  }

  list(prefix?: string): CheckpointRow[] {
    const rows = this.#db.prepare('SELECT stream, cursor, updated_at FROM checkpoints ORDER BY stream').all() as {
      stream: string;
      cursor: string;
      updated_at: number;
    }[];
    return rows
      .filter((r) => prefix === undefined || r.stream === prefix || r.stream.startsWith(prefix + '/'))
      .map((r) => ({ stream: r.stream, cursor: r.cursor, updatedAt: r.updated_at }));
  }

  /** Delete one stream's checkpoint, every stream under a source prefix, or all; returns how many. */
  reset(prefix?: string): number {
    if (prefix === undefined) return Number(this.#db.prepare('DELETE FROM checkpoints').run().changes);
    return Number(
      this.#db.prepare("DELETE FROM checkpoints WHERE stream = ? OR stream LIKE ? ESCAPE '\\'").run(
        prefix,
        prefix.replace(/[\\%_]/g, (c) => '\\' + c) + '/%',
      ).changes,
    );
  }
}
