/**
 * The live figures of the demo, per source: streams (live / done / waiting), records exported,
 * records per second over the last second, and the last record the receiver decoded with its
 * severity. Read from the daemon's own counters and status and from the receiver — nothing is
 * made up on the side.
 */
import type { ReceivedLogRecord } from '../otlp-receiver.ts';
import type { Daemon } from '../../src/lifecycle/daemon.ts';
import type { Events } from '../../src/telemetry/events.ts';
import type { Platform } from './config.ts';

export interface LastRecord {
  severityNumber: number;
  severityText: string;
  body: string;
}

export interface SourceFigures {
  name: string;
  platform: Platform;
  live: number;
  done: number;
  waiting: number;
  records: number;
  perSecond: number;
  last?: LastRecord;
}

export interface Summary {
  /** Samples the figures now. */
  sample(): SourceFigures[];
}

const EXPORTED = 'agentlog_records_exported_total';
const RATE_WINDOW_MS = 1000;

export function createSummary(
  sources: readonly { name: string; platform: Platform }[],
  daemon: Daemon,
  events: Events,
  received: readonly ReceivedLogRecord[] | undefined,
): Summary {
  const history = new Map<string, { at: number; records: number }[]>();
  const last = new Map<string, LastRecord>();
  let seen = 0;
  /** Streams seen finished, by source: the runner releases them, the screen keeps counting them. */
  const finished = new Map<string, Set<string>>();
  let status: ReturnType<Daemon['status']>['sources'] = {};
  return {
    sample() {
      // Records decoded since the last sample: remember the newest of each source (service.name = source name).
      for (; received && seen < received.length; seen++) {
        const r = received[seen]!;
        const name = r.resource['service.name'];
        if (typeof name !== 'string') continue;
        last.set(name, { severityNumber: r.severityNumber, severityText: r.severityText, body: typeof r.body === 'string' ? r.body : JSON.stringify(r.body) });
      }
      const now = Date.now();
      try {
        status = daemon.status().sources;
      } catch {
        // The daemon has stopped (its database is closed): the streams as last seen.
      }
      return sources.map(({ name, platform }) => {
        const streams = status[name]?.streams ?? [];
        const records = events.total(EXPORTED, { source: name });
        const samples = history.get(name) ?? [];
        samples.push({ at: now, records });
        while (samples.length > 1 && now - samples[1]!.at >= RATE_WINDOW_MS) samples.shift();
        history.set(name, samples);
        const first = samples[0]!;
        const span = now - first.at;
        const perSecond = span >= 200 ? Math.round(((records - first.records) * 1000) / span) : 0;
        const done = finished.get(name) ?? new Set<string>();
        finished.set(name, done);
        for (const s of streams) if (s.state === 'finished') done.add(s.key);
        const current = streams.filter((s) => !done.has(s.key));
        const live = current.filter((s) => s.state === 'connected').length;
        return { name, platform, live, done: done.size, waiting: current.length - live, records, perSecond, last: last.get(name) };
      });
    },
  };
}
