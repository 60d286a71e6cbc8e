// The config module's public surface; everything else in src/config is an implementation detail.
export { loadConfig, parseConfigText, type LoadResult } from './load.ts';
export { formatIssue, type ConfigIssue } from './issues.ts';
export { collectSecretValues, redactText } from './redact.ts';
export { parseDuration, parseSize } from './units.ts';
export type {
  AgentboxSourceConfig,
  Config,
  DaytonaSourceConfig,
  ExporterConfig,
  FoundrySourceConfig,
  Hill90SourceConfig,
  SeverityConfig,
  SourceConfig,
} from './schema.ts';
