/**
 * Each source's effective processing settings. The loader folds the top-level `processing:`
 * block into every source's own (`withSourceProcessing`), so a source config carries everything
 * its streams need, and a change of the top-level block restarts the sources it changes on reload.
 */
import type { ParsedConfig, SourceConfig } from '../config/schema.ts';
import { DEFAULT_PROCESSING, resolveProcessing, type ProcessingSettings } from './config-schema.ts';

/**
 * The config with every line-based source's `processing` made complete: the top-level keys,
 * replaced by the source's own. Hill90 delivers events, not lines: it has no processing.
 */
export function withSourceProcessing<C extends Pick<ParsedConfig, 'processing' | 'sources'>>(config: C): C {
  const sources = config.sources.map((s) => (s.type === 'hill90' ? s : { ...s, processing: resolveProcessing(config.processing, s.processing) }));
  return { ...config, sources };
}

/** A source's settings (complete after loading; a hand-built source config gets the defaults for what it leaves out). */
export function processingOf(source: Pick<SourceConfig, 'processing'>): ProcessingSettings {
  return resolveProcessing(DEFAULT_PROCESSING, source.processing);
}
