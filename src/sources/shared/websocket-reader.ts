/**
 * Reads a WebSocket of binary frames with undici's WebSocket (the WHATWG API, plus request headers
 * in the init). Frames that arrive while the handler runs are queued and handed over together
 * once it returns, in order: the awaited hand-off paces the processing. The WebSocket API cannot
 * pause the socket, so the queue is bounded: past `maxQueuedBytes` the reader closes the
 * connection and says so (`overflow`); only for streams that replay on reconnect.
 */
import { WebSocket, type Dispatcher } from 'undici';

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
  /** Called after `quietMs` without a frame (and again every `quietMs`); resolving true closes the socket. */
  onQuiet?(): Promise<boolean>;
  quietMs?: number;
  maxQueuedBytes?: number;
}

const DEFAULT_MAX_QUEUED_BYTES = 64 * 1024 * 1024;
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

  let quietTimer: NodeJS.Timeout | undefined;
  let quietCheck: Promise<void> | undefined;
  const armQuiet = (): void => {
    if (!req.onQuiet || req.quietMs === undefined) return;
    const quietMs = req.quietMs;
    quietTimer = setInterval(() => {
      if (!opened || closed || ending || quietCheck || Date.now() - lastFrameAt < quietMs) return;
      quietCheck = req.onQuiet!().then(
        (done) => {
          quietCheck = undefined;
          if (done && Date.now() - lastFrameAt >= quietMs) stop({ kind: 'stopped' });
        },
        () => {
          quietCheck = undefined;
        },
      );
    }, Math.max(10, Math.floor(quietMs / 4)));
    quietTimer.unref();
  };
  armQuiet();

  try {
    for (;;) {
      if (queue.length > 0 && !req.signal.aborted) {
        const frames = queue;
        queue = [];
        queuedBytes = 0;
        await req.onFrames(frames);
        continue;
      }
      if (closed || req.signal.aborted) break;
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
    clearInterval(quietTimer);
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
