/**
 * Records a previous run left in the spool (an outage, a stop before everything was sent) are
 * sent first on start. Say so when the daemon starts, and say again once the last of them has
 * left the spool, so an operator sees the backlog and its end instead of a silent burst.
 */
import type { Logger } from '../telemetry/logger.ts';

export interface SpoolRecovery {
  /** A batch left the queue (in order: the earlier run's batches leave first). */
  acknowledged(records: number): void;
}

export function announceSpoolRecovery(earlier: { batches: number; records: number; bytes: number }, logger: Logger): SpoolRecovery {
  let left = earlier.batches;
  if (left > 0) {
    logger.info(
      { event: 'spool.resumed', batches: earlier.batches, records: earlier.records, bytes: earlier.bytes },
      `${earlier.records} records spooled by a previous run are sent first`,
    );
  }
  let sent = 0;
  return {
    acknowledged(records) {
      if (left === 0) return;
      left -= 1;
      sent += records;
      if (left > 0) return;
      logger.info(
        { event: 'spool.recovered', batches: earlier.batches, records: sent },
        `the ${sent} records spooled by a previous run have left the spool (delivered; any the endpoint refused are logged as export.dropped)`,
      );
    },
  };
}
