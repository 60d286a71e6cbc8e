// Deterministic, realistic console output of a hosted agent, including the hard
// cases for a timestamp cursor: lines sharing one millisecond, and identical
// lines at the same millisecond (distinct entries that must both be delivered).
import { formatTimestamp } from './frames.ts';

export interface GeneratedLine {
  timestamp: string;
  stream: 'stdout' | 'stderr';
  message: string;
}

export interface GenerateLinesOptions {
  /** First timestamp. Default 2026-03-10T10:00:00.000Z. */
  start?: string | Date | number;
  /** Milliseconds between consecutive lines. Default 7. */
  stepMs?: number;
  /**
   * Every Nth line reuses the previous line's timestamp, and every 2Nth line is
   * also an exact copy of the previous line. Default 5; 0 turns both off.
   */
  sameTimestampEvery?: number;
}

type Template = (i: number) => Omit<GeneratedLine, 'timestamp'>;

const TEMPLATES: readonly Template[] = [
  (i) => ({ stream: 'stdout', message: `Processing request req-${String(i).padStart(5, '0')} for conversation conv_${(i * 2654435761 % 4294967296).toString(16)}` }),
  (i) => ({ stream: 'stderr', message: `INFO:     127.0.0.1:${50000 + ((i * 37) % 10000)} - "POST /responses HTTP/1.1" 200 OK` }),
  (i) => ({ stream: 'stdout', message: `Tool call: search_docs(query="quarterly report ${i}")` }),
  (i) => ({ stream: 'stderr', message: `WARNING: Rate limit approaching for deployment gpt-4o (remaining=${1000 - (i % 1000)})` }),
  (i) => ({ stream: 'stdout', message: `Agent step ${i}: model responded in ${((i * 13) % 900) + 100} ms` }),
  // Multi-byte UTF-8, so bytewise chunking splits characters.
  (i) => ({ stream: 'stdout', message: `Résumé généré ✓ — ${i} pages, 東京 📄` }),
  // Quotes and backslashes, so the JSON in `data:` carries escapes.
  (i) => ({ stream: 'stdout', message: `Wrote file C:\\agent\\out-${i}.json with "status": "ok"` }),
  (i) => ({ stream: 'stderr', message: `ERROR: Tool invocation failed: TimeoutError after 30s (attempt ${(i % 3) + 1}/3)` }),
];

export function generateLines(n: number, opts: GenerateLinesOptions = {}): GeneratedLine[] {
  const step = opts.stepMs ?? 7;
  const every = opts.sameTimestampEvery ?? 5;
  let time = typeof opts.start === 'number' ? opts.start : Date.parse(formatTimestamp(opts.start ?? '2026-03-10T10:00:00.000Z'));
  const lines: GeneratedLine[] = [];
  for (let i = 0; i < n; i++) {
    const previous = lines[i - 1];
    const sharesMs = previous !== undefined && every > 0 && i % every === 0;
    if (previous !== undefined && !sharesMs) time += step;
    const timestamp = new Date(time).toISOString();
    if (previous !== undefined && sharesMs && i % (2 * every) === 0) {
      lines.push({ ...previous, timestamp });
      continue;
    }
    const template = TEMPLATES[i % TEMPLATES.length] as Template;
    lines.push({ timestamp, ...template(i) });
  }
  return lines;
}
