// Finds where a key path lives in the parsed YAML, so every issue points at the line to edit.
import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type Node } from 'yaml';
import type { PathSegment } from './env-substitution.ts';

/**
 * What to point at: the key itself (unknown keys, cross-field rules), the value (wrong values;
 * falls back to the key when there is no value to see), or the object that lacks the key.
 */
export type Anchor = 'key' | 'value' | 'parent';

interface Found {
  node: Node | null;
  key: Node | null;
  /** How many path segments exist in the document; node and key are the deepest that does. */
  depth: number;
}

const startOf = (node: Node | null): number | undefined => node?.range?.[0];

function deref(doc: Document, node: unknown): Node | null {
  if (isAlias(node)) return (node.resolve(doc) as Node | undefined) ?? null;
  return (node as Node | null) ?? null;
}

function find(doc: Document, path: readonly PathSegment[]): Found {
  let node = deref(doc, doc.contents);
  let key: Node | null = null;
  let depth = 0;
  for (const seg of path) {
    let next: Node | null;
    let nextKey: Node | null = null;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) break;
      next = deref(doc, pair.value);
      nextKey = pair.key as Node;
    } else if (isSeq(node) && typeof seg === 'number' && seg < node.items.length) {
      next = deref(doc, node.items[seg]);
    } else {
      break;
    }
    node = next;
    key = nextKey;
    depth++;
  }
  return { node, key, depth };
}

/** The offset to report for `path`; missing keys resolve to the closest existing parent. */
export function offsetOf(doc: Document, path: readonly PathSegment[], anchor: Anchor): number {
  const found = find(doc, path);
  const missing = found.depth < path.length;
  if (missing || anchor === 'parent') {
    // The parent of a missing key: its own key line (`exporter:`) reads better than its first child.
    const target = missing ? found : find(doc, path.slice(0, -1));
    return startOf(target.key) ?? startOf(target.node) ?? 0;
  }
  if (anchor === 'value' && found.node && !(isScalar(found.node) && found.node.value === null)) {
    return startOf(found.node) ?? startOf(found.key) ?? 0;
  }
  return startOf(found.key) ?? startOf(found.node) ?? 0;
}

/** The key path of the innermost node around `offset` (for YAML syntax errors). */
export function pathAt(doc: Document, offset: number): PathSegment[] {
  const path: PathSegment[] = [];
  let node: unknown = doc.contents;
  for (;;) {
    const inside = (n: unknown): boolean => {
      const range = (n as Node | null)?.range;
      return !!range && range[0] <= offset && offset < range[1];
    };
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && (inside(p.key) || inside(p.value)));
      if (!pair || !isScalar(pair.key)) return path;
      path.push(String(pair.key.value));
      node = pair.value;
    } else if (isSeq(node)) {
      const i = node.items.findIndex(inside);
      if (i < 0) return path;
      path.push(i);
      node = node.items[i];
    } else {
      return path;
    }
  }
}
