/**
 * `checkpoints list|reset|move`: where each stream stands in storage.dir/state.db.
 * - `list [NAME] [--json]`: per stream, the platform position in words, the newest record's
 *   time and its age; checkpoints of sources not in the config are marked orphaned. Read-only,
 *   allowed while a daemon runs.
 * - `reset NAME | --all`: forget checkpoints (one stream, or every stream of a source); an unknown
 *   name is refused with a did-you-mean (exit 2).
 * - `move OLD NEW`: a renamed source keeps its place (checkpoints and spooled batches).
 * `reset` and `move` take storage.dir's lock: while a daemon runs on it they are refused (exit 1).
 */
import { existsSync } from 'node:fs';
import { CheckpointStore, type CheckpointRow } from '../checkpoint/checkpoint-store.ts';
import { describeCursor, formatAge, type CursorWords } from '../checkpoint/cursor-words.ts';
import { openDatabase, statePath, type Database } from '../checkpoint/database.ts';
import { moveSource, spooledSources } from '../checkpoint/move-source.ts';
import { acquireStateLock, probeStateLock } from '../checkpoint/state-lock.ts';
import type { Config } from '../config/schema.ts';
import { closest } from '../config/did-you-mean.ts';
import { EXIT_OK, UsageError } from './errors.ts';
import { loadOrExplain } from './load.ts';

export interface CheckpointsOptions {
  all?: boolean;
  json?: boolean;
}

const ACTIONS = ['list', 'reset', 'move'];
const usage = (message: string): UsageError => new UsageError(message, 'agent-log-exporter checkpoints --help');
const SOURCE_NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;

export function checkpointsCommand(
  args: readonly string[],
  options: CheckpointsOptions,
  configPath: string,
  env: NodeJS.ProcessEnv,
  out: (line: string) => void,
  now = Date.now(),
): number {
  const [action, ...names] = args;
  if (action === undefined || !ACTIONS.includes(action)) {
    const guess = action === undefined ? undefined : closest(action, ACTIONS);
    throw usage(
      `checkpoints needs "list", "reset" or "move", got ${action === undefined ? 'nothing' : `"${action}"`}${guess ? ` (did you mean "${guess}"?)` : ''}.`,
    );
  }
  // Only storage.dir and the source names are used here: the command works without the secrets' variables set.
  const config = loadOrExplain(configPath, env, { secretsOptional: true });
  const dir = config.storage.dir;
  if (action === 'list') {
    if (names.length > 1) throw usage(`checkpoints list takes at most one stream or source, got "${names.join(' ')}".`);
    return list(config, names[0], options.json === true, out, now);
  }
  if (action === 'reset') {
    if (names.length > 1) throw usage(`checkpoints reset takes one stream or source, got "${names.join(' ')}".`);
    if (names.length === 0 && !options.all) {
      throw usage('checkpoints reset needs a stream or source name (see `checkpoints list`), or --all to forget every checkpoint.');
    }
    if (names.length === 1 && options.all) throw usage('checkpoints reset takes a name or --all, not both.');
    return withLock(dir, 'checkpoints reset', (db) => reset(db, names[0], out));
  }
  if (names.length !== 2) throw usage('checkpoints move needs the old and the new source name: `checkpoints move OLD NEW`.');
  const [from, to] = names as [string, string];
  for (const name of [from, to]) {
    if (!SOURCE_NAME.test(name)) throw usage(`"${name}" is not a source name (a source name matches ^[a-z0-9][a-z0-9_-]{0,62}$; streams are moved with their source).`);
  }
  if (from === to) throw usage(`checkpoints move: the old and the new name are both "${from}".`);
  return withLock(dir, 'checkpoints move', (db) => move(db, config, from, to, out));
}

/** Run a writing action under storage.dir's lock (refused while a daemon runs on it). */
function withLock(dir: string, purpose: string, action: (db: Database) => number): number {
  // Refused (StateDirInUseError, exit 1) while a daemon runs on dir.
  const lock = acquireStateLock(dir, purpose);
  try {
    const db = openDatabase(dir);
    try {
      return action(db);
    } finally {
      db.close();
    }
  } finally {
    lock.release();
  }
}

interface StreamReport {
  stream: string;
  source: string;
  orphaned: boolean;
  words: CursorWords;
  savedAt: number;
}

