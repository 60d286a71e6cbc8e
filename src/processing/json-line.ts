/**
 * A body that is one JSON object, as flat keys (DESIGN §4.5 step 2): nested objects flattened
 * with `.` down to depth 8 (deeper values as JSON text), arrays as JSON text, nulls left out.
 */
import type { AttributeValue } from '../sources/types.ts';
import { MAX_ATTRIBUTES } from './structured-fields.ts';

const MAX_DEPTH = 8;
/** Keys collected before the attribute bound: room for the lifted ones (message, level, trace). */
const MAX_KEYS = MAX_ATTRIBUTES + 16;

/** The flat keys of `text` when it is a JSON object, else undefined. */
export function jsonFields(text: string): Map<string, AttributeValue> | undefined {
  let first = 0;
  let last = text.length - 1;
  while (first <= last && text.charCodeAt(first) <= 32) first++;
  while (last > first && text.charCodeAt(last) <= 32) last--;
  if (text.charCodeAt(first) !== 123 /* { */ || text.charCodeAt(last) !== 125 /* } */) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const fields = new Map<string, AttributeValue>();
  flatten(value as Record<string, unknown>, '', 1, fields);
  return fields;
}

function flatten(obj: Record<string, unknown>, prefix: string, depth: number, into: Map<string, AttributeValue>): void {
  for (const key in obj) {
    if (into.size >= MAX_KEYS) return;
    const value = obj[key];
    const name = prefix + key;
    if (value === null || value === undefined) continue;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') into.set(name, value);
    else if (Array.isArray(value) || depth >= MAX_DEPTH) into.set(name, JSON.stringify(value));
    else flatten(value as Record<string, unknown>, `${name}.`, depth + 1, into);
  }
}
