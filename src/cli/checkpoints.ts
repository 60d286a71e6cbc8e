/** `checkpoints list|reset [STREAM]`: where each stream stands in storage.dir/state.db. */
import { CheckpointStore } from '../checkpoint/checkpoint-store.ts';
import { openDatabase } from '../checkpoint/database.ts';
import { EXIT_OK } from './errors.ts';
import { UsageError } from './errors.ts';
import { loadOrExplain } from './load.ts';

export function checkpointsCommand(
  action: string | undefined,
  stream: string | undefined,
  configPath: string,
  env: NodeJS.ProcessEnv,
  out: (line: string) => void,
): number {
  if (action !== 'list' && action !== 'reset') throw new UsageError(`checkpoints needs "list" or "reset", got ${action === undefined ? 'nothing' : `"${action}"`}.`);
  // Only storage.dir is used here: the command works without the secrets' variables set.
  const config = loadOrExplain(configPath, env, { secretsOptional: true });
  const db = openDatabase(config.storage.dir);
  try {
    const store = new CheckpointStore(db);
    if (action === 'list') {
      const rows = store.list(stream);
      if (rows.length === 0) out(stream ? `no checkpoint for ${stream}` : 'no checkpoints yet');
      for (const row of rows) out(`${row.stream}  ${new Date(row.updatedAt).toISOString()}  ${row.cursor.length > 120 ? row.cursor.slice(0, 117) + '...' : row.cursor}`);
      return EXIT_OK;
    }
    const removed = store.reset(stream);
    out(`removed ${removed} checkpoint${removed === 1 ? '' : 's'}${stream ? ` under ${stream}` : ''}; those streams start from the beginning on the next run (stop the daemon first)`);
    return EXIT_OK;
  } finally {
    db.close();
  }
}
