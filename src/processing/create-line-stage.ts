/**
 * The processing stage of one stream (DESIGN §4.5), built from a source's settings: multiline
 * grouping when it is on, then parse, redact, drop and max_body_bytes on every record.
 */
import type { SourceConfig } from '../config/schema.ts';
import type { Events } from '../telemetry/events.ts';
import type { ProcessingSettings } from './config-schema.ts';
import { createGroupingStage } from './grouping-stage.ts';
import { createPassThroughStage, type LineStage } from './line-stage.ts';
import { autoRule, startRule } from './multiline-rules.ts';
import { createRecordSteps, type StepCounts } from './record-steps.ts';
import { processingOf } from './source-settings.ts';

export interface LineStageOptions {
  settings: ProcessingSettings;
  /** The source's severity rules (`drop.below` judges the severity the record is exported with). */
  severity: { stdout: string; stderr: string; detect: boolean };
  /**
   * Where the stage counts what it does: records with a secret replaced
   * (`agentlog_records_redacted_total{source}`) and records dropped by `drop`
   * (`agentlog_records_skipped_total{source,reason="filtered"}`, the outputs whose entry is
   * undefined: a follower does not count those again). Omitted: nothing is counted.
   */
  counts?: { source: string; events: Events };
}

const AUTO_LIMITS = { maxLines: 1000, maxBytes: 256 * 1024, timeoutMs: 500 };

export function createLineStage(options: LineStageOptions): LineStage {
  return lineStageFactory(options)();
}

/**
 * Stages for the streams of one source. The record steps (parse, redact, drop, body limit) keep no
 * state between records, so every stream shares one set: the redaction patterns alone were
 * ~0.7 KB of strings and compiled expressions per stream, 7 MB over 10 000 sessions (issue 14).
 * A grouping stage holds a stream's open group, so each stream gets its own.
 */
export function lineStageFactory(options: LineStageOptions): () => LineStage {
  const { settings, counts } = options;
  const stepCounts: StepCounts | undefined = counts && {
    redacted: () => counts.events.recordsRedacted(counts.source, 1),
    filtered: () => counts.events.recordsSkipped(counts.source, 'filtered', 1),
  };
  const steps = createRecordSteps({ settings, severity: options.severity, counts: stepCounts });
  const multiline = settings.multiline;
  if (multiline === 'none') {
    return () => ({ ...createPassThroughStage(), push: (seq, entry) => [{ firstSeq: seq, lastSeq: seq, entry: steps(entry) }] });
  }
  if (multiline === 'auto') return () => createGroupingStage(autoRule, AUTO_LIMITS, steps);
  const limits = { maxLines: multiline.max_lines, maxBytes: multiline.max_bytes, timeoutMs: multiline.timeout };
  const rule = multiline.start === undefined ? autoRule : startRule(new RegExp(multiline.start));
  return () => createGroupingStage(rule, limits, steps);
}

/**
 * The stages of a source's streams: line-based platforms get the source's processing;
 * Hill90 delivers typed events, not lines, and passes through unchanged.
 */
export function lineStagesFor(source: SourceConfig, events?: Events): () => LineStage {
  if (source.type === 'hill90') return createPassThroughStage;
  return lineStageFactory({ settings: processingOf(source), severity: source.severity, counts: events && { source: source.name, events } });
}
