/**
 * The demo's view of the processing stage (DESIGN §4.5), from the records the receiver decoded:
 * one record merged from several lines (a traceback), one with a trace id lifted from its JSON
 * line, one whose secret was redacted. Pure: records in, lines of text out.
 */
import type { ReceivedLogRecord } from '../otlp-receiver.ts';
import type { Palette } from '../../src/cli/tail/colors.ts';
import { streamOf } from './report.ts';

const WIDTH = 72;

const bodyOf = (r: ReceivedLogRecord): string => (typeof r.body === 'string' ? r.body : JSON.stringify(r.body));
const clip = (text: string): string => (text.length > WIDTH ? `${text.slice(0, WIDTH - 1)}…` : text);
const labelOf = (r: ReceivedLogRecord): string => `${String(r.resource['service.name'])}/${streamOf(r)}`;
const records = (n: number): string => `${n} record${n === 1 ? '' : 's'}`;

/** What processing did, with one example of each; empty when the run shows none of it. */
export function processingReport(decoded: readonly ReceivedLogRecord[], palette: Palette): string[] {
  const merged = decoded.filter((r) => bodyOf(r).includes('\n'));
  const traced = decoded.filter((r) => r.traceId !== undefined);
  const redacted = decoded.filter((r) => bodyOf(r).includes('[REDACTED]'));
  if (merged.length + traced.length + redacted.length === 0) return [];
  const lines = ['what processing did (multiline, parse, redact):'];
  const first = merged[0];
  if (first) {
    const body = bodyOf(first).split('\n');
    lines.push(`  merged    ${records(merged.length)} joined from several lines, e.g. ${labelOf(first)} ${first.severityText}, ${body.length} lines:`);
    lines.push(`            ${palette.dim(clip(`${body[0]} … ${body.at(-1)}`))}`);
  }
  const trace = traced[0];
  if (trace) {
    lines.push(`  trace id  ${records(traced.length)} linked to a trace, e.g. ${labelOf(trace)} "${clip(bodyOf(trace))}"`);
    lines.push(`            ${palette.dim(`trace_id=${trace.traceId} span_id=${trace.spanId ?? '-'}`)}`);
  }
  const secret = redacted[0];
  if (secret) {
    lines.push(`  redacted  ${records(redacted.length)} with a secret replaced, e.g. ${labelOf(secret)}:`);
    const body = bodyOf(secret);
    const at = Math.max(0, body.indexOf('[REDACTED]') - 40);
    lines.push(`            ${palette.dim(clip(`${at > 0 ? '…' : ''}${body.slice(at)}`))}`);
  }
  return lines;
}
