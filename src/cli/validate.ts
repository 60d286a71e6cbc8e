/**
 * `validate`: a dry run of the real build. Checks the config, then builds every source
 * as `run` would (without connecting), and prints a summary that never shows a secret.
 */
import { EXIT_OK } from './errors.ts';
import { loadOrExplain } from './load.ts';
import { preflight } from './preflight.ts';
import { safeUrl } from '../util/safe-url.ts';

export function validateCommand(configPath: string, env: NodeJS.ProcessEnv, out: (line: string) => void): number {
  const config = loadOrExplain(configPath, env, { check: preflight });
  out(`${configPath}: OK`);
  for (const source of config.sources) out(`  source ${source.name} (${source.type})`);
  out(`  exporter ${safeUrl(config.exporter.endpoint)} ${config.exporter.protocol}, compression ${config.exporter.compression}`);
  out(`  storage ${config.storage.dir} (spool ${config.storage.spool.enabled ? 'on' : 'off'})`);
  return EXIT_OK;
}
