/**
 * The daemon's HTTP client on node:http (util/http-request.ts), against a real server on 127.0.0.1:
 * idle timeout, aborts before and during a body, and an abort after the body was read (the socket is
 * back in the keep-alive pool then, and must neither crash the process nor be destroyed).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createAgent, httpRequest } from '../../src/util/http-request.ts';

let server: http.Server | undefined;
afterEach(() => {
  server?.closeAllConnections();
  server?.close();
});

async function serve(handler: http.RequestListener): Promise<string> {
  server = http.createServer(handler);
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

async function errorOf(promise: Promise<unknown>): Promise<{ name?: string; code?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { name?: string; code?: string };
  }
  throw new Error('expected a failure');
}

describe('httpRequest', () => {
  it('posts a body and reads the answer whole', async () => {
    const url = await serve((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => res.writeHead(201, { 'x-seen': String(Buffer.concat(chunks).length) }).end('{"ok":true}'));
    });
    const response = await httpRequest(url, { method: 'POST', body: new Uint8Array(1000) });
    expect(response.statusCode).toBe(201);
    expect(response.headers['x-seen']).toBe('1000');
    expect(await response.body.json()).toEqual({ ok: true });
  });

  it('fails a body that goes silent for longer than idleTimeoutMs with ETIMEDOUT', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200);
      res.write('first');
    });
    const response = await httpRequest(url, { idleTimeoutMs: 100 });
    const chunks: string[] = [];
    const failed = await errorOf(
      (async () => {
        for await (const chunk of response.body) chunks.push(chunk.toString());
      })(),
    );
    expect(chunks).toEqual(['first']);
    expect(failed.code === 'ETIMEDOUT' || failed.code === 'ECONNRESET').toBe(true);
  });

  it('an abort before the answer rejects the request; during the body it ends the reading', async () => {
    const url = await serve((req, res) => {
      if (req.url === '/slow') return;
      res.writeHead(200);
      res.write('first');
    });
    const early = new AbortController();
    const pending = httpRequest(`${url}slow`, { signal: early.signal });
    early.abort();
    expect((await errorOf(pending)).name).toBe('AbortError');

    const later = new AbortController();
    const response = await httpRequest(url, { signal: later.signal });
    const failed = await errorOf(
      (async () => {
        for await (const chunk of response.body) if (chunk.length > 0) later.abort();
      })(),
    );
    expect(failed.name).toBe('AbortError');
  });

  it('an abort after the answer was read leaves the pooled connection alone', async () => {
    const sockets = new Set<unknown>();
    const url = await serve((req, res) => {
      sockets.add(req.socket);
      res.end('done');
    });
    const agent = createAgent(url);
    const controller = new AbortController();
    const first = await httpRequest(url, { agent, signal: controller.signal });
    expect(await first.body.text()).toBe('done');
    await new Promise((resolve) => setImmediate(resolve));
    controller.abort();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const second = await httpRequest(url, { agent });
    expect(await second.body.text()).toBe('done');
    expect(sockets.size).toBe(1);
    agent.destroy();
  });
});
