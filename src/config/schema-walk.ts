// Looks up the part of the zod schema that a data path refers to, so issues can name the keys
// allowed there, the field's hint, and whether the field holds a secret.
import type { z } from 'zod';
import type { PathSegment } from './path.ts';
import { fieldInfo, type FieldInfo } from './fields.ts';

type Schema = z.core.$ZodType;

// Only the parts of zod's internal definitions that a walk needs.
export interface Def {
  type: string;
  innerType?: Schema;
  in?: Schema;
  out?: Schema;
  element?: Schema;
  shape?: Record<string, Schema>;
  options?: Schema[];
  valueType?: Schema;
  discriminator?: string;
  values?: unknown[];
}

export const defOf = (s: Schema): Def => s._zod.def;

/** The schema with everything it wraps (default, optional, pipe…), outermost first. */
export function unwrap(schema: Schema): Schema[] {
  const out: Schema[] = [];
  const queue = [schema];
  for (let s = queue.shift(); s; s = queue.shift()) {
    out.push(s);
    const def = defOf(s);
    if (def.innerType) queue.push(def.innerType);
    if (def.type === 'pipe' && def.in && def.out) queue.push(def.in, def.out);
  }
  return out;
}

const field = (data: unknown, seg: PathSegment): unknown =>
  typeof data === 'object' && data !== null ? (data as Record<PathSegment, unknown>)[seg] : undefined;

/** The option of a discriminated union that `data` selects, by its discriminator value. */
function option(def: Def, data: unknown): Schema | undefined {
  const wanted = field(data, def.discriminator ?? '');
  return def.options?.find((o) =>
    unwrap(o).some((s) => {
      const d = defOf(s).shape?.[def.discriminator ?? ''];
      return d !== undefined && unwrap(d).some((l) => defOf(l).values?.includes(wanted));
    }),
  );
}

/** Every schema that describes the value at `path` of `data`, wrappers included. */
export function schemasAt(root: Schema, path: readonly PathSegment[], data: unknown): Schema[] {
  let current = unwrap(root);
  let value = data;
  for (const seg of path) {
    const next: Schema[] = [];
    const visit = (schemas: Schema[]): void => {
      for (const s of schemas) {
        const def = defOf(s);
        if (def.type === 'object' && typeof seg === 'string' && def.shape?.[seg]) next.push(def.shape[seg]);
        else if (def.type === 'record' && typeof seg === 'string' && def.valueType) next.push(def.valueType);
        else if (def.type === 'array' && typeof seg === 'number' && def.element) next.push(def.element);
        else if (def.type === 'union' && def.discriminator) {
          const chosen = option(def, value);
          if (chosen) visit(unwrap(chosen));
        }
      }
    };
    visit(current);
    current = next.flatMap(unwrap);
    value = field(value, seg);
  }
  // A discriminated union at the end: the chosen option describes the value best.
  for (const s of [...current]) {
    const def = defOf(s);
    if (def.type === 'union' && def.discriminator) {
      const chosen = option(def, value);
      if (chosen) current.push(...unwrap(chosen));
    }
  }
  return current;
}

/** The keys an object at `path` may have, or undefined when it is not an object. */
export function allowedKeys(root: Schema, path: readonly PathSegment[], data: unknown): string[] | undefined {
  const obj = schemasAt(root, path, data).find((s) => defOf(s).type === 'object');
  return obj ? Object.keys(defOf(obj).shape ?? {}) : undefined;
}

/** The `type` values of the union at `path` whose objects have `key` (for "belongs to type X" hints). */
export function typesWithKey(root: Schema, path: readonly PathSegment[], data: unknown, key: string): string[] {
  const union = schemasAt(root, path, data).find((s) => defOf(s).type === 'union' && defOf(s).discriminator);
  if (!union) return [];
  const def = defOf(union);
  const out: string[] = [];
  for (const o of def.options ?? []) {
    const obj = unwrap(o).find((s) => defOf(s).type === 'object');
    const shape = obj ? defOf(obj).shape : undefined;
    const disc = shape?.[def.discriminator ?? ''];
    const value = disc ? unwrap(disc).flatMap((l) => defOf(l).values ?? [])[0] : undefined;
    if (shape && key in shape && typeof value === 'string') out.push(value);
  }
  return out;
}

/** The field facts registered on any schema at `path`, the outermost first. */
export function infoAt(root: Schema, path: readonly PathSegment[], data: unknown): FieldInfo {
  const info: FieldInfo = {};
  for (const s of schemasAt(root, path, data)) {
    const meta = fieldInfo.get(s);
    info.hint ??= meta?.hint;
    info.typeHint ??= meta?.typeHint;
    info.secret ||= meta?.secret === true;
  }
  return info;
}

/** A path pattern: an object key, `*` for any key of a record, `#` for any list index. */
export type PathPattern = readonly string[];

/**
 * The path patterns of every field whose registered facts pass `test`, e.g. the secrets:
 * `['sources', '#', 'auth', 'token']`, `['exporter', 'headers', '*']`. Every option of a union is
 * visited, so a pattern holds for any platform that has the key.
 */
export function fieldPatterns(root: Schema, test: (info: FieldInfo) => boolean): PathPattern[] {
  const out = new Map<string, PathPattern>();
  const visit = (schema: Schema, path: string[], seen: Set<Schema>): void => {
    if (seen.has(schema)) return;
    const here = new Set(seen).add(schema);
    for (const s of unwrap(schema)) {
      const info = fieldInfo.get(s);
      if (info && test(info) && path.length > 0) out.set(path.join('\0'), path);
      const def = defOf(s);
      if (def.type === 'object') for (const [key, child] of Object.entries(def.shape ?? {})) visit(child, [...path, key], here);
      else if (def.type === 'record' && def.valueType) visit(def.valueType, [...path, '*'], here);
      else if (def.type === 'array' && def.element) visit(def.element, [...path, '#'], here);
      else if (def.type === 'union') for (const o of def.options ?? []) visit(o, path, here);
    }
  };
  visit(root, [], new Set());
  return [...out.values()];
}

/** True when `path` matches `pattern` (`*` any key, `#` any index). */
export function matchesPattern(pattern: PathPattern, path: readonly PathSegment[]): boolean {
  return (
    pattern.length === path.length &&
    pattern.every((p, i) => {
      const seg = path[i];
      if (p === '#') return typeof seg === 'number';
      if (p === '*') return typeof seg === 'string';
      return p === seg;
    })
  );
}
