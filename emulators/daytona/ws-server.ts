// A minimal server side of RFC 6455 on node:http's 'upgrade' event: the handshake, unmasked
// binary and close frames out, and the client's close/ping frames in. Enough for a log
// follower; hand-written so the emulator (which `demo` runs in production installs) needs no
// dependency beyond Node.
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { drainOrClose } from '../shared/http-io.ts';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const OP_BINARY = 0x2;
const OP_CLOSE = 0x8;
const OP_PING = 0x9;
const OP_PONG = 0xa;

export interface ServerWebSocket {
  readonly open: boolean;
  /** One binary frame; resolves once the socket can take more (backpressure). */
  send(bytes: Uint8Array): Promise<void>;
  /** A close frame with `code`, then the TCP connection ends once the client answers (or soon after). */
  close(code: number, reason?: string): void;
  /** End the TCP connection without a close frame, after what was written (the client sees 1006). */
  destroy(): void;
  /** Resolves when the connection is gone, however it ended. */
  readonly closed: Promise<void>;
  /** The code of the client's close frame, if it sent one. */
  readonly clientCloseCode: number | undefined;
}

/** Writes a plain HTTP error on a socket that asked to upgrade, and ends it. */
export function refuseUpgrade(socket: Duplex, status: number, body: string, headers: Record<string, string> = {}): void {
  const lines = [`HTTP/1.1 ${status} ${statusText(status)}`, 'Content-Type: application/json', `Content-Length: ${Buffer.byteLength(body)}`, 'Connection: close'];
  for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
  socket.end(`${lines.join('\r\n')}\r\n\r\n${body}`);
}

/** Completes the handshake (RFC 6455 §4.2.2), or refuses a request that is not a WebSocket upgrade. */
export function acceptWebSocket(req: IncomingMessage, socket: Duplex, head: Buffer): ServerWebSocket | undefined {
  const key = req.headers['sec-websocket-key'];
  if (req.headers.upgrade?.toLowerCase() !== 'websocket' || typeof key !== 'string' || req.headers['sec-websocket-version'] !== '13') {
    refuseUpgrade(socket, 400, JSON.stringify({ statusCode: 400, message: 'not a WebSocket upgrade' }));
    return undefined;
  }
  const accept = createHash('sha1').update(key + GUID).digest('base64');
  const offered = req.headers['sec-websocket-protocol'];
  // The daemon echoes one offered subprotocol (the SDK's `X-Daytona-SDK-Version~…` token).
  const protocol = typeof offered === 'string' ? offered.split(',')[0]?.trim() : undefined;
  socket.write(
    ['HTTP/1.1 101 Switching Protocols', 'Upgrade: websocket', 'Connection: Upgrade', `Sec-WebSocket-Accept: ${accept}`, ...(protocol ? [`Sec-WebSocket-Protocol: ${protocol}`] : [])].join('\r\n') +
      '\r\n\r\n',
  );
  return wrap(socket, head);
}

function wrap(socket: Duplex, head: Buffer): ServerWebSocket {
  let open = true;
  let closeSent = false;
  let clientCloseCode: number | undefined;
  let inbox: Buffer = head.length > 0 ? Buffer.from(head) : Buffer.alloc(0);
  let resolveClosed!: () => void;
  const closed = new Promise<void>((resolve) => (resolveClosed = resolve));
  const gone = (): void => {
    open = false;
    resolveClosed();
  };
  socket.on('close', gone);
  socket.on('error', gone);

  const write = (opcode: number, payload: Uint8Array): boolean => {
    if (socket.destroyed || socket.writableEnded) return true;
    return socket.write(Buffer.concat([frameHeader(opcode, payload.length), payload]));
  };

  const sendClose = (code: number, reason = ''): void => {
    if (closeSent) return;
    closeSent = true;
    open = false;
    const payload = Buffer.alloc(2 + Buffer.byteLength(reason));
    payload.writeUInt16BE(code, 0);
    payload.write(reason, 2);
    write(OP_CLOSE, payload);
  };

  const readFrames = (): void => {
    for (;;) {
      const frame = parseClientFrame(inbox);
      if (!frame) return;
      inbox = inbox.subarray(frame.length);
      if (frame.opcode === OP_PING) write(OP_PONG, frame.payload);
      else if (frame.opcode === OP_CLOSE) {
        clientCloseCode = frame.payload.length >= 2 ? frame.payload.readUInt16BE(0) : 1005;
        sendClose(clientCloseCode === 1005 ? 1000 : clientCloseCode);
        socket.end();
        return;
      }
      // Text, binary and pong frames from the client mean nothing to a log server.
    }
  };
  socket.on('data', (chunk: Buffer) => {
    inbox = inbox.length === 0 ? chunk : Buffer.concat([inbox, chunk]);
    readFrames();
  });
  if (inbox.length > 0) readFrames();

  return {
    get open() {
      return open && !socket.destroyed;
    },
    get clientCloseCode() {
      return clientCloseCode;
    },
    closed,
    async send(bytes) {
      if (!open || socket.destroyed) return;
      if (!write(OP_BINARY, bytes)) await drainOrClose(socket);
    },
    close(code, reason) {
      sendClose(code, reason);
      // A client that never answers the close frame must not keep the socket forever.
      setTimeout(() => socket.destroy(), 1000).unref();
    },
    destroy() {
      open = false;
      socket.end();
      setTimeout(() => socket.destroy(), 1000).unref();
    },
  };
}

function frameHeader(opcode: number, length: number): Buffer {
  if (length < 126) return Buffer.from([0x80 | opcode, length]);
  if (length < 0x10000) {
    const h = Buffer.alloc(4);
    h[0] = 0x80 | opcode;
    h[1] = 126;
    h.writeUInt16BE(length, 2);
    return h;
  }
  const h = Buffer.alloc(10);
  h[0] = 0x80 | opcode;
  h[1] = 127;
  h.writeBigUInt64BE(BigInt(length), 2);
  return h;
}

/** One masked client frame from the front of `buf`, or undefined until it is complete. */
function parseClientFrame(buf: Buffer): { opcode: number; payload: Buffer; length: number } | undefined {
  if (buf.length < 2) return undefined;
  const opcode = buf[0]! & 0x0f;
  const masked = (buf[1]! & 0x80) !== 0;
  let length = buf[1]! & 0x7f;
  let at = 2;
  if (length === 126) {
    if (buf.length < 4) return undefined;
    length = buf.readUInt16BE(2);
    at = 4;
  } else if (length === 127) {
    if (buf.length < 10) return undefined;
    length = Number(buf.readBigUInt64BE(2));
    at = 10;
  }
  const maskAt = at;
  if (masked) at += 4;
  if (buf.length < at + length) return undefined;
  const payload = Buffer.from(buf.subarray(at, at + length));
  if (masked) for (let i = 0; i < payload.length; i++) payload[i]! ^= buf[maskAt + (i % 4)]!;
  return { opcode, payload, length: at + length };
}

function statusText(status: number): string {
  const texts: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 429: 'Too Many Requests', 500: 'Internal Server Error', 503: 'Service Unavailable' };
  return texts[status] ?? 'Error';
}
