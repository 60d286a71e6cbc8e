/** The daemon's status as the scrape-time gauges of /metrics read it. */
import type { ScrapeStatus } from '../telemetry/metrics.ts';
import type { DaemonStatus } from './daemon.ts';

export function scrapeStatus(status: DaemonStatus): ScrapeStatus {
  return {
    spoolBytes: status.exporter.queuedBytes,
    queueRecords: status.exporter.queuedRecords,
    streams: Object.fromEntries(Object.entries(status.sources).map(([name, s]) => [name, s.streams])),
    newestExportedMs: status.newestExportedMs,
  };
}
