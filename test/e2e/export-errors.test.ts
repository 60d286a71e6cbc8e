/**
 * Export failures without an HTTP status are counted under readable classes (issue 11), found
 * against real loopback servers that refuse, reset, hang or speak TLS; and an auth refusal from
 * the endpoint (401/403, or a header value the HTTP client will not send) is `auth_failed` on the
 * exporter's status, logged at warn once a minute, and keeps the batch until it is accepted.
 */
import { createServer, type Server } from 'node:http';
import { createServer as createTlsServer } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generate } from 'selfsigned';
import { generateLines } from '../../emulators/foundry.ts';
import { createHttpTransport } from '../../src/export/http-transport.ts';
import { classifyNetworkError } from '../../src/export/network-error-class.ts';
import type { QueuedBatch } from '../../src/delivery/queue.ts';
import { startDaemon } from '../../src/lifecycle/daemon.ts';
import { Events } from '../../src/telemetry/events.ts';
import { createLogger } from '../../src/telemetry/logger.ts';
import { startRig, writeConfig, type Rig } from '../helpers/harness.ts';
import { until } from '../helpers/until.ts';

const batch: QueuedBatch = { id: 1, payload: new Uint8Array([1, 2, 3]), contentType: 'application/x-protobuf', contentEncoding: 'identity', records: 1, bySource: { s: 1 } };
const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function listen(server: Server | ReturnType<typeof createTlsServer>): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return (server.address() as AddressInfo).port;
}

async function send(url: string, timeoutMs = 2000): Promise<string> {
  const transport = createHttpTransport({ endpoint: url, headers: {}, timeoutMs, tls: {}, userAgent: 'test' });
  closers.push(() => transport.close());
  const outcome = await transport.send(batch, new AbortController().signal);
  expect(outcome.status).toBe('retryable');
  return outcome.status === 'retryable' ? outcome.code : '';
}

describe('export failures without an HTTP status', () => {
  let pems: { private: string; cert: string };
  beforeAll(async () => {
    pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], { keySize: 2048, algorithm: 'sha256' });
  });

  it('connection_refused: nothing listens', async () => {
    const port = await listen(createServer());
    await closers.pop()!();
    expect(await send(`http://127.0.0.1:${port}/v1/logs`)).toBe('connection_refused');
  });

  it('connection_reset: the server drops the connection', async () => {
    const server = createServer((req) => req.socket.destroy());
    const port = await listen(server);
    expect(await send(`http://127.0.0.1:${port}/v1/logs`)).toBe('connection_reset');
  });

  it('timeout: the server never answers within exporter.timeout', async () => {
    const server = createServer(() => undefined);
    const port = await listen(server);
    closers.push(() => void server.closeAllConnections());
    expect(await send(`http://127.0.0.1:${port}/v1/logs`, 200)).toBe('timeout');
  });

  it('tls: a certificate nobody vouches for', async () => {
    const server = createTlsServer({ key: pems.private, cert: pems.cert }, (socket) => socket.end());
    const port = await listen(server);
    expect(await send(`https://127.0.0.1:${port}/v1/logs`)).toBe('tls');
  });

  it('dns and unknown errors (by their codes: no test resolves names beyond loopback)', () => {
    expect(classifyNetworkError(Object.assign(new Error('getaddrinfo ENOTFOUND x.invalid'), { code: 'ENOTFOUND' }))).toBe('dns');
    expect(classifyNetworkError(Object.assign(new Error('fetch failed'), { cause: { code: 'EAI_AGAIN' } }))).toBe('dns');
    expect(classifyNetworkError(new Error('something else'))).toBe('network_error');
  });
});

describe('the endpoint refuses the credentials', () => {
  let rig: Rig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  function run(rigConfig: ReturnType<typeof writeConfig>): { daemon: ReturnType<typeof startDaemon>; events: Events; log: () => string } {
    let text = '';
    const destination = new Writable({
      write(chunk: Buffer, _enc, done) {
        text += chunk.toString();
        done();
      },
    });
    const logger = createLogger({ level: 'warn', destination });
    const events = new Events(logger);
    const daemon = startDaemon(rigConfig, { logger, events, timing: { initialBackoffMs: 20, maxBackoffMs: 200, authRetryMs: 200 } });
    return { daemon, events, log: () => text };
  }

  it('401 then 403: auth_failed, one warn line, nothing dropped; delivered once the endpoint accepts', async () => {
    rig = await startRig();
    const SESSION = { agent: 'a', version: '1', id: 's_auth' };
    const lines = generateLines(50);
    rig.emulator.addSession(SESSION).append(...lines);
    rig.receiver.respondWith([{ status: 401, times: 4 }, { status: 403, times: 4 }]);
    const { daemon, events, log } = run(writeConfig(rig, { session: SESSION }));
    await until(() => rig!.receiver.requests.length >= 3, 'refused requests');
    expect(daemon.status().exporter.state).toBe('auth_failed');
    await rig.receiver.waitFor(lines.length, 15_000);
    await until(() => daemon.status().exporter.state === 'connected', 'the exporter state after the accepted request');
    await daemon.shutdown(2000);
    expect(rig.receiver.records.map((r) => r.body)).toEqual(lines.map((l) => l.message));
    expect(events.total('agentlog_records_dropped_total')).toBe(0);
    expect(events.total('agentlog_export_requests_total', { code: '401' })).toBe(4);
    expect(events.total('agentlog_export_requests_total', { code: '403' })).toBe(4);
    const warnings = log().split('\n').filter((l) => l.includes('"event":"export.auth_failed"'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('"level":40');
  });

  it('a header value the HTTP client refuses (a newline in a token): auth_failed with code invalid_header, the value never logged', async () => {
    rig = await startRig();
    const SESSION = { agent: 'a', version: '1', id: 's_hdr' };
    rig.emulator.addSession(SESSION).append(...generateLines(5));
    const config = writeConfig(rig, { session: SESSION });
    // Past validation (which refuses it): what a value changed under a running daemon would do.
    config.exporter.headers = { authorization: 'Bearer sekrit-token-123\n' };
    const { daemon, events, log } = run(config);
    await until(() => events.total('agentlog_export_requests_total', { code: 'invalid_header' }) >= 2, 'refused headers');
    expect(daemon.status().exporter.state).toBe('auth_failed');
    await daemon.shutdown(500);
    expect(rig.receiver.requests).toHaveLength(0);
    expect(log()).toContain('"event":"export.auth_failed"');
    expect(log()).not.toContain('sekrit-token-123');
  });
});
