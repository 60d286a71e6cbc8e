/**
 * What `validate` and `run` check after the schema, before anything connects: every source can
 * be built as configured (source and auth types available in this build), and the files the
 * config names can be read. Reported through the loader, so each problem has its FILE:LINE:COL
 * like any other, and `validate` never says OK to a config that `run` refuses.
 */
import { accessSync, constants } from 'node:fs';
import type { PathSegment } from '../config/env-substitution.ts';
import type { Config } from '../config/schema.ts';
import { createSource } from '../sources/registry.ts';
import { Events } from '../telemetry/events.ts';
import { silentLogger } from '../telemetry/logger.ts';

export interface PreflightIssue {
  path: PathSegment[];
  message: string;
  hint: string;
}

export function preflight(config: Config): PreflightIssue[] {
  const issues: PreflightIssue[] = [];
  const logger = silentLogger();
  config.sources.forEach((source, i) => {
    try {
      createSource(source, { logger, events: new Events(logger) });
    } catch (error) {
      issues.push({ path: ['sources', i], message: (error as Error).message, hint: 'check the source keys' });
    }
  });
  const tls = config.exporter.tls;
  for (const [key, file] of [['ca_file', tls.ca_file], ['cert_file', tls.cert_file], ['key_file', tls.key_file]] as const) {
    if (!file) continue;
    try {
      accessSync(file, constants.R_OK);
    } catch (error) {
      const code = (error as { code?: string }).code ?? 'unreadable';
      issues.push({ path: ['exporter', 'tls', key], message: `cannot read "${file}" (${code})`, hint: "check the path and the file's permissions for the daemon user" });
    }
  }
  return issues;
}
