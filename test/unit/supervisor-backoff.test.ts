/**
 * The supervisor's reconnect waits: they grow while connections fail, and start over after a
 * connection that delivered or stayed up long enough (an idle stream the server closes now and
 * then, as Hill90 does after 5 minutes, must not creep to the longest wait).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { StreamSupervisor } from '../../src/sources/supervisor.ts';
import { TimestampCursor } from '../../src/sources/shared/timestamp-cursor.ts';
import type { StreamContext, StreamOutcome } from '../../src/sources/types.ts';
import { Events } from '../../src/telemetry/events.ts';
import { silentLogger } from '../../src/telemetry/logger.ts';
import { until } from '../helpers/until.ts';

afterEach(() => {
  vi.restoreAllMocks();
});

/** Each step is one connection: fails at once, or connects and stays up `upMs` without delivering. */
type Step = { fail: true } | { upMs: number; delivered?: boolean };

async function reconnectDelays(steps: Step[]): Promise<number[]> {
  // Full jitter at its top: every wait is the backoff's ceiling, so the sequence is exact.
  vi.spyOn(Math, 'random').mockReturnValue(1);
  const events = new Events(silentLogger());
  const delays: number[] = [];
  vi.spyOn(events, 'reconnect').mockImplementation((_s, _k, _r, delayMs) => void delays.push(Math.round(delayMs)));
  let i = 0;
  const supervisor = new StreamSupervisor(
    {
      descriptor: { key: 'src/s1', resource: {} },
      cursor: TimestampCursor,
      createFollower: (ctx: StreamContext) => ({
        async connect(): Promise<StreamOutcome> {
          const step = steps[i++];
          if (step === undefined) return { kind: 'finished', reason: 'script done' };
          if ('fail' in step) return { kind: 'retry', reason: 'refused', delivered: false };
          ctx.setState('connected');
          await sleep(step.upMs);
          return { kind: 'retry', reason: 'server closed the stream', delivered: step.delivered ?? false };
        },
      }),
    },
    {
      sourceName: 'src',
      checkpoint: undefined,
      sink: { emit: () => Promise.resolve() },
      logger: silentLogger(),
      events,
      timing: { initialBackoffMs: 10, maxBackoffMs: 10_000, authRetryMs: 10, healthyAfterMs: 100 },
    },
  );
  supervisor.start();
  await until(() => supervisor.finished, 'the scripted connections', 5000);
  await supervisor.stop();
  return delays;
}

describe('stream supervisor backoff', () => {
  it('grows while connections fail, and a short-lived idle connection does not reset it', async () => {
    const delays = await reconnectDelays([{ fail: true }, { fail: true }, { fail: true }, { upMs: 20 }, { fail: true }]);
    expect(delays).toEqual([10, 20, 40, 80, 160]);
  });

  it('starts over after a connection that stayed up past healthyAfterMs, even with nothing new', async () => {
    const delays = await reconnectDelays([{ fail: true }, { fail: true }, { fail: true }, { upMs: 150 }, { fail: true }]);
    expect(delays).toEqual([10, 20, 40, 10, 20]);
  });

  it('starts over after a connection that delivered', async () => {
    const delays = await reconnectDelays([{ fail: true }, { fail: true }, { upMs: 5, delivered: true }, { fail: true }]);
    expect(delays).toEqual([10, 20, 10, 20]);
  });
});
