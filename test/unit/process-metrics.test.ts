/**
 * Process metrics are read when scraped and cost nothing between scrapes (issue 14): creating
 * them starts no timer or monitor that would wake a quiet sidecar.
 */
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/telemetry/metrics.ts';

const value = (text: string, name: string): number => {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  if (!line) throw new Error(`${name} missing from:\n${text}`);
  return Number(line.split(' ')[1]);
};

describe('process metrics', () => {
  it('are there with sane values, under prom-client default names', async () => {
    const metrics = createMetrics({ processDefaults: true });
    await new Promise((r) => setTimeout(r, 20));
    const text = await metrics.text();
    expect(value(text, 'process_cpu_seconds_total')).toBeGreaterThan(0);
    expect(value(text, 'process_cpu_user_seconds_total')).toBeLessThanOrEqual(value(text, 'process_cpu_seconds_total'));
    expect(value(text, 'process_resident_memory_bytes')).toBeGreaterThan(10 * 1024 * 1024);
    // Whole seconds, rounded as prom-client does.
    expect(Math.abs(value(text, 'process_start_time_seconds') - (Date.now() / 1000 - process.uptime()))).toBeLessThanOrEqual(1);
    expect(value(text, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    expect(value(text, 'nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
    const elu = value(text, 'nodejs_eventloop_utilization');
    expect(elu).toBeGreaterThanOrEqual(0);
    expect(elu).toBeLessThanOrEqual(1);
    expect(text).toContain(`nodejs_version_info{version="${process.version}"`);
    // A counter never goes down between scrapes.
    const again = await metrics.text();
    expect(value(again, 'process_cpu_seconds_total')).toBeGreaterThanOrEqual(value(text, 'process_cpu_seconds_total'));
  });

  it('start nothing that runs between scrapes (no event-loop monitor ticking every 10 ms)', async () => {
    const metrics = createMetrics({ processDefaults: true });
    await metrics.text();
    // libuv's own count of loop iterations: an idle loop with a 10 ms monitor turns ~30 times here.
    const loops = (): number => performance.nodeTiming.uvMetricsInfo.loopCount;
    const before = loops();
    await new Promise((r) => setTimeout(r, 300));
    expect(loops() - before).toBeLessThan(10);
  });
});
