/**
 * One mapped record as a line a person reads: `time  source/stream  SEVERITY  body`.
 * The time is the platform's (the receive time when the platform has none, e.g. Daytona),
 * local `HH:MM:SS.mmm`. Control characters in the body are shown escaped, so a record
 * can never move the cursor or recolour the terminal; the lines of a multi-line record (joined
 * by the processing stage) stand under each other.
 */
import type { Palette } from './colors.ts';

export interface LineFields {
  /** Platform time in ms, or undefined/0 when it has none. */
  timeMs: number | undefined;
  /** Receive time in ms, shown when the platform has no time. */
  observedMs: number;
  label: string;
  severityNumber: number;
  severityText: string;
  body: string;
}

/** Width of the severity column: the longest usual name (`WARNING`, `CRITICAL` pushes it). */
const SEVERITY_WIDTH = 7;

export function clockOf(ms: number): string {
  const d = new Date(ms);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

/** C0/C1 controls and DEL as visible escapes (`\x1b`), tabs kept. */
export function visible(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

export function severityName(text: string, number: number): string {
  if (text !== '') return text;
  return number === 0 ? '-' : String(number);
}

export function formatLine(f: LineFields, palette: Palette, labelWidth = 0): string {
  const time = clockOf(f.timeMs !== undefined && f.timeMs > 0 ? f.timeMs : f.observedMs);
  const severity = severityName(f.severityText, f.severityNumber).padEnd(SEVERITY_WIDTH);
  const label = f.label.padEnd(labelWidth);
  // A record merged from several lines (a stack trace) shows them under each other, below its body column.
  const indent = ' '.repeat(time.length + label.length + severity.length + 6);
  const body = f.body.includes('\n') ? f.body.split('\n').map(visible).join(`\n${indent}`) : visible(f.body);
  return `${palette.dim(time)}  ${palette.cyan(label)}  ${palette.severity(severity, f.severityNumber)}  ${body}`;
}
