/**
 * Records a previous run left in the spool (an outage, a stop before everything was sent) are
 * sent first on start. Say so when the daemon starts, and say again once the last of them has
 * left the spool, so an operator sees the backlog and its end instead of a silent burst.
 */
import type { Events } from '../telemetry/events.ts';

export interface SpoolRecovery {
  /** A batch left the queue (in order: the earlier run's batches leave first). */
  acknowledged(records: number): void;
}

export function announceSpoolRecovery(earlier: { batches: number; records: number; bytes: number }, events: Events): SpoolRecovery {
  let left = earlier.batches;
  if (left > 0) events.spoolResumed(earlier);
  let sent = 0;
  return {
    acknowledged(records) {
      if (left === 0) return;
      left -= 1;
      sent += records;
      if (left > 0) return;
      events.spoolRecovered(earlier.batches, sent);
    },
  };
}
