import { createHash } from 'node:crypto';
import http from 'node:http';
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { acceptWebSocket, type ServerWebSocket } from '../../emulators/daytona/ws-server.ts';
import { readWebSocket } from '../../src/sources/shared/websocket-reader.ts';

let server: http.Server | undefined;
const sockets = new Set<Socket>();
afterEach(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
  server = undefined;
});

/** A loopback server whose upgrade handler is the test's. */
async function listen(onUpgrade: (req: http.IncomingMessage, socket: Socket, head: Buffer) => void): Promise<string> {
  server = http.createServer((_req, res) => res.end());
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('upgrade', onUpgrade);
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return `ws://127.0.0.1:${(server.address() as { port: number }).port}/`;
}

describe('WebSocket reader', () => {
  it('a peer that stops answering (no frames, no pong) ends the connection as dead', async () => {
    const url = await listen((req, socket) => {
      // Handshake, then silence: pings are never answered.
      const accept = createHash('sha1').update(`${String(req.headers['sec-websocket-key'])}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
      socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
    });
    const started = Date.now();
    const end = await readWebSocket({ url, headers: {}, signal: new AbortController().signal, keepaliveMs: 100, onFrames: async () => {} });
    expect(end).toEqual({ kind: 'closed', code: 1006, reason: 'no answer to a ping', opened: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
  });

  it('a silent peer that answers pings stays connected', async () => {
    let ws: ServerWebSocket | undefined;
    const url = await listen((req, socket, head) => {
      ws = acceptWebSocket(req, socket, head);
    });
    const abort = new AbortController();
    const reading = readWebSocket({ url, headers: {}, signal: abort.signal, keepaliveMs: 50, onFrames: async () => {} });
    await new Promise((r) => setTimeout(r, 500));
    expect(ws?.open).toBe(true);
    abort.abort();
    expect(await reading).toEqual({ kind: 'aborted' });
  });

  it('frames that pile up beyond the bound close the connection after the queued ones were handed over', async () => {
    const url = await listen((req, socket, head) => {
      const ws = acceptWebSocket(req, socket, head)!;
      void (async () => {
        for (let i = 0; i < 200 && ws.open; i++) await ws.send(Buffer.alloc(1000, i % 256));
      })();
    });
    let handed = 0;
    const end = await readWebSocket({
      url,
      headers: {},
      signal: new AbortController().signal,
      maxQueuedBytes: 10_000,
      onFrames: async (frames) => {
        handed += frames.length;
        await new Promise((r) => setTimeout(r, 50));
      },
    });
    expect(end).toEqual({ kind: 'overflow' });
    expect(handed).toBeGreaterThan(0);
    expect(handed).toBeLessThan(200);
  });

  it('onQuiet is asked after silence and closes the socket when it says so', async () => {
    const url = await listen((req, socket, head) => {
      void acceptWebSocket(req, socket, head)!.send(Buffer.from('x'));
    });
    let asked = 0;
    const frames: string[] = [];
    const end = await readWebSocket({
      url,
      headers: {},
      signal: new AbortController().signal,
      quietMs: 100,
      onQuiet: () => Promise.resolve(++asked >= 2),
      onFrames: (f) => {
        frames.push(...f.map((b) => Buffer.from(b).toString()));
        return Promise.resolve();
      },
    });
    expect(end).toEqual({ kind: 'stopped' });
    expect(asked).toBe(2);
    expect(frames).toEqual(['x']);
  });
});
