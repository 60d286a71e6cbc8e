// The AgentBox emulator speaks PLATFORMS.md §4: auth header, list paging and filters, the
// "last N lines" window per container, timestamps or none, the NDJSON route and its faults.
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { startAgentboxEmulator, type AgentboxEmulator } from '../../emulators/agentbox.ts';

const KEY = 'agbx_test_key';
let emulator: AgentboxEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

async function get(path: string, key: string | null = KEY): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  const res = await request(`${emulator!.url}${path}`, { headers: key === null ? {} : { 'agentbox-api-key': key } });
  return { status: res.statusCode, body: await res.body.text(), headers: res.headers };
}

describe('AgentBox emulator', () => {
  it('refuses a missing or wrong key with the platform error shape', async () => {
    emulator = await startAgentboxEmulator({ apiKey: KEY });
    expect(await get('/v1/sandboxes', null)).toMatchObject({ status: 401, body: '{"error":"missing api key"}' });
    expect(await get('/v1/sandboxes', 'nope')).toMatchObject({ status: 401, body: '{"error":"invalid api key"}' });
  });

  it('lists sandboxes by status and pool, newest claim first, paged by limit/offset', async () => {
    emulator = await startAgentboxEmulator({ apiKey: KEY, pageSize: 2 });
    for (let i = 0; i < 5; i++) emulator.addSandbox({ id: `sb-${i}`, pool: i % 2 ? 'gpu' : 'cpu', claimedAt: 1000 + i });
    emulator.addSandbox({ id: 'sb-done', pool: 'cpu', status: 'Completed', claimedAt: 2000 });
    const page = JSON.parse((await get('/v1/sandboxes?status=Running&poolName=cpu&limit=50&offset=0')).body) as { items: { sandboxId: string }[]; total: number; limit: number };
    expect(page.total).toBe(3);
    expect(page.limit).toBe(2);
    expect(page.items.map((s) => s.sandboxId)).toEqual(['sb-4', 'sb-2']);
    const next = JSON.parse((await get('/v1/sandboxes?status=Running&poolName=cpu&limit=50&offset=2')).body) as { items: { sandboxId: string }[] };
    expect(next.items.map((s) => s.sandboxId)).toEqual(['sb-0']);
    const all = JSON.parse((await get('/v1/sandboxes?status=Running,Completed&limit=100')).body) as { total: number };
    expect(all.total).toBe(6);
  });

  it('answers the last N lines per container, sharing one timestamp per append; without timestamps like an older server', async () => {
    emulator = await startAgentboxEmulator({ apiKey: KEY, now: () => Date.parse('2026-09-04T10:00:00.000Z') });
    const sb = emulator.addSandbox({ id: 'sb-1', containers: ['sandbox', 'egress-proxy'], namespace: 'ns-a', podName: 'pod-a' });
    sb.append('sandbox', ['one', 'two', 'three']);
    sb.append('egress-proxy', ['proxy up']);
    const res = await get('/v1/sandboxes/sb-1/logs?container=sandbox&lines=2');
    expect(res.headers['x-agentbox-server-version']).toBe('v0.9.0-emulator');
    expect(JSON.parse(res.body)).toEqual({
      sandboxId: 'sb-1', namespace: 'ns-a', podName: 'pod-a',
      entries: [
        { timestamp: '2026-09-04T10:00:00.000000000Z', container: 'sandbox', log: 'two' },
        { timestamp: '2026-09-04T10:00:00.000000000Z', container: 'sandbox', log: 'three' },
      ],
      truncated: false, totalBytes: expect.any(Number) as number, source: 'live', containers: ['sandbox', 'egress-proxy'],
    });
    emulator.setFaults({ timestamps: false });
    const old = JSON.parse((await get('/v1/sandboxes/sb-1/logs?lines=1')).body) as { entries: unknown[]; containers?: unknown };
    expect(old.entries).toEqual([{ container: 'sandbox', log: 'three' }, { container: 'egress-proxy', log: 'proxy up' }]);
    expect(old.containers).toBeUndefined();
    expect((await get('/v1/sandboxes/sb-1/logs?container=nope')).status).toBe(400);
    sb.setStatus('Completed');
    expect((await get('/v1/sandboxes/sb-1/logs')).status).toBe(404);
  });

  it('scripted failures: status with Retry-After, and a 200 that is not JSON', async () => {
    emulator = await startAgentboxEmulator({ apiKey: KEY });
    emulator.addSandbox({ id: 'sb-1' });
    emulator.failNext(1, 429, { retryAfter: 3 });
    emulator.failNext(1, 200, { body: '<html>bad gateway</html>' });
    const limited = await get('/v1/sandboxes/sb-1/logs');
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe('3');
    expect(await get('/v1/sandboxes/sb-1/logs')).toMatchObject({ status: 200, body: '<html>bad gateway</html>' });
    expect((await get('/v1/sandboxes/sb-1/logs')).status).toBe(200);
  });

  it('streams NDJSON: the replay, live lines in random chunks, a cut after N lines, 404 without the route', async () => {
    emulator = await startAgentboxEmulator({ apiKey: KEY, faults: { chunking: 'random', seed: 3, disconnectAfter: [3] } });
    const sb = emulator.addSandbox({ id: 'sb-1' });
    sb.append('sandbox', ['a', 'b']);
    const res = await request(`${emulator.url}/v1/sandboxes/sb-1/logs/stream?container=sandbox&lines=10`, { headers: { 'agentbox-api-key': KEY } });
    expect(res.headers['content-type']).toBe('application/x-ndjson');
    sb.append('sandbox', ['c ✓ 東京', 'd']);
    let text = '';
    await expect((async () => {
      for await (const chunk of res.body) text += (chunk as Buffer).toString('latin1');
    })()).rejects.toThrow();
    const lines = Buffer.from(text, 'latin1').toString('utf8').split('\n').filter((l) => l !== '');
    expect(lines.map((l) => (JSON.parse(l) as { log: string }).log)).toEqual(['a', 'b', 'c ✓ 東京']);
    emulator.setFaults({ streamRoute: false });
    expect((await get('/v1/sandboxes/sb-1/logs/stream')).status).toBe(404);
  });
});
