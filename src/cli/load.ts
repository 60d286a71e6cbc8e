/** Load a config for a command, or stop with exit 2 and every problem, one per line. */
import type { Config } from '../config/schema.ts';
import { formatIssue } from '../config/issues.ts';
import { loadConfig } from '../config/load.ts';
import type { LoadOptions } from '../config/load.ts';
import { ConfigError } from '../errors.ts';

export function loadOrExplain(configPath: string, env: NodeJS.ProcessEnv, options: LoadOptions = {}): Config {
  const result = loadConfig(configPath, env, options);
  if (result.ok) return result.config;
  const lines = result.issues.map(formatIssue);
  const count = result.issues.length;
  throw new ConfigError(lines, `agent-log-exporter: ${count} problem${count === 1 ? '' : 's'} in ${configPath}; nothing was started.`);
}
