/** A tail record as one output line: readable text, or OTLP/JSON (`--json`). */
import type { Palette } from './colors.ts';
import type { TailRecord } from './follow.ts';
import { formatJson } from './format-json.ts';
import { formatLine } from './format-text.ts';

const msOf = ([seconds, nanos]: [number, number]): number => seconds * 1000 + Math.floor(nanos / 1e6);

export function renderTailRecord(r: TailRecord, json: boolean, palette: Palette): string {
  if (json) return formatJson(r.record);
  const { record } = r;
  return formatLine(
    {
      timeMs: msOf(record.hrTime),
      observedMs: msOf(record.hrTimeObserved),
      label: r.stream,
      severityNumber: record.severityNumber ?? 0,
      severityText: record.severityText ?? '',
      body: typeof record.body === 'string' ? record.body : JSON.stringify(record.body),
    },
    palette,
  );
}
