/**
 * `agentlog_stream_lag_seconds`: now minus the platform time of the newest record the endpoint
 * accepted, per source. Batches carry record counts, not times, so the tracker keeps a ledger:
 * each hand-in notes "the source's Nth record has time T"; acknowledgements arrive in hand-in
 * order (one ordered queue, one exporter), so once N records of the source are acknowledged,
 * T is exported. Batches spooled by an earlier process are acknowledged first and skipped.
 */

export interface ExportLag {
  /** `count` entries of `source` were handed to the pipeline; `newestMs` is their newest platform time. */
  handedIn(source: string, count: number, newestMs: number | undefined): void;
  /** A batch left the queue (delivered or permanently rejected): its records are no longer waiting. */
  acknowledged(bySource: Readonly<Record<string, number>>): void;
  /** Per source: platform time of the newest acknowledged record. */
  newest(): Record<string, number>;
}

interface Ledger {
  handedIn: number;
  acknowledged: number;
  marks: { upTo: number; ms: number }[];
  head: number;
}

/** `earlierBatches`: batches already queued when this process started (the spool of a previous run). */
export function createExportLag(earlierBatches = 0): ExportLag {
  const ledgers = new Map<string, Ledger>();
  const newest: Record<string, number> = {};
  let skip = earlierBatches;
  const ledger = (source: string): Ledger => {
    let l = ledgers.get(source);
    if (!l) ledgers.set(source, (l = { handedIn: 0, acknowledged: 0, marks: [], head: 0 }));
    return l;
  };
  // A hand-in is noted once `emit` returned, which may be after its batch was already acknowledged:
  // both sides settle what they can.
  const settle = (source: string, l: Ledger): void => {
    while (l.head < l.marks.length && l.marks[l.head]!.upTo <= l.acknowledged) {
      const ms = l.marks[l.head]!.ms;
      newest[source] = Math.max(newest[source] ?? ms, ms);
      l.head += 1;
    }
    if (l.head > 1024 && l.head * 2 > l.marks.length) {
      l.marks = l.marks.slice(l.head);
      l.head = 0;
    }
  };
  return {
    handedIn(source, count, newestMs) {
      if (count <= 0) return;
      const l = ledger(source);
      l.handedIn += count;
      if (newestMs !== undefined) l.marks.push({ upTo: l.handedIn, ms: newestMs });
      settle(source, l);
    },
    acknowledged(bySource) {
      if (skip > 0) {
        skip -= 1;
        return;
      }
      for (const [source, n] of Object.entries(bySource)) {
        const l = ledger(source);
        l.acknowledged += n;
        settle(source, l);
      }
    },
    newest: () => ({ ...newest }),
  };
}
