/**
 * `max_body_bytes` (DESIGN §4.5 step 5): a longer body is cut at a UTF-8 character boundary,
 * never inside a character, and the record keeps the size it had.
 */
import type { LogEntry } from '../sources/types.ts';

export const ORIGINAL_SIZE_ATTRIBUTE = 'agent_log_exporter.body.original_size';

/** The longest prefix of `text` that is at most `maxBytes` of UTF-8, or undefined when all of it fits. */
export function cutUtf8(text: string, maxBytes: number): { text: string; originalBytes: number } | undefined {
  // Fewer UTF-16 units than maxBytes / 3 can never exceed it: most bodies stop here.
  if (text.length * 3 <= maxBytes) return undefined;
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return undefined;
  let end = maxBytes;
  // Step back over continuation bytes (10xxxxxx) to the start of the character that did not fit.
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return { text: bytes.toString('utf8', 0, end), originalBytes: bytes.length };
}

/** The entry with its body cut to `maxBytes`, or the entry itself when it fits. */
export function limitBody(entry: LogEntry, maxBytes: number): LogEntry {
  const cut = cutUtf8(entry.body, maxBytes);
  if (cut === undefined) return entry;
  return { ...entry, body: cut.text, attributes: { ...entry.attributes, [ORIGINAL_SIZE_ATTRIBUTE]: cut.originalBytes } };
}
