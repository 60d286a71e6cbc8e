/**
 * `validate`: a dry run of the real build. Checks the config, then builds every source
 * as `run` would (without connecting), and prints a summary that never shows a secret.
 */
import { ConfigInvalidError, EXIT_OK } from './errors.ts';
import { loadOrExplain } from './load.ts';
import { preflight } from './preflight.ts';
import { safeUrl } from '../util/safe-url.ts';

export function validateCommand(configPath: string, env: NodeJS.ProcessEnv, out: (line: string) => void): number {
  const config = loadOrExplain(configPath, env);
  const problems = preflight(config, configPath);
  if (problems.length > 0) throw new ConfigInvalidError(problems, `agent-log-exporter: ${problems.length} problem${problems.length === 1 ? '' : 's'} in ${configPath}; nothing was started.`);
  out(`${configPath}: OK`);
  for (const source of config.sources) out(`  source ${source.name} (${source.type})`);
  out(`  exporter ${safeUrl(config.exporter.endpoint)} ${config.exporter.protocol}, compression ${config.exporter.compression}`);
  out(`  storage ${config.storage.dir} (spool ${config.storage.spool.enabled ? 'on' : 'off'})`);
  return EXIT_OK;
}
