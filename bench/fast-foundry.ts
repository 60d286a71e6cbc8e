// A bench-local Foundry logstream server: the emulator's wire format (frames
// rendered by its own renderFrame) and session listing, without its per-frame
// fault machinery, so 200 000 frames or 1000 sessions cost the bench almost
// nothing. History is pre-rendered once and replayed on every connect, as the
// platform does; connections stay open for live frames (PLATFORMS.md §1.5).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { generateLines, renderFrame, toFrame } from '../emulators/foundry.ts';
import { parseRoute } from '../emulators/foundry/routes.ts';
import { startLoopbackServer } from '../emulators/shared/loopback-server.ts';
import { nowMs } from './clock.ts';

export const BENCH_AGENT = 'bench';
export const BENCH_VERSION = '1';
export const BENCH_TOKEN = 'bench-token';
const BASE_PATH = '/api/projects/bench';

export interface FastFoundry {
  /** Project endpoint: `http://127.0.0.1:PORT/api/projects/bench`. */
  readonly url: string;
  /** When the first byte of any log stream was written (nowMs()). */
  readonly firstByteAt: number | undefined;
  readonly liveConnections: number;
  /** A session whose history holds `count` frames with seq firstSeq … firstSeq+count-1. */
  addSession(id: string, firstSeq: number, count: number): void;
  /** Appends `count` live frames (timestamp now) to a session and sends them to its open streams. */
  append(id: string, count: number): void;
  close(): Promise<void>;
}

interface Session {
  id: string;
  nextSeq: number;
  history: Buffer[];
  open: Set<ServerResponse>;
  createdAt: number;
}

/**
 * Frame text for seq `seq`: a realistic line (the emulator's generator) with ` #seq` appended,
 * so every frame is distinct and the receiver can count each one exactly.
 */
export function renderSeqFrames(firstSeq: number, count: number, start?: number): Buffer {
  const lines = generateLines(count, start === undefined ? {} : { start, stepMs: 0, sameTimestampEvery: 0 });
  const parts = lines.map((line, i) => renderFrame(toFrame({ ...line, message: `${line.message} #${firstSeq + i}` })));
  return Buffer.from(parts.join(''), 'utf8');
}

/** The seq a frame's message carries, or undefined. */
export function seqOf(body: unknown): number | undefined {
  if (typeof body !== 'string') return undefined;
  const at = body.lastIndexOf(' #');
  if (at < 0) return undefined;
  const seq = Number(body.slice(at + 2));
  return Number.isInteger(seq) && seq >= 0 ? seq : undefined;
}

export async function startFastFoundry(): Promise<FastFoundry> {
  const sessions = new Map<string, Session>();
  let firstByteAt: number | undefined;
  let live = 0;

  function serveStream(res: ServerResponse, session: Session): void {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    firstByteAt ??= nowMs();
    for (const chunk of session.history) res.write(chunk);
    session.open.add(res);
    live += 1;
    res.on('close', () => {
      session.open.delete(res);
      live -= 1;
    });
  }

  function listPage(res: ServerResponse, url: URL): void {
    const limit = Math.min(Number(url.searchParams.get('limit') ?? 20) || 20, 100);
    const ordered = [...sessions.values()];
    if (url.searchParams.get('order') !== 'asc') ordered.reverse();
    const after = url.searchParams.get('after');
    const start = after === null ? 0 : ordered.findIndex((s) => s.id === after) + 1;
    const page = ordered.slice(start, start + limit).map((s) => ({
      agent_session_id: s.id,
      version_indicator: { type: 'version_ref', agent_version: BENCH_VERSION },
      status: 'active',
      created_at: s.createdAt,
      last_accessed_at: s.createdAt,
      expires_at: s.createdAt + 30 * 24 * 3600,
    }));
    const body = JSON.stringify({
      data: page,
      first_id: page[0]?.agent_session_id ?? null,
      last_id: page.at(-1)?.agent_session_id ?? null,
      has_more: start + limit < ordered.length,
    });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://bench.invalid');
    const route = parseRoute(url.pathname, BASE_PATH);
    if (req.headers.authorization !== `Bearer ${BENCH_TOKEN}`) {
      res.writeHead(401).end();
      return;
    }
    if (route.route === 'list-sessions' && route.agent === BENCH_AGENT) return listPage(res, url);
    if (route.route === 'logstream' && route.agent === BENCH_AGENT && route.version === BENCH_VERSION) {
      const session = sessions.get(route.sessionId);
      if (session !== undefined) return serveStream(res, session);
    }
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"code":"not_found","message":"not found"}}');
  }

  const server = await startLoopbackServer(handle);
  return {
    url: `${server.origin}${BASE_PATH}`,
    get firstByteAt() {
      return firstByteAt;
    },
    get liveConnections() {
      return live;
    },
    addSession(id, firstSeq, count) {
      const history = count > 0 ? [renderSeqFrames(firstSeq, count)] : [];
      sessions.set(id, { id, nextSeq: firstSeq + count, history, open: new Set(), createdAt: Math.floor(Date.now() / 1000) });
    },
    append(id, count) {
      const session = sessions.get(id);
      if (session === undefined || count <= 0) return;
      const bytes = renderSeqFrames(session.nextSeq, count, Date.now());
      session.nextSeq += count;
      session.history.push(bytes);
      for (const res of session.open) res.write(bytes);
    },
    close: () => server.close(),
  };
}
