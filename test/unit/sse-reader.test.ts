/**
 * The SSE reader against a real loopback server: an endless line must not take all memory, and
 * the good events around it still arrive.
 */
import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { readSse, type SseEvent } from '../../src/sources/shared/sse-reader.ts';

let server: Server | undefined;
afterEach(() => {
  server?.closeAllConnections();
  server?.close();
});

async function serve(chunks: string[]): Promise<string> {
  server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const next = (i: number): void => {
      if (i >= chunks.length) return void res.end();
      res.write(chunks[i]);
      setTimeout(() => next(i + 1), 20);
    };
    next(0);
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return `http://127.0.0.1:${address.port}/`;
}

describe('SSE reader bounds', () => {
  it('skips an event larger than the bound, reports it, and keeps the events before and after', async () => {
    const huge = 'x'.repeat(5000);
    const url = await serve(['data: before\n\n', `data: ${huge.slice(0, 2500)}`, `${huge.slice(2500)}\n\n`, 'data: after\n\n']);
    const events: SseEvent[] = [];
    let oversized = 0;
    const end = await readSse({
      url,
      headers: {},
      signal: AbortSignal.timeout(5000),
      idleTimeoutMs: 5000,
      maxEventChars: 1000,
      onOversized: () => void oversized++,
      onEvents: (batch) => {
        events.push(...batch);
        return Promise.resolve();
      },
    });
    expect(end.kind).toBe('ended');
    expect(events.map((e) => e.data)).toEqual(['before', 'after']);
    expect(oversized).toBe(1);
  });
});
