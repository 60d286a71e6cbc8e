// One scenario per fault of the Foundry emulator, read with plain undici.
import { request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SEED_FRAMES, SEED_LINES, generateLines, startFoundryEmulator } from '../../emulators/foundry.ts';
import type { FoundryEmulator, FoundryFaults, SessionHandle } from '../../emulators/foundry.ts';
import { logStreamUrl, readStream } from './sse-client.ts';

let emulator: FoundryEmulator;

beforeEach(async () => {
  emulator = await startFoundryEmulator();
});

afterEach(async () => {
  await emulator.close();
});

function session(id: string, faults: Partial<FoundryFaults> = {}, lines = 30): SessionHandle {
  const handle = emulator.addSession({ agent: 'agent', version: '1', id, faults });
  handle.append(...SEED_LINES, ...generateLines(lines));
  return handle;
}

const url = (id: string, version = '1'): string => logStreamUrl(emulator.url, 'agent', version, id);

describe('chunking and framing', () => {
  it.each<FoundryFaults['chunking']>(['whole', 'bytewise', 'random', 7])('chunking %s sends the same bytes', async (chunking) => {
    const handle = session('s', { chunking });
    const read = await readStream(url('s'), { stopAfter: handle.history.length });
    expect(read.status).toBe(200);
    expect(read.headers['content-type']).toBe('text/event-stream');
    expect(read.text).toBe(handle.renderHistory());
    expect(read.text.startsWith(SEED_FRAMES)).toBe(true);
    if (chunking === 'bytewise') expect(read.chunks).toBeGreaterThan(50);
  });

  it.each(['\r\n', '\r'] as const)('line ending %j gives the same events', async (lineEnding) => {
    const plain = session('plain');
    const odd = session('odd', { lineEnding });
    const a = await readStream(url('plain'), { stopAfter: plain.history.length });
    const b = await readStream(url('odd'), { stopAfter: odd.history.length });
    expect(b.text).toContain(lineEnding === '\r' ? 'event: log\rdata: ' : 'event: log\r\ndata: ');
    expect(b.events).toEqual(a.events);
  });

  it('inserts keep-alive comments and sends comment/raw/unknown-event lines', async () => {
    const handle = emulator.addSession({ agent: 'agent', version: '1', id: 's', faults: { commentsEvery: 2 } });
    handle.append(...SEED_LINES, { comment: 'hello' }, { raw: 'a\nb' }, { event: 'other', data: 'x' });
    const read = await readStream(url('s'), { stopAfter: 6 });
    expect(read.comments).toEqual(['keep-alive', 'keep-alive', 'hello', 'keep-alive']);
    expect(read.events.slice(4)).toEqual([
      { event: 'log', data: 'a\nb' },
      { event: 'other', data: 'x' },
    ]);
  });
});

