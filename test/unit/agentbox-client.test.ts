// The AgentBox client reads an answer whole, but never more than its cap: a runaway answer is a
// failed poll (retried), not a truncated text that would be exported as one giant raw record.
import { afterEach, describe, expect, it } from 'vitest';
import { AgentboxClient } from '../../src/sources/agentbox/client.ts';
import { startLoopbackServer, type LoopbackServer } from '../../emulators/shared/loopback-server.ts';

let server: LoopbackServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('AgentBox client', () => {
  it('refuses an answer larger than its cap without keeping it', async () => {
    server = await startLoopbackServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(`{"entries":[${Array.from({ length: 2000 }, (_, i) => `{"container":"sandbox","log":"line ${i}"}`).join(',')}]}`);
    });
    const client = new AgentboxClient({ endpoint: server.origin, api_key: 'k' }, { maxBodyBytes: 10_000 });
    const result = await client.get(`${server.origin}/v1/sandboxes/x/logs`, new AbortController().signal);
    expect(result.kind).toBe('network_error');
    expect(result.kind === 'network_error' && result.error.message).toBe('the answer is larger than 10000 bytes (lower lines)');
    const small = new AgentboxClient({ endpoint: server.origin, api_key: 'k' }, { maxBodyBytes: 1_000_000 });
    const ok = await small.get(`${server.origin}/v1/sandboxes/x/logs`, new AbortController().signal);
    expect(ok.kind === 'ok' && (JSON.parse(ok.text) as { entries: unknown[] }).entries).toHaveLength(2000);
  });
});
