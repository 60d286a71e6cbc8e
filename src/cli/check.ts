/**
 * `validate --check`: after the config checks, one real try of everything the daemon will
 * talk to, like Vector's sink health checks — each source's listing and one of its streams,
 * and the exporter endpoint — and per source a line of what works. Every line is scrubbed of
 * the config's secret values (a platform's error may quote a key). Exit 0 when everything
 * works, 1 when something does not (the config itself is fine: that would be 2).
 */
import { collectSecretValues, redactText } from '../config/redact.ts';
import { Events } from '../telemetry/events.ts';
import { createLogger } from '../telemetry/logger.ts';
import { probeExporter } from './check/probe-exporter.ts';
import { probeSource } from './check/probe-source.ts';
import { EXIT_FATAL, EXIT_OK } from './errors.ts';
import { loadOrExplain } from './load.ts';
import { preflight } from './preflight.ts';

export interface CheckOptions {
  configPath: string;
  env: NodeJS.ProcessEnv;
  out(line: string): void;
  /** Per try (default 10s). */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;

export async function checkCommand(o: CheckOptions): Promise<number> {
  const config = loadOrExplain(o.configPath, o.env, { check: preflight });
  const secrets = collectSecretValues(config);
  const say = (line: string): void => o.out(redactText(line, secrets));
  const timeoutMs = o.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  // The readers' own warnings would repeat what the verdicts say: only debug asks for them.
  const level = config.log.level === 'debug' || config.log.level === 'trace' ? config.log.level : 'silent';
  const events = new Events(createLogger({ level, format: config.log.format, secrets }));
  say(`${o.configPath}: config OK; trying each source and the exporter once (at most ${timeoutMs / 1000}s each)`);
  const [exporter, ...sources] = await Promise.all([
    probeExporter(config.exporter),
    ...config.sources.map((source) =>
      probeSource(source, events, timeoutMs).catch((error: unknown) => ({ ok: false, steps: [`could not be tried: ${(error as Error).message}`] })),
    ),
  ]);
  config.sources.forEach((source, i) => {
    const verdict = sources[i]!;
    say(`source ${source.name} (${source.type}): ${verdict.ok ? 'works' : 'DOES NOT WORK'}`);
    for (const step of verdict.steps) say(`  ${step}`);
  });
  say(exporter.line);
  const failed = config.sources.filter((_, i) => !sources[i]!.ok).map((s) => s.name);
  if (!exporter.ok) failed.push('the exporter');
  say(failed.length === 0 ? 'everything works' : `not working: ${failed.join(', ')}`);
  return failed.length === 0 ? EXIT_OK : EXIT_FATAL;
}
