// A loopback HTTP(S) server that remembers its sockets, so close() can cut
// long-lived streams (SSE) instead of waiting for them: tests must never hang.
import http from 'node:http';
import https from 'node:https';
import type { IncomingMessage, ServerResponse, Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

export interface LoopbackServer {
  /** `http://127.0.0.1:PORT` or `https://127.0.0.1:PORT`, no trailing slash. */
  readonly origin: string;
  readonly port: number;
  /** Stops listening and destroys every open socket. Idempotent. */
  close(): Promise<void>;
}

export interface LoopbackServerOptions {
  port?: number;
  /** HTTPS; with `clientCa`, clients must present a certificate signed by it (mutual TLS). */
  tls?: { key: string; cert: string; clientCa?: string };
  /** Serves `Upgrade` requests (WebSockets); the upgraded sockets are cut by close() too. */
  onUpgrade?: (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
}

export async function startLoopbackServer(
  handler: RequestHandler,
  opts: LoopbackServerOptions = {},
): Promise<LoopbackServer> {
  const server: Server = opts.tls
    ? https.createServer(
        {
          key: opts.tls.key,
          cert: opts.tls.cert,
          ...(opts.tls.clientCa ? { ca: opts.tls.clientCa, requestCert: true, rejectUnauthorized: true } : {}),
        },
        handler,
      )
    : http.createServer(handler);
  if (opts.onUpgrade) server.on('upgrade', opts.onUpgrade);
  // Streams stay open for minutes in soak tests; Node's defaults would cut them.
  server.requestTimeout = 0;
  server.timeout = 0;
  const sockets = new Set<Socket>();
  // 'connection' gives the raw TCP socket for https too; destroying it ends TLS.
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('loopback server has no TCP address');
  const scheme = opts.tls ? 'https' : 'http';

  let closing: Promise<void> | undefined;
  return {
    origin: `${scheme}://127.0.0.1:${address.port}`,
    port: address.port,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
