/**
 * The daemon's heartbeat in its own log: every `log.progress_interval` one info line with
 * records/s in and out per source, what waits in the spool, and the export lag, so a running
 * daemon shows that it works without a metrics stack. The message spells it out for people;
 * the same numbers are in the `progress` field for machines (the pretty format leaves it out).
 */
import type { Events, TallyName } from '../telemetry/events.ts';
import type { DaemonStatus } from './daemon.ts';

export interface ProgressOptions {
  events: Events;
  status(): DaemonStatus;
  /** Read before each wait, so a reload's new value applies from the next line; 0 = no lines. */
  intervalMs(): number;
  now?: () => number;
}

/** Sources named in the message; the rest are counted (all are in the fields). */
const NAMED_SOURCES = 5;

const RECEIVED = 'agentlog_records_received_total';
const EXPORTED = 'agentlog_records_exported_total';

function rate(n: number): string {
  return n >= 100 ? String(Math.round(n)) : n.toFixed(1);
}

function bytes(n: number): string {
  return n < 1024 * 1024 ? `${(n / 1024).toFixed(0)} KiB` : `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

export function startProgress(o: ProgressOptions): { stop(): void } {
  const now = o.now ?? Date.now;
  let last = { at: now(), received: new Map<string, number>(), exported: new Map<string, number>() };
  let timer: NodeJS.Timeout | undefined;
  const totals = (name: TallyName, sources: string[]): Map<string, number> => new Map(sources.map((s) => [s, o.events.total(name, { source: s })]));

  function tick(): void {
    const status = o.status();
    const sources = Object.keys(status.sources);
    const at = now();
    const seconds = Math.max(0.001, (at - last.at) / 1000);
    const received = totals(RECEIVED, sources);
    const exported = totals(EXPORTED, sources);
    const perSource = sources.map((name) => {
      const newest = status.newestExportedMs[name];
      return {
        name,
        state: status.sources[name]!.state,
        streams: status.sources[name]!.streams.length,
        in: Math.max(0, (received.get(name) ?? 0) - (last.received.get(name) ?? 0)) / seconds,
        out: Math.max(0, (exported.get(name) ?? 0) - (last.exported.get(name) ?? 0)) / seconds,
        lag: newest === undefined ? undefined : Math.max(0, (at - newest) / 1000),
      };
    });
    last = { at, received, exported };
    const busiest = [...perSource].sort((a, b) => b.out + b.in - (a.out + a.in));
    const named = busiest.slice(0, NAMED_SOURCES).map((s) => `${s.name} ${rate(s.in)}/s in ${rate(s.out)}/s out${s.lag === undefined ? '' : ` lag ${s.lag.toFixed(1)}s`}${s.state === 'connected' ? '' : ` (${s.state})`}`);
    if (busiest.length > NAMED_SOURCES) named.push(`+${busiest.length - NAMED_SOURCES} more sources`);
    const e = status.exporter;
    o.events.progress(
      {
        interval_s: Math.round(seconds),
        records_in_per_s: Number(perSource.reduce((sum, s) => sum + s.in, 0).toFixed(2)),
        records_out_per_s: Number(perSource.reduce((sum, s) => sum + s.out, 0).toFixed(2)),
        waiting_records: e.queuedRecords,
        spool_bytes: e.queuedBytes,
        per_source: Object.fromEntries(
          perSource.map((s) => [s.name, { state: s.state, streams: s.streams, in_per_s: Number(s.in.toFixed(2)), out_per_s: Number(s.out.toFixed(2)), lag_s: s.lag === undefined ? null : Number(s.lag.toFixed(1)) }]),
        ),
      },
      `${named.join('; ') || 'no sources'} | ${e.queuedRecords} records waiting, ${bytes(e.queuedBytes)} spooled`,
    );
  }

  function schedule(): void {
    const ms = o.intervalMs();
    // With 0 the line is off; look again later in case a reload turns it on.
    timer = setTimeout(
      () => {
        if (ms > 0) tick();
        schedule();
      },
      ms > 0 ? ms : 60_000,
    );
    timer.unref();
  }
  schedule();
  return {
    stop() {
      clearTimeout(timer);
    },
  };
}
