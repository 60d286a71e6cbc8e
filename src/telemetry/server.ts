/**
 * The telemetry server: GET /healthz, /readyz and /metrics on `server.listen` (DESIGN §6).
 * It is bound before the daemon starts, so a port already in use stops the start with a
 * clear message instead of a daemon that runs without its probes.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { RuntimeError } from '../errors.ts';
import type { Events } from './events.ts';
import type { Health } from './health.ts';
import type { Metrics } from './metrics.ts';

export interface TelemetryServer {
  /** `http://HOST:PORT`, with the port actually bound (listen on :0 picks one). */
  readonly url: string;
  /** Stop listening and drop open connections. Idempotent. */
  close(): Promise<void>;
}

export interface TelemetryServerOptions {
  /** `HOST:PORT`, `[IPv6]:PORT` or `:PORT` (every interface). */
  listen: string;
  health: Health;
  metrics: Metrics;
  events: Events;
  /** Scrubs secret values from every body (readiness quotes the endpoint's last error, which may echo a key). */
  redact?: (text: string) => string;
}

/** The address could not be bound; `code` is the system's (EADDRINUSE, EACCES, EADDRNOTAVAIL). */
function listenError(listen: string, code: string): RuntimeError {
  const why =
    code === 'EADDRINUSE' ? 'the address is already in use'
      : code === 'EACCES' ? 'permission denied (ports below 1024 need privileges)'
        : code === 'EADDRNOTAVAIL' ? 'the host is not an address of this machine'
          : 'the address cannot be bound';
  return new RuntimeError('TELEMETRY_LISTEN', `cannot serve /healthz /readyz /metrics on ${listen}: ${why} (${code}); set server.listen to a free HOST:PORT, or "" to disable the server`);
}

export function parseListen(listen: string): { host: string | undefined; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(listen);
  if (!m) throw new Error(`server.listen "${listen}" is not HOST:PORT`);
  const host = m[1] ?? m[2];
  return { host: host === '' ? undefined : host, port: Number(m[3]) };
}

function send(res: ServerResponse, statusCode: number, contentType: string, body: string): void {
  res.writeHead(statusCode, { 'content-type': contentType, 'cache-control': 'no-store' });
  res.end(body);
}

export async function startTelemetryServer(options: TelemetryServerOptions): Promise<TelemetryServer> {
  const { health, metrics, events } = options;
  const redact = options.redact ?? ((text: string) => text);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain', 'method not allowed\n');
    switch (path) {
      case '/healthz':
        return send(res, 200, 'application/json', '{"status":"ok"}\n');
      case '/readyz': {
        const answer = health.readiness();
        return send(res, answer.statusCode, 'application/json', redact(JSON.stringify(answer.body)) + '\n');
      }
      case '/metrics':
        return send(res, 200, metrics.contentType, redact(await metrics.text()));
      default:
        return send(res, 404, 'text/plain', 'not found: try /healthz, /readyz or /metrics\n');
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      events.telemetryRequestFailed(req.url, (error as Error).message);
      if (!res.headersSent) send(res, 500, 'text/plain', 'internal error\n');
      else res.destroy();
    });
  });
  // A scraper's idle keep-alive connection must never hold the process open.
  server.keepAliveTimeout = 5_000;
  const { host, port } = parseListen(options.listen);
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => reject(listenError(options.listen, error.code ?? 'EUNKNOWN'));
    server.once('error', onError);
    server.listen({ host, port }, () => {
      server.off('error', onError);
      resolve();
    });
  });
  server.unref();
  server.on('error', (error) => events.telemetryServerError(error.message));
  const address = server.address();
  const bound = typeof address === 'object' && address ? address : { address: host ?? '0.0.0.0', port, family: 'IPv4' };
  const shownHost = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${shownHost}:${bound.port}`,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
