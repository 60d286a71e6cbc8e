// Keeps the Foundry emulator honest: Microsoft's own client (@azure/ai-projects,
// over https with bearer auth) must list, get and stream from it, and what it
// yields must equal what the emulator was told to write.
import { AIProjectClient } from '@azure/ai-projects';
import { createSseStream } from '@azure/core-sse';
import type { NodeJSReadableStream } from '@azure/core-sse';
import { generate } from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FOUNDRY_FEATURES, SEED_FRAMES, SEED_LINES, generateLines, startFoundryEmulator } from '../../emulators/foundry.ts';
import type { FoundryEmulator, JsonLogLine, LogLine } from '../../emulators/foundry.ts';

const TOKEN = 'test-token-123';
const AGENT = 'support-agent';
const credential = { getToken: () => Promise.resolve({ token: TOKEN, expiresOnTimestamp: Date.now() + 3_600_000 }) };
const features = { requestOptions: { headers: { 'Foundry-Features': FOUNDRY_FEATURES } } };

let emulator: FoundryEmulator;
let client: AIProjectClient;

beforeAll(async () => {
  // A self-signed loopback certificate; the client trusts it through tlsOptions.ca.
  const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', digitalSignature: true, keyCertSign: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] },
    ],
  });
  emulator = await startFoundryEmulator({ token: TOKEN, tls: { key: pems.private, cert: pems.cert }, pageSize: 4 });
  if (emulator.tlsUrl === undefined) throw new Error('no tlsUrl');
  client = new AIProjectClient(emulator.tlsUrl, credential, { tlsOptions: { ca: pems.cert }, retryOptions: { maxRetries: 0 } });
});

afterAll(async () => {
  await emulator.close();
});

/** Independent of the emulator's renderer: what a JSON line must look like in `data:`. */
function expectedEvent(line: LogLine): { event: string; data: string } {
  if ('raw' in line) return { event: 'log', data: line.raw };
  if ('event' in line && 'data' in line) return { event: line.event, data: line.data };
  const json = line as JsonLogLine;
  return { event: 'log', data: JSON.stringify({ timestamp: json.timestamp, stream: json.stream, message: json.message }) };
}

describe('Foundry emulator through @azure/ai-projects', () => {
  it('lists sessions across pages and gets one', async () => {
    const ids = Array.from({ length: 10 }, (_, i) => `sess-list-${i}`);
    ids.forEach((id, i) => emulator.addSession({ agent: AGENT, version: '3', id, createdAt: 1_773_135_197 + i }));
    emulator.addSession({ agent: 'other-agent', version: '1', id: 'sess-other' });
    const before = emulator.requests.length;

    const pages: string[][] = [];
    for await (const page of client.agents.listSessions(AGENT, features).byPage()) {
      pages.push(page.map((s) => s.agent_session_id));
    }
    // Default order is desc by created_at; pageSize 4 forces three pages.
    expect(pages).toEqual([ids.slice(6).reverse(), ids.slice(2, 6).reverse(), ids.slice(0, 2).reverse()]);

    const listed = emulator.requests.slice(before).filter((r) => r.route === 'list-sessions');
    expect(listed.map((r) => r.query.after)).toEqual([undefined, 'sess-list-6', 'sess-list-2']);
    for (const r of listed) {
      expect(r.tls).toBe(true);
      expect(r.headers.authorization).toBe(`Bearer ${TOKEN}`);
      expect(r.query['api-version']).toBe('v1');
    }
    // The SDK sends requestOptions headers (and Accept) on the first page only.
    expect(listed[0]?.headers['foundry-features']).toBe(FOUNDRY_FEATURES);
    expect(listed[0]?.headers.accept).toBe('application/json');

    const one = await client.agents.getSession(AGENT, 'sess-list-5', features);
    expect(one).toMatchObject({
      agent_session_id: 'sess-list-5',
      version_indicator: { type: 'version_ref', agent_version: '3' },
      status: 'active',
      created_at: new Date((1_773_135_197 + 5) * 1000),
    });
    await expect(client.agents.getSession(AGENT, 'nope', features)).rejects.toMatchObject({ statusCode: 404 });
  });

  it('streams replay and live lines; the SDK yields exactly the frames written', async () => {
    const session = emulator.addSession({ agent: AGENT, version: '3', id: 'sess-stream', faults: { chunking: 'random' } });
    const history: LogLine[] = [
      ...SEED_LINES,
      ...generateLines(40),
      { raw: 'plain text, not JSON\nsecond data line' },
      { event: 'metrics', data: '{"cpu":0.5}' },
    ];
    session.append(...history, { comment: 'between frames' });

    const response = await client.agents.getSessionLogStream(AGENT, '3', 'sess-stream', features);
    const live = generateLines(5, { start: '2026-03-10T11:00:00.000Z' });
    // Live lines go out once the SDK is connected; end() then closes the stream.
    const feeding = session.waitForConnection().then(() => {
      session.append(...live);
      session.end();
    });

    const events: { event: string; data: string }[] = [];
    for await (const message of createSseStream(response.readableStreamBody as NodeJSReadableStream)) {
      events.push({ event: message.event, data: message.data });
    }
    await feeding;
    expect(events).toEqual([...history, ...live].map(expectedEvent));

    // The seed frames, byte for byte as Microsoft documents them.
    const seedData = SEED_FRAMES.split('\n\n')
      .filter(Boolean)
      .map((frame) => frame.split('\n')[1]?.slice('data: '.length));
    expect(events.slice(0, 4).map((e) => e.data)).toEqual(seedData);
    expect(seedData[0]).toBe('{"timestamp":"2026-03-10T09:33:17.121Z","stream":"stdout","message":"Starting FoundryCBAgent server on port 8088"}');

    const request = emulator.requests.findLast((r) => r.route === 'logstream');
    expect(request).toMatchObject({
      method: 'GET',
      path: '/api/projects/demo/agents/support-agent/versions/3/sessions/sess-stream:logstream',
      query: { 'api-version': 'v1' },
      tls: true,
      status: 200,
    });
    expect(request?.headers.accept).toBe('text/event-stream');
    expect(request?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(request?.headers['foundry-features']).toBe(FOUNDRY_FEATURES);
    expect(session.connections).toBe(1);
  });

  it('answers a wrong token with 401 and an ended session with 404', async () => {
    emulator.setToken('rotated');
    try {
      await expect(client.agents.getSessionLogStream(AGENT, '3', 'sess-list-1', features)).rejects.toMatchObject({ statusCode: 401 });
    } finally {
      emulator.setToken(TOKEN);
    }
    const session = emulator.addSession({ agent: AGENT, version: '3', id: 'sess-ended' });
    session.end();
    await expect(client.agents.getSessionLogStream(AGENT, '3', 'sess-ended', features)).rejects.toMatchObject({ statusCode: 404 });
  });
});
