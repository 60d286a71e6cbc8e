/**
 * `validate`: a dry run of the real build. Checks the config, then builds every source
 * as `run` would (without connecting), and prints a summary that never shows a secret.
 */
import { createSource, SourceUnavailableError } from '../sources/registry.ts';
import { Events } from '../telemetry/events.ts';
import { silentLogger } from '../telemetry/logger.ts';
import { CliError, EXIT_OK, EXIT_USAGE } from './errors.ts';
import { loadOrExplain } from './load.ts';

/** A URL without user:password. */
function safeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return '(unparsable URL)';
  }
}

export function validateCommand(configPath: string, env: NodeJS.ProcessEnv, out: (line: string) => void): number {
  const config = loadOrExplain(configPath, env);
  const logger = silentLogger();
  const problems: string[] = [];
  for (const source of config.sources) {
    try {
      createSource(source, { logger, events: new Events(logger) });
    } catch (error) {
      problems.push(error instanceof SourceUnavailableError ? error.message : `source "${source.name}": ${(error as Error).message}`);
    }
  }
  if (problems.length > 0) throw new CliError(`${configPath}: ${problems.join('\n')}`, EXIT_USAGE);
  out(`${configPath}: OK`);
  for (const source of config.sources) out(`  source ${source.name} (${source.type})`);
  out(`  exporter ${safeUrl(config.exporter.endpoint)} ${config.exporter.protocol}, compression ${config.exporter.compression}`);
  out(`  storage ${config.storage.dir} (spool ${config.storage.spool.enabled ? 'on' : 'off'})`);
  return EXIT_OK;
}
