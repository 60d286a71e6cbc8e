/**
 * Severity: the stream's default, then a level found in the text wins (DESIGN §4.3).
 * `stream: stderr` does not mean error — uvicorn writes `INFO:` lines there.
 */

export interface Severity {
  number: number;
  text: string;
}

const LEVELS: Record<string, Severity> = {
  TRACE: { number: 1, text: 'TRACE' },
  DEBUG: { number: 5, text: 'DEBUG' },
  INFO: { number: 9, text: 'INFO' },
  NOTICE: { number: 9, text: 'NOTICE' },
  WARN: { number: 13, text: 'WARN' },
  WARNING: { number: 13, text: 'WARNING' },
  ERROR: { number: 17, text: 'ERROR' },
  ERR: { number: 17, text: 'ERR' },
  CRITICAL: { number: 21, text: 'CRITICAL' },
  FATAL: { number: 21, text: 'FATAL' },
  PANIC: { number: 21, text: 'PANIC' },
};

export const UNSPECIFIED: Severity = { number: 0, text: '' };

/** A level name (any case) to its severity, or undefined when it is not one. */
export function severityOf(name: string): Severity | undefined {
  return LEVELS[name.toUpperCase()];
}

const NAMES = 'TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|ERR|CRITICAL|FATAL|PANIC';
// A level word at the start, optionally after a timestamp, bracketed or followed by `:`, ` -`, `|`
// or `]`: `INFO:`, `[WARN]`, `ERROR - x`, `2026-03-10 09:33:17,121 WARNING:root:x`, `E|`… not `Error handling`.
const LEADING = new RegExp(
  `^\\s*(?:[\\d\\-/T:.,Z+ ]{8,32}\\s+)?(?:\\[(${NAMES})\\]|(${NAMES})(?=\\s*[:|\\]]|\\s+-\\s))`,
  'i',
);
const LOGFMT = new RegExp(`(?:^|\\s)(?:level|lvl|severity)=["']?(${NAMES})\\b`, 'i');
const TRACEBACK = 'Traceback (most recent call last):';

/** The level stated in a JSON body (`level`, `severity`, `levelname`), if the body is JSON. */
function levelFromJson(text: string): Severity | undefined {
  if (text.charCodeAt(0) !== 123 /* { */ || text.charCodeAt(text.length - 1) !== 125 /* } */) return undefined;
  try {
    const value = JSON.parse(text) as unknown;
    if (value === null || typeof value !== 'object') return undefined;
    const obj = value as Record<string, unknown>;
    for (const key of ['level', 'severity', 'levelname', 'log.level']) {
      const v = obj[key];
      if (typeof v === 'string') {
        const found = severityOf(v);
        if (found) return found;
      }
    }
  } catch {
    // not JSON after all: no level from it
  }
  return undefined;
}

/** The level a human would read in this text, if any. */
export function detectSeverity(text: string): Severity | undefined {
  const leading = LEADING.exec(text);
  if (leading) return severityOf((leading[1] ?? leading[2])!);
  const json = levelFromJson(text);
  if (json) return json;
  // Most lines hold no `=`: one scan for it is cheaper than the unanchored pattern's.
  const logfmt = text.includes('=') ? LOGFMT.exec(text) : null;
  if (logfmt) return severityOf(logfmt[1]!);
  if (text.includes(TRACEBACK)) return LEVELS.ERROR;
  return undefined;
}
