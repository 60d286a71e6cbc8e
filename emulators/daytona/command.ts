// One command's log file and its follow sockets. The log grows by appends only; every
// WebSocket connection reads it from byte 0 in frames (like the daemon's 1024-byte reads), waits
// at EOF for more, and closes 1000 once the command has exited and everything was sent.
import { randomUUID } from 'node:crypto';
import { createRandom } from '../shared/chunking.ts';
import { createConnectionCount } from '../shared/connection-count.ts';
import { nextTick, sleep } from '../shared/http-io.ts';
import type { CommandHandle, DaytonaFaults } from './types.ts';
import type { ServerWebSocket } from './ws-server.ts';

export const STDOUT_MARKER = Buffer.from([1, 1, 1]);
export const STDERR_MARKER = Buffer.from([2, 2, 2]);

export interface CommandRecord {
  handle: CommandHandle;
  /** The log bytes (a view valid until the next append). */
  bytes(): Buffer;
  exitCode(): number | undefined;
  dto(): { id: string; command: string; exitCode?: number };
  countAttempt(): void;
  /** Serve one accepted follow socket until the command ends or the socket goes. */
  follow(ws: ServerWebSocket, transform?: (log: Buffer) => Buffer): Promise<void>;
  /** Session deleted / sandbox destroyed: close every socket with 1000. */
  dispose(): void;
  /** The daemon died (sandbox stopped): every socket ends without a close frame (the client sees 1006). */
  kill(): void;
}

/** The daemon's wrapper prints `<marker><line>\n` per line; a last line without LF gets one. */
export function markLines(marker: Buffer, text: string): Buffer {
  if (text === '') return Buffer.alloc(0);
  const lines = text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n');
  return Buffer.concat(lines.flatMap((line) => [marker, Buffer.from(`${line}\n`, 'utf8')]));
}

export function createCommandRecord(
  ids: { sandboxId: string; sessionId: string; id?: string; command: string },
  defaults: DaytonaFaults,
  overrides: Partial<DaytonaFaults> = {},
): CommandRecord {
  const id = ids.id ?? randomUUID();
  let buf = Buffer.alloc(4096);
  let length = 0;
  let exitCode: number | undefined;
  let stdoutText = '';
  let stderrText = '';
  let attempts = 0;
  const connections = createConnectionCount(`command ${id}`);
  const live = new Set<ServerWebSocket>();
  const faults: Partial<DaytonaFaults> = { ...overrides };
  let changed: (() => void)[] = [];
  let disposed = false;

  const notify = (): void => {
    const waiting = changed;
    changed = [];
    for (const w of waiting) w();
  };
  const waitChange = (ws: ServerWebSocket): Promise<void> =>
    Promise.race([new Promise<void>((resolve) => changed.push(resolve)), ws.closed]);

  const append = (bytes: Uint8Array): void => {
    if (disposed) throw new Error(`command ${id} was deleted`);
    if (exitCode !== undefined) throw new Error(`command ${id} has exited; its log is complete`);
    if (length + bytes.length > buf.length) {
      // Old views stay valid: bytes are only ever written past the old length.
      const next = Buffer.alloc(Math.max(buf.length * 2, length + bytes.length));
      buf.copy(next, 0, 0, length);
      buf = next;
    }
    buf.set(bytes, length);
    length += bytes.length;
    notify();
  };

  const current = (): DaytonaFaults => ({ ...defaults, ...faults });

  const handle: CommandHandle = {
    sandboxId: ids.sandboxId,
    sessionId: ids.sessionId,
    id,
    command: ids.command,
    get exitCode() {
      return exitCode;
    },
    get log() {
      return Buffer.from(buf.subarray(0, length));
    },
    get stdoutText() {
      return stdoutText;
    },
    get stderrText() {
      return stderrText;
    },
    get attempts() {
      return attempts;
    },
    get connections() {
      return connections.value;
    },
    get liveConnections() {
      return live.size;
    },
    stdout(text) {
      append(markLines(STDOUT_MARKER, text));
      if (text !== '') stdoutText += text.endsWith('\n') ? text : `${text}\n`;
    },
    stderr(text) {
      append(markLines(STDERR_MARKER, text));
      if (text !== '') stderrText += text.endsWith('\n') ? text : `${text}\n`;
    },
    raw(bytes) {
      append(typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes);
    },
    exit(code) {
      if (exitCode !== undefined) throw new Error(`command ${id} already exited`);
      exitCode = code;
      notify();
    },
    setFaults(next) {
      Object.assign(faults, next);
    },
    waitForConnection: (count = 1, timeoutMs = 10_000) => connections.waitFor(count, timeoutMs),
  };

  return {
    handle,
    bytes: () => buf.subarray(0, length),
    exitCode: () => exitCode,
    dto: () => ({ id, command: ids.command, ...(exitCode !== undefined ? { exitCode } : {}) }),
    countAttempt: () => {
      attempts++;
    },
    async follow(ws, transform) {
      live.add(ws);
      const ordinal = connections.add();
      const f = current();
      const random = createRandom(f.seed + ordinal);
      const limits = f.disconnectAfterBytes;
      const limit = Array.isArray(limits) ? limits[ordinal] : limits;
      let offset = 0;
      try {
        while (ws.open && !disposed) {
          const log = transform ? transform(buf.subarray(0, length)) : buf.subarray(0, length);
          if (offset < log.length) {
            const size = f.frameBytes === 'random' ? 1 + Math.floor(random() * 64) : f.frameBytes;
            let frame = log.subarray(offset, Math.min(log.length, offset + size));
            if (limit !== undefined && offset + frame.length >= limit) {
              frame = frame.subarray(0, limit - offset);
              if (frame.length > 0) await ws.send(frame);
              await nextTick();
              ws.destroy();
              return;
            }
            await ws.send(frame);
            offset += frame.length;
            if (f.frameDelayMs > 0) await sleep(f.frameDelayMs);
            else await nextTick();
            continue;
          }
          if (exitCode !== undefined && !current().stayOpenAfterExit) {
            await sleep(current().exitCloseDelayMs);
            const now = transform ? transform(buf.subarray(0, length)) : buf.subarray(0, length);
            if (offset >= now.length) {
              ws.close(1000);
              return;
            }
            continue;
          }
          await waitChange(ws);
        }
      } finally {
        live.delete(ws);
      }
    },
    dispose() {
      disposed = true;
      for (const ws of live) ws.close(1000);
      notify();
    },
    kill() {
      disposed = true;
      for (const ws of live) ws.destroy();
      notify();
    },
  };
}
