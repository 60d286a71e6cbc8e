import { afterEach, describe, expect, it } from 'vitest';
import type { DaytonaSourceConfig } from '../../src/config/schema.ts';
import { startDaytonaEmulator, type DaytonaEmulator } from '../../emulators/daytona.ts';
import { DaytonaClient } from '../../src/sources/daytona/client.ts';
import { createDaytonaFollower, type DaytonaStreamTarget } from '../../src/sources/daytona/follower.ts';
import type { LogEntry, StreamContext, StreamFollower } from '../../src/sources/types.ts';
import { DaytonaCursor } from '../../src/sources/daytona/cursor.ts';
import { createPassThroughStage } from '../../src/processing/line-stage.ts';

let emulator: DaytonaEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

const KEY = 'follower-unit-key';
const noop = (): void => {};

interface Followed {
  follower: StreamFollower;
  emitted: LogEntry[][];
  checkpoints: string[];
}

async function follow(em: DaytonaEmulator, checkpoint?: string): Promise<Followed> {
  const config = { name: 'd', type: 'daytona', api_url: em.apiUrl, api_key: KEY, entrypoint: true, discover_interval: 30_000 } as unknown as DaytonaSourceConfig;
  const client = new DaytonaClient(config);
  const signal = new AbortController().signal;
  const toolbox = await client.toolbox('sb', signal);
  const target: DaytonaStreamTarget = { sourceName: 'd', toolbox, kind: 'command', sessionId: 's', commandId: 'c' };
  const emitted: LogEntry[][] = [];
  const checkpoints: string[] = [];
  const events = new Proxy({}, { get: () => noop }) as unknown as StreamContext['events'];
  const ctx = {
    descriptor: { key: 'd/sb/s/c', resource: {} },
    stage: createPassThroughStage(),
    signal,
    events,
    setState: noop,
    sink: {
      emit: (entries: LogEntry[], cp: string) => {
        emitted.push(entries);
        checkpoints.push(cp);
        return Promise.resolve();
      },
    },
  } as unknown as StreamContext;
  return { follower: createDaytonaFollower(client, target, ctx, DaytonaCursor.parse(checkpoint).cursor, { quietMs: 200, maxQuietCheckMs: 1000 }), emitted, checkpoints };
}

describe('Daytona follower', () => {
  it('reads the snapshot in bounded chunks as they arrive, never the whole log at once', async () => {
    emulator = await startDaytonaEmulator({ apiKey: KEY });
    const cmd = emulator.addSandbox({ id: 'sb' }).addSession('s').addCommand({ command: 'big', id: 'c' });
    const block = Array.from({ length: 10_000 }, (_, i) => `${i} ${'x'.repeat(93)}`).join('\n');
    for (let i = 0; i < 32; i++) cmd.stdout(block); // ~32 MB
    cmd.exit(0);
    const client = new DaytonaClient({ name: 'd', type: 'daytona', api_url: emulator.apiUrl, api_key: KEY } as unknown as DaytonaSourceConfig);
    const signal = new AbortController().signal;
    const toolbox = await client.toolbox('sb', signal);
    const sizes: number[] = [];
    const parts: Buffer[] = [];
    const result = await client.snapshot('/process/session/s/command/c/logs', toolbox, signal, (chunk) => {
      sizes.push(chunk.length);
      if (parts.length < 4) parts.push(Buffer.from(chunk));
    });
    expect(result).toEqual({ ok: true, value: cmd.log.length });
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(cmd.log.length);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(1024 * 1024);
    expect(Buffer.concat(parts).equals(cmd.log.subarray(0, Buffer.concat(parts).length))).toBe(true);
  });

  it('finishes a large exited command exactly once: socket lines, then the exit record from the streamed reconciliation', async () => {
    emulator = await startDaytonaEmulator({ apiKey: KEY });
    const cmd = emulator.addSandbox({ id: 'sb' }).addSession('s').addCommand({ command: 'big', id: 'c' });
    const block = Array.from({ length: 10_000 }, (_, i) => `${i} ${'x'.repeat(93)}`).join('\n');
    for (let i = 0; i < 16; i++) cmd.stdout(block);
    cmd.raw(Buffer.concat([Buffer.from([2, 2, 2]), Buffer.from('no newline at the end')]));
    cmd.exit(3);
    const { follower, emitted, checkpoints } = await follow(emulator);
    expect((await follower.connect()).kind).toBe('finished');
    const all = emitted.flat();
    expect(all.length).toBe(160_002);
    expect(all.slice(-2).map((e) => [e.body, e.iostream])).toEqual([
      ['no newline at the end', 'stderr'],
      ['command exited with code 3', undefined],
    ]);
    expect(JSON.parse(checkpoints.at(-1)!)).toEqual({ r: cmd.log.length, c: 'stderr', e: cmd.log.length, x: 3 });
  }, 60_000);
});