function list(config: Config, name: string | undefined, json: boolean, out: (line: string) => void, now: number): number {
  const dir = config.storage.dir;
  // Nothing stored yet: say so without creating storage.dir or its database.
  const rows: CheckpointRow[] = [];
  let spooled = new Map<string, number>();
  if (existsSync(statePath(dir))) {
    const db = openDatabase(dir);
    try {
      rows.push(...new CheckpointStore(db).list(name));
      spooled = spooledSources(db);
    } finally {
      db.close();
    }
  }
  const configured = new Set(config.sources.map((s) => s.name));
  const reports: StreamReport[] = rows.map((row) => {
    const source = row.stream.split('/')[0] ?? row.stream;
    return { stream: row.stream, source, orphaned: !configured.has(source), words: describeCursor(row.cursor), savedAt: row.updatedAt };
  });
  const daemon = probeStateLock(dir);
  if (json) {
    out(
      JSON.stringify({
        storage_dir: dir,
        daemon_running: daemon.held,
        ...(daemon.held && daemon.holder ? { daemon_pid: daemon.holder.pid } : {}),
        streams: reports.map((r) => ({
          stream: r.stream,
          source: r.source,
          orphaned: r.orphaned,
          format: r.words.kind,
          position: r.words.position,
          last_record_time: r.words.lastRecordMs === undefined ? null : new Date(r.words.lastRecordMs).toISOString(),
          age_seconds: r.words.lastRecordMs === undefined ? null : Math.max(0, Math.round((now - r.words.lastRecordMs) / 1000)),
          saved_at: new Date(r.savedAt).toISOString(),
        })),
        spooled_records: Object.fromEntries(spooled),
      }),
    );
    return EXIT_OK;
  }
  if (reports.length === 0) out(name ? `no checkpoint for ${name} in ${dir}` : `no checkpoints yet in ${dir}`);
  else printTable(reports, out, now);
  const orphans = [...new Set(reports.filter((r) => r.orphaned).map((r) => r.source))];
  if (orphans.length > 0) {
    out('');
    out(
      `orphaned: ${orphans.join(', ')} ${orphans.length === 1 ? 'is' : 'are'} not in the config. If a source was renamed, stop the daemon and run ` +
        '`agent-log-exporter checkpoints move OLD NEW` to keep its place; `checkpoints reset OLD` forgets them.',
    );
  }
  const waiting = [...spooled.values()].reduce((a, b) => a + b, 0);
  if (waiting > 0) out(`spool: ${waiting} record${waiting === 1 ? '' : 's'} waiting for the endpoint (${[...spooled].map(([s, n]) => `${s} ${n}`).join(', ')})`);
  if (daemon.held) out(`a daemon is running on ${dir}${daemon.holder ? ` (pid ${daemon.holder.pid})` : ''}: positions move while it runs`);
  return EXIT_OK;
}

function printTable(reports: StreamReport[], out: (line: string) => void, now: number): void {
  const rows = reports.map((r) => {
    const last = r.words.lastRecordMs;
    return [
      r.orphaned ? `${r.stream} (orphaned)` : r.stream,
      r.words.position,
      last === undefined ? `— (saved ${new Date(r.savedAt).toISOString()})` : new Date(last).toISOString(),
      formatAge(now - (last ?? r.savedAt)) + (last === undefined ? ' since saved' : ''),
    ];
  });
  const header = ['STREAM', 'POSITION', 'LAST RECORD', 'AGE'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const row of [header, ...rows]) out(row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  '));
}

function reset(db: Database, name: string | undefined, out: (line: string) => void): number {
  const store = new CheckpointStore(db);
  if (name === undefined) {
    const removed = store.reset();
    out(`removed ${removed} checkpoint${removed === 1 ? '' : 's'}; every stream starts from the beginning on the next run`);
    return EXIT_OK;
  }
  if (store.list(name).length === 0) {
    const known = [...store.sources().keys(), ...store.list().map((r) => r.stream)];
    const guess = closest(name, known);
    throw usage(
      `checkpoints reset: no checkpoint is stored for "${name}"${guess ? ` (did you mean "${guess}"?)` : ''}; nothing was removed. ` +
        (known.length === 0 ? 'No checkpoints are stored yet.' : 'See `agent-log-exporter checkpoints list`.'),
    );
  }
  const removed = store.reset(name);
  out(`removed ${removed} checkpoint${removed === 1 ? '' : 's'} under ${name}; ${removed === 1 ? 'that stream starts' : 'those streams start'} from the beginning on the next run`);
  return EXIT_OK;
}

function move(db: Database, config: Config, from: string, to: string, out: (line: string) => void): number {
  const store = new CheckpointStore(db);
  const stored = store.sources();
  if (!stored.has(from) && !spooledSources(db).has(from)) {
    const guess = closest(from, [...stored.keys()]);
    throw usage(
      `checkpoints move: nothing is stored for "${from}"${guess ? ` (did you mean "${guess}"?)` : ''}; nothing was moved.` +
        (stored.size > 0 ? ` Sources with checkpoints: ${[...stored.keys()].join(', ')}.` : ''),
    );
  }
  const existing = stored.get(to) ?? 0;
  if (existing > 0) {
    throw usage(
      `checkpoints move: "${to}" has ${existing} checkpoint${existing === 1 ? '' : 's'} of its own; nothing was moved. ` +
        `If the old place should win, forget them first: \`agent-log-exporter checkpoints reset ${to}\`.`,
    );
  }
  const moved = moveSource(db, from, to);
  out(
    `moved ${moved.checkpoints} checkpoint${moved.checkpoints === 1 ? '' : 's'} and ${moved.batches} spooled batch${moved.batches === 1 ? '' : 'es'} from ${from} to ${to}; ` +
      `${to} resumes where ${from} stopped (records already in the spool keep the service.name they were mapped with)`,
  );
  if (!config.sources.some((s) => s.name === to)) out(`note: ${to} is not in ${'the config'} yet; rename the source there before the next run`);
  return EXIT_OK;
}
