// Keeps the Hill90 emulator honest: it answers like PLATFORMS.md §2 says the platform does
// (listing, JSON array, SSE replay of the last `tail` of each kind, `event: end`, `event: error`,
// client-credentials tokens that end the stream at expiry) and its faults do what they say.
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { generateEvents, startHill90Emulator, type Hill90Emulator, type Hill90EmulatorOptions } from '../../emulators/hill90.ts';
import { readStream } from './sse-client.ts';

const TOKEN = 'hill90-static-token';
const AGENT = '3c90c3cc-0d44-4b50-8888-8dd25736052a';
const auth = { authorization: `Bearer ${TOKEN}` };

let emulator: Hill90Emulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

async function start(opts: Hill90EmulatorOptions = { token: TOKEN }): Promise<Hill90Emulator> {
  emulator = await startHill90Emulator(opts);
  return emulator;
}

const eventsUrl = (e: Hill90Emulator, q: string, id = AGENT): string => `${e.url}/agents/${id}/events?${q}`;

async function getJson(url: string, headers: Record<string, string> = auth): Promise<{ status: number; body: unknown; headers: Record<string, unknown> }> {
  const response = await request(url, { headers });
  return { status: response.statusCode, body: await response.body.json(), headers: response.headers };
}

describe('Hill90 emulator', () => {
  it('lists agents newest first as a plain array with the documented fields', async () => {
    const e = await start();
    e.addAgent({ id: 'a-1', name: 'Planner' });
    e.addAgent({ id: 'a-2', name: 'Coder', status: 'stopped' });
    const { status, body } = await getJson(`${e.url}/agents`);
    expect(status).toBe(200);
    const list = body as Record<string, unknown>[];
    expect(list.map((a) => [a.id, a.name, a.status, a.agent_id])).toEqual([['a-2', 'Coder', 'stopped', 'coder'], ['a-1', 'Planner', 'running', 'planner']]);
    expect(Object.keys(list[0]!)).toEqual(expect.arrayContaining(['created_at', 'container_state', 'status_verified', 'tags', 'models']));
  });

  it('refuses a missing or wrong token with 401, unknown agents with 404, stopped ones with 409', async () => {
    const e = await start();
    e.addAgent({ id: AGENT });
    e.addAgent({ id: 'stopped', status: 'stopped' });
    expect((await getJson(eventsUrl(e, 'tail=5'), {})).status).toBe(401);
    expect((await getJson(eventsUrl(e, 'tail=5'), { authorization: 'Bearer nope' })).status).toBe(401);
    expect(await getJson(eventsUrl(e, 'tail=5', 'missing'))).toMatchObject({ status: 404, body: { error: 'Agent not found' } });
    expect((await getJson(eventsUrl(e, 'tail=5', 'stopped'))).status).toBe(409);
  });

  it('without follow answers the last tail of each kind as one array sorted by (timestamp, id)', async () => {
    const e = await start();
    const agent = e.addAgent({ id: AGENT });
    const events = generateEvents(20, { inferenceEvery: 4 });
    agent.append(...events);
    agent.append({ raw: 'not json' });
    const { status, body } = await getJson(eventsUrl(e, 'tail=3'));
    expect(status).toBe(200);
    // `tail -n 3` of the container log takes the raw line too, and the route then drops it (not JSON).
    const container = events.filter((ev) => !ev.id.startsWith('inference-')).slice(-2);
    const inference = events.filter((ev) => ev.id.startsWith('inference-')).slice(-3);
    const expected = [...container, ...inference].sort((a, b) => (a.timestamp + a.id < b.timestamp + b.id ? -1 : 1));
    expect(body).toEqual(expected);
  });

  it('with follow=true replays inference rows, then container events, then sends live ones as bare data frames', async () => {
    const e = await start();
    const agent = e.addAgent({ id: AGENT });
    const events = generateEvents(12, { inferenceEvery: 3 });
    agent.append(...events);
    const live = generateEvents(2, { label: 'live', inferenceEvery: 0, seed: 5 });
    let appended = false;
    const read = await readStream(eventsUrl(e, 'tail=2&follow=true'), {
      headers: auth,
      stopAfter: 6,
      onEvents: (got) => {
        if (got.length >= 4 && !appended) {
          appended = true;
          agent.append(...live);
        }
      },
    });
    expect(read.status).toBe(200);
    expect(read.headers['content-type']).toBe('text/event-stream');
    expect(read.text.startsWith('data: {')).toBe(true);
    const inference = events.filter((ev) => ev.id.startsWith('inference-')).slice(-2);
    const container = events.filter((ev) => !ev.id.startsWith('inference-')).slice(-2);
    expect(read.events.map((ev) => ev.event)).toEqual(Array(6).fill(undefined));
    expect(read.events.map((ev) => JSON.parse(ev.data) as unknown)).toEqual([...inference, ...container, ...live]);
    expect(agent.tails).toEqual([2]);
  });

  it('tail=0 is live only; an error frame keeps the stream open unless closed; end sends event: end and stops the agent', async () => {
    const e = await start();
    const agent = e.addAgent({ id: AGENT });
    agent.append(...generateEvents(5));
    const reading = readStream(eventsUrl(e, 'tail=0&follow=true'), { headers: auth });
    await agent.waitForConnection(1);
    agent.error({ error: 'Updates may be delayed', detail: 'inference poll failing' });
    agent.append({ event: 'metrics', data: '{"cpu":1}' }, { raw: '{"broken": ' });
    agent.end();
    const read = await reading;
    expect(read.error).toBeUndefined();
    expect(read.events).toEqual([
      { event: 'error', data: '{"error":"Updates may be delayed","detail":"inference poll failing"}' },
      { event: 'metrics', data: '{"cpu":1}' },
      { event: undefined, data: '{"broken": ' },
      { event: 'end', data: 'stream closed' },
    ]);
    expect(agent.status).toBe('stopped');
    expect((await getJson(eventsUrl(e, 'tail=5&follow=true'))).status).toBe(409);
  });

  it('error with close ends the response without event: end', async () => {
    const e = await start();
    const agent = e.addAgent({ id: AGENT });
    const reading = readStream(eventsUrl(e, 'tail=0&follow=true'), { headers: auth });
    await agent.waitForConnection(1);
    agent.error('exec failed', { close: true });
    const read = await reading;
    expect(read.events).toEqual([{ event: 'error', data: 'exec failed' }]);
    expect(read.error).toBeUndefined();
  });

  it('issues short-lived JWT-shaped tokens for client credentials and ends the stream with "Credential expired" at expiry', async () => {
    const e = await start({ oidc: { clientId: 'exporter', clientSecret: 's3cret', ttlMs: 400 } });
    const agent = e.addAgent({ id: AGENT });
    const bad = await request(e.tokenUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials&client_id=exporter&client_secret=wrong' });
    expect(bad.statusCode).toBe(401);
    expect(await bad.body.json()).toMatchObject({ error: 'invalid_client' });
    const ok = await request(e.tokenUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials&client_id=exporter&client_secret=s3cret' });
    const body = (await ok.body.json()) as { access_token: string; expires_in: number; token_type: string };
    expect(body.token_type).toBe('Bearer');
    expect(body.expires_in).toBe(0.4);
    const [, payload] = body.access_token.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as { exp: number; sub: string };
    expect(claims.sub).toBe('exporter');
    expect(claims.exp * 1000).toBeGreaterThan(Date.now());
    agent.append(...generateEvents(2, { inferenceEvery: 0 }));
    const started = Date.now();
    const read = await readStream(eventsUrl(e, 'tail=10&follow=true'), { headers: { authorization: `Bearer ${body.access_token}` } });
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(read.events.map((ev) => ev.event)).toEqual([undefined, undefined, 'error']);
    expect(JSON.parse(read.events[2]!.data)).toEqual({ error: 'Credential expired', detail: 'The stream ended because the credential that authorised it expired.' });
    // Once expired, the token is refused.
    expect((await getJson(eventsUrl(e, 'tail=1'), { authorization: `Bearer ${body.access_token}` })).status).toBe(401);
    expect(e.tokensIssued).toBe(1);
  });

  it('faults: failNext with Retry-After, pause, disconnect after N data frames, duplicates, bytewise chunking', async () => {
    const e = await start();
    const agent = e.addAgent({ id: AGENT });
    const events = generateEvents(10, { inferenceEvery: 0 });
    agent.append(...events);
    e.failNext(2, 429, { retryAfter: 3 });
    const first = await getJson(eventsUrl(e, 'tail=10&follow=true'));
    expect(first.status).toBe(429);
    expect(first.headers['retry-after']).toBe('3');
    expect((await getJson(eventsUrl(e, 'tail=10&follow=true'))).status).toBe(429);
    e.pause();
    expect((await getJson(eventsUrl(e, 'tail=10&follow=true'))).status).toBe(503);
    e.resume();
    agent.setFaults({ disconnectAfter: [4], duplicateEvery: 3, chunking: 'bytewise' });
    const cut = await readStream(eventsUrl(e, 'tail=10&follow=true'), { headers: auth });
    expect(cut.error).toBeDefined();
    expect(cut.chunks).toBeGreaterThan(100);
    // Frames 1, 2, 3, 3 (the duplicate): four data frames, then the cut.
    expect(cut.events.map((ev) => (JSON.parse(ev.data) as { id: string }).id)).toEqual([events[0]!.id, events[1]!.id, events[2]!.id, events[2]!.id]);
    expect(agent.connections).toBe(1);
    expect(agent.attempts).toBe(4);
  });
});
