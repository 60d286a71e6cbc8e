/**
 * Reads a WebSocket of binary frames with undici's WebSocket (the WHATWG API, plus request headers
 * in the init). Frames that arrive while the handler runs are queued and handed over together
 * once it returns, in order: the awaited hand-off paces the processing. The WebSocket API cannot
 * pause the socket, so the queue is bounded: past `maxQueuedBytes` the reader closes the
 * connection and says so (`overflow`); only for streams that replay on reconnect.
 */
import diagnostics from 'node:diagnostics_channel';
import type { Dispatcher } from 'undici';
import { undici } from '../../util/undici.ts';

export type WebSocketEnd =
  /** The server closed (or the connection dropped: 1006). `opened`: the handshake had succeeded. */
  | { kind: 'closed'; code: number; reason: string; opened: boolean }
  /** `onQuiet` asked to stop, and the reader closed the socket. */
  | { kind: 'stopped' }
  /** More than `maxQueuedBytes` waited; the reader closed the socket. */
  | { kind: 'overflow' }
  | { kind: 'aborted' };

export interface WebSocketRequest {
  url: string;
  headers: Record<string, string>;
  signal: AbortSignal;
  dispatcher?: Dispatcher;
  /** Called once the handshake succeeded. */
  onOpen?(): void;
  /** Frames in arrival order (text frames as UTF-8 bytes). */
  onFrames(frames: Uint8Array[]): Promise<void>;
  /** Called after `quietMs` without a frame (and at most once per `quietMs` after that); resolving true closes the socket. */
  onQuiet?(): Promise<boolean>;
  quietMs?: number;
  maxQueuedBytes?: number;
  /**
   * After this long without a frame the reader sends a ping; when neither a frame nor the pong
   * came within as long again, the connection counts as dead (a peer gone without a FIN) and
   * ends as `closed` 1006. Default 30s.
   */
  keepaliveMs?: number;
}

const DEFAULT_MAX_QUEUED_BYTES = 64 * 1024 * 1024;
const DEFAULT_KEEPALIVE_MS = 30_000;
/** undici publishes received pongs only on this diagnostics channel. */
const PONG_CHANNEL = 'undici:websocket:pong';
const encoder = new TextEncoder();
/** How long our own close waits for the server's close frame before giving up on it. */
const CLOSE_WAIT_MS = 2000;

/** Resolves when `arm`'s callback is called, or after `ms` at the latest. */
function waitFor(ms: number, arm: (resolve: () => void) => void): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    timer.unref();
    arm(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

export async function readWebSocket(req: WebSocketRequest): Promise<WebSocketEnd> {
  const { WebSocket, ping } = await undici();
  if (req.signal.aborted) return { kind: 'aborted' };
  const maxQueued = req.maxQueuedBytes ?? DEFAULT_MAX_QUEUED_BYTES;
  const ws = new WebSocket(req.url, { headers: req.headers, dispatcher: req.dispatcher });
  ws.binaryType = 'arraybuffer';

  let queue: Uint8Array[] = [];
  let queuedBytes = 0;
  let opened = false;
  let closed: { code: number; reason: string } | undefined;
  let ending: WebSocketEnd | undefined;
  let lastFrameAt = Date.now();
  let wake: (() => void) | undefined;
  const notify = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };

  const stop = (end: WebSocketEnd): void => {
    ending ??= end;
    try {
      ws.close(1000);
    } catch {
      // already closing
    }
    notify();
  };

  ws.onopen = () => {
    opened = true;
    req.onOpen?.();
  };
  ws.onmessage = (event) => {
    const data = event.data as ArrayBuffer | string;
    const bytes = typeof data === 'string' ? encoder.encode(data) : new Uint8Array(data);
    lastFrameAt = Date.now();
    queue.push(bytes);
    queuedBytes += bytes.length;
    if (queuedBytes > maxQueued) stop({ kind: 'overflow' });
    notify();
  };
  ws.onclose = (event) => {
    closed = { code: event.code, reason: event.reason };
    notify();
  };
  ws.onerror = () => {
    // A close event always follows and says how it ended.
  };
  const onAbort = (): void => stop({ kind: 'aborted' });
  req.signal.addEventListener('abort', onAbort, { once: true });

  const keepaliveMs = req.keepaliveMs ?? DEFAULT_KEEPALIVE_MS;
  let lastAliveAt = Date.now();
  let pingSentAt: number | undefined;
  const onPong = (message: unknown): void => {
    if ((message as { websocket?: unknown }).websocket === ws) lastAliveAt = Date.now();
  };
  diagnostics.subscribe(PONG_CHANNEL, onPong);

  let quietCheck: Promise<void> | undefined;
  let lastQuietAt = 0;
  const quietMs = req.quietMs;
  const tick = (): void => {
    if (!opened || closed || ending) return;
    const now = Date.now();
    const alive = Math.max(lastAliveAt, lastFrameAt);
    if (pingSentAt !== undefined && alive < pingSentAt && now - pingSentAt >= keepaliveMs) {
      stop({ kind: 'closed', code: 1006, reason: 'no answer to a ping', opened: true });
      return;
    }
    if (now - alive >= keepaliveMs && (pingSentAt === undefined || alive >= pingSentAt)) {
      pingSentAt = now;
      try {
        ping(ws);
      } catch {
        // closing already
      }
    }
    if (!req.onQuiet || quietMs === undefined || quietCheck || now - lastFrameAt < quietMs || now - lastQuietAt < quietMs) return;
    lastQuietAt = now;
    quietCheck = req.onQuiet().then(
      (done) => {
        quietCheck = undefined;
        if (done && Date.now() - lastFrameAt >= quietMs) stop({ kind: 'stopped' });
      },
      () => {
        quietCheck = undefined;
      },
    );
  };
  const timer = setInterval(tick, Math.max(10, Math.floor(Math.min(quietMs ?? keepaliveMs, keepaliveMs) / 4)));
  timer.unref();

  try {
    for (;;) {
      if (queue.length > 0 && !req.signal.aborted) {
        const frames = queue;
        queue = [];
        queuedBytes = 0;
        await req.onFrames(frames);
        continue;
      }
      if (closed || ending || req.signal.aborted) break;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
    await quietCheck;
    if (ending) {
      // Our own close: wait for the close handshake so no socket is left behind.
      if (!closed) await waitFor(CLOSE_WAIT_MS, (resolve) => (wake = resolve));
      return ending;
    }
    if (req.signal.aborted) return { kind: 'aborted' };
    return { kind: 'closed', code: closed!.code, reason: closed!.reason, opened };
  } finally {
    clearInterval(timer);
    diagnostics.unsubscribe(PONG_CHANNEL, onPong);
    req.signal.removeEventListener('abort', onAbort);
    if (!closed) {
      try {
        ws.close(1000);
      } catch {
        // already closing
      }
    }
  }
}