describe('connection faults', () => {
  it('disconnectAfter cuts each connection after N frames (array: per connection)', async () => {
    const handle = session('s', { disconnectAfter: [3, 5] });
    const first = await readStream(url('s'));
    expect(first.events).toHaveLength(3);
    expect(first.error).toBeDefined();
    const second = await readStream(url('s'));
    expect(second.events).toHaveLength(5);
    expect(second.error).toBeDefined();
    const third = await readStream(url('s'), { stopAfter: handle.history.length });
    expect(third.events).toHaveLength(handle.history.length);
    expect(handle.connections).toBe(3);
  });

  it('disconnectMidFrame leaves half a frame on the wire', async () => {
    const handle = session('s', { disconnectAfter: 2, disconnectMidFrame: true });
    const read = await readStream(url('s'));
    expect(read.events).toHaveLength(2);
    expect(read.error).toBeDefined();
    const twoFrames = handle.renderHistory().split('\n\n').slice(0, 2).join('\n\n') + '\n\n';
    expect(read.text.length).toBeGreaterThan(twoFrames.length);
    expect(read.text.startsWith(twoFrames)).toBe(true);
  });

  it('failNext answers the status with Retry-After, then streams', async () => {
    const handle = session('s');
    handle.failNext(2, 429, { retryAfter: 7 });
    emulator.failNext(1, 503);
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const response = await request(url('s'));
      statuses.push(response.statusCode);
      expect(response.headers['retry-after']).toBe(i === 0 ? undefined : '7');
      const body = (await response.body.json()) as { error: { code: string; message: string } };
      expect(body.error.message).toBeTypeOf('string');
    }
    expect(statuses).toEqual([503, 429, 429]);
    const ok = await readStream(url('s'), { stopAfter: 1 });
    expect(ok.status).toBe(200);
    expect(handle.attempts).toBe(4);
    expect(handle.connections).toBe(1);
  });

  it('close() cuts open streams and is idempotent', async () => {
    const handle = session('s');
    let replayed: () => void = () => undefined;
    const replayDone = new Promise<void>((resolve) => (replayed = resolve));
    const reading = readStream(url('s'), {
      timeoutMs: 10_000,
      onEvents: (events) => events.length === handle.history.length && replayed(),
    });
    await replayDone;
    await Promise.all([emulator.close(), emulator.close()]);
    const read = await reading;
    expect(read.events).toHaveLength(handle.history.length);
    expect(read.error).toBeDefined();
  });
});

describe('replay and live lines', () => {
  it("replays the whole history on every connect by default, then live lines", async () => {
    const handle = session('s', {}, 5);
    const first = await readStream(url('s'), { stopAfter: 9 });
    handle.append({ timestamp: '2026-03-10T12:00:00.000Z', stream: 'stdout', message: 'later' });
    const second = await readStream(url('s'), {
      stopAfter: 11,
      onEvents: (events) => {
        if (events.length === 10 && handle.history.length === 10) handle.append({ message: 'live' });
      },
    });
    expect(second.events.slice(0, 9)).toEqual(first.events);
    expect(JSON.parse(second.events[9]?.data ?? '')).toMatchObject({ message: 'later' });
    expect(JSON.parse(second.events[10]?.data ?? '')).toMatchObject({ stream: 'stdout', message: 'live' });
  });

  it('replay: N sends the last N frames; none sends only live lines', async () => {
    const handle = session('s', { replay: 2 }, 5);
    const tail = await readStream(url('s'), { stopAfter: 2 });
    expect(tail.text).toBe(handle.renderHistory().split('\n\n').slice(-3).join('\n\n'));

    handle.setFaults({ replay: 'none' });
    const reading = readStream(url('s'), { stopAfter: 1 });
    await handle.waitForConnection(2);
    handle.append({ message: 'only this' });
    const live = await reading;
    expect(live.events.map((e) => JSON.parse(e.data) as { message: string }).map((m) => m.message)).toEqual(['only this']);
  });

  it('heartbeats are sent on idle streams but never stored or replayed', async () => {
    const handle = session('s', { heartbeatEvery: 20 }, 0);
    const read = await readStream(url('s'), { stopAfter: 6 });
    const heartbeats = read.events.slice(4).map((e) => JSON.parse(e.data) as { stream: string; message: string });
    expect(heartbeats).toEqual([
      expect.objectContaining({ stream: 'status', message: 'No logs since last 60 seconds' }),
      expect.objectContaining({ stream: 'status', message: 'No logs since last 60 seconds' }),
    ]);
    expect(handle.history).toHaveLength(4);
  });

  it('end() finishes live streams gracefully; later connects get 404', async () => {
    const handle = session('s', {}, 3);
    const reading = readStream(url('s'));
    await handle.waitForConnection();
    handle.append({ message: 'last words' });
    handle.end();
    const read = await reading;
    expect(read.error).toBeUndefined();
    expect(read.events).toHaveLength(8);
    const again = await readStream(url('s'));
    expect(again.status).toBe(404);
    expect(JSON.parse(again.text)).toMatchObject({ error: { code: 'not_found' } });
  });
});

