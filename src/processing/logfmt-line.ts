/**
 * A logfmt line (`level=info msg="request done" status=200`) as keys and values (DESIGN §4.5
 * step 2). Only a line made entirely of two or more `key=value` pairs counts: text with a `=`
 * somewhere (a URL query, an assignment in a sentence) stays text.
 */
import type { AttributeValue } from '../sources/types.ts';

const SPACE = 32;
const QUOTE = 34;
const EQUALS = 61;
const BACKSLASH = 92;

const isSpace = (c: number): boolean => c === SPACE || c === 9;

/** The pairs of `text` when the whole line is logfmt, else undefined. Values stay strings. */
export function logfmtFields(text: string): Map<string, AttributeValue> | undefined {
  if (!text.includes('=')) return undefined;
  const fields = new Map<string, AttributeValue>();
  const n = text.length;
  let pos = 0;
  for (;;) {
    while (pos < n && isSpace(text.charCodeAt(pos))) pos++;
    if (pos >= n) break;
    const keyStart = pos;
    while (pos < n) {
      const c = text.charCodeAt(pos);
      if (c === EQUALS || isSpace(c) || c === QUOTE) break;
      pos++;
    }
    if (pos === keyStart || pos >= n || text.charCodeAt(pos) !== EQUALS) return undefined;
    const key = text.slice(keyStart, pos);
    pos++;
    let value: string;
    if (pos < n && text.charCodeAt(pos) === QUOTE) {
      pos++;
      let out = '';
      let from = pos;
      for (;;) {
        if (pos >= n) return undefined; // unterminated quote
        const c = text.charCodeAt(pos);
        if (c === QUOTE) break;
        if (c === BACKSLASH && pos + 1 < n) {
          out += text.slice(from, pos);
          const e = text[pos + 1];
          out += e === 'n' ? '\n' : e === 't' ? '\t' : e === 'r' ? '\r' : e;
          pos += 2;
          from = pos;
          continue;
        }
        pos++;
      }
      value = out + text.slice(from, pos);
      pos++;
      if (pos < n && !isSpace(text.charCodeAt(pos))) return undefined;
    } else {
      const start = pos;
      while (pos < n && !isSpace(text.charCodeAt(pos))) {
        if (text.charCodeAt(pos) === QUOTE) return undefined;
        pos++;
      }
      value = text.slice(start, pos);
    }
    fields.set(key, value);
  }
  return fields.size >= 2 ? fields : undefined;
}
