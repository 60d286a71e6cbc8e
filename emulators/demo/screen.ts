/**
 * How the live summary reaches the terminal. On a TTY it is a block of lines redrawn in place
 * (cursor up, clear, draw; every line cut to the terminal width so nothing wraps and the block
 * height stays right). Elsewhere (a pipe, a CI log) it is one plain line a second, and the
 * full table once at the end.
 */
import type { Palette } from '../../src/cli/tail/colors.ts';
import { severityName, visible } from '../../src/cli/tail/format-text.ts';
import type { SourceFigures } from './summary.ts';

export interface Screen {
  /** The figures now: the TTY redraws (with `note` under the table), a pipe gets one line a second. */
  update(rows: readonly SourceFigures[], elapsedMs: number, note: string): void;
  /** The final figures, left on screen (or printed once, on a pipe). */
  finish(rows: readonly SourceFigures[], note: string): void;
}

export interface ScreenOptions {
  write(text: string): void;
  tty: boolean;
  palette: Palette;
  /** Terminal width (TTY). */
  columns: number;
}

function streamsText(r: SourceFigures): string {
  const parts = [`${r.live} live`];
  if (r.done > 0) parts.push(`${r.done} done`);
  if (r.waiting > 0) parts.push(`${r.waiting} waiting`);
  return r.live + r.done + r.waiting === 0 ? 'discovering' : parts.join(', ');
}

/** The per-source table: header and one row per source, each at most `width` visible characters. */
export function summaryTable(rows: readonly SourceFigures[], palette: Palette, width = Infinity): string[] {
  const nameWidth = Math.max(6, ...rows.map((r) => r.name.length));
  const streamWidth = Math.max(7, ...rows.map((r) => streamsText(r).length));
  const head = `  ${'source'.padEnd(nameWidth)}  ${'platform'.padEnd(8)}  ${'streams'.padEnd(streamWidth)}  ${'records'.padStart(7)}  ${'rec/s'.padStart(5)}  last record`;
  const lines = [palette.dim(clipTo(head, width))];
  for (const r of rows) {
    const fixed = `  ${r.name.padEnd(nameWidth)}  ${r.platform.padEnd(8)}  ${streamsText(r).padEnd(streamWidth)}  ${String(r.records).padStart(7)}  ${String(r.perSecond).padStart(5)}  `;
    if (!r.last) {
      lines.push(clipTo(fixed + '-', width));
      continue;
    }
    const severity = severityName(r.last.severityText, r.last.severityNumber).padEnd(7);
    const body = clipTo(visible(r.last.body), width - fixed.length - severity.length - 1);
    lines.push(`${fixed}${palette.severity(severity, r.last.severityNumber)} ${body}`.trimEnd());
  }
  return lines;
}

function clipTo(text: string, width: number): string {
  if (text.length <= width) return text;
  return width <= 1 ? '' : `${text.slice(0, width - 1)}…`;
}

function plainLine(rows: readonly SourceFigures[], elapsedMs: number): string {
  const rate = rows.reduce((n, r) => n + r.perSecond, 0);
  return `  ${`${Math.round(elapsedMs / 1000)}s`.padStart(4)}  ${rows.map((r) => `${r.name} ${r.records}`).join(' · ')}   (${rate} records/s)`;
}

export function createScreen(o: ScreenOptions): Screen {
  let drawn = 0;
  let lastPlain = 0;
  const draw = (rows: readonly SourceFigures[], status: string): void => {
    const width = Math.max(20, o.columns - 1);
    const lines = [...summaryTable(rows, o.palette, width), `  ${clipTo(status, width - 2)}`];
    // Up to the block's first line, then each line cleared and drawn, then clear what is below.
    let text = drawn > 0 ? `\x1b[${drawn}F` : '';
    for (const line of lines) text += `\x1b[2K${line}\n`;
    o.write(text + '\x1b[J');
    drawn = lines.length;
  };
  return {
    update(rows, elapsedMs, note) {
      if (o.tty) return draw(rows, `${(elapsedMs / 1000).toFixed(1)}s  ${note}`);
      if (elapsedMs - lastPlain < 950) return;
      lastPlain = elapsedMs;
      o.write(plainLine(rows, elapsedMs) + '\n');
    },
    finish(rows, note) {
      if (o.tty) return draw(rows, note);
      o.write(`${summaryTable(rows, o.palette).join('\n')}\n  ${note}\n`);
    },
  };
}
