/**
 * `status`: a running daemon seen from outside, the way `vector top` or the Collector's zpages
 * show one. Reads /readyz (states of sources and streams, the exporter's last success and
 * failure) and /metrics twice, `--interval` apart: the counters' growth between the two
 * scrapes gives records/s per source. Only reads; the daemon is not touched.
 */
import { parseListen } from '../telemetry/server.ts';
import { RuntimeError, UsageError } from '../errors.ts';
import { EXIT_OK } from './errors.ts';
import { loadOrExplain } from './load.ts';
import { parsePrometheusText, sumBy, type Sample } from './status/prometheus-text.ts';
import { renderStatus, type Readiness } from './status/render.ts';

export interface StatusOptions {
  configPath: string;
  /** The daemon's telemetry server; else the config's server.listen. */
  url?: string;
  env: NodeJS.ProcessEnv;
  /** Between the two scrapes (default 2s). */
  intervalMs?: number;
  out(line: string): void;
}

const DEFAULT_INTERVAL_MS = 2000;
const REQUEST_TIMEOUT_MS = 5000;

/** Where the config's daemon serves: a wildcard listen address is reached on loopback. */
function urlFromConfig(configPath: string, env: NodeJS.ProcessEnv): string {
  // Only server.listen is needed: works without the secrets' variables set.
  const config = loadOrExplain(configPath, env, { secretsOptional: true });
  if (config.server.listen === '') {
    throw new UsageError(`server.listen is "" in ${configPath}, so the daemon serves no /readyz or /metrics to read; set it (e.g. 127.0.0.1:13134) or give --url.`, 'agent-log-exporter status --help');
  }
  const { host, port } = parseListen(config.server.listen);
  const reachable = host === undefined || host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
}

async function get(url: string): Promise<{ status: number; text: string }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  return { status: response.status, text: await response.text() };
}

async function scrape(base: string): Promise<{ readiness: Readiness; samples: Sample[]; at: number }> {
  const [ready, metrics] = await Promise.all([get(`${base}/readyz`), get(`${base}/metrics`)]);
  if (metrics.status !== 200) throw new Error(`/metrics answered ${metrics.status}`);
  let readiness: Readiness;
  try {
    readiness = JSON.parse(ready.text) as Readiness;
  } catch {
    throw new Error(`/readyz answered ${ready.status} without the daemon's JSON body (is this agent-log-exporter?)`);
  }
  return { readiness, samples: parsePrometheusText(metrics.text), at: Date.now() };
}

export async function statusCommand(o: StatusOptions): Promise<number> {
  let base = o.url ?? urlFromConfig(o.configPath, o.env);
  try {
    base = new URL(base).origin;
  } catch {
    throw new UsageError(`--url "${base}" is not a URL; give the daemon's telemetry address, e.g. http://127.0.0.1:13134.`, 'agent-log-exporter status --help');
  }
  const interval = o.intervalMs ?? DEFAULT_INTERVAL_MS;
  let first, second;
  try {
    first = await scrape(base);
    await new Promise((resolve) => setTimeout(resolve, interval));
    second = await scrape(base);
  } catch (error) {
    const err = error as Error & { cause?: { code?: string } };
    const why = err.cause?.code ?? (err.name === 'TimeoutError' ? 'no answer within 5s' : err.message);
    throw new RuntimeError('DAEMON_UNREACHABLE', `no agent-log-exporter answers at ${base} (${why}); is the daemon running, and is this its server.listen?`);
  }
  const seconds = Math.max(0.001, (second.at - first.at) / 1000);
  const rate = (name: string): Map<string, number> => {
    const before = sumBy(first.samples, name, 'source');
    return new Map([...sumBy(second.samples, name, 'source')].map(([source, n]) => [source, Math.max(0, n - (before.get(source) ?? 0)) / seconds]));
  };
  for (const line of renderStatus({
    url: base,
    readiness: second.readiness,
    samples: second.samples,
    receivedPerSecond: rate('agentlog_records_received_total'),
    exportedPerSecond: rate('agentlog_records_exported_total'),
    now: second.at,
  })) {
    o.out(line);
  }
  return EXIT_OK;
}
