/**
 * What `validate` and `run` check after the schema, before anything connects: every source can
 * be built as configured (auth types available), and the files the config names can be read.
 * One list of problems, so `validate` never says OK to a config that `run` refuses.
 */
import { accessSync, constants } from 'node:fs';
import type { Config } from '../config/schema.ts';
import { createSource } from '../sources/registry.ts';
import { Events } from '../telemetry/events.ts';
import { silentLogger } from '../telemetry/logger.ts';

export function preflight(config: Config, configPath: string): string[] {
  const problems: string[] = [];
  const logger = silentLogger();
  for (const source of config.sources) {
    try {
      createSource(source, { logger, events: new Events(logger) });
    } catch (error) {
      problems.push(`${configPath}: ${(error as Error).message}`);
    }
  }
  const tls = config.exporter.tls;
  for (const [key, file] of [['ca_file', tls.ca_file], ['cert_file', tls.cert_file], ['key_file', tls.key_file]] as const) {
    if (!file) continue;
    try {
      accessSync(file, constants.R_OK);
    } catch (error) {
      const code = (error as { code?: string }).code ?? 'unreadable';
      problems.push(`${configPath}: exporter.tls.${key}: cannot read "${file}" (${code}); check the path and the file's permissions`);
    }
  }
  return problems;
}
