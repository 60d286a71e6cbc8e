// Before measuring: the bench's fast server must speak exactly the emulator's
// wire format, and the daemon's own Foundry client must read it. Fails loudly.
import { request } from 'undici';
import type { FoundrySourceConfig } from '../src/config/schema.ts';
import { generateLines, startFoundryEmulator } from '../emulators/foundry.ts';
import { FoundryClient } from '../src/sources/foundry/client.ts';
import { parseFoundryFrame } from '../src/sources/foundry/parser.ts';
import { readSse } from '../src/sources/shared/sse-reader.ts';
import { BENCH_AGENT, BENCH_TOKEN, BENCH_VERSION, seqOf, startFastFoundry } from './fast-foundry.ts';

const FRAMES = 1000;
const SESSIONS = 150; // more than one page of the listing

/** The first `length` bytes of a stream that stays open. */
async function firstBytes(url: string, length: number): Promise<Buffer> {
  const controller = new AbortController();
  const response = await request(url, { headers: { authorization: `Bearer ${BENCH_TOKEN}` }, signal: controller.signal });
  const chunks: Buffer[] = [];
  let got = 0;
  for await (const chunk of response.body) {
    chunks.push(chunk as Buffer);
    got += (chunk as Buffer).length;
    if (got >= length) break;
  }
  controller.abort();
  return Buffer.concat(chunks).subarray(0, length);
}

export async function selfCheck(): Promise<void> {
  const fast = await startFastFoundry();
  const emulator = await startFoundryEmulator({ token: BENCH_TOKEN, project: 'bench' });
  try {
    fast.addSession('s0', 0, FRAMES);
    for (let i = 1; i < SESSIONS; i++) fast.addSession(`s${i}`, i * FRAMES, 0);
    const reference = emulator.addSession({ agent: BENCH_AGENT, version: BENCH_VERSION, id: 's0' });
    reference.append(...generateLines(FRAMES).map((line, i) => ({ ...line, message: `${line.message} #${i}` })));

    const path = `/agents/${BENCH_AGENT}/versions/${BENCH_VERSION}/sessions/s0:logstream?api-version=v1`;
    const expected = Buffer.from(reference.renderHistory(), 'utf8');
    const got = await firstBytes(`${fast.url}${path}`, expected.length);
    const fromEmulator = await firstBytes(`${emulator.url}${path}`, expected.length);
    if (!got.equals(expected) || !fromEmulator.equals(expected)) throw new Error('self-check: the fast server’s stream differs from the Foundry emulator’s');

    const config = { endpoint: fast.url, api_version: 'v1', agent: BENCH_AGENT } as FoundrySourceConfig;
    const client = new FoundryClient(config, { getToken: () => Promise.resolve(BENCH_TOKEN) });
    const controller = new AbortController();
    const listed = await client.listSessions(BENCH_AGENT, controller.signal);
    if (listed.length !== SESSIONS || listed.some((s) => s.version !== BENCH_VERSION || s.status !== 'active')) {
      throw new Error(`self-check: the daemon's client listed ${listed.length} sessions, wanted ${SESSIONS}`);
    }

    const seqs: number[] = [];
    await readSse({
      url: client.logstreamUrl(BENCH_AGENT, BENCH_VERSION, 's0'),
      headers: await client.headers(controller.signal),
      signal: controller.signal,
      idleTimeoutMs: 10_000,
      onEvents: (events) => {
        for (const event of events) {
          const frame = parseFoundryFrame(event);
          if (frame.kind === 'entry' && !frame.entry.parseError) seqs.push(seqOf(frame.entry.body) ?? -1);
        }
        if (seqs.length >= FRAMES) controller.abort();
        return Promise.resolve();
      },
    });
    if (seqs.length !== FRAMES || seqs.some((seq, i) => seq !== i)) throw new Error(`self-check: the daemon's reader got ${seqs.length} frames, not seqs 0…${FRAMES - 1} in order`);
  } finally {
    await emulator.close();
    await fast.close();
  }
}
