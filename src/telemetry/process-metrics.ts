/**
 * Process and Node.js metrics, read when Prometheus scrapes and at no other time. prom-client's
 * collectDefaultMetrics keeps an event-loop-delay monitor ticking every 10 ms and observes every
 * GC for the life of the process: 100 wake-ups a second, which was most of what a quiet sidecar
 * spent (issue 14: 0.8 % of a core with one idle stream). The names are prom-client's, so
 * dashboards built on its defaults keep working; the lag is one setImmediate measured at scrape
 * time, as prom-client's own `nodejs_eventloop_lag_seconds` is, and the utilization is Node's
 * own bookkeeping since the last scrape (free to read).
 */
import { readdirSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Counter, Gauge, type Registry } from './prom.ts';

const startSeconds = Math.round(Date.now() / 1000 - process.uptime());

/** Open file descriptors (Linux; undefined elsewhere). */
function openFds(): number | undefined {
  try {
    return readdirSync('/proc/self/fd').length - 1; // minus the one readdir opened
  } catch {
    return undefined;
  }
}

/** Registers the process metrics on `registry`; every value is computed in `collect`. */
export function registerProcessMetrics(registry: Registry): void {
  const registers = [registry];
  const cpuCounter = (name: string, help: string, read: (u: NodeJS.CpuUsage) => number): void => {
    new Counter({
      name,
      help,
      registers,
      collect() {
        // The process's own total: a counter cannot be set, so it is reset and counted up to it.
        const seconds = read(process.cpuUsage()) / 1e6;
        this.reset();
        this.inc(seconds);
      },
    });
  };
  cpuCounter('process_cpu_user_seconds_total', 'Total user CPU time spent in seconds.', (u) => u.user);
  cpuCounter('process_cpu_system_seconds_total', 'Total system CPU time spent in seconds.', (u) => u.system);
  cpuCounter('process_cpu_seconds_total', 'Total user and system CPU time spent in seconds.', (u) => u.user + u.system);

  const gauge = (name: string, help: string, read: () => number | undefined): void => {
    new Gauge({
      name,
      help,
      registers,
      collect() {
        const value = read();
        if (value !== undefined) this.set(value);
      },
    });
  };
  gauge('process_start_time_seconds', 'Start time of the process since unix epoch in seconds.', () => startSeconds);
  gauge('process_resident_memory_bytes', 'Resident memory size in bytes.', () => process.memoryUsage.rss());
  gauge('process_open_fds', 'Number of open file descriptors.', openFds);
  gauge('nodejs_heap_size_total_bytes', 'Process heap size from Node.js in bytes.', () => process.memoryUsage().heapTotal);
  gauge('nodejs_heap_size_used_bytes', 'Process heap size used from Node.js in bytes.', () => process.memoryUsage().heapUsed);
  gauge('nodejs_external_memory_bytes', 'Node.js external memory size in bytes.', () => process.memoryUsage().external);
  gauge('nodejs_active_handles_total', 'Number of active libuv handles grouped by handle type.', () => process.getActiveResourcesInfo().length);

  let lastElu = performance.eventLoopUtilization();
  new Gauge({
    name: 'nodejs_eventloop_utilization',
    help: 'Share of time the event loop was busy since the previous scrape (0–1).',
    registers,
    collect() {
      const now = performance.eventLoopUtilization();
      this.set(performance.eventLoopUtilization(now, lastElu).utilization);
      lastElu = now;
    },
  });
  new Gauge({
    name: 'nodejs_eventloop_lag_seconds',
    help: 'Lag of event loop in seconds.',
    registers,
    async collect() {
      const start = process.hrtime.bigint();
      await new Promise((resolve) => setImmediate(resolve));
      this.set(Number(process.hrtime.bigint() - start) / 1e9);
    },
  });
  new Gauge({
    name: 'nodejs_version_info',
    help: 'Node.js version info.',
    labelNames: ['version', 'major', 'minor', 'patch'],
    registers,
    collect() {
      const [major = '', minor = '', patch = ''] = process.versions.node.split('.');
      this.set({ version: process.version, major, minor, patch }, 1);
    },
  });
}
