/**
 * One try of a source, with the daemon's own reader code: list its streams (discovery and its
 * credentials), then open the first stream once until it connects or hands over entries (the
 * streaming endpoint and its credentials). Nothing is exported or stored; the stream's entries
 * are dropped.
 */
import { createPassThroughStage } from '../../processing/line-stage.ts';
import type { SourceConfig } from '../../config/schema.ts';
import { PlatformError } from '../../sources/errors.ts';
import { createSource } from '../../sources/registry.ts';
import type { Source, StreamOutcome } from '../../sources/types.ts';
import type { Events } from '../../telemetry/events.ts';
import { SourceError } from '../../errors.ts';

export interface SourceVerdict {
  ok: boolean;
  /** What was tried and what came of it, one line each. */
  steps: string[];
}

class TimedOut extends SourceError {
  constructor() {
    super('PROBE_TIMEOUT', 'no answer in time');
  }
}

/** `work` with a deadline; the signal it gets aborts at the deadline (or when the work is done). */
async function within<T>(ms: number, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      abort.abort();
      reject(new TimedOut());
    }, ms);
  });
  try {
    return await Promise.race([work(abort.signal), deadline]);
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
}

function refusal(status: number | undefined): boolean {
  return status === 401 || status === 403;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 1)}s`;
}

async function listing(source: Source, discovers: boolean, timeoutMs: number, steps: string[]): Promise<Awaited<ReturnType<Source['listStreams']>> | undefined> {
  try {
    const specs = await within(timeoutMs, (signal) => source.listStreams(signal));
    steps.push(discovers ? `listing works: ${specs.length} stream${specs.length === 1 ? '' : 's'} to follow now` : 'names its stream in the config (no listing)');
    return specs;
  } catch (error) {
    if (error instanceof TimedOut) steps.push(`listing: no answer within ${seconds(timeoutMs)}`);
    else if (error instanceof PlatformError && refusal(error.status)) steps.push(`listing: credentials refused (${error.status}): ${error.message}`);
    else steps.push(`listing failed: ${(error as Error).message}`);
    return undefined;
  }
}

export async function probeSource(config: SourceConfig, events: Events, timeoutMs: number): Promise<SourceVerdict> {
  const steps: string[] = [];
  const source = createSource(config, { logger: events.logger, events });
  const specs = await listing(source, source.discoverIntervalMs !== undefined, timeoutMs, steps);
  if (!specs) return { ok: false, steps };
  const spec = specs[0];
  if (!spec) {
    steps.push('no stream to open right now, so reading was not tried (the listing proves the credentials)');
    return { ok: true, steps };
  }
  const key = spec.descriptor.key;
  let connected = false;
  let outcome: StreamOutcome | 'data' | undefined;
  try {
    outcome = await within(timeoutMs, async (signal) => {
      let sawData: () => void = () => undefined;
      const data = new Promise<'data'>((resolve) => (sawData = () => resolve('data')));
      const follower = spec.createFollower({
        descriptor: spec.descriptor,
        stage: createPassThroughStage(),
        sink: {
          emit() {
            sawData();
            return Promise.resolve();
          },
        },
        signal,
        logger: events.logger,
        events,
        setState(state) {
          if (state === 'connected') {
            connected = true;
            sawData();
          }
        },
      }, spec.cursor.parse(undefined).cursor);
      return Promise.race([follower.connect(), data]);
    });
  } catch (error) {
    if (!(error instanceof TimedOut)) throw error;
  }
  if (outcome === 'data' || connected) steps.push(`reading works: ${key} ${outcome === 'data' && !connected ? 'sent entries' : 'connected'}`);
  else if (outcome === undefined) steps.push(`reading ${key}: no answer within ${seconds(timeoutMs)}`);
  else if (outcome.kind === 'auth_failed') steps.push(`reading ${key}: credentials refused (${outcome.status}): ${outcome.reason}`);
  else if (outcome.kind === 'finished') steps.push(`reading works: ${key} answered (the stream has ended: ${outcome.reason})`);
  else steps.push(`reading ${key} failed: ${outcome.reason}`);
  const ok = outcome === 'data' || connected || outcome?.kind === 'finished';
  return { ok, steps };
}