describe('routes, auth and listing', () => {
  it('accepts a percent-encoded colon and rejects unknown sessions or versions', async () => {
    session('s');
    expect((await readStream(logStreamUrl(emulator.url, 'agent', '1', 's', true), { stopAfter: 1 })).status).toBe(200);
    expect((await readStream(url('missing'))).status).toBe(404);
    expect((await readStream(url('s', '2'))).status).toBe(404);
    expect(emulator.requests.map((r) => r.route)).toEqual(['logstream', 'logstream', 'logstream']);
    expect(emulator.requests[0]?.path).toContain('s%3Alogstream');
  });

  it('checks the bearer token and api-version', async () => {
    await emulator.close();
    emulator = await startFoundryEmulator({ token: 'secret' });
    session('s');
    const noAuth = await request(url('s'));
    expect(noAuth.statusCode).toBe(401);
    expect(noAuth.headers['www-authenticate']).toBe('Bearer');
    expect(await noAuth.body.json()).toMatchObject({ error: { message: expect.any(String) as unknown } });
    const noVersion = await request(url('s').replace('?api-version=v1', ''), { headers: { authorization: 'Bearer secret' } });
    expect(noVersion.statusCode).toBe(400);
    await noVersion.body.dump();
    const ok = await readStream(url('s'), { headers: { authorization: 'Bearer secret' }, stopAfter: 1 });
    expect(ok.status).toBe(200);
  });

  it('pages the sessions list with limit, order, after and before', async () => {
    for (let i = 0; i < 5; i++) emulator.addSession({ agent: 'agent', version: '1', id: `s${i}`, createdAt: 1000 + i });
    const list = async (query: string): Promise<{ status: number; body: Record<string, unknown> }> => {
      const response = await request(`${emulator.url}/agents/agent/endpoint/sessions?api-version=v1&${query}`);
      return { status: response.statusCode, body: (await response.body.json()) as Record<string, unknown> };
    };
    const ids = (body: Record<string, unknown>): string[] => (body.data as { agent_session_id: string }[]).map((s) => s.agent_session_id);

    const first = await list('limit=2&order=asc');
    expect(ids(first.body)).toEqual(['s0', 's1']);
    expect(first.body).toMatchObject({ first_id: 's0', last_id: 's1', has_more: true });
    const last = await list('limit=2&order=asc&after=s3');
    expect(ids(last.body)).toEqual(['s4']);
    expect(last.body.has_more).toBe(false);
    expect(ids((await list('')).body)).toEqual(['s4', 's3', 's2', 's1', 's0']);
    expect(ids((await list('limit=2&before=s1')).body)).toEqual(['s3', 's2']);
    expect((await list('limit=0')).status).toBe(400);
    expect((await list('after=unknown')).status).toBe(400);

    emulator.getSession('s2')?.remove();
    expect(ids((await list('order=asc')).body)).toEqual(['s0', 's1', 's3', 's4']);
  });
});

describe('generateLines', () => {
  it('is deterministic and has shared timestamps and identical lines', () => {
    const lines = generateLines(40);
    expect(generateLines(40)).toEqual(lines);
    const sameTs = lines.filter((line, i) => i > 0 && line.timestamp === lines[i - 1]?.timestamp);
    const sameAll = lines.filter((line, i) => i > 0 && JSON.stringify(line) === JSON.stringify(lines[i - 1]));
    expect(sameTs.length).toBeGreaterThanOrEqual(7);
    expect(sameAll.length).toBeGreaterThanOrEqual(3);
    expect(new Set(lines.map((l) => l.stream))).toEqual(new Set(['stdout', 'stderr']));
    expect(generateLines(10, { sameTimestampEvery: 0 }).map((l) => l.timestamp)).toHaveLength(10);
  });
});
