/**
 * Steps 2-5 of DESIGN §4.5 on one complete record (its lines already joined): parse, redact,
 * drop, max_body_bytes, in this order. The input entry is never changed: a step that changes
 * something makes a new one.
 */
import type { Attributes, LogEntry } from '../sources/types.ts';
import { createEntryFields } from '../mapping/entry-fields.ts';
import { severityOf } from '../mapping/severity.ts';
import type { ProcessingSettings } from './config-schema.ts';
import { jsonFields } from './json-line.ts';
import { logfmtFields } from './logfmt-line.ts';
import { structure } from './structured-fields.ts';
import { createRedactor } from './redactor.ts';
import { limitBody } from './body-limit.ts';

export interface StepCounts {
  /** A record had at least one secret replaced. */
  redacted(): void;
  /** A record was dropped by `drop`. */
  filtered(): void;
}

export interface RecordStepsOptions {
  settings: ProcessingSettings;
  /** The source's severity rules: `drop.below` judges the severity the record will be exported with. */
  severity: { stdout: string; stderr: string; detect: boolean };
  counts?: StepCounts;
}

/** The record after steps 2-5, or undefined when `drop` filtered it out. */
export type RecordSteps = (entry: LogEntry) => LogEntry | undefined;

export function createRecordSteps(options: RecordStepsOptions): RecordSteps {
  const { settings, counts } = options;
  const parse = parser(settings.parse);
  const redact = createRedactor(settings.redact);
  const below = settings.drop.below === null ? undefined : severityOf(settings.drop.below)?.number;
  const severity = below === undefined ? undefined : createEntryFields({ severity: options.severity, attributes: {} });
  const matching = settings.drop.matching.map((source) => new RegExp(source));
  const maxBytes = settings.max_body_bytes;

  return (input) => {
    let entry = parse ? parse(input) : input;
    if (redact) {
      const body = redact(entry.body);
      let attributes: Attributes | undefined;
      const own = entry.attributes;
      if (own) {
        for (const key in own) {
          const value = own[key];
          if (typeof value !== 'string') continue;
          const clean = redact(value);
          if (clean !== value) (attributes ??= { ...own })[key] = clean;
        }
      }
      if (body !== entry.body || attributes) {
        entry = { ...entry, body, attributes: attributes ?? own };
        counts?.redacted();
      }
    }
    if (severity !== undefined) {
      const n = severity.severityFor(entry).number;
      // A record without any severity is not "below" a level: it is kept.
      if (n !== 0 && n < below!) {
        counts?.filtered();
        return undefined;
      }
    }
    for (const re of matching) {
      if (re.test(entry.body)) {
        counts?.filtered();
        return undefined;
      }
    }
    return limitBody(entry, maxBytes);
  };
}

/** The parse step for a `parse` setting, or undefined for none. */
function parser(mode: ProcessingSettings['parse']): ((entry: LogEntry) => LogEntry) | undefined {
  if (mode === 'none') return undefined;
  const formats = mode === 'json' ? [jsonFields] : mode === 'logfmt' ? [logfmtFields] : [jsonFields, logfmtFields];
  return (entry) => {
    for (const fieldsOf of formats) {
      const fields = fieldsOf(entry.body);
      if (fields === undefined) continue;
      const found = structure(fields);
      const out: LogEntry = { ...entry, body: found.message ?? entry.body };
      if (found.level !== undefined) out.level = found.level;
      if (found.traceId !== undefined) {
        out.traceId = found.traceId;
        if (found.spanId !== undefined) out.spanId = found.spanId;
        if (found.traceFlags !== undefined) out.traceFlags = found.traceFlags;
      }
      // Platform attributes are never overridden by the line's own keys.
      out.attributes = entry.attributes ? { ...found.attributes, ...entry.attributes } : found.attributes;
      return out;
    }
    return entry;
  };
}
